#!/usr/bin/env bash
# A/B: the hot paths of two builds in one hyperfine run, so the machine's noise falls on both
# alike: the shim (`go version` through shims/go, linked statically as install.sh does), the cd
# hook with nothing changed, and `gopin current` four folders below a go.mod. hyperfine runs
# its commands one after another in rounds of `--runs`; pairs of A and B sit side by side.
#
# Usage: bench/ab.sh OLD_CHECKOUT [RUNS]   (OLD_CHECKOUT: a git worktree of the baseline; both
# are built here, release, with the shim static). Needs hyperfine, python3, pip.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(cd "$1" && pwd)
runs=${2:-500}
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
hyperfine -N --warmup 30 --runs "$runs" --export-json "$work/result.json" \
  -n "go version (direct)" "$work/new/versions/$version/bin/go version" \
  -n "shim old" "$(cmd old "$work/old/shims/go version")" \
  -n "shim new" "$(cmd new "$work/new/shims/go version")" \
  -n "hook old" "$(cmd old "$old/target/release/gopin hook --previous $version")" \
  -n "hook new" "$(cmd new "$repo/target/release/gopin hook --previous $version")" \
  -n "current old" "$(cmd old "$old/target/release/gopin current")" \
  -n "current new" "$(cmd new "$repo/target/release/gopin current")" \
  -n "env (baseline of the env wrapper)" "env true"
python3 - "$work/result.json" <<'PY'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in rows.items():
    print(f"{name:<36} median {r['median']*1000:7.3f} ms  mean {r['mean']*1000:7.3f} ms")
direct = rows["go version (direct)"]["median"]
env = rows["env (baseline of the env wrapper)"]["median"]
for side in ("old", "new"):
    shim = rows[f"shim {side}"]["median"] - env
    print(f"shim {side} adds {1000*(shim - direct):6.3f} ms over the real go (env wrapper subtracted)")
PY
