#!/bin/sh
# Built-in functions through the whole CLI: tests/func/NAME.in holds expressions, one per
# line, run through `litehcl console` in NAME.d/ (files for file()/templatefile()) or an
# empty directory; stdout+stderr and the exit code must equal NAME.out, which was
# produced by `terraform console` (tests/func/regen.sh, Terraform 1.11).
# UPDATE=1 rewrites NAME.out from litehcl (review the diff against Terraform's!).
. "$TOP/tests/lib.sh"
for in in "$TOP"/tests/func/*.in; do
	[ -f "$in" ] || continue
	name=$(basename "$in" .in)
	dir="$TOP/tests/func/$name.d"
	if [ ! -d "$dir" ]; then
		dir="$WORK/empty-$name"
		mkdir -p "$dir"
	fi
	out="$WORK/$name.out"
	(cd "$dir" && env NO_COLOR=1 TF_WORKSPACE= "$LITEHCL" console <"$in" >"$out" 2>&1; echo "exit: $?" >>"$out")
	same "func/$name" "$TOP/tests/func/$name.out" "$out"
done
