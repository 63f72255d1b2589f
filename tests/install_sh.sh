#!/usr/bin/env bash
# install.sh's own tests: shellcheck, installs from the checkout and from a release tarball,
# the rc lines (printed, appended once, per shell), and a root path with a space in it.
# Needs the release binaries: run `cargo build --release --workspace` first (CI does).
# Everything happens in a temporary folder with its own HOME; nothing touches the network.
# Last line: `N passed, M failed`; exit status 1 when anything failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$repo"
release="${CARGO_TARGET_DIR:-target}/release"
case $release in
/*) ;;
*) release="$repo/$release" ;;
esac

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  printf 'ok   %s\n' "$1"
}
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$1"
}
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}
finish() {
  printf '%s passed, %s failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

contains() { [[ $1 == *"$2"* ]]; }
lacks() { [[ $1 != *"$2"* ]]; }
is_exec() { [ -f "$1" ] && [ -x "$1" ]; }
links_to() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
# count_lines FILE LINE EXPECTED: LINE appears as a whole line EXPECTED times.
count_lines() { [ "$(grep -cFx -e "$2" "$1" 2>/dev/null || true)" = "$3" ]; }
equals() { [ "$1" = "$2" ]; }

for bin in gopin gopin-shim; do
  if ! is_exec "$release/$bin"; then
    # shellcheck disable=SC2016 # backquotes for the reader, not a substitution
    printf 'missing %s: run `cargo build --release --workspace` first\n' "$release/$bin" >&2
    fail "release binaries present"
    finish
    exit 1
  fi
done

tmp=$(mktemp -d)
tmp=$(cd "$tmp" && pwd -P) # physical, so link targets compare as written
trap 'rm -rf "$tmp"' EXIT

# A cargo that records being run and fails: first on PATH, it proves cargo was not run.
mkdir "$tmp/fakebin" "$tmp/tmpdir"
cargo_mark="$tmp/cargo-ran"
cat >"$tmp/fakebin/cargo" <<EOF
#!/bin/sh
touch '$cargo_mark'
echo 'fake cargo: install.sh must not run cargo here' >&2
exit 1
EOF
chmod +x "$tmp/fakebin/cargo"
fake_path="$tmp/fakebin:$PATH"
no_cargo_run() { [ ! -e "$cargo_mark" ]; }

# run [VAR=value...] -- [ARG...]: install.sh under sh with a clean gopin environment (plus
# the given variables); sets $status, $out (stdout) and $err (stderr).
script="$repo/install.sh"
run() {
  local vars=()
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  set +e
  env -u GOPIN_HOME -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u ZDOTDIR \
    -u GOPIN_INSTALL_SKIP_BUILD -u SHELL \
    GOPIN_AUTO_INSTALL=0 GOPIN_OFFLINE=1 GOPIN_INDEX_URL=http://127.0.0.1:9/ TMPDIR="$tmp/tmpdir" \
    "${vars[@]}" sh "$script" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  set -e
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
  if [ "$status" -ne 0 ]; then sed 's/^/    | /' "$tmp/err"; fi
}

# The lines install.sh should print for a root (sh quoting: the root has no ' here).
bash_line() { printf '%s' "eval \"\$('$1/bin/gopin' init bash)\""; }
zsh_line() { printf '%s' "eval \"\$('$1/bin/gopin' init zsh)\""; }
fish_line() { printf '%s' "'$1/bin/gopin' init fish | source"; }

# installed ROOT: both binaries, the shims linked to gopin-shim, gopin runs.
installed() {
  is_exec "$1/bin/gopin" && is_exec "$1/bin/gopin-shim" &&
    links_to "$1/shims/go" "$1/bin/gopin-shim" &&
    links_to "$1/shims/gofmt" "$1/bin/gopin-shim" &&
    "$1/bin/gopin" --version >/dev/null
}

echo "== shellcheck"
if shellcheck -s sh install.sh; then pass "shellcheck -s sh install.sh: no findings"; else fail "shellcheck -s sh install.sh: no findings"; fi

echo "== options"
run -- --help
check "--help exits 0" equals "$status" 0
check "--help prints the usage" contains "$out" "Usage: install.sh"
check "--help documents GOPIN_INSTALL_SKIP_BUILD" contains "$out" "GOPIN_INSTALL_SKIP_BUILD=1"
run -- --frobnicate
check "an unknown option exits 2" equals "$status" 2
check "an unknown option is named in an error" contains "$err" "error: unknown option: --frobnicate"
run -- --url file:///nowhere
check "--url without --sha256 exits 2" equals "$status" 2
run -- --shell tcsh
check "--shell tcsh exits 2" equals "$status" 2
run -- --sha256 abc
check "--sha256 without --url exits 2" equals "$status" 2

echo "== from the checkout (GOPIN_INSTALL_SKIP_BUILD=1)"
home="$tmp/home-checkout"
gh="$tmp/root-checkout"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 PATH="$fake_path" --
check "install exits 0" equals "$status" 0
check "gopin and gopin-shim installed, shims link to gopin-shim, gopin --version runs" installed "$gh"
check "gopin --version prints the version" contains "$("$gh/bin/gopin" --version)" "gopin "
check "stdout has the init bash line" contains "$out" "$(bash_line "$gh")"
check "stdout exports the GOPIN_HOME given" contains "$out" "export GOPIN_HOME='$gh'"
check "stdout holds only the rc lines" equals "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
check "messages go to stderr" contains "$err" "installed gopin"
check "no rc file changed without --modify-rc" test ! -e "$home/.bashrc"
check "cargo not run with GOPIN_INSTALL_SKIP_BUILD=1" no_cargo_run
check "no temporary files left in bin/" equals "$(cd "$gh/bin" && find . -mindepth 1 | sort | tr '\n' ' ')" "./gopin ./gopin-shim "

echo "== default roots"
home="$tmp/home-default"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_INSTALL_SKIP_BUILD=1 --
check "without GOPIN_HOME the root is ~/.local/share/gopin" installed "$home/.local/share/gopin"
check "without GOPIN_HOME only the init line is printed" equals "$out" "$(bash_line "$home/.local/share/gopin")"
run HOME="$home" SHELL=/bin/bash XDG_DATA_HOME="$tmp/xdg" GOPIN_INSTALL_SKIP_BUILD=1 --
check "XDG_DATA_HOME/gopin is the root when set" installed "$tmp/xdg/gopin"

echo "== missing binaries"
run HOME="$home" GOPIN_HOME="$tmp/root-nobin" GOPIN_INSTALL_SKIP_BUILD=1 CARGO_TARGET_DIR="$tmp/empty-target" --
check "GOPIN_INSTALL_SKIP_BUILD=1 without binaries exits 1" equals "$status" 1
check "... and says which binary is missing" contains "$err" "error: $tmp/empty-target/release/gopin"

if command -v cargo >/dev/null 2>&1; then
  echo "== from the checkout, with cargo build"
  home="$tmp/home-build"
  gh="$tmp/root-build"
  mkdir "$home"
  # Cargo and rustup keep their homes under the real HOME.
  run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" --
  check "install with cargo build exits 0" equals "$status" 0
  check "cargo build then install: binaries and shims" installed "$gh"
  check "cargo's output stays off stdout" equals "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2
fi

echo "== --modify-rc"
gh="$tmp/root-rc"
home="$tmp/home-bash"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "--modify-rc exits 0" equals "$status" 0
check "bash: the line is in ~/.bashrc" count_lines "$home/.bashrc" "$(bash_line "$gh")" 1
check "bash: GOPIN_HOME is exported in ~/.bashrc" count_lines "$home/.bashrc" "export GOPIN_HOME='$gh'" 1
check "--modify-rc still prints the line" contains "$out" "$(bash_line "$gh")"
check "--modify-rc says what it did" contains "$err" "added the gopin line to $home/.bashrc"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "second --modify-rc exits 0" equals "$status" 0
check "bash: still one line after a second run" count_lines "$home/.bashrc" "$(bash_line "$gh")" 1
check "bash: still one GOPIN_HOME line after a second run" count_lines "$home/.bashrc" "export GOPIN_HOME='$gh'" 1
check "the second run says the file was left alone" contains "$err" "left unchanged"

home="$tmp/home-nonl"
mkdir "$home"
printf 'alias ll="ls -l"' >"$home/.bashrc" # no final newline
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "an rc file without a final newline keeps its last line intact" equals "$(head -n 1 "$home/.bashrc")" 'alias ll="ls -l"'
check "... and gets the line on a line of its own" count_lines "$home/.bashrc" "$(bash_line "$gh")" 1

home="$tmp/home-zsh"
mkdir "$home"
run HOME="$home" SHELL=/usr/bin/zsh GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "zsh: exits 0" equals "$status" 0
check "zsh: the init zsh line is in ~/.zshrc" count_lines "$home/.zshrc" "$(zsh_line "$gh")" 1
check "zsh: no ~/.bashrc" test ! -e "$home/.bashrc"
run HOME="$home" SHELL=/usr/bin/zsh ZDOTDIR="$home/zdot" GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "zsh: ZDOTDIR/.zshrc when ZDOTDIR is set" count_lines "$home/zdot/.zshrc" "$(zsh_line "$gh")" 1

home="$tmp/home-fish"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 -- --shell fish --modify-rc
check "fish: exits 0" equals "$status" 0
check "fish: the line is in ~/.config/fish/config.fish" count_lines "$home/.config/fish/config.fish" "$(fish_line "$gh")" 1
check "fish: GOPIN_HOME set in config.fish" count_lines "$home/.config/fish/config.fish" "set -gx GOPIN_HOME '$gh'" 1
check "fish: no ~/.bashrc" test ! -e "$home/.bashrc"
check "fish: the fish line is printed" contains "$out" "$(fish_line "$gh")"

home="$tmp/home-unknown"
mkdir "$home"
run HOME="$home" SHELL=/bin/tcsh GOPIN_HOME="$tmp/root-unknown" GOPIN_INSTALL_SKIP_BUILD=1 -- --modify-rc
check "--modify-rc with an unknown SHELL exits 1" equals "$status" 1
check "... before installing anything" test ! -e "$tmp/root-unknown"

echo "== from a release tarball"
pkg="$tmp/pkg"
top=gopin-0.1.0-linux-amd64
mkdir -p "$pkg/$top"
cp "$release/gopin" "$release/gopin-shim" "$pkg/$top/"
tarball="$tmp/$top.tar.gz"
tar -czf "$tarball" -C "$pkg" "$top"
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
home="$tmp/home-tar"
gh="$tmp/root-tar"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" PATH="$fake_path" -- --url "file://$tarball" --sha256 "$sum"
check "tarball install exits 0" equals "$status" 0
check "tarball: binaries and shims installed" installed "$gh"
check "tarball: cargo not run" no_cargo_run
check "tarball: the init bash line printed" contains "$out" "$(bash_line "$gh")"
check "tarball: the checksum is reported verified" contains "$err" "SHA-256 verified"

flat="$tmp/flat.tar.gz"
tar -czf "$flat" -C "$pkg/$top" gopin gopin-shim
flat_sum=$(sha256sum "$flat" | cut -d' ' -f1)
mkdir "$tmp/elsewhere"
cp install.sh "$tmp/elsewhere/install.sh" # a copy outside any checkout, as users get it
script="$tmp/elsewhere/install.sh"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$tmp/root-flat" PATH="$fake_path" -- --url "file://$flat" --sha256 "$flat_sum"
check "a flat tarball (no top folder) installs, from outside a checkout" installed "$tmp/root-flat"
check "flat tarball: cargo not run" no_cargo_run
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$tmp/root-nosrc" --
check "outside a checkout without --url: exit 1" equals "$status" 1
check "... saying to pass --url" contains "$err" "--url URL --sha256 HEX"
script="$repo/install.sh"

wrong=$(printf '%s' "$sum" | tr '0-9a-f' '1-9a-f0')
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$tmp/root-badsum" PATH="$fake_path" -- --url "file://$tarball" --sha256 "$wrong"
check "wrong sha256: exit 1" equals "$status" 1
check "wrong sha256: an error line" contains "$err" "error: SHA-256 mismatch"
check "wrong sha256: names the expected sum" contains "$err" "$wrong"
check "wrong sha256: names the actual sum" contains "$err" "$sum"
check "wrong sha256: nothing installed" test ! -e "$tmp/root-badsum"
check "wrong sha256: cargo not run" no_cargo_run

run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$tmp/root-nofile" -- --url "file://$tmp/absent.tar.gz" --sha256 "$sum"
check "a failed download: exit 1" equals "$status" 1
check "a failed download: an error line" contains "$err" "error: download failed"
check "a failed download: nothing installed" test ! -e "$tmp/root-nofile"
check "no temporary folders left behind in TMPDIR" equals "$(ls -A "$tmp/tmpdir")" ""

echo "== a root with a space in its path"
# Evaluate printed lines in a clean shell started in the temp folder (no go.mod above it),
# with the temp HOME, no GOPIN_HOME and no network; print where `go` resolves.
# shellcheck disable=SC2016 # $1 expands in the inner shell
eval_bash() {
  (cd "$tmp" && env -i HOME="$1" PATH=/usr/bin:/bin GOPIN_AUTO_INSTALL=0 GOPIN_OFFLINE=1 \
    GOPIN_INDEX_URL=http://127.0.0.1:9/ bash --norc --noprofile -c 'eval "$1" && command -v go' _ "$2")
}
# shellcheck disable=SC2016 # $1 expands in the inner shell
eval_zsh() {
  (cd "$tmp" && env -i HOME="$1" PATH=/usr/bin:/bin GOPIN_AUTO_INSTALL=0 GOPIN_OFFLINE=1 \
    GOPIN_INDEX_URL=http://127.0.0.1:9/ zsh -f -c 'eval "$1" && whence -p go' _ "$2")
}
eval_fish() {
  (cd "$tmp" && env -i HOME="$1" PATH=/usr/bin:/bin GOPIN_AUTO_INSTALL=0 GOPIN_OFFLINE=1 \
    GOPIN_INDEX_URL=http://127.0.0.1:9/ fish --no-config -c "$2"'
command -v go')
}

home="$tmp/home-space"
gh="$tmp/with space/gopin"
mkdir "$home"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 --
check "space: install exits 0" equals "$status" 0
check "space: binaries and shims installed" installed "$gh"
check "space: the line quotes the path" contains "$out" "$(bash_line "$gh")"
check "space: bash evaluates the printed lines, go resolves to the shims" \
  equals "$(eval_bash "$home" "$out" || true)" "$gh/shims/go"

# A quote in the path as well, for every shell's quoting.
gh="$tmp/it's a dir/gopin"
run HOME="$home" SHELL=/bin/bash GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 --
check "quote: bash evaluates the printed lines, go resolves to the shims" \
  equals "$(eval_bash "$home" "$out" || true)" "$gh/shims/go"
if command -v zsh >/dev/null 2>&1; then
  run HOME="$home" SHELL=/usr/bin/zsh GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 --
  check "quote: zsh evaluates the printed lines, go resolves to the shims" \
    equals "$(eval_zsh "$home" "$out" || true)" "$gh/shims/go"
else
  echo "skip zsh: not installed"
fi
if command -v fish >/dev/null 2>&1; then
  run HOME="$home" SHELL=/usr/bin/fish GOPIN_HOME="$gh" GOPIN_INSTALL_SKIP_BUILD=1 --
  check "quote: fish evaluates the printed lines, go resolves to the shims" \
    equals "$(eval_fish "$home" "$out" || true)" "$gh/shims/go"
else
  echo "skip fish: not installed"
fi

finish
