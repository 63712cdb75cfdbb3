#!/bin/sh
# Configuration cases: every tests/config/NAME/ directory holds *.tf files (and maybe
# tfvars), an optional `args` file (extra validate arguments, e.g. -var) and `expected`:
# the output of `litehcl validate -no-color` (stdout then stderr) and its exit code.
# The examples/ directories must validate clean.  UPDATE=1 rewrites `expected`.
. "$TOP/tests/lib.sh"
for dir in "$TOP"/tests/config/*/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	args=""
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	out="$WORK/$name.out"
	# shellcheck disable=SC2086
	(cd "$dir" && NO_COLOR=1 TF_WORKSPACE= "$LITEHCL" validate -no-color $args >"$out.1" 2>"$out.2"; echo "exit: $?" >"$out.3")
	cat "$out.1" "$out.2" "$out.3" >"$out"
	[ -f "$dir/expected" ] || touch "$dir/expected"
	same "config/$name" "$dir/expected" "$out"
done
for dir in "$TOP"/examples/minimal "$TOP"/examples/full "$TOP"/examples/admin "$TOP"/examples/variables; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	if out=$(cd "$dir" && "$LITEHCL" validate -no-color 2>&1) && [ "$out" = "Success! The configuration is valid." ]; then
		ok "example/$name"
	else
		fail "example/$name" "$out"
	fi
done
