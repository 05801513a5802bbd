#!/usr/bin/env bash
# install-tools.sh installs the programs that obskit's tests run as real
# servers or checks: staticcheck, versitygw, MinIO, the Collector
# otelcol-obskit, Jaeger v2 and the Debian packages awscli, prometheus and
# docker-compose.
#
# Usage: scripts/install-tools.sh [staticcheck] [collector] [versitygw] [minio] [jaeger] [debian]
#        (no argument: all of them, in that order)
#
# Go-built tools go to $OBSKIT_TOOLS_DIR/bin (default:
# ${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools/bin, outside the clone so that
# every clone reuses them), which internal/testserver looks in. Each one is
# rebuilt only when its binary is missing or its recorded key (version, and
# for the Collector the sha256 of deploy/otelcol/manifest.yaml) differs from
# the wanted one, so a second run takes a few seconds. Build output goes to $OBSKIT_TOOLS_DIR/logs/<tool>.log;
# on failure its tail is printed and the script exits non-zero.
#
# How the Collector and Jaeger are built follows
# /work/shared/reference/otelcol-builder.md: the builder only generates the
# sources (a plain builder run fails on a test dependency the module proxy
# refuses), then go get + go build; Jaeger's module is downloaded, copied to a
# writable folder and built with go build (go install refuses its replace
# directives).
set -euo pipefail

STATICCHECK_VERSION=v0.8.2 # honnef.co/go/tools 2026.x; needs Go >= 1.26
VERSITYGW_VERSION=v1.8.0
# MinIO tags its releases RELEASE.<date>, not semver: the module proxy knows
# them by pseudo-version only (this one is what @latest gave on 2026-12-03).
# Only for tests that need server-side encryption (versitygw ignores it).
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
OTELCOL_BUILDER_VERSION=v0.161.0 # also the version of go.opentelemetry.io/collector/otelcol
JAEGER_VERSION=v1.76.0
DEBIAN_PACKAGES=(awscli prometheus docker-compose)
ALL_TOOLS=(staticcheck collector versitygw minio jaeger debian)

usage() {
	echo "usage: $0 [${ALL_TOOLS[*]}]  (default: all)" >&2
	exit 2
}

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# report TOOL WHAT START_MS [DETAIL]: the one line printed per tool.
report() {
	local ms=$(($(now_ms) - $3))
	printf '%-14s %-6s %4d.%01ds  %s\n' "$1" "$2" $((ms / 1000)) $((ms % 1000 / 100)) "${4:-}"
}

# run_logged NAME FUNCTION: runs FUNCTION in a subshell with errexit on,
# output to $LOGS/NAME.log; on failure prints the log's tail and exits.
# The build folders may lie inside a repository's tree (OBSKIT_TOOLS_DIR is
# free): GOWORK=off keeps the repository's go.work out of them (and
# -buildvcs=false on go build, its git state).
run_logged() {
	local log=$LOGS/$1.log rc
	set +e
	(
		set -euo pipefail
		export GOWORK=off
		"$2"
	) >"$log" 2>&1
	rc=$?
	set -e
	if ((rc != 0)); then
		echo "install-tools: building $1 failed (exit $rc); last lines of $log:" >&2
		tail -n 40 "$log" >&2
		exit "$rc"
	fi
}

# install_go_tool NAME KEY FUNCTION: builds $BIN/NAME with FUNCTION unless it
# exists and was built with KEY.
install_go_tool() {
	local name=$1 key=$2 start
	start=$(now_ms)
	if [[ -x $BIN/$name && -f $STAMPS/$name && "$(<"$STAMPS/$name")" == "$key" ]]; then
		report "$name" cached "$start" "$key"
		return
	fi
	rm -f "$STAMPS/$name"
	run_logged "$name" "$3"
	[[ -x $BIN/$name ]] || {
		echo "install-tools: $3 did not produce $BIN/$name" >&2
		exit 1
	}
	printf '%s\n' "$key" >"$STAMPS/$name"
	report "$name" built "$start" "$key"
}

# --- staticcheck -------------------------------------------------------------

build_staticcheck() {
	GOBIN=$BIN go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
}

# --- versitygw ---------------------------------------------------------------

build_versitygw() {
	GOBIN=$BIN go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
}

# --- MinIO -------------------------------------------------------------------

build_minio() {
	GOBIN=$BIN go install "github.com/minio/minio@$MINIO_VERSION"
}

# --- Collector ---------------------------------------------------------------

# manifest_modules prints "module@version" for every gomod line of the manifest.
manifest_modules() {
	sed -n 's/^[[:space:]]*-[[:space:]]*gomod:[[:space:]]*\([^[:space:]]*\)[[:space:]]\{1,\}\([^[:space:]#]*\).*$/\1@\2/p' "$MANIFEST"
}

# manifest_replaces prints "old=new@version" for every entry of the manifest's replaces: list
# ("- old => new version").
manifest_replaces() {
	sed -n '/^replaces:/,/^[^[:space:]#-]/s/^[[:space:]]*-[[:space:]]*\([^[:space:]]*\)[[:space:]]*=>[[:space:]]*\([^[:space:]]*\)[[:space:]]\{1,\}\([^[:space:]#]*\).*$/\1=\2@\3/p' "$MANIFEST"
}

