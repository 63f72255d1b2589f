#!/usr/bin/env bash
# A/B: the hot paths of two builds in one hyperfine run, so the machine's noise falls on both
# alike: the shim (`go version` through shims/go, linked statically as install.sh does), the cd
# hook with nothing changed, and `gopin current` four folders below a go.mod. hyperfine runs
# each command's runs in a block, so the whole set is run in several rounds (ROUNDS, default 5)
# and each command's number is the median of its round medians: old and new alternate.
#
# Usage: bench/ab.sh OLD_CHECKOUT [RUNS]   (OLD_CHECKOUT: a git worktree of the baseline; both
# are built here, release, with the shim static). Needs hyperfine, python3, pip.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(cd "$1" && pwd)
runs=${2:-200}
rounds=${ROUNDS:-5}
build() {
  (cd "$1" && cargo build --release --quiet --workspace &&
    cargo rustc --release --quiet -p gopin-shim --bin gopin-shim -- -C target-feature=+crt-static)
}
repo=$PWD
build "$old"
build "$repo"
work=$(mktemp -d /tmp/gopin-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GOENV=off GOPIN_OFFLINE=1
unset GOTOOLCHAIN GOPIN_TOOLCHAIN GOWORK GOROOT
archive=$("$repo"/bench/go-archive.sh 1.22.10 "$work/srv")
sha=$(sha256sum "$archive" | cut -d' ' -f1)
version=$(basename "$archive" .linux-amd64.tar.gz)
# One root per build, each with the real toolchain and its own shims.
for side in old new; do
  dir=$([ "$side" = old ] && echo "$old" || echo "$repo")
  GOPIN_HOME="$work/$side" "$dir/target/release/gopin" install --quiet --archive "$archive" --sha256 "$sha"
  GOPIN_HOME="$work/$side" "$dir/target/release/gopin" reshim >/dev/null 2>&1 || true
done
mkdir -p "$work/api/internal/server/handlers"
printf 'module example.com/api\n\ngo 1.22\n\ntoolchain %s\n' "$version" >"$work/api/go.mod"
cd "$work/api/internal/server/handlers"
export PWD="$PWD"
cmd() { # side, command line
  local side=$1; shift
  echo "env GOPIN_HOME=$work/$side $*"
}
for round in $(seq "$rounds"); do
hyperfine -N --warmup 30 --runs "$runs" --style none --export-json "$work/result-$round.json" \
  -n "go version (direct)" "$work/new/versions/$version/bin/go version" \
  -n "shim old" "$(cmd old "$work/old/shims/go version")" \
  -n "shim new" "$(cmd new "$work/new/shims/go version")" \
  -n "hook old" "$(cmd old "$old/target/release/gopin hook --previous $version")" \
  -n "hook new" "$(cmd new "$repo/target/release/gopin hook --previous $version")" \
  -n "current old" "$(cmd old "$old/target/release/gopin current")" \
  -n "current new" "$(cmd new "$repo/target/release/gopin current")" \
  -n "env (baseline of the env wrapper)" "env true" >/dev/null
done
python3 - "$work"/result-*.json <<'PY'
import json, statistics, sys
medians = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        medians.setdefault(r["command"], []).append(r["median"])
rows = {name: statistics.median(values) for name, values in medians.items()}
for name, m in rows.items():
    spread = ", ".join(f"{1000*v:.3f}" for v in medians[name])
    print(f"{name:<36} median {m*1000:7.3f} ms   (rounds: {spread})")
direct = rows["go version (direct)"]
env = rows["env (baseline of the env wrapper)"]
for side in ("old", "new"):
    print(f"shim {side} adds {1000*(rows[f'shim {side}'] - env - direct):6.3f} ms over the real go (env wrapper subtracted)")
PY
