#!/usr/bin/env bash
# scale-out.sh runs the scale-out topology of deploy/scale-out natively, without Docker, on
# 127.0.0.1: one agent Collector (deploy/scale-out/agent.yaml) that load-balances by trace id
# over two gateway Collectors (deploy/scale-out/gateway.yaml, tail sampling), Jaeger v2
# (deploy/jaeger/config.yaml) for the kept traces, Prometheus (deploy/scale-out/prometheus.yml)
# scraping both gateways, and versitygw as the S3 server, with one bucket. The programs come from
# scripts/install-tools.sh ($OBSKIT_TOOLS_DIR/bin, default ~/.cache/obskit-tools/bin; prometheus from /usr/bin).
#
#   program --OTLP--> agent --by trace id--> gateway-1 --+--> Jaeger (kept traces)
#                        \                                \-> /metrics <-- Prometheus
#                         \-------------------> gateway-2 --+
#
# Usage: scripts/scale-out.sh up       start what is not running, wait until each answers
#        scripts/scale-out.sh down     stop what runs (SIGTERM, then SIGKILL after 10 s)
#        scripts/scale-out.sh status   one line per server: running or stopped, and its address
#        scripts/scale-out.sh env      the variables a program needs to use the topology, as
#                                      export lines:  eval "$(scripts/scale-out.sh env)"
#        scripts/scale-out.sh stop NAME / start NAME   stop or start one server (for instance
#                                      gateway-2, to watch what the agent does meanwhile)
#
# It uses the same ports as scripts/stack.sh for the agent, Jaeger, Prometheus and S3: run one
# or the other. Pid files, logs and data are under $OBSKIT_SCALE_OUT_DIR (default
# $OBSKIT_TOOLS_DIR/scale-out): <name>.pid, <name>.log; what each gateway received before
# sampling is in gateway-N/traces.jsonl.
#
# Addresses (fixed):
#   OTLP gRPC / HTTP   127.0.0.1:4317 / 127.0.0.1:4318   (agent; own metrics on :8870)
#   gateway-1          OTLP gRPC 127.0.0.1:4417, metrics for Prometheus :8891, own metrics :8871
#   gateway-2          OTLP gRPC 127.0.0.1:4427, metrics for Prometheus :8892, own metrics :8872
#   Jaeger UI          http://127.0.0.1:16686
#   Prometheus         http://127.0.0.1:9090
#   S3 (versitygw)     http://127.0.0.1:7070             bucket obskit, path-style
# The S3 credentials are $OBSKIT_STACK_S3_ACCESS_KEY / $OBSKIT_STACK_S3_SECRET_KEY (default
# obskit / obskit-local-secret: a loopback-only development server).
set -euo pipefail

# Start order; down stops in reverse (the agent flushes to the gateways, which flush to Jaeger).
SERVERS=(jaeger gateway-1 gateway-2 agent prometheus versitygw)

AGENT_GRPC=127.0.0.1:4317
AGENT_HTTP=127.0.0.1:4318
AGENT_TELEMETRY_PORT=8870
GW1_GRPC=127.0.0.1:4417
GW1_HTTP=127.0.0.1:4418
GW1_PROMETHEUS=127.0.0.1:8891 # targets in deploy/scale-out/prometheus.yml
GW1_TELEMETRY_PORT=8871
GW2_GRPC=127.0.0.1:4427
GW2_HTTP=127.0.0.1:4428
GW2_PROMETHEUS=127.0.0.1:8892
GW2_TELEMETRY_PORT=8872
JAEGER_OTLP_GRPC=127.0.0.1:14317
JAEGER_OTLP_HTTP=127.0.0.1:14318
JAEGER_QUERY=127.0.0.1:16686
JAEGER_QUERY_GRPC=127.0.0.1:16685
PROMETHEUS=127.0.0.1:9090
S3=127.0.0.1:7070
S3_BUCKET=obskit
S3_REGION=us-east-1

usage() {
	echo "usage: $0 up|down|status|env|stop NAME|start NAME   (NAME: ${SERVERS[*]})" >&2
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
		echo "scale-out: $path is missing; install it with: scripts/install-tools.sh" >&2
		exit 1
	fi
	printf '%s\n' "$path"
}

program_of() {
	case $1 in
	agent | gateway-*) echo otelcol-obskit ;;
	*) echo "$1" ;;
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

address_of() {
	case $1 in
	jaeger) echo "http://$JAEGER_QUERY (UI and query API); OTLP in on $JAEGER_OTLP_GRPC" ;;
	agent) echo "OTLP grpc $AGENT_GRPC, http http://$AGENT_HTTP; own metrics http://127.0.0.1:$AGENT_TELEMETRY_PORT/metrics" ;;
	gateway-1) echo "OTLP grpc $GW1_GRPC; http://$GW1_PROMETHEUS/metrics; own metrics :$GW1_TELEMETRY_PORT; files in $DIR/gateway-1" ;;
	gateway-2) echo "OTLP grpc $GW2_GRPC; http://$GW2_PROMETHEUS/metrics; own metrics :$GW2_TELEMETRY_PORT; files in $DIR/gateway-2" ;;
	prometheus) echo "http://$PROMETHEUS" ;;
	versitygw) echo "http://$S3 (bucket $S3_BUCKET)" ;;
	esac
}

