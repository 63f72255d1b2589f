#!/bin/sh
# install.sh: install gopin and gopin-shim into ROOT/bin, make the shims, and print (or add)
# the line that loads gopin's shell integration. POSIX sh, checked with `shellcheck -s sh`.
# `./install.sh --help` lists the options. Messages go to stderr; the rc line to stdout.
set -eu

usage() {
	cat <<'EOF'
Usage: install.sh [--url URL --sha256 HEX] [--shell bash|zsh|fish] [--modify-rc]

Installs gopin and gopin-shim into ROOT/bin, creates the shims in ROOT/shims
(gopin reshim), and prints the line to add to your shell's rc file.

Sources:
  (default)             build this checkout: cargo build --release --locked --workspace
                        (when Cargo.toml is beside install.sh)
  --url URL --sha256 HEX
                        download a release tarball (gopin and gopin-shim at its top or
                        in one folder), check its SHA-256, install from it; cargo is
                        not run. file:// URLs work. Needs curl (or wget) and tar.

Options:
  --shell SHELL         bash, zsh or fish: the shell to print the line for
                        (default: from $SHELL)
  --modify-rc           append the line to the shell's rc file unless it is already
                        there: bash ~/.bashrc, zsh ${ZDOTDIR:-~}/.zshrc,
                        fish ${XDG_CONFIG_HOME:-~/.config}/fish/config.fish
                        (without it no rc file is changed)
  -h, --help            print this help

Environment:
  GOPIN_HOME            the root (default ${XDG_DATA_HOME:-~/.local/share}/gopin;
                        on macOS ~/Library/Application Support/gopin); when set, the
                        printed lines export it too
  CARGO_TARGET_DIR      where cargo builds (default: target/ beside install.sh)
  GOPIN_INSTALL_SKIP_BUILD=1
                        for tests and CI: do not run cargo, install the binaries
                        already in target/release (fails if they are missing)

Exit status: 0 installed, 1 failure, 2 usage error.
EOF
}

# ---- messages, failures, clean-up --------------------------------------------------------

failed=0      # 1 once a failure has been reported
tmp_dir=''    # download and extraction folder, removed on exit
stage_gopin='' # binaries copied into bin/ under temporary names, removed unless renamed
stage_shim=''

say() { printf '%s\n' "$*" >&2; }

die() {
	printf 'error: %s\n' "$*" >&2
	failed=1
	exit 1
}

usage_error() {
	printf 'error: %s\n' "$*" >&2
	printf "run 'install.sh --help' for the options\n" >&2
	failed=1
	exit 2
}

on_exit() {
	status=$?
	if [ -n "$tmp_dir" ]; then rm -rf "$tmp_dir"; fi
	if [ -n "$stage_gopin" ]; then rm -f "$stage_gopin"; fi
	if [ -n "$stage_shim" ]; then rm -f "$stage_shim"; fi
	# A command that failed under set -e without a message of ours.
	if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
		printf 'error: install.sh stopped unexpectedly (exit status %s)\n' "$status" >&2
		exit 1
	fi
}
trap on_exit EXIT
trap 'die "interrupted"' HUP INT TERM

have() { command -v "$1" >/dev/null 2>&1; }

# 'value' for sh, bash and zsh: taken literally.
sh_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# 'value' for fish: inside single quotes only \ and ' are escaped.
fish_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}

# ---- options -----------------------------------------------------------------------------

url=''
sha=''
shell_opt=''
modify_rc=0
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--url | --sha256 | --shell)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case $1 in
		--url) url=$2 ;;
		--sha256) sha=$2 ;;
		--shell) shell_opt=$2 ;;
		esac
		shift 2
		;;
	--url=*) url=${1#--url=} && shift ;;
	--sha256=*) sha=${1#--sha256=} && shift ;;
	--shell=*) shell_opt=${1#--shell=} && shift ;;
	--modify-rc) modify_rc=1 && shift ;;
	-*) usage_error "unknown option: $1" ;;
	*) usage_error "unexpected argument: $1" ;;
	esac
done

if [ -n "$url" ] && [ -z "$sha" ]; then
	usage_error "--url needs --sha256 HEX (the tarball's SHA-256)"
fi
if [ -z "$url" ] && [ -n "$sha" ]; then
	usage_error "--sha256 goes with --url URL"
fi
if [ -n "$sha" ]; then
	sha=$(printf '%s' "$sha" | tr 'ABCDEF' 'abcdef')
	case $sha in
	*[!0-9a-f]*) usage_error "--sha256 wants 64 hex digits, not '$sha'" ;;
	esac
	[ "${#sha}" -eq 64 ] || usage_error "--sha256 wants 64 hex digits, not '$sha'"
fi

if [ -n "$shell_opt" ]; then
	case $shell_opt in
	bash | zsh | fish) shell=$shell_opt ;;
	*) usage_error "--shell wants bash, zsh or fish, not '$shell_opt'" ;;
	esac
