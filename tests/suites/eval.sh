#!/bin/sh
# Expression evaluation cases: tests/eval/NAME.in holds console input lines; they run
# through `litehcl console` in NAME.d/ (a configuration) or in an empty directory, and
# stdout, stderr and the exit code must equal NAME.out.  Optional NAME.args (console
# arguments: -var, -var-file) and NAME.env (VAR=VALUE words for the environment).
# UPDATE=1 rewrites NAME.out.
. "$TOP/tests/lib.sh"
for in in "$TOP"/tests/eval/*.in; do
	[ -f "$in" ] || continue
	name=$(basename "$in" .in)
	dir="$TOP/tests/eval/$name.d"
	if [ ! -d "$dir" ]; then
		dir="$WORK/empty-$name"
		mkdir -p "$dir"
	fi
	args=""
	[ -f "$TOP/tests/eval/$name.args" ] && args=$(cat "$TOP/tests/eval/$name.args")
	envs=""
	[ -f "$TOP/tests/eval/$name.env" ] && envs=$(cat "$TOP/tests/eval/$name.env")
	out="$WORK/$name.out"
	# shellcheck disable=SC2086
	(cd "$dir" && env NO_COLOR=1 TF_WORKSPACE= $envs "$LITEHCL" console $args <"$in" >"$out" 2>&1; echo "exit: $?" >>"$out")
	[ -f "$TOP/tests/eval/$name.out" ] || touch "$TOP/tests/eval/$name.out"
	same "eval/$name" "$TOP/tests/eval/$name.out" "$out"
done
