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
# Starting, checking and stopping the servers is scripts/lib/processes.sh's, shared with
# scripts/stack.sh; this file holds the topology.
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
# shellcheck source-path=SCRIPTDIR source=lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"

PROCS_NAME=scale-out
PROCS_ONE=1
# Start order; down stops in reverse (the agent flushes to the gateways, which flush to Jaeger).
SERVERS=(jaeger gateway-1 gateway-2 agent prometheus versitygw)
PROMETHEUS_CONFIG=deploy/scale-out/prometheus.yml

AGENT_GRPC=127.0.0.1:4317
AGENT_HTTP=127.0.0.1:4318
AGENT_TELEMETRY_PORT=8870
OTLP_HTTP=$AGENT_HTTP
# gateway-N: OTLP gRPC, OTLP HTTP, metrics for Prometheus (the targets in
# deploy/scale-out/prometheus.yml), own metrics port.
GATEWAY_1=(127.0.0.1:4417 127.0.0.1:4418 127.0.0.1:8891 8871)
GATEWAY_2=(127.0.0.1:4427 127.0.0.1:4428 127.0.0.1:8892 8872)

# The agent and the gateways, the servers of its own (Jaeger, Prometheus and versitygw are
# shared: see lib/processes.sh).

own_program() { echo otelcol-obskit; }

# gateway N: sets grpc, http, prom and telemetry to gateway-N's addresses.
gateway() {
	local -n addresses=GATEWAY_$1
	grpc=${addresses[0]} http=${addresses[1]} prom=${addresses[2]} telemetry=${addresses[3]}
}

own_address() {
	local grpc http prom telemetry
	case $1 in
	agent) echo "OTLP grpc $AGENT_GRPC, http http://$AGENT_HTTP; own metrics http://127.0.0.1:$AGENT_TELEMETRY_PORT/metrics" ;;
	gateway-*)
		gateway "${1#gateway-}"
		echo "OTLP grpc $grpc; http://$prom/metrics; own metrics :$telemetry; files in $DIR/$1"
		;;
	esac
}

own_ready() {
	local grpc http prom telemetry
	case $1 in
	agent) tcp_open "$AGENT_GRPC" && tcp_open "$AGENT_HTTP" ;;
	gateway-*)
		gateway "${1#gateway-}"
		tcp_open "$grpc" && http_ok "http://$prom/metrics"
		;;
	esac
}

own_start() {
	local grpc http prom telemetry
	case $1 in
	agent)
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/scale-out/agent.yaml")
		env=("OTELCOL_GRPC_ENDPOINT=$AGENT_GRPC" "OTELCOL_HTTP_ENDPOINT=$AGENT_HTTP"
			"OTELCOL_GATEWAY_1=${GATEWAY_1[0]}" "OTELCOL_GATEWAY_2=${GATEWAY_2[0]}"
			"OTELCOL_TELEMETRY_PORT=$AGENT_TELEMETRY_PORT")
		;;
	gateway-*)
		gateway "${1#gateway-}"
		mkdir -p "$DIR/$1"
		cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/scale-out/gateway.yaml")
		env=("OTELCOL_GATEWAY_NAME=$1" "OTELCOL_GRPC_ENDPOINT=$grpc" "OTELCOL_HTTP_ENDPOINT=$http"
			"OTELCOL_PROMETHEUS_ENDPOINT=$prom" "OTELCOL_TELEMETRY_PORT=$telemetry"
			"OTELCOL_JAEGER_ENDPOINT=$JAEGER_OTLP_GRPC" "OTELCOL_OUTPUT_DIR=$DIR/$1")
		;;
	esac
}

procs_main OBSKIT_SCALE_OUT_DIR scale-out "$@"
exit