else
	shell=${SHELL:-}
	shell=${shell##*/}
	case $shell in
	bash | zsh | fish) ;;
	*) shell='sh' ;;
	esac
fi

# ---- where things go (checked before anything is built or downloaded) -------------------

home=${HOME:-}
nl='
'
if [ -n "${GOPIN_HOME:-}" ]; then
	root=$GOPIN_HOME
	root_from_env=1
else
	root_from_env=0
	[ -n "$home" ] || die "HOME is not set: set HOME, or GOPIN_HOME to the folder to install into"
	case $(uname -s 2>/dev/null || true) in
	Darwin) root="$home/Library/Application Support/gopin" ;;
	*)
		# As gopin itself: XDG_DATA_HOME only when it is an absolute path.
		case ${XDG_DATA_HOME:-} in
		/*) root="$XDG_DATA_HOME/gopin" ;;
		*) root="$home/.local/share/gopin" ;;
		esac
		;;
	esac
fi
case $root in
/*) ;;
*) root="$(pwd)/$root" ;;
esac
while [ "$root" != / ] && [ "${root%/}" != "$root" ]; do root=${root%/}; done
case $root in
*"$nl"*) die "the root path contains a newline: $root" ;;
esac
bin_dir="$root/bin"
[ ! -d "$bin_dir/gopin" ] || die "$bin_dir/gopin is a folder; move it away first"

case $shell in
bash) rc_file="$home/.bashrc" ;;
zsh) rc_file="${ZDOTDIR:-$home}/.zshrc" ;;
fish) rc_file="${XDG_CONFIG_HOME:-$home/.config}/fish/config.fish" ;;
*) rc_file='' ;;
esac
if [ "$modify_rc" -eq 1 ]; then
	[ -n "$rc_file" ] || die "--modify-rc: cannot tell the shell from SHELL='${SHELL:-}'; pass --shell bash, zsh or fish"
	[ -n "$home" ] || die "--modify-rc: HOME is not set"
fi

# ---- the binaries: from a release tarball or from this checkout --------------------------

if [ -n "$url" ]; then
	tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/gopin-install.XXXXXX") ||
		die "cannot create a temporary folder in ${TMPDIR:-/tmp}"
	archive="$tmp_dir/gopin.tar"
	say "downloading $url"
	if have curl; then
		curl -fsSL --proto '=http,https,file' -o "$archive" --url "$url" ||
			die "download failed: $url"
	else
		case $url in
		file://*)
			path=${url#file://}
			path=${path#localhost}
			cp "$path" "$archive" || die "cannot read $path"
			;;
		*)
			have wget || die "neither curl nor wget is installed: cannot download $url"
			wget -q -O "$archive" "$url" || die "download failed: $url"
			;;
		esac
	fi

	if have sha256sum; then
		sum_line=$(sha256sum <"$archive") || die "sha256sum failed"
	elif have shasum; then
		sum_line=$(shasum -a 256 <"$archive") || die "shasum failed"
	elif have openssl; then
		sum_line=$(openssl dgst -sha256 -r <"$archive") || die "openssl dgst failed"
	else
		die "no sha256sum, shasum or openssl to check the download with"
	fi
	got=$(printf '%s' "${sum_line%% *}" | tr 'ABCDEF' 'abcdef')
	[ "$got" = "$sha" ] ||
		die "SHA-256 mismatch for $url: expected $sha, got $got; nothing was installed"
	say "SHA-256 verified: $got"

	unpacked="$tmp_dir/unpacked"
	mkdir "$unpacked" || die "cannot create $unpacked"
	tar -xf "$archive" -C "$unpacked" || die "cannot extract $url (not a tar archive?)"
	if [ -f "$unpacked/gopin" ] && [ -f "$unpacked/gopin-shim" ]; then
		bin_src=$unpacked
	else
		bin_src=''
		for dir in "$unpacked"/*/; do
			if [ -f "${dir}gopin" ] && [ -f "${dir}gopin-shim" ]; then
				[ -z "$bin_src" ] || die "the tarball holds more than one folder with gopin in it"
				bin_src=${dir%/}
			fi
		done
		[ -n "$bin_src" ] ||
			die "the tarball holds no gopin and gopin-shim (looked at its top and in its folders)"
	fi
