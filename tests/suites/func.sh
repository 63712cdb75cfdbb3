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
	# each line through its own console (Terraform's piped console stops at the first
	# error and prints only its last result); exit 1 when any line failed
	# (sed, not read: a line may hold a NUL byte)
	n=$(awk 'END { print NR }' "$in")
	(cd "$dir" && rc=0 && i=0 && while [ $i -lt "$n" ]; do
		i=$((i + 1))
		sed -n "${i}p" "$in" >"$WORK/line"
		grep -aq '[^[:space:]]' "$WORK/line" || continue
		env NO_COLOR=1 TF_WORKSPACE= "$LITEHCL" console <"$WORK/line" 2>&1 || rc=1
	done >"$out"; echo "exit: $rc" >>"$out")
	same "func/$name" "$TOP/tests/func/$name.out" "$out"
done