build_collector() {
	local work=$BUILD/otelcol out
	GOBIN=$BUILD/bin go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_BUILDER_VERSION"
	rm -rf "$work"
	mkdir -p "$work"
	cp "$MANIFEST" "$work/manifest.yaml"
	cd "$work"
	"$BUILD/bin/builder" --config manifest.yaml --skip-get-modules --skip-compilation
	out=$(sed -n 's/^[[:space:]]*output_path:[[:space:]]*\([^[:space:]#]*\).*$/\1/p' manifest.yaml)
	cd "${out:-.}"
	rm -f go.mod go.sum
	go mod init otelcol-obskit
	# The manifest's replaces: entries ("old => new version") become go.mod replace directives.
	local replace
	while IFS= read -r replace; do
		go mod edit -replace="$replace"
	done < <(manifest_replaces)
	mapfile -t modules < <(manifest_modules)
	((${#modules[@]} > 0)) || {
		echo "no gomod entries in $MANIFEST" >&2
		exit 1
	}
	go get "${modules[@]}" "go.opentelemetry.io/collector/otelcol@$OTELCOL_BUILDER_VERSION"
	go get .
	go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$BIN/otelcol-obskit.new" .
	"$BIN/otelcol-obskit.new" components >/dev/null
	mv -f "$BIN/otelcol-obskit.new" "$BIN/otelcol-obskit"
}

collector_key() {
	local sum
	sum=$(sha256sum "$MANIFEST")
	echo "builder=$OTELCOL_BUILDER_VERSION manifest-sha256=${sum:0:16}"
}

# --- Jaeger v2 ---------------------------------------------------------------

build_jaeger() {
	local dir src=$BUILD/jaeger-$JAEGER_VERSION
	# Outside any module, so that obskit's go.mod and go.sum stay untouched.
	dir=$(cd / && go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" |
		sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p')
	[[ -n $dir && -d $dir ]] || {
		echo "go mod download gave no module folder" >&2
		exit 1
	}
	rm -rf "$src"
	cp -R "$dir" "$src"
	chmod -R u+w "$src"
	cd "$src"
	go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$BIN/jaeger.new" ./cmd/jaeger
	mv -f "$BIN/jaeger.new" "$BIN/jaeger"
}

# --- Debian packages ---------------------------------------------------------

install_debian() {
	local start missing=() pkg sudo=()
	start=$(now_ms)
	for pkg in "${DEBIAN_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	if ((${#missing[@]} == 0)); then
		report debian cached "$start" "${DEBIAN_PACKAGES[*]}"
		return
	fi
	if ((EUID != 0)); then
		sudo=(sudo)
	fi
	debian_missing=("${missing[@]}")
	apt_install() {
		export DEBIAN_FRONTEND=noninteractive
		"${sudo[@]}" apt-get update
		"${sudo[@]}" apt-get install -y --no-install-recommends "${debian_missing[@]}"
	}
	run_logged debian apt_install
	report debian built "$start" "${missing[*]}"
}

# --- main --------------------------------------------------------------------

# main is called from the last line, so that bash has read the whole file
# before running anything (editing the script during a run cannot break it).
main() {
	script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	REPO=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/.." && pwd))
	TOOLS=${OBSKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:?neither OBSKIT_TOOLS_DIR nor HOME is set}/.cache}/obskit-tools}
	mkdir -p "$TOOLS"
	TOOLS=$(cd "$TOOLS" && pwd)
	BIN=$TOOLS/bin
	STAMPS=$TOOLS/stamps
	LOGS=$TOOLS/logs
	BUILD=$TOOLS/build
	MANIFEST=$REPO/deploy/otelcol/manifest.yaml
	mkdir -p "$BIN" "$STAMPS" "$LOGS" "$BUILD"

	local tool selected=("$@")
	if ((${#selected[@]} == 0)); then
		selected=("${ALL_TOOLS[@]}")
	fi
	for tool in "${selected[@]}"; do
		case " ${ALL_TOOLS[*]} " in
		*" $tool "*) ;;
		*) usage ;;
		esac
	done

	# One run at a time: concurrent runs would build into the same folders.
	if command -v flock >/dev/null; then
		exec 9>"$TOOLS/.install.lock"
		if ! flock -n 9; then
			echo "install-tools: waiting for another run to finish ($TOOLS/.install.lock)" >&2
			flock 9
		fi
	fi

	if [[ " ${selected[*]} " != " debian " ]]; then
		command -v go >/dev/null || {
			echo "install-tools: go is not on PATH" >&2
			exit 1
		}
	fi

	local key
	for tool in "${selected[@]}"; do
		case $tool in
		staticcheck)
			# staticcheck must be built with a Go at least as new as the code's.
			key="$STATICCHECK_VERSION $(go env GOVERSION)"
			install_go_tool staticcheck "$key" build_staticcheck
			;;
		versitygw) install_go_tool versitygw "$VERSITYGW_VERSION" build_versitygw ;;
		minio) install_go_tool minio "$MINIO_VERSION" build_minio ;;
		collector)
			key=$(collector_key)
			install_go_tool otelcol-obskit "$key" build_collector
			;;
		jaeger) install_go_tool jaeger "$JAEGER_VERSION" build_jaeger ;;
		debian) install_debian ;;
		esac
	done
}

main "$@"
exit
