#!/usr/bin/env bash
# shellcheck disable=SC2317 # checks run through e2e_check
# e2e/differential.sh: which toolchain does Go itself switch to, and does gopin pick the same?
#
# For each project tree below, the real Go is run the way Go switches toolchains: the OLDEST
# installed release (go1.21.13) is the local toolchain, called by path, with GOTOOLCHAIN=path
# (or the row's own GOTOOLCHAIN) and gopin's shims on PATH, so Go's switching finds and runs
# the `go1.X.Y` shim. The version Go ends up running (`go version`, or the one its error names
# when it is not installed, e.g. `cannot find "go1.22.0" in PATH`) is compared with
# `gopin current --json` in the same tree and environment. A third column runs the `go` shim
# (without GOTOOLCHAIN=path): it must always run what `gopin current` says.
#
# Differences gopin makes on purpose are listed with their reason; they are printed, and fail
# only if Go and gopin unexpectedly agree (the list must stay true). Any other difference fails.
#
# Usage: bash e2e/differential.sh
#   E2E_DIFF_HOME=DIR   a GOPIN_HOME with gopin installed and go1.21.13, go1.22.10, go1.23.9
#                       (e2e/run.sh passes its own); its default is set to go1.22.10 for the
#                       run and restored afterwards. Unset: builds gopin and installs the three
#                       releases from the cached archives through file:// URLs.
# Prints `ok - ...` / `not ok - ...` lines and ends with `N passed, M failed`.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_init
T=$E2E_WORK/trees
mkdir -p "$T"

# ---- the gopin root with three real releases ------------------------------------------------

setup_archives() {
  e2e_archives "$E2E_WORK/srv"
  e2e_write_index "$E2E_WORK/srv"
}

if [ -n "${E2E_DIFF_HOME:-}" ]; then
  H=$E2E_DIFF_HOME
else
  H=$E2E_WORK/gopin-home
  e2e_require "differential set-up: cargo build --release --workspace" e2e_build
  e2e_require "differential set-up: real Go archives and index.json" setup_archives
  e2e_require "differential set-up: gopin into a fresh GOPIN_HOME" e2e_install_gopin "$H"
  e2e_require "differential set-up: install go1.21.13, go1.22.10, go1.23.9 from file://" \
    e2e_env "$H" "file://$E2E_WORK/srv" -- gopin install 1.21.13 1.22.10 1.23.9
fi
LOCAL_GO=$H/versions/go1.21.13/bin/go
DEFAULT=go1.22.10

check_home() {
  local v
  for v in go1.21.13 go1.22.10 go1.23.9; do
    [ -x "$H/versions/$v/bin/go" ] || fail "$v is not installed in $H"
    [ -e "$H/shims/$v" ] || fail "no shim $H/shims/$v for Go's switching to find"
  done
  [ ! -e "$H/versions/go1.22.0" ] || fail "go1.22.0 must not be installed (rows expect it missing)"
}
e2e_require "differential: the GOPIN_HOME holds go1.21.13, go1.22.10, go1.23.9 and their go1.X.Y shims" check_home

# The default is part of gopin's answer for rows without a requirement; restored at exit.
SAVED_DEFAULT=$E2E_WORK/saved-default
if [ -f "$H/default" ]; then cp "$H/default" "$SAVED_DEFAULT"; fi
e2e_on_exit() {
  if [ -f "$SAVED_DEFAULT" ]; then cp "$SAVED_DEFAULT" "$H/default"; else rm -f "$H/default"; fi
}
set_default() {
  run e2e_env "$H" '' GOPIN_OFFLINE=1 -- gopin default "$DEFAULT"
  expect_eq "$(tr -d '[:space:]' <"$H/default")" "$DEFAULT" "$H/default"
}
e2e_require "differential: gopin default $DEFAULT (the answer when nothing is required)" set_default

# ---- the three views of one tree ------------------------------------------------------------

# Environment common to the three runs: nothing installs, nothing fetches.
QUIET=(GOPIN_AUTO_INSTALL=0 GOPIN_OFFLINE=1)

