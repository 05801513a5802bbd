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
# Starting, checking and stopping the servers is scripts/lib/processes.sh's, shared with
# scripts/scale-out.sh; this file holds the topology.
#
# Addresses (fixed, the usual ports):
#   OTLP gRPC / HTTP   127.0.0.1:4317 / 127.0.0.1:4318   (Collector)
#   Jaeger UI          http://127.0.0.1:16686
#   Prometheus         http://127.0.0.1:9090             (scrapes 127.0.0.1:8889 every second)
#   S3 (versitygw)     http://127.0.0.1:7070             bucket obskit, path-style
# The S3 credentials are $OBSKIT_STACK_S3_ACCESS_KEY / $OBSKIT_STACK_S3_SECRET_KEY (default
# obskit / obskit-local-secret: a loopback-only development server).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/processes.sh"

PROCS_NAME=stack
PROCS_ONE=0
SERVERS=(jaeger otelcol prometheus versitygw)
PROMETHEUS_CONFIG=deploy/prometheus/prometheus.yml

OTLP_GRPC=127.0.0.1:4317
OTLP_HTTP=127.0.0.1:4318
COLLECTOR_PROMETHEUS=127.0.0.1:8889 # must match the target in deploy/prometheus/prometheus.yml
COLLECTOR_TELEMETRY_PORT=8888

# The Collector, the one server of its own (Jaeger, Prometheus and versitygw are shared: see
# lib/processes.sh).

own_program() { echo otelcol-obskit; }

own_address() {
	echo "OTLP grpc $OTLP_GRPC, http http://$OTLP_HTTP; metrics for Prometheus on http://$COLLECTOR_PROMETHEUS/metrics; files in $DIR/otelcol"
}

own_ready() {
	tcp_open "$OTLP_GRPC" && tcp_open "$OTLP_HTTP" && http_ok "http://$COLLECTOR_PROMETHEUS/metrics"
}

own_start() {
	mkdir -p "$DIR/otelcol"
	cmd=("$(tool otelcol-obskit)" "--config=$REPO/deploy/otelcol/stack.yaml")
	env=("OTELCOL_GRPC_ENDPOINT=$OTLP_GRPC" "OTELCOL_HTTP_ENDPOINT=$OTLP_HTTP"
		"OTELCOL_OUTPUT_DIR=$DIR/otelcol" "OTELCOL_JAEGER_ENDPOINT=$JAEGER_OTLP_GRPC"
		"OTELCOL_PROMETHEUS_ENDPOINT=$COLLECTOR_PROMETHEUS" "OTELCOL_TELEMETRY_PORT=$COLLECTOR_TELEMETRY_PORT")
}

procs_main OBSKIT_STACK_DIR stack "$@"
exit
