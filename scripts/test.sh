#!/usr/bin/env bash
# The README's test command (`make test`): checks the repository's hygiene, installs or builds
# what the tests need (idempotent, cached in $OBSKIT_TOOLS_DIR, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools, outside the clone so that every clone reuses
# it), then runs the whole check on every Go module in the repository: gofmt, go vet,
# staticcheck, go test -race, every benchmark once, the fuzz targets briefly, and cross-builds
# for linux, darwin and windows. CI runs exactly this (.ci/run).
#
# Usage: scripts/test.sh [hygiene]   (hygiene: only the checks that need no tool and no test)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export OBSKIT_TOOLS_DIR="${OBSKIT_TOOLS_DIR:-${XDG_CACHE_HOME:-${HOME:?neither OBSKIT_TOOLS_DIR nor HOME is set}/.cache}/obskit-tools}"
export PATH="$OBSKIT_TOOLS_DIR/bin:$PATH"
# The committed workspace (root, examples, bench), whatever the caller's GOWORK says: the
# end-to-end tests build the examples from the root.
export GOWORK="$REPO/go.work"
case ${1:-} in
"" | hygiene) ;;
*)
	echo "usage: $0 [hygiene]" >&2
	exit 2
	;;
esac
FUZZTIME="${FUZZTIME:-10s}"
MAX_FILE_BYTES=$((5 * 1024 * 1024))

step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

# Every module: the root and each nested go.mod (examples/ and bench/ are modules of their own,
# tied together by go.work).
mapfile -t modules < <(find . -name go.mod -not -path './.tools/*' -printf '%h\n' | sort)

# binary_kind FILE prints what kind of compiled binary FILE is (ELF, Mach-O, PE), or nothing.
binary_kind() {
	local magic pe_offset
	magic=$(od -An -tx1 -N4 -- "$1" | tr -d ' \n')
	case $magic in
	7f454c46) echo "an ELF binary" ;;
	feedface | feedfacf | cefaedfe | cffaedfe) echo "a Mach-O binary" ;;
	cafebabe | bebafeca) echo "a Mach-O universal binary (or a Java class file)" ;;
	4d5a*)
		# MZ: a PE file has "PE\0\0" at the offset stored at 0x3c.
		pe_offset=$(od -An -tu4 -j60 -N4 -- "$1" | tr -d ' \n')
		if [[ -n $pe_offset ]] && [[ $(od -An -tx1 -j"$pe_offset" -N4 -- "$1" | tr -d ' \n') == 50450000 ]]; then
			echo "a PE (Windows) binary"
		fi
		;;
	esac
}

# check_tracked_files fails if git tracks a compiled binary or a file over 5 MB: only sources
# belong in the repository.
check_tracked_files() {
	local file size kind bad=()
	while IFS= read -r -d '' file; do
		[[ -f $file && ! -L $file ]] || continue
		size=$(wc -c <"$file")
		if ((size > MAX_FILE_BYTES)); then
			bad+=("$file: $size bytes, over the 5 MB limit")
		fi
		kind=$(binary_kind "$file")
		if [[ -n $kind ]]; then
			bad+=("$file: $kind")
		fi
	done < <(git ls-files -z)
	if ((${#bad[@]} > 0)); then
		printf 'only sources belong in git; remove these files (git rm --cached FILE) and ignore them in .gitignore:\n' >&2
		printf '  %s\n' "${bad[@]}" >&2
		return 1
	fi
}

# check_tidy fails if `go mod tidy` would change any module's go.mod or go.sum.
check_tidy() {
	local mod failed=0
	for mod in "${modules[@]}"; do
		if ! (cd "$mod" && go mod tidy -diff); then
			printf 'go mod tidy would change %s/go.mod or go.sum (diff above): run `go mod tidy` in %s and commit the result\n' "$mod" "$mod" >&2
			failed=1
		fi
	done
	return "$failed"
}

step "hygiene: tracked files"
check_tracked_files
step "hygiene: go mod tidy -diff"
check_tidy
if [[ ${1:-} == hygiene ]]; then
	step "hygiene checks passed"
	exit 0
fi

step "install tools"
bash scripts/install-tools.sh

step "gofmt"
unformatted=$(find . -name '*.go' -not -path './.tools/*' -print0 | xargs -0 gofmt -l)
if [ -n "$unformatted" ]; then
  printf 'gofmt would change:\n%s\n' "$unformatted" >&2
  exit 1
fi

for mod in "${modules[@]}"; do
  step "go vet + staticcheck: $mod"
  (cd "$mod" && go vet ./... && staticcheck ./...)
done

for mod in "${modules[@]}"; do
  for os in linux darwin windows; do
    step "cross-build $os: $mod"
    (cd "$mod" && GOOS=$os GOARCH=amd64 go build ./...)
  done
done

for mod in "${modules[@]}"; do
  step "go test -race: $mod"
  (cd "$mod" && go test -race -count=1 -timeout 30m ./...)
done

# Tests whose figures the race detector's slowdown would set instead of what they measure skip
# under -race (raceEnabled); they run here without it.
step "go test without -race: scheduling-sensitive tests"
go test -count=1 -run '^TestExportKeepsPaceWithBusyLoggers$' ./exporters/logpipe/

for mod in "${modules[@]}"; do
  step "benchmarks, once each: $mod"
  (cd "$mod" && go test -run '^$' -bench . -benchtime 1x -count=1 -timeout 20m ./...)
done

step "fuzz targets, $FUZZTIME each"
# Every Fuzz function in any module, found by name so none is forgotten (the workspace resolves
# a package path in examples/ or bench/ from the root).
grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./.tools/' | sort | while read -r file; do
  pkg="./$(dirname "${file#./}")"
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    echo "-- $fn in $pkg"
    # Minimising each new input is bounded by count: with the default (60 s), a minimisation
    # still running when FUZZTIME ends fails the run with "context deadline exceeded".
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 50x "$pkg"
  done
done

step "all checks passed"
