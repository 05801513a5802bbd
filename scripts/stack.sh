#!/usr/bin/env bash
# stack.sh runs obskit's local observability stack natively, without Docker, on 127.0.0.1:
# the Collector otelcol-obskit (deploy/otelcol/stack.yaml), Jaeger v2 (deploy/jaeger/config.yaml),
# Prometheus scraping the Collector (deploy/prometheus/prometheus.yml, exemplar storage on) and
# versitygw as the S3 server, with one bucket. The programs come from scripts/install-tools.sh
# ($OBSKIT_TOOLS_DIR/bin, default ~/.cache/obskit-tools/bin; prometheus from /usr/bin).
#
# Usage: scripts/stack.sh up       start what is not running, wait until each answers
#        scripts/stack.sh down     stop what runs (SIGTERM, then SIGKILL after 10 s)
#        scripts/stack.sh status   one line per server: running or stopped, and its address
#        scripts/stack.sh env      the variables a program needs to use the stack, as
#                                  export lines:  eval "$(scripts/stack.sh env)"
#
# up and down are idempotent: a server that runs is left alone by up, one that does not is
# skipped by down. Pid files, logs and data are under $OBSKIT_STACK_DIR (default
# $OBSKIT_TOOLS_DIR/stack): <name>.pid, <name>.log; the Collector's file exporter output is in
# otelcol/{traces,metrics,logs}.jsonl, the S3 objects in s3/<bucket>/. Data survive down/up,
# except Jaeger's traces (kept in memory); `rm -rf "$OBSKIT_TOOLS_DIR/stack"` after down starts afresh.
#
# Addresses (fixed, the usual ports):
#   OTLP gRPC / HTTP   127.0.0.1:4317 / 127.0.0.1:4318   (Collector)
#   Jaeger UI          http://127.0.0.1:16686
#   Prometheus         http://127.0.0.1:9090             (scrapes 127.0.0.1:8889 every second)
#   S3 (versitygw)     http://127.0.0.1:7070             bucket obskit, path-style
# The S3 credentials are $OBSKIT_STACK_S3_ACCESS_KEY / $OBSKIT_STACK_S3_SECRET_KEY (default
# obskit / obskit-local-secret: a loopback-only development server).
set -euo pipefail

SERVERS=(jaeger otelcol prometheus versitygw)

OTLP_GRPC=127.0.0.1:4317
OTLP_HTTP=127.0.0.1:4318
COLLECTOR_PROMETHEUS=127.0.0.1:8889 # must match the target in deploy/prometheus/prometheus.yml
COLLECTOR_TELEMETRY_PORT=8888
JAEGER_OTLP_GRPC=127.0.0.1:14317
JAEGER_OTLP_HTTP=127.0.0.1:14318
JAEGER_QUERY=127.0.0.1:16686
JAEGER_QUERY_GRPC=127.0.0.1:16685
PROMETHEUS=127.0.0.1:9090
S3=127.0.0.1:7070
S3_BUCKET=obskit
S3_REGION=us-east-1

usage() {
	echo "usage: $0 up|down|status|env" >&2
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
		echo "stack: $path is missing; install it with: scripts/install-tools.sh" >&2
		exit 1
	fi
	printf '%s\n' "$path"
}

# pid_of NAME: the pid of the server if its pid file names a live process running the
# expected program (a recycled pid is not ours), else nothing.
pid_of() {
	local file=$STACK/$1.pid pid exe
	[[ -f $file ]] || return 0
	pid=$(<"$file")
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
	if [[ -n $exe && ${exe##*/} == "$(program_of "$1")"* ]]; then
		printf '%s\n' "$pid"
	fi
}

program_of() {
	case $1 in
	otelcol) echo otelcol-obskit ;;
	*) echo "$1" ;;
	esac
}

# address_of NAME: what status prints.
address_of() {
	case $1 in
	jaeger) echo "http://$JAEGER_QUERY (UI and query API); OTLP in on $JAEGER_OTLP_GRPC" ;;
	otelcol) echo "OTLP grpc $OTLP_GRPC, http http://$OTLP_HTTP; metrics for Prometheus on http://$COLLECTOR_PROMETHEUS/metrics; files in $STACK/otelcol" ;;
	prometheus) echo "http://$PROMETHEUS" ;;
	versitygw) echo "http://$S3 (bucket $S3_BUCKET)" ;;
	esac
}

# ready NAME: succeeds once the server answers.
ready() {
	case $1 in
	jaeger) http_ok "http://$JAEGER_QUERY/api/services" && tcp_open "$JAEGER_OTLP_GRPC" ;;
	otelcol) tcp_open "$OTLP_GRPC" && tcp_open "$OTLP_HTTP" && http_ok "http://$COLLECTOR_PROMETHEUS/metrics" ;;
	prometheus) http_ok "http://$PROMETHEUS/-/ready" ;;
	versitygw) http_ok "http://$S3/health" ;;
	esac
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

