#!/usr/bin/env bash
# Benchmark: `gopin current` inside a project (target: under 5 ms median).
#
# Builds the release binary, makes a project tree four folders deep below a go.mod with a
# toolchain line (so selection also searches every ancestor for a go.work), installs a fake toolchain so `current` resolves
# fully, and times `gopin current` with hyperfine (-N: no shell in between). For scale it also
# times `true` and `gopin --version` in the same run.
#
# Usage: bench/current.sh [extra hyperfine args]   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/gopin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOPIN_HOME="$work/root" GOENV=off
unset GOTOOLCHAIN GOPIN_TOOLCHAIN GOWORK
mkdir -p "$work/ws/api/internal/server/handlers" "$GOPIN_HOME/versions/go1.22.4/bin"
printf 'module example.com/api\n\ngo 1.22\n\ntoolchain go1.22.4\n' >"$work/ws/api/go.mod"
printf '#!/bin/sh\necho go version go1.22.4 linux/amd64\n' >"$GOPIN_HOME/versions/go1.22.4/bin/go"
chmod +x "$GOPIN_HOME/versions/go1.22.4/bin/go"
cd "$work/ws/api/internal/server/handlers"
export PWD="$PWD"
"$bin" current
hyperfine -N --warmup 50 --runs 1000 --export-json "$work/result.json" "$@" \
  'true' \
  "$bin --version" \
  "$bin current" \
  "$bin current --json"
# Medians, the number the target is stated in.
python3 - "$work/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<60} median {r['median']*1000:6.2f} ms  mean {r['mean']*1000:6.2f} ms")
PY
