#!/usr/bin/env bash
# The README's test command (`make test`): installs or builds what the tests need (idempotent,
# cached under .tools/), then runs the whole check on every Go module in the repository:
# gofmt, go vet, staticcheck, go test -race, every benchmark once, the fuzz targets briefly, and
# cross-builds for linux, darwin and windows. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export OBSKIT_TOOLS_DIR="${OBSKIT_TOOLS_DIR:-$REPO/.tools}"
export PATH="$OBSKIT_TOOLS_DIR/bin:$PATH"
FUZZTIME="${FUZZTIME:-10s}"

step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

step "install tools"
bash scripts/install-tools.sh

# Every module: the root and any nested go.mod (bench/ is a module of its own).
mapfile -t modules < <(find . -name go.mod -not -path './.tools/*' -printf '%h\n' | sort)

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

for mod in "${modules[@]}"; do
  step "benchmarks, once each: $mod"
  (cd "$mod" && go test -run '^$' -bench . -benchtime 1x -count=1 -timeout 20m ./...)
done

step "fuzz targets, $FUZZTIME each"
# Every Fuzz function in the root module, found by name so none is forgotten.
grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^./.tools/' | sort | while read -r file; do
  pkg="./$(dirname "${file#./}")"
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | cut -d' ' -f2); do
    echo "-- $fn in $pkg"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" "$pkg"
  done
done

step "all checks passed"