else
	script_dir=''
	if dir=$(dirname -- "$0") && script_dir=$(CDPATH='' cd -- "$dir" 2>/dev/null && pwd -P); then :; fi
	if [ -z "$script_dir" ] || [ ! -f "$script_dir/Cargo.toml" ] ||
		! grep -q '^name = "gopin"' "$script_dir/Cargo.toml"; then
		die "install.sh is not in a gopin checkout (no gopin Cargo.toml beside it); pass --url URL --sha256 HEX to install a release tarball"
	fi
	target_dir=${CARGO_TARGET_DIR:-target}
	case $target_dir in
	/*) ;;
	*) target_dir="$script_dir/$target_dir" ;;
	esac
	bin_src="$target_dir/release"
	if [ "${GOPIN_INSTALL_SKIP_BUILD:-}" = 1 ]; then
		say "GOPIN_INSTALL_SKIP_BUILD=1: not building; installing the binaries in $bin_src"
	else
		have cargo ||
			die "cargo is not installed: get Rust from https://rustup.rs, or pass --url URL --sha256 HEX"
		say "building gopin in $script_dir (cargo build --release --locked --workspace)"
		(cd "$script_dir" && cargo build --release --locked --workspace) >&2 ||
			die "cargo build failed"
		# The shim starts before every go command: on Linux with glibc, link it statically,
		# which saves the dynamic loader's fraction of a millisecond on each call.
		if [ "$(uname -s)" = Linux ] && ldd --version 2>&1 | grep -qi 'glibc\|gnu libc'; then
			(cd "$script_dir" && cargo rustc --release --locked -p gopin-shim --bin gopin-shim \
				-- -C target-feature=+crt-static) >&2 ||
				die "cargo could not link gopin-shim statically"
		fi
	fi
	for name in gopin gopin-shim; do
		if [ ! -f "$bin_src/$name" ] || [ ! -x "$bin_src/$name" ]; then
			die "$bin_src/$name is missing: build it with cargo build --release --workspace"
		fi
	done
fi

# ---- install: temporary names in bin/, checked, then renamed into place ------------------

mkdir -p "$bin_dir" || die "cannot create $bin_dir"
stage_shim="$bin_dir/.gopin-shim.install.$$"
stage_gopin="$bin_dir/.gopin.install.$$"
cp "$bin_src/gopin-shim" "$stage_shim" || die "cannot copy gopin-shim into $bin_dir"
chmod 755 "$stage_shim" || die "cannot make $stage_shim executable"
cp "$bin_src/gopin" "$stage_gopin" || die "cannot copy gopin into $bin_dir"
chmod 755 "$stage_gopin" || die "cannot make $stage_gopin executable"
version=$("$stage_gopin" --version 2>/dev/null) ||
	die "the new gopin does not run here ($bin_src/gopin): built for another platform?"
mv -f "$stage_shim" "$bin_dir/gopin-shim" || die "cannot move gopin-shim into place in $bin_dir"
stage_shim=''
mv -f "$stage_gopin" "$bin_dir/gopin" || die "cannot move gopin into place in $bin_dir"
stage_gopin=''
say "installed $version: $bin_dir/gopin and $bin_dir/gopin-shim"

GOPIN_HOME=$root "$bin_dir/gopin" reshim >&2 || die "gopin reshim failed"
[ -e "$root/shims/go" ] || die "gopin reshim made no $root/shims/go"

# ---- the shell's rc line -----------------------------------------------------------------

if [ "$shell" = fish ]; then
	gopin_q=$(fish_quote "$bin_dir/gopin")
	init_line="$gopin_q init fish | source"
	home_line="set -gx GOPIN_HOME $(fish_quote "$root")"
else
	gopin_q=$(sh_quote "$bin_dir/gopin")
	init_line="eval \"\$($gopin_q init $shell)\""
	home_line="export GOPIN_HOME=$(sh_quote "$root")"
fi
# A root chosen with GOPIN_HOME must be set in the shell too, or gopin looks elsewhere.
if [ "$root_from_env" -eq 1 ]; then
	rc_lines="$home_line$nl$init_line"
else
	home_line=''
	rc_lines=$init_line
fi

rc_has() {
	[ -f "$rc_file" ] && grep -Fqx -e "$1" "$rc_file"
}

if [ "$modify_rc" -eq 1 ]; then
	if { [ -z "$home_line" ] || rc_has "$home_line"; } && rc_has "$init_line"; then
		say "$rc_file already loads gopin; left unchanged"
	else
		mkdir -p "$(dirname -- "$rc_file")" || die "cannot create the folder of $rc_file"
		# A blank line before our lines, and a newline first if the file lacks its last one.
		sep=''
		if [ -s "$rc_file" ]; then
			sep=$nl
			if [ -n "$(tail -c 1 "$rc_file")" ]; then sep=$nl$nl; fi
		fi
		{
			printf '%s' "$sep"
			printf '# gopin: shims on PATH, version switching (added by install.sh)\n'
			printf '%s\n' "$rc_lines"
		} >>"$rc_file" || die "cannot write $rc_file"
		say "added the gopin line to $rc_file; open a new shell to use it"
	fi
elif [ -n "$rc_file" ]; then
	say "to use gopin, add this to $rc_file (or rerun with --modify-rc):"
else
	say "to use gopin, add this to your shell's startup file (for sh: ~/.profile),"
	say "or rerun with --shell bash, zsh or fish:"
fi
printf '%s\n' "$rc_lines"
