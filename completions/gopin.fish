# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gopin_global_optspecs
    string join \n q/quiet h/help V/version
end

function __fish_gopin_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gopin_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gopin_using_subcommand
    set -l cmd (__fish_gopin_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gopin -n "__fish_gopin_needs_command" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gopin -n "__fish_gopin_needs_command" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "install" -d 'Install Go versions (none given: the one selected here)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "uninstall" -d 'Remove installed versions (--unused: every version nothing uses)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "current" -d 'Show the Go version selected here and why'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "why" -d 'Explain the whole decision: each rule, each file read, what won, what go will do'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "which" -d 'Print the path of the go binary (or another tool) that runs here'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "default" -d 'Show or set the global default version'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "pin" -d 'Write the exact version to .go-version in this directory, or remove it'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "list" -d 'List installed versions, marking the default and the one selected here'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "ls" -d 'List installed versions, marking the default and the one selected here'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "list-remote" -d 'List the versions in the download index that have an archive for this platform'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "ls-remote" -d 'List the versions in the download index that have an archive for this platform'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "exec" -d 'Run a command with a Go version first on PATH (default: the one selected here)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "env" -d 'Print the exports (GOROOT, PATH) for the version selected here, for eval in CI'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "use" -d 'Use a version in this shell only (needs `gopin init`)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "init" -d 'Print the shell integration: shims on PATH, the gopin function, the cd hook'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "hook" -d 'The cd hook\'s question: did the selection change? (called by the shell integration)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "reshim" -d 'Recreate the shims (go, gofmt, one goX.Y.Z per installed version)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "completions" -d 'Print a completion script'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "link" -d 'Register an existing Go tree (a custom build) as a version'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "mirror" -d 'Copy verified archives and an index.json (or, with --goproxy, a Go module proxy) into a folder: a static mirror to serve'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "doctor" -d 'Check PATH, environment, selection, network, disk and Go settings before a build does'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "cache" -d 'Manage downloads and cached indexes'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "outdated" -d 'Newer patches and known vulnerabilities of the versions installed and in use'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "upgrade" -d 'Rewrite the pin here to the newest patch (--latest: the newest release)'
complete -c gopin -n "__fish_gopin_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gopin -n "__fish_gopin_using_subcommand install" -l archive -d 'Install this local archive (go1.22.10.linux-amd64.tar.gz) instead of downloading' -r -F
complete -c gopin -n "__fish_gopin_using_subcommand install" -l version -d 'The archive\'s version, when its file name does not say it' -r
complete -c gopin -n "__fish_gopin_using_subcommand install" -l sha256 -d 'The archive\'s SHA-256, to verify it without the index (offline)' -r
complete -c gopin -n "__fish_gopin_using_subcommand install" -l force -d 'Reinstall even when installed'
complete -c gopin -n "__fish_gopin_using_subcommand install" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand install" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -l keep-for -d 'Folders whose .go-version, .tool-versions, go.mod and go.work files keep their versions (default: the current folder)' -r -F
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -l force -d 'Remove the default version too'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -l unused -d 'Remove every version that is neither the default nor selected here or by a version file under the --keep-for folders'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -l dry-run -d 'List what --unused would remove, and remove nothing'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand current" -l json -d 'Print {"version","source","path","line","installed","goroot"} as JSON'
complete -c gopin -n "__fish_gopin_using_subcommand current" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand current" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand current" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand why" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand why" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand why" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand which" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand which" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand which" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand default" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand default" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand default" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand pin" -l unset -d 'Remove .go-version from this directory'
complete -c gopin -n "__fish_gopin_using_subcommand pin" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand pin" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand pin" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand list" -l json -d 'Print [{"version","default","current","reason","goroot"}] as JSON'
complete -c gopin -n "__fish_gopin_using_subcommand list" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand list" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand list" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand ls" -l json -d 'Print [{"version","default","current","reason","goroot"}] as JSON'
complete -c gopin -n "__fish_gopin_using_subcommand ls" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand ls" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand ls" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -l os -d 'Operating system, in Go\'s names (linux, darwin, windows, ...)' -r
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -l arch -d 'Architecture, in Go\'s names (amd64, arm64, arm, 386, ...)' -r
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -l all -d 'Include betas and release candidates'
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -l json -d 'Print [{"version","stable","installed","filename","size","sha256"}] as JSON'
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand list-remote" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -l os -d 'Operating system, in Go\'s names (linux, darwin, windows, ...)' -r
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -l arch -d 'Architecture, in Go\'s names (amd64, arm64, arm, 386, ...)' -r
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -l all -d 'Include betas and release candidates'
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -l json -d 'Print [{"version","stable","installed","filename","size","sha256"}] as JSON'
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand ls-remote" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand exec" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand exec" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand exec" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand env" -l shell -d 'The shell to print for (default: from $SHELL, else sh)' -r -f -a "bash\t''
zsh\t''
fish\t''
sh\t''"
complete -c gopin -n "__fish_gopin_using_subcommand env" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand env" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand env" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand use" -l shell -d 'The shell to print for (default: from $SHELL)' -r -f -a "bash\t''
zsh\t''
fish\t''
sh\t''"
complete -c gopin -n "__fish_gopin_using_subcommand use" -l unset -d 'Go back to the files and the default'
complete -c gopin -n "__fish_gopin_using_subcommand use" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand use" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand use" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand init" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand init" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand init" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand hook" -l previous -d 'What the hook printed last time' -r
complete -c gopin -n "__fish_gopin_using_subcommand hook" -l silent -d 'Only print the key (for the shell\'s start)'
complete -c gopin -n "__fish_gopin_using_subcommand hook" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand hook" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand hook" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand reshim" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand reshim" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand reshim" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand completions" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand completions" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand link" -l force -d 'Replace an existing link of that name'
complete -c gopin -n "__fish_gopin_using_subcommand link" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand link" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand link" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -l to -d 'The mirror folder (created if missing)' -r -F
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -l os -d 'Operating system of the archives, in Go\'s names (default: this machine\'s)' -r
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -l arch -d 'Architecture of the archives, in Go\'s names (default: this machine\'s)' -r
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -l goproxy -d 'Write a Go module proxy (golang.org/toolchain) with the checksum database\'s answers inside, for GOPROXY, instead of archives and an index.json'
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand mirror" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -l offline -d 'Skip the network checks'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -l json -d 'Print {"checks":[{"group","id","status","summary","evidence","hint"}],"summary":{...}}'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -l strict -d 'Warnings fail too'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and not __fish_seen_subcommand_from clean help" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and not __fish_seen_subcommand_from clean help" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and not __fish_seen_subcommand_from clean help" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and not __fish_seen_subcommand_from clean help" -f -a "clean" -d 'Remove downloads, partial files, cached indexes and leftovers of killed runs'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and not __fish_seen_subcommand_from clean help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and __fish_seen_subcommand_from clean" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Remove downloads, partial files, cached indexes and leftovers of killed runs'
complete -c gopin -n "__fish_gopin_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gopin -n "__fish_gopin_using_subcommand outdated" -l json -d 'Print the full detail as JSON: [{"version","used_by","newest_patch","advisories",...}]'
complete -c gopin -n "__fish_gopin_using_subcommand outdated" -l exit-code -d 'Exit 1 when a listed version has an advisory fixed in a newer patch of its minor release'
complete -c gopin -n "__fish_gopin_using_subcommand outdated" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand outdated" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand outdated" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand upgrade" -l latest -d 'Move to the newest stable release, not just the newest patch of the same minor release'
complete -c gopin -n "__fish_gopin_using_subcommand upgrade" -l dry-run -d 'Print what would change, and write nothing'
complete -c gopin -n "__fish_gopin_using_subcommand upgrade" -s q -l quiet -d 'Print no informational messages (data, warnings and errors still print)'
complete -c gopin -n "__fish_gopin_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c gopin -n "__fish_gopin_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "install" -d 'Install Go versions (none given: the one selected here)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "uninstall" -d 'Remove installed versions (--unused: every version nothing uses)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "current" -d 'Show the Go version selected here and why'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "why" -d 'Explain the whole decision: each rule, each file read, what won, what go will do'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "which" -d 'Print the path of the go binary (or another tool) that runs here'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "default" -d 'Show or set the global default version'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "pin" -d 'Write the exact version to .go-version in this directory, or remove it'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "list" -d 'List installed versions, marking the default and the one selected here'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "list-remote" -d 'List the versions in the download index that have an archive for this platform'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "exec" -d 'Run a command with a Go version first on PATH (default: the one selected here)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "env" -d 'Print the exports (GOROOT, PATH) for the version selected here, for eval in CI'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "use" -d 'Use a version in this shell only (needs `gopin init`)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "init" -d 'Print the shell integration: shims on PATH, the gopin function, the cd hook'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "hook" -d 'The cd hook\'s question: did the selection change? (called by the shell integration)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "reshim" -d 'Recreate the shims (go, gofmt, one goX.Y.Z per installed version)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "completions" -d 'Print a completion script'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "link" -d 'Register an existing Go tree (a custom build) as a version'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "mirror" -d 'Copy verified archives and an index.json (or, with --goproxy, a Go module proxy) into a folder: a static mirror to serve'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "doctor" -d 'Check PATH, environment, selection, network, disk and Go settings before a build does'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "cache" -d 'Manage downloads and cached indexes'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "outdated" -d 'Newer patches and known vulnerabilities of the versions installed and in use'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "upgrade" -d 'Rewrite the pin here to the newest patch (--latest: the newest release)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and not __fish_seen_subcommand_from install uninstall current why which default pin list list-remote exec env use init hook reshim completions link mirror doctor cache outdated upgrade help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gopin -n "__fish_gopin_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clean" -d 'Remove downloads, partial files, cached indexes and leftovers of killed runs'
