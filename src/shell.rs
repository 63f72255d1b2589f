//! Shells: which one, how to quote for it, how to set and unset a variable in it, and the
//! integration script `gopin init` prints (README: "Shell setup").
//!
//! The script puts `shims/` first on PATH (once), defines a `gopin` function so `gopin use`
//! can change the current shell, and installs a cd hook that asks `gopin hook` whether the
//! selection changed. The hook keeps its memory in a plain shell variable: it exports nothing.

use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Sh,
}

impl Shell {
    /// From `$SHELL`'s file name; `sh` when unknown.
    pub fn from_env() -> Shell {
        let shell = std::env::var("SHELL").unwrap_or_default();
        match Path::new(&shell).file_name().and_then(|n| n.to_str()) {
            Some("bash") => Shell::Bash,
            Some("zsh") => Shell::Zsh,
            Some("fish") => Shell::Fish,
            _ => Shell::Sh,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Sh => "sh",
        }
    }

    /// A command that sets and exports `name`.
    pub fn export(self, name: &str, value: &str) -> String {
        match self {
            Shell::Fish => format!("set -gx {name} {}", quote(self, value)),
            _ => format!("export {name}={}", quote(self, value)),
        }
    }

    /// A command that puts `dir` in front of PATH.
    pub fn prepend_path(self, dir: &str) -> String {
        match self {
            Shell::Fish => format!("set -gx PATH {} $PATH", quote(self, dir)),
            _ => format!("export PATH={}:\"$PATH\"", quote(self, dir)),
        }
    }

    /// A command that removes `name` from the environment.
    pub fn unset(self, name: &str) -> String {
        match self {
            Shell::Fish => format!("set -e {name}"),
            _ => format!("unset {name}"),
        }
    }
}

/// Single-quotes a value so the shell takes it literally.
pub fn quote(shell: Shell, value: &str) -> String {
    match shell {
        // fish: backslash escapes only `\` and `'` inside single quotes.
        Shell::Fish => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
        _ => format!("'{}'", value.replace('\'', "'\\''")),
    }
}

/// The integration script for `gopin init SHELL`.
pub fn init_script(shell: Shell, gopin: &str, shims: &str) -> String {
    let gopin_q = quote(shell, gopin);
    let shims_q = quote(shell, shims);
    match shell {
        Shell::Fish => FISH
            .replace("@GOPIN@", &gopin_q)
            .replace("@SHIMS@", &shims_q),
        Shell::Zsh => format!(
            "{}{}",
            POSIX
                .replace("@GOPIN@", &gopin_q)
                .replace("@SHIMS@", &shims_q),
            ZSH_HOOK
        ),
        Shell::Bash => format!(
            "{}{}",
            POSIX
                .replace("@GOPIN@", &gopin_q)
                .replace("@SHIMS@", &shims_q),
            BASH_HOOK
        ),
        Shell::Sh => POSIX
            .replace("@GOPIN@", &gopin_q)
            .replace("@SHIMS@", &shims_q),
    }
}

/// Shared by bash and zsh (and plain sh, which has no cd hook).
const POSIX: &str = r#"# gopin shell integration: eval "$(gopin init SHELL)" in your shell's rc file.
__gopin_bin=@GOPIN@
__gopin_shims=@SHIMS@
# Shims first on PATH, once (sourcing this twice changes nothing).
case ":${PATH}:" in
  *":${__gopin_shims}:"*) ;;
  *) export PATH="${__gopin_shims}:${PATH}" ;;
esac
# Asks gopin whether the selection changed; prints one line on stderr when it did.
__gopin_hook() {
  __gopin_last=$(command "$__gopin_bin" hook --previous "${__gopin_last-}")
}
# `gopin use` must change this shell, so the function evaluates what it prints.
gopin() {
  case "${1-}" in
    use)
      # The value names this shell's syntax, whatever $SHELL says.
      __gopin_out=$(GOPIN_SHELL_INTEGRATION='sh' command "$__gopin_bin" "$@") || return $?
      eval "$__gopin_out" || return $?
      unset __gopin_out
      __gopin_hook
      ;;
    pin|default|install|uninstall|link)
      command "$__gopin_bin" "$@" || return $?
      __gopin_hook
      ;;
    *) command "$__gopin_bin" "$@" ;;
  esac
}
# Remember what is selected where the shell starts, without printing it.
__gopin_last=$(command "$__gopin_bin" hook --previous "${__gopin_last-}" --silent)
"#;

