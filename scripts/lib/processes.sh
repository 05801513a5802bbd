# shellcheck shell=bash
# processes.sh is sourced by scripts/stack.sh and scripts/scale-out.sh: it manages a set of
# local servers, each started in the background with a pid file and a log, and runs the shared
# servers of both topologies (Jaeger v2, Prometheus and versitygw, on their usual ports). A
# topology script sets, before calling procs_main:
#
#   PROCS_NAME         the prefix of its messages and its file name in scripts/ ("stack")
#   SERVERS            its servers in start order; down stops them in reverse
#   PROCS_ONE          1 to accept `start NAME` and `stop NAME` besides up|down|status|env
#   PROMETHEUS_CONFIG  Prometheus's config file, relative to the repository
#   OTLP_HTTP          the OTLP/HTTP address that `env` hands to programs
#
# and defines, for each of its own servers (those not shared):
#
#   own_program NAME   the name of the program's executable (prefix match on /proc/PID/exe)
#   own_address NAME   what status prints after the pid
#   own_ready NAME     succeeds once the server answers
#   own_start NAME     sets the arrays cmd (the command) and env (its environment)
#
# then calls: procs_main STATE_VARIABLE STATE_SUBDIR "$@". The state folder is
# $STATE_VARIABLE, default $OBSKIT_TOOLS_DIR/STATE_SUBDIR (OBSKIT_TOOLS_DIR's default
# ${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools); it holds <name>.pid and <name>.log.

JAEGER_OTLP_GRPC=127.0.0.1:14317
JAEGER_OTLP_HTTP=127.0.0.1:14318
JAEGER_QUERY=127.0.0.1:16686
JAEGER_QUERY_GRPC=127.0.0.1:16685
PROMETHEUS=127.0.0.1:9090
S3=127.0.0.1:7070
S3_BUCKET=obskit
S3_REGION=us-east-1

usage() {
	if ((PROCS_ONE)); then
		echo "usage: $0 up|down|status|env|stop NAME|start NAME   (NAME: ${SERVERS[*]})" >&2
	else
		echo "usage: $0 up|down|status|env" >&2
	fi
	exit 2
}

# tool NAME: the path of a program, or exits saying how to install it.
tool() {
	local path
	case $1 in
	prometheus) path=/usr/bin/prometheus ;;
	*) path=$BIN/$1 ;;
	esac
	if [[ ! -x $path ]]; then
		echo "$PROCS_NAME: $path is missing; install it with: scripts/install-tools.sh" >&2
		exit 1
	fi
	printf '%s\n' "$path"
}

program_of() {
	case $1 in
	jaeger | prometheus | versitygw) echo "$1" ;;
	*) own_program "$1" ;;
	esac
}

# pid_of NAME: the pid of the server if its pid file names a live process running the
# expected program (a recycled pid is not ours), else nothing.
pid_of() {
	local file=$DIR/$1.pid pid exe
	[[ -f $file ]] || return 0
	pid=$(<"$file")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
	if [[ -n $exe && ${exe##*/} == "$(program_of "$1")"* ]]; then
		printf '%s\n' "$pid"
	fi
}

# address_of NAME: what status prints.
address_of() {
	case $1 in
	jaeger) echo "http://$JAEGER_QUERY (UI and query API); OTLP in on $JAEGER_OTLP_GRPC" ;;
	prometheus) echo "http://$PROMETHEUS" ;;
	versitygw) echo "http://$S3 (bucket $S3_BUCKET)" ;;
	*) own_address "$1" ;;
	esac
}

# ready NAME: succeeds once the server answers.
ready() {
	case $1 in
	jaeger) http_ok "http://$JAEGER_QUERY/api/services" && tcp_open "$JAEGER_OTLP_GRPC" ;;
	prometheus) http_ok "http://$PROMETHEUS/-/ready" ;;
	versitygw) http_ok "http://$S3/health" ;;
	*) own_ready "$1" ;;
	esac
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

tcp_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# start NAME: starts the server in the background, detached from this shell, with its
# output in NAME.log.
start() {
	local name=$1 env=() cmd=()
	case $name in
	jaeger)
		cmd=("$(tool jaeger)" "--config=$REPO/deploy/jaeger/config.yaml")
		env=("JAEGER_OTLP_GRPC_ENDPOINT=$JAEGER_OTLP_GRPC" "JAEGER_OTLP_HTTP_ENDPOINT=$JAEGER_OTLP_HTTP"
			"JAEGER_QUERY_HTTP_ENDPOINT=$JAEGER_QUERY" "JAEGER_QUERY_GRPC_ENDPOINT=$JAEGER_QUERY_GRPC")
		;;
	prometheus)
		mkdir -p "$DIR/prometheus"
		cmd=("$(tool prometheus)" "--config.file=$REPO/$PROMETHEUS_CONFIG"
			"--storage.tsdb.path=$DIR/prometheus" "--web.listen-address=$PROMETHEUS"
			--enable-feature=exemplar-storage)
		;;
	versitygw)
		mkdir -p "$DIR/s3/$S3_BUCKET"
		cmd=("$(tool versitygw)" --port "$S3" --region "$S3_REGION" --health /health --quiet posix "$DIR/s3")
		# Credentials through the environment, never on the command line.
		env=("ROOT_ACCESS_KEY_ID=$S3_ACCESS_KEY" "ROOT_SECRET_ACCESS_KEY=$S3_SECRET_KEY")
		;;
	*) own_start "$name" ;;
	esac
	printf '\n== %s: starting %s\n' "$(date -u +%FT%TZ)" "${cmd[*]}" >>"$DIR/$name.log"
	# setsid: the server outlives this shell and gets no signal from the terminal.
	env "${env[@]}" setsid "${cmd[@]}" </dev/null >>"$DIR/$name.log" 2>&1 &
	echo $! >"$DIR/$name.pid"
}

