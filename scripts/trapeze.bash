# scripts/trapeze.bash: bash completion for trapeze (make install puts it in
# PREFIX/share/bash-completion/completions/trapeze; or source it).
# Owns: completing subcommands, their options, modes, processors and files.
# The options and modes are read from `trapeze SUBCOMMAND --help` itself, so
# they are always the binary's own.

_trapeze()
{
	local cur prev cmd opts
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
			awk '/^subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
			--help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case "$prev" in
	--mode|--modes)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" diff --help 2>/dev/null |
			sed -n 's/.*valid: \([a-z, ]*\)).*/\1/p' | tr -d ',')" \
			-- "${cur##*,}"))
		return ;;
	--cpu)
		COMPREPLY=($(compgen -W "toy early modern" -- "$cur")); return ;;
	--exit-status)
		COMPREPLY=($(compgen -W "guest tool" -- "$cur")); return ;;
	--passthrough)
		COMPREPLY=($(compgen -W "con2" -- "$cur")); return ;;
	--nonvirt=*|--max-steps|--mem|--max-output|--tc-size|--balloon|--timeout|--seed|--samples|--runs)
		return ;;
	--to|--listen|--at|--epoch|--bandwidth|--max-rounds|--stop-pages|--net-timeout|--wait|--save-at)
		return ;;
	--disk|--input|--restore|-o|-l)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-I|--build|--dir)
		COMPREPLY=($(compgen -d -- "$cur")); return ;;
	esac
	if [[ "$cur" == -* ]]; then
		opts=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [ "$cmd" = asm ]; then
		COMPREPLY=($(compgen -f -X '!*.s' -- "$cur") $(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -X '!*.elf' -- "$cur") $(compgen -d -- "$cur"))
	fi
}
complete -F _trapeze trapeze