# go_choice DIR VAR=VALUE...: the toolchain the local go1.21.13 ends up running.
go_choice() {
  local dir=$1 out rc
  shift
  out=$(cd "$dir" && e2e_env "$H" '' "${QUIET[@]}" GOTOOLCHAIN=path "$@" -- "$LOCAL_GO" version 2>&1) &&
    rc=0 || rc=$?
  printf '%s\n' "$out" >>"$ROW_LOG"
  if [ "$rc" -eq 0 ] && [[ $out =~ go\ version\ (go[^ ]+)\  ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  elif [[ $out =~ cannot\ find\ \"(go[^\"]+)\"\ in\ PATH ]] || [[ $out =~ downloading\ (go[^ ]+) ]] ||
    [[ $out =~ download\ (go[^ :]+) ]]; then
    printf '%s missing\n' "${BASH_REMATCH[1]}"
  else
    printf 'error\n'
  fi
}

# gopin_choice DIR VAR=VALUE...: `gopin current --json`'s version (missing: not installed).
gopin_choice() {
  local dir=$1 out rc version
  shift
  out=$(cd "$dir" && e2e_env "$H" '' "${QUIET[@]}" GOTOOLCHAIN=path "$@" -- gopin current --json 2>>"$ROW_LOG") &&
    rc=0 || rc=$?
  printf '%s\n' "$out" >>"$ROW_LOG"
  version=$(printf '%s\n' "$out" | json_version)
  if [ "$rc" -ne 0 ] || [ -z "$version" ]; then
    printf 'error\n'
  elif printf '%s' "$out" | grep -q '"installed": *false'; then
    printf '%s missing\n' "$version"
  else
    printf '%s\n' "$version"
  fi
}

# shim_choice DIR VAR=VALUE...: what the `go` shim runs (no GOTOOLCHAIN=path added).
shim_choice() {
  local dir=$1 out rc
  shift
  out=$(cd "$dir" && e2e_env "$H" '' "${QUIET[@]}" "$@" -- go version 2>&1) && rc=0 || rc=$?
  printf '%s\n' "$out" >>"$ROW_LOG"
  if [ "$rc" -eq 0 ] && [[ $out =~ go\ version\ (go[^ ]+)\  ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  elif [[ $out =~ (go[0-9][^ ]*)\ is\ not\ installed ]]; then
    printf '%s missing\n' "${BASH_REMATCH[1]}"
  else
    printf 'error\n'
  fi
}

# ---- rows -----------------------------------------------------------------------------------

ROWS=0
TREES=0
RESULTS=()
DELIBERATE_NOTES=()
FMT='# %-58s %-18s %-18s %-18s %s\n'

# put FILE TEXT: writes TEXT (printf %b escapes) to FILE, creating folders.
put() {
  mkdir -p "$(dirname "$1")"
  printf '%b' "$2" >"$1"
}

# tree: a new empty folder for the next rows, in $d.
tree() {
  TREES=$((TREES + 1))
  d=$T/$(printf '%02d' "$TREES")
  mkdir -p "$d"
}

# row NAME CWD DELIBERATE_REASON [VAR=VALUE...]: runs the three views in CWD and records the
# verdict. A non-empty reason marks a difference gopin makes on purpose.
row() {
  local name=$1 cwd=$2 reason=$3 go gopin shim verdict
  shift 3
  ROWS=$((ROWS + 1))
  ROW_LOG=$E2E_WORK/logs/row-$(printf '%02d' "$ROWS").log
  printf '# row: %s (in %s; env: %s)\n' "$name" "$cwd" "$*" >"$ROW_LOG"
  go=$(go_choice "$cwd" "$@")
  gopin=$(gopin_choice "$cwd" "$@")
  # The shim runs without the GOTOOLCHAIN=path that drives Go's switching, unless the row
  # sets GOTOOLCHAIN itself.
  shim=$(shim_choice "$cwd" "$@")
  if [ "${go% missing}" = "${gopin% missing}" ]; then verdict=same; else verdict=differs; fi
  if [ "${shim% missing}" != "${gopin% missing}" ]; then
    verdict="$verdict, SHIM DISAGREES"
    RESULTS+=("not ok|differential: $name|the go shim runs ${shim} but gopin current says ${gopin}")
  elif [ -n "$reason" ] && [ "$verdict" = same ]; then
    RESULTS+=("not ok|differential: $name|listed as a deliberate difference, but Go and gopin both pick ${go}")
  elif [ -n "$reason" ]; then
    verdict="deliberate"
    RESULTS+=("ok|differential: $name (deliberate difference)|")
    DELIBERATE_NOTES+=("$name: Go runs ${go}, gopin ${gopin}: $reason")
  elif [ "$verdict" = same ]; then
    RESULTS+=("ok|differential: $name|")
  else
    RESULTS+=("not ok|differential: $name|Go runs ${go}, gopin current says ${gopin}")
  fi
  # shellcheck disable=SC2059
  printf "$FMT" "$name" "$go" "$gopin" "$shim" "$verdict"
  if [ "${E2E_VERBOSE:-0}" = 1 ] || [[ $verdict == *SHIM* ]] ||
    { [ "$verdict" = differs ] && [ -z "$reason" ]; }; then
    sed 's/^/#     /' "$ROW_LOG"
  fi
}

R_NOREQ="the files require no toolchain: Go keeps its local toolchain, gopin uses its default (README rule 3: 'toolchain default or no line at all: on to the default')"
R_DOTFILE="Go ignores .go-version and .tool-versions; gopin reads them first in a directory (README rule 3)"
R_LOCAL="to Go, GOTOOLCHAIN=local means the go binary that happens to run; gopin has no such binary and gives local no effect (README rule 2)"
R_OLDER="Go never switches down to a go line older than the go that runs; gopin runs the release the file names (go 1.21 = go1.21.0)"
R_REPEAT="gopin refuses a repeated go statement, as x/mod does (go build fails on it too); Go's startup reader takes the first"
R_TMPDIR="both find no module when go.mod sits directly in the temp folder (and look no further up); Go then runs its local toolchain, gopin its default (README: decisions)"

printf '# differential: Go switching from a local go1.21.13 (GOTOOLCHAIN=path, shims on PATH) vs gopin (default %s)\n' "$DEFAULT"
# shellcheck disable=SC2059
printf "$FMT" "case" "Go runs" "gopin current" "go shim runs" "verdict"

tree
put "$d/go.mod" 'module m\n\ngo 1.22\n'
row "go.mod: go 1.22 (a language version)" "$d" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n'
row "go.mod: go 1.23.9" "$d" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\n\ntoolchain go1.22.10\n'
row "go.mod: go 1.21.13, toolchain go1.22.10" "$d" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n\ntoolchain go1.22.10\n'
row "go.mod: go 1.23.9, toolchain go1.22.10 (go newer)" "$d" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.22.10\n\ntoolchain go1.21.13\n'
row "go.mod: go 1.22.10, toolchain go1.21.13" "$d" ""

tree
put "$d/go.mod" 'module m\n\ntoolchain go1.22.10\n'
row "go.mod: toolchain go1.22.10, no go line" "$d" ""

tree
put "$d/go.mod" 'module m // go 1.99\r\n\r\n\tgo\t1.21.13 // toolchain go1.99.0\r\ntoolchain go1.22.10 // was go1.23.9\r\n'
row "go.mod: tabs, // comments, CRLF" "$d" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.22.10\n'
mkdir -p "$d/a/b"
row "go.mod two folders up (go 1.22.10)" "$d/a/b" ""

tree
put "$d/go.work" 'go 1.23.9\n\nuse ./mod\n'
put "$d/mod/go.mod" 'module m\n\ngo 1.21.13\n'
row "go.work go 1.23.9 above go.mod go 1.21.13" "$d/mod" ""
row "  same tree, GOWORK=off" "$d/mod" "" GOWORK=off

tree
put "$d/go.work" 'go 1.21.13\n\ntoolchain go1.22.10\n\nuse ./mod\n'
put "$d/mod/go.mod" 'module m\n\ngo 1.23.9\n'
row "go.work toolchain go1.22.10 above go.mod go 1.23.9" "$d/mod" ""

tree
put "$d/go.work" 'go 1.22.10\n'
mkdir -p "$d/tools"
row "go.work go 1.22.10, cwd below it without go.mod" "$d/tools" ""

tree
put "$d/go.work" 'go 1.23.9\n\nuse ./mid/mod\n'
put "$d/mid/.go-version" '1.22.10\n'
put "$d/mid/mod/go.mod" 'module m\n\ngo 1.21.13\n'
row "go.work above .go-version above go.mod" "$d/mid/mod" ""

tree
put "$d/mod/go.mod" 'module m\n\ngo 1.21.13\n'
put "$d/elsewhere/go.work" 'go 1.22.10\n\nuse ../mod\n'
row "GOWORK=/abs/go.work (go 1.22.10), go.mod go 1.21.13" "$d/mod" "" GOWORK="$d/elsewhere/go.work"

tree
put "$d/ws/go.work" 'go 1.23.9\n\nuse ./link\n'
put "$d/real/mod/go.mod" 'module m\n\ngo 1.21.13\n'
ln -s "$d/real/mod" "$d/ws/link"
row "module reached through a symlink under go.work" "$d/ws/link" ""

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n'
row "GOTOOLCHAIN=go1.22.10 over go.mod go 1.23.9" "$d" "" GOTOOLCHAIN=go1.22.10

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\n'
row "GOTOOLCHAIN=go1.23.9+auto over go.mod go 1.21.13" "$d" "" GOTOOLCHAIN=go1.23.9+auto
row "  same tree, GOTOOLCHAIN=go1.22.10+path" "$d" "" GOTOOLCHAIN=go1.22.10+path

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n'
row "GOTOOLCHAIN=go1.22.10+path below go.mod go 1.23.9" "$d" "" GOTOOLCHAIN=go1.22.10+path

tree
put "$d/go.mod" 'module m\n\ngo 1.22\n'
row "GOTOOLCHAIN=auto, go.mod go 1.22 (Go would download)" "$d" "" GOTOOLCHAIN=auto

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n'
put "$d/goenv" 'GOPROXY=off\nGOTOOLCHAIN=go1.22.10\n'
row "GOTOOLCHAIN=go1.22.10 from the go env file" "$d" "" GOTOOLCHAIN= GOENV="$d/goenv"

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\n\ntoolchain default\n'
row "GOTOOLCHAIN=go1.23.9+path, toolchain default" "$d" "" GOTOOLCHAIN=go1.23.9+path
row "go.mod: go 1.21.13, toolchain default" "$d" "$R_NOREQ"

tree
put "$d/go.mod" 'module m\n'
row "go.mod: no go or toolchain line" "$d" "$R_NOREQ"

tree
row "no project file at all" "$d" "$R_NOREQ"

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\n'
put "$d/.go-version" '1.23.9\n'
row ".go-version 1.23.9 beside go.mod go 1.21.13" "$d" "$R_DOTFILE"

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\n'
put "$d/.tool-versions" 'nodejs 20.0.0\ngolang 1.22.10\n'
row ".tool-versions golang 1.22.10 beside go.mod" "$d" "$R_DOTFILE"

tree
put "$d/go.mod" 'module m\n\ngo 1.23.9\n'
row "GOTOOLCHAIN=local over go.mod go 1.23.9" "$d" "$R_LOCAL" GOTOOLCHAIN=local

tree
put "$d/go.mod" 'module m\n\ngo 1.21\n'
row "go.mod: go 1.21 (older than the local go1.21.13)" "$d" "$R_OLDER"

tree
put "$d/go.mod" 'module m\n\ngo 1.21.13\ngo 1.23.9\n'
row "go.mod: two go lines" "$d" "$R_REPEAT"

tree
put "$d/go.mod" 'module above\n\ngo 1.23.9\n'
put "$d/tmp/go.mod" 'module intmp\n\ngo 1.22.10\n'
mkdir -p "$d/tmp/sub"
row "go.mod in TMPDIR (ignored), go.mod above it" "$d/tmp/sub" "$R_TMPDIR" TMPDIR="$d/tmp"

# ---- verdicts -------------------------------------------------------------------------------

for result in "${RESULTS[@]}"; do
  IFS='|' read -r status name details <<<"$result"
  if [ "$status" = ok ]; then e2e_ok "$name"; else e2e_not_ok "$name" "$details"; fi
done
if [ ${#DELIBERATE_NOTES[@]} -gt 0 ]; then
  printf '# deliberate differences (gopin differs from Go on purpose):\n'
  for note in "${DELIBERATE_NOTES[@]}"; do printf '#   - %s\n' "$note"; done
fi
e2e_summary
