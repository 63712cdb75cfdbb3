# bash completion for litehcl: commands, subcommands, each command's flags and, for
# state show/rm/list/mv, taint, untaint, -target= and -replace=, the resource addresses
# in the state; for import and state mv's destination, the configuration's addresses
# not in the state yet; for workspace select and delete, the workspaces.
# litehcl itself answers (it reads COMP_LINE and COMP_POINT, as Terraform's
# `complete -C terraform terraform` does); file names are completed when it has none.
# The flags come from the help: the table in src/help.c, or for a command that prints
# its own help (fmt, state mv, taint, ...) the option lines of `litehcl CMD -help`, so
# the completion cannot drift from what -help says (tests/suites/help.sh checks every
# command and subcommand).
#
# Installed by `make install` into share/bash-completion/completions/litehcl; to try it
# without installing:  . src/litehcl.bash
_litehcl() {
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(COMP_LINE="$COMP_LINE" COMP_POINT="$COMP_POINT" "${COMP_WORDS[0]}" 2>/dev/null))
	# bash splits "-target=litellm_user.a" at "=" (COMP_WORDBREAKS): the word it
	# replaces is then the part after "=", or "=" itself
	local cur=${COMP_WORDS[COMP_CWORD]} i
	if [ "${cur#-}" = "$cur" ]; then
		for i in "${!COMPREPLY[@]}"; do
			case ${COMPREPLY[i]} in
			-*=*) if [ "$cur" = "=" ]; then COMPREPLY[i]="=${COMPREPLY[i]#*=}"; else COMPREPLY[i]=${COMPREPLY[i]#*=}; fi ;;
			esac
		done
	fi
	# an address with a key in quotes (litellm_user.team["bob"]) goes in single
	# quotes, so that the shell passes it on as written
	case $cur in
	\'* | \"*) ;;
	*)
		for i in "${!COMPREPLY[@]}"; do
			case ${COMPREPLY[i]} in *\"*) COMPREPLY[i]="'${COMPREPLY[i]}'" ;; esac
		done
		;;
	esac
	# a flag that takes a value ("-out=") waits for it: no space after
	if [ ${#COMPREPLY[@]} -eq 1 ] && [ "${COMPREPLY[0]%=}" != "${COMPREPLY[0]}" ]; then
		compopt -o nospace 2>/dev/null
	fi
}
complete -o default -F _litehcl litehcl