ready() {
	case $1 in
	jaeger) http_ok "http://$JAEGER_QUERY/api/services" && tcp_open "$JAEGER_OTLP_GRPC" ;;
	agent) tcp_open "$AGENT_GRPC" && tcp_open "$AGENT_HTTP" ;;
	gateway-1) tcp_open "$GW1_GRPC" && http_ok "http://$GW1_PROMETHEUS/metrics" ;;
	gateway-2) tcp_open "$GW2_GRPC" && http_ok "http://$GW2_PROMETHEUS/metrics" ;;
	prometheus) http_ok "http://$PROMETHEUS/-/ready" ;;
	versitygw) http_ok "http://$S3/health" ;;
	esac
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

tcp_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# gateway_env N GRPC HTTP PROMETHEUS TELEMETRY_PORT: sets env for gateway-N.
gateway_env() {
	mkdir -p "$DIR/gateway-$1"
	env=(OTELCOL_GATEWAY_NAME=gateway-$1 OTELCOL_GRPC_ENDPOINT=$2 OTELCOL_HTTP_ENDPOINT=$3
		OTELCOL_PROMETHEUS_ENDPOINT=$4 OTELCOL_TELEMETRY_PORT=$5
		OTELCOL_JAEGER_ENDPOINT=$JAEGER_OTLP_GRPC OTELCOL_OUTPUT_DIR=$DIR/gateway-$1)
}

# start NAME: starts the server in the background, detached from this shell, with its
# output in NAME.log.
start() {
	local name=$1 env=() cmd=()
	case $name in
	jaeger)
		cmd=("$(tool jaeger)" "--config=$REPO/deploy/jaeger/config.yaml")
		env=(JAEGER_OTLP_GRPC_ENDPOINT=$JAEGER_OTLP_GRPC JAEGER_OTLP_HTTP_ENDPOINT=$JAEGER_OTLP_HTTP
			JAEGER_QUERY_HTTP_ENDPOINT=$JAEGER_QUERY JAEGER_QUERY_GRPC_ENDPOINT=$JAEGER_QUERY_GRPC)
		;;
	gateway-1)
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/scale-out/gateway.yaml")
		gateway_env 1 "$GW1_GRPC" "$GW1_HTTP" "$GW1_PROMETHEUS" "$GW1_TELEMETRY_PORT"
		;;
	gateway-2)
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/scale-out/gateway.yaml")
		gateway_env 2 "$GW2_GRPC" "$GW2_HTTP" "$GW2_PROMETHEUS" "$GW2_TELEMETRY_PORT"
		;;
	agent)
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/scale-out/agent.yaml")
		env=(OTELCOL_GRPC_ENDPOINT=$AGENT_GRPC OTELCOL_HTTP_ENDPOINT=$AGENT_HTTP
			OTELCOL_GATEWAY_1=$GW1_GRPC OTELCOL_GATEWAY_2=$GW2_GRPC
			OTELCOL_TELEMETRY_PORT=$AGENT_TELEMETRY_PORT)
		;;
	prometheus)
		mkdir -p "$DIR/prometheus"
		cmd=("$(tool prometheus)" "--config.file=$REPO/deploy/scale-out/prometheus.yml"
			"--storage.tsdb.path=$DIR/prometheus" "--web.listen-address=$PROMETHEUS"
			--enable-feature=exemplar-storage)
		;;
	versitygw)
		mkdir -p "$DIR/s3/$S3_BUCKET"
		cmd=("$(tool versitygw)" --port "$S3" --region "$S3_REGION" --health /health --quiet posix "$DIR/s3")
		# Credentials through the environment, never on the command line.
		env=(ROOT_ACCESS_KEY_ID=$S3_ACCESS_KEY ROOT_SECRET_ACCESS_KEY=$S3_SECRET_KEY)
		;;
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
		echo "scale-out: something else answers at $name's address; stop it first ($(address_of "$name"))" >&2
		exit 1
	fi
	start "$name"
	pid=$(<"$DIR/$name.pid")
	deadline=$((SECONDS + 60))
	until ready "$name"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "scale-out: $name exited while starting; last lines of $DIR/$name.log:" >&2
			tail -n 20 "$DIR/$name.log" >&2
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "scale-out: $name is not ready after 60 s; see $DIR/$name.log" >&2
			exit 1
		fi
		sleep 0.2
	done
	printf '%-11s started (pid %s)  %s\n' "$name" "$(pid_of "$name")" "$(address_of "$name")"
}

# down_one NAME: stops NAME if it runs.
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
	echo "Use it from a program with:  eval \"\$(scripts/scale-out.sh env)\""
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
	cat <<ENV
export OTEL_EXPORTER_OTLP_ENDPOINT=http://$AGENT_HTTP
export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
export OTEL_METRIC_EXPORT_INTERVAL=5000
export AWS_ENDPOINT_URL_S3=http://$S3
export AWS_REGION=$S3_REGION
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export OBSKIT_S3_BUCKET=$S3_BUCKET
export OBSKIT_S3_PATH_STYLE=true
ENV
}

# known NAME: exits with the usage unless NAME is a server.
known() {
	case " ${SERVERS[*]} " in
	*" $1 "*) ;;
	*) usage ;;
	esac
}

main() {
	local script_dir
	script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	REPO=$(cd "$script_dir/.." && pwd)
	TOOLS=${OBSKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools}
	BIN=$TOOLS/bin
	DIR=${OBSKIT_SCALE_OUT_DIR:-$TOOLS/scale-out}
	S3_ACCESS_KEY=${OBSKIT_STACK_S3_ACCESS_KEY:-obskit}
	S3_SECRET_KEY=${OBSKIT_STACK_S3_SECRET_KEY:-obskit-local-secret}
	case ${1:-} in
	up | down | status | env) (($# == 1)) || usage ;;
	start | stop)
		(($# == 2)) || usage
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

main "$@"
exit