const BASH_HOOK: &str = r#"# cd hook: runs before each prompt, asks gopin only when the directory changed.
__gopin_pwd=$PWD
__gopin_prompt() {
  if [ "$PWD" != "$__gopin_pwd" ]; then
    __gopin_pwd=$PWD
    __gopin_hook
  fi
}
case ";${PROMPT_COMMAND-};" in
  *";__gopin_prompt;"*) ;;
  *) PROMPT_COMMAND="__gopin_prompt${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
"#;

const ZSH_HOOK: &str = r#"# cd hook: zsh calls it on every directory change (add-zsh-hook never adds it twice).
autoload -Uz add-zsh-hook
add-zsh-hook chpwd __gopin_hook
"#;

const FISH: &str = r#"# gopin shell integration: `gopin init fish | source` in ~/.config/fish/config.fish.
set -g __gopin_bin @GOPIN@
set -g __gopin_shims @SHIMS@
# Shims first on PATH, once (sourcing this twice changes nothing).
if not contains -- $__gopin_shims $PATH
    set -gx PATH $__gopin_shims $PATH
end
function __gopin_hook
    set -g __gopin_last (command $__gopin_bin hook --previous "$__gopin_last")
end
# cd hook: fish calls it whenever PWD changes.
function __gopin_on_pwd --on-variable PWD
    __gopin_hook
end
# `gopin use` must change this shell, so the function evaluates what it prints.
function gopin
    switch "$argv[1]"
        case use
            # `command` is a builtin env cannot run; the value names fish's syntax.
            set -l out (env GOPIN_SHELL_INTEGRATION=fish $__gopin_bin $argv); or return $status
            printf '%s\n' $out | source; or return $status
            __gopin_hook
        case pin default install uninstall link
            command $__gopin_bin $argv; or return $status
            __gopin_hook
        case '*'
            command $__gopin_bin $argv
    end
end
# Remember what is selected where the shell starts, without printing it.
set -q __gopin_last; or set -g __gopin_last ''
set -g __gopin_last (command $__gopin_bin hook --previous "$__gopin_last" --silent)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_commands() {
        assert_eq!(quote(Shell::Bash, "/a b/it's"), r"'/a b/it'\''s'");
        assert_eq!(quote(Shell::Fish, r"/a b/it's\x"), r"'/a b/it\'s\\x'");
        assert_eq!(
            Shell::Zsh.export("GOROOT", "/r/go"),
            "export GOROOT='/r/go'"
        );
        assert_eq!(
            Shell::Fish.export("GOROOT", "/r/go"),
            "set -gx GOROOT '/r/go'"
        );
        assert_eq!(
            Shell::Sh.prepend_path("/r/go/bin"),
            "export PATH='/r/go/bin':\"$PATH\""
        );
        assert_eq!(
            Shell::Fish.prepend_path("/r/go/bin"),
            "set -gx PATH '/r/go/bin' $PATH"
        );
        assert_eq!(
            Shell::Bash.unset("GOPIN_TOOLCHAIN"),
            "unset GOPIN_TOOLCHAIN"
        );
        assert_eq!(
            Shell::Fish.unset("GOPIN_TOOLCHAIN"),
            "set -e GOPIN_TOOLCHAIN"
        );
    }

    #[test]
    fn scripts_name_the_binary_and_shims() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Sh] {
            let script = init_script(shell, "/o/bin/gopin", "/o/shims");
            assert!(
                script.contains("'/o/bin/gopin'") && script.contains("'/o/shims'"),
                "{shell:?}"
            );
            assert!(
                !script.contains("@GOPIN@") && !script.contains("@SHIMS@"),
                "{shell:?}: a placeholder left"
            );
        }
    }
}