# up_one NAME: starts NAME unless it runs, and waits until it answers.
up_one() {
	local name=$1 pid deadline
	pid=$(pid_of "$name")
	if [[ -n $pid ]]; then
		printf '%-11s already running (pid %s)\n' "$name" "$pid"
		return
	fi
	if ready "$name"; then
		echo "$PROCS_NAME: something else answers at $name's address; stop it first ($(address_of "$name"))" >&2
		exit 1
	fi
	start "$name"
	pid=$(<"$DIR/$name.pid")
	deadline=$((SECONDS + 60))
	until ready "$name"; do
		# kill -0, not pid_of: until env and setsid have exec'd, the process is not yet the
		# server's program.
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$PROCS_NAME: $name exited while starting; last lines of $DIR/$name.log:" >&2
			tail -n 20 "$DIR/$name.log" >&2
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "$PROCS_NAME: $name is not ready after 60 s; see $DIR/$name.log" >&2
			exit 1
		fi
		sleep 0.2
	done
	printf '%-11s started (pid %s)  %s\n' "$name" "$(pid_of "$name")" "$(address_of "$name")"
}

# down_one NAME: stops NAME if it runs (SIGTERM, then SIGKILL after 10 s).
down_one() {
	local name=$1 pid deadline
	pid=$(pid_of "$name")
	if [[ -z $pid ]]; then
		printf '%-11s not running\n' "$name"
		rm -f "$DIR/$name.pid"
		return
	fi
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + 10))
	while [[ -n $(pid_of "$name") ]] && ((SECONDS < deadline)); do
		sleep 0.1
	done
	if [[ -n $(pid_of "$name") ]]; then
		kill -KILL "$pid" 2>/dev/null || true
		printf '%-11s killed (pid %s did not stop within 10 s)\n' "$name" "$pid"
	else
		printf '%-11s stopped\n' "$name"
	fi
	rm -f "$DIR/$name.pid"
}

up() {
	local name
	mkdir -p "$DIR"
	for name in "${SERVERS[@]}"; do
		up_one "$name"
	done
	echo
	echo "Use it from a program with:  eval \"\$(scripts/$PROCS_NAME.sh env)\""
}

down() {
	local i
	for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do
		down_one "${SERVERS[i]}"
	done
}

status() {
	local name pid rc=0
	for name in "${SERVERS[@]}"; do
		pid=$(pid_of "$name")
		if [[ -n $pid ]]; then
			printf '%-11s running (pid %s)  %s\n' "$name" "$pid" "$(address_of "$name")"
		else
			printf '%-11s stopped\n' "$name"
			rc=3
		fi
	done
	return $rc
}

print_env() {
	cat <<EOF
export OTEL_EXPORTER_OTLP_ENDPOINT=http://$OTLP_HTTP
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
export OTEL_METRIC_EXPORT_INTERVAL=5000
export AWS_ENDPOINT_URL_S3=http://$S3
export AWS_REGION=$S3_REGION
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export OBSKIT_S3_BUCKET=$S3_BUCKET
export OBSKIT_S3_PATH_STYLE=true
EOF
}

# known NAME: exits with the usage unless NAME is a server.
known() {
	case " ${SERVERS[*]} " in
	*" $1 "*) ;;
	*) usage ;;
	esac
}

# procs_main STATE_VARIABLE STATE_SUBDIR ARGS...: sets REPO, BIN, DIR and the S3 credentials,
# then runs the command in ARGS.
procs_main() {
	local state_variable=$1 state_subdir=$2 tools
	shift 2
	REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	tools=${OBSKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools}
	BIN=$tools/bin
	DIR=${!state_variable:-$tools/$state_subdir}
	S3_ACCESS_KEY=${OBSKIT_STACK_S3_ACCESS_KEY:-obskit}
	S3_SECRET_KEY=${OBSKIT_STACK_S3_SECRET_KEY:-obskit-local-secret}
	case ${1:-} in
	up | down | status | env) (($# == 1)) || usage ;;
	start | stop)
		((PROCS_ONE && $# == 2)) || usage
		known "$2"
		;;
	*) usage ;;
	esac
	case $1 in
	up) up ;;
	down) down ;;
	status) status ;;
	env) print_env ;;
	start)
		mkdir -p "$DIR"
		up_one "$2"
		;;
	stop) down_one "$2" ;;
	esac
}