tcp_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# start NAME: starts the server in the background, detached from this shell, with its
# output in NAME.log; sets the array CMD and environment first.
start() {
	local name=$1 env=() cmd=()
	case $name in
	jaeger)
		cmd=("$(tool jaeger)" "--config=$REPO/deploy/jaeger/config.yaml")
		env=(JAEGER_OTLP_GRPC_ENDPOINT=$JAEGER_OTLP_GRPC JAEGER_OTLP_HTTP_ENDPOINT=$JAEGER_OTLP_HTTP
			JAEGER_QUERY_HTTP_ENDPOINT=$JAEGER_QUERY JAEGER_QUERY_GRPC_ENDPOINT=$JAEGER_QUERY_GRPC)
		;;
	otelcol)
		mkdir -p "$STACK/otelcol"
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/otelcol/stack.yaml")
		env=(OTELCOL_GRPC_ENDPOINT=$OTLP_GRPC OTELCOL_HTTP_ENDPOINT=$OTLP_HTTP
			OTELCOL_OUTPUT_DIR=$STACK/otelcol OTELCOL_JAEGER_ENDPOINT=$JAEGER_OTLP_GRPC
			OTELCOL_PROMETHEUS_ENDPOINT=$COLLECTOR_PROMETHEUS OTELCOL_TELEMETRY_PORT=$COLLECTOR_TELEMETRY_PORT)
		;;
	prometheus)
		mkdir -p "$STACK/prometheus"
		cmd=("$(tool prometheus)" "--config.file=$REPO/deploy/prometheus/prometheus.yml"
			"--storage.tsdb.path=$STACK/prometheus" "--web.listen-address=$PROMETHEUS"
			--enable-feature=exemplar-storage)
		;;
	versitygw)
		mkdir -p "$STACK/s3/$S3_BUCKET"
		cmd=("$(tool versitygw)" --port "$S3" --region "$S3_REGION" --health /health --quiet posix "$STACK/s3")
		# Credentials through the environment, never on the command line.
		env=(ROOT_ACCESS_KEY_ID=$S3_ACCESS_KEY ROOT_SECRET_ACCESS_KEY=$S3_SECRET_KEY)
		;;
	esac
	{
		printf '\n== %s: starting %s\n' "$(date -u +%FT%TZ)" "${cmd[*]}"
	} >>"$STACK/$name.log"
	# setsid: the server outlives this shell and gets no signal from the terminal.
	env "${env[@]}" setsid "${cmd[@]}" </dev/null >>"$STACK/$name.log" 2>&1 &
	echo $! >"$STACK/$name.pid"
}

up() {
	local name pid deadline failed=0
	mkdir -p "$STACK"
	for name in "${SERVERS[@]}"; do
		pid=$(pid_of "$name")
		if [[ -n $pid ]]; then
			printf '%-11s already running (pid %s)\n' "$name" "$pid"
			continue
		fi
		if ready "$name"; then
			echo "stack: something else answers at $name's address; stop it first ($(address_of "$name"))" >&2
			exit 1
		fi
		start "$name"
		pid=$(<"$STACK/$name.pid")
		deadline=$((SECONDS + 60))
		until ready "$name"; do
			# kill -0, not pid_of: until env and setsid have exec'd, the process is not yet
			# the server's program.
			if ! kill -0 "$pid" 2>/dev/null; then
				echo "stack: $name exited while starting; last lines of $STACK/$name.log:" >&2
				tail -n 20 "$STACK/$name.log" >&2
				failed=1
				break
			fi
			if ((SECONDS >= deadline)); then
				echo "stack: $name is not ready after 60 s; see $STACK/$name.log" >&2
				failed=1
				break
			fi
			sleep 0.2
		done
		((failed)) && exit 1
		printf '%-11s started (pid %s)  %s\n' "$name" "$(pid_of "$name")" "$(address_of "$name")"
	done
	echo
	echo "Use it from a program with:  eval \"\$(scripts/stack.sh env)\""
}

down() {
	local i name pid deadline
	# Reverse order: the Collector flushes to Jaeger before Jaeger stops.
	for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do
		name=${SERVERS[i]}
		pid=$(pid_of "$name")
		if [[ -z $pid ]]; then
			printf '%-11s not running\n' "$name"
			rm -f "$STACK/$name.pid"
			continue
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
		rm -f "$STACK/$name.pid"
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

main() {
	(($# == 1)) || usage
	local script_dir
	script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	REPO=$(cd "$script_dir/.." && pwd)
	TOOLS=${OBSKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools}
	BIN=$TOOLS/bin
	STACK=${OBSKIT_STACK_DIR:-$TOOLS/stack}
	S3_ACCESS_KEY=${OBSKIT_STACK_S3_ACCESS_KEY:-obskit}
	S3_SECRET_KEY=${OBSKIT_STACK_S3_SECRET_KEY:-obskit-local-secret}
	case $1 in
	up) up ;;
	down) down ;;
	status) status ;;
	env) print_env ;;
	*) usage ;;
	esac
}

main "$@"
exit
