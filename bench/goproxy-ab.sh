#!/usr/bin/env bash
# A/B: `GOPIN_SOURCE=goproxy gopin install 1.22.10` through a loopback module proxy and checksum
# database (bench/goproxy.sh's fixture), two builds in one hyperfine run. hyperfine runs each
# command's runs in a block, so the pair is repeated ROUNDS times (default 6, RUNS each, default
# 2): old and new alternate, and the machine's noise falls on both alike. Each side's number is
# over all its runs.
#
# Usage: bench/goproxy-ab.sh OLD_GOPIN_BINARY [NEW_GOPIN_BINARY]
#   (NEW defaults to this checkout's release build). SERVER=plain serves with `python3 -m
#   http.server` (no Range) instead of bench/static_server.py (Range, as real proxies do).
#   RUNS_DIR=/dev/shm/x installs on tmpfs, each run's folder removed before the next (untimed):
#   the gopin side's work without this machine's disk noise.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "$1")
cargo build --release --quiet
cargo build --release --quiet --example goproxy_fixture
new=$(realpath "${2:-target/release/gopin}")
fixture="$PWD/target/release/examples/goproxy_fixture"
work=$(mktemp -d /tmp/gopin-ab.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

archive=$(bench/go-archive.sh 1.22.10 "$work/srv")
mkdir -p "$work/tree"
tar -C "$work/tree" -xzf "$archive"
key=$("$fixture" --tree "$work/tree/go" --version go1.22.10 --goos linux --goarch amd64 \
  --fillers 300 --name sumdb.test --out "$work/srv" 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ "${SERVER:-range}" = plain ]; then
  (cd "$work/srv" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
else
  (cd "$work/srv" && exec python3 "$OLDPWD/bench/static_server.py" "$port" >/dev/null 2>&1) &
fi
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/golang.org/toolchain/@v/list" && break; sleep 0.1; done
runs="${RUNS_DIR:-$work/runs}"
mkdir -p "$runs"
prepare=sync
if [ -n "${RUNS_DIR:-}" ]; then
  prepare="rm -rf $runs/old* $runs/new*"
  trap 'cleanup; rm -rf "$runs"' EXIT
fi
for side in old new; do
  bin=$old
  [ "$side" = new ] && bin=$new
  cat >"$work/$side.sh" <<SH
d=$runs/$side\$(date +%s%N)
GOPIN_HOME=\$d GOPIN_SOURCE=goproxy GOPROXY=http://127.0.0.1:$port GOSUMDB='$key' GOMODCACHE=\$d/modcache GOENV=off \\
  exec $bin install --quiet 1.22.10
SH
  bash "$work/$side.sh" # each must work before it is timed
done
args=()
for round in $(seq "${ROUNDS:-6}"); do
  args+=(-n "old $round" "bash $work/old.sh" -n "new $round" "bash $work/new.sh")
done
# Unpacking the fixture's tree just now keeps this disk busy for a while: let it settle.
sleep 60
# `sync` before each run (untimed): every run starts with nothing of the others' left to write.
hyperfine --runs "${RUNS:-2}" --prepare "$prepare" --export-json "$work/result.json" "${args[@]}" >/dev/null
cp "$work/result.json" "${RESULT:-/tmp/gopin-ab-result.json}"
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
times = {"old": [], "new": []}
for r in json.load(open(sys.argv[1]))["results"]:
    times[r["command"].split()[0]] += r["times"]
print("runs in order:", " ".join(f"{t:.2f}" for r in json.load(open(sys.argv[1]))["results"] for t in r["times"]))
for side, t in times.items():
    print(f"{side}: median {statistics.median(t):.3f} s  mean {statistics.mean(t):.3f} s  min {min(t):.3f} s  ({len(t)} runs)")
print(f"new / old (medians): {statistics.median(times['new']) / statistics.median(times['old']):.2f}x")
PY
for side in old new; do
  bin=$old
  [ "$side" = new ] && bin=$new
  d="$runs/mem-$side"
  GOPIN_HOME="$d" GOPIN_SOURCE=goproxy GOPROXY=http://127.0.0.1:$port GOSUMDB="$key" GOMODCACHE="$d/modcache" \
    GOENV=off /usr/bin/time -f "peak memory, $side: %M KiB" "$bin" install --quiet 1.22.10
done
