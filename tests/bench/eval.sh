#!/bin/sh
# Evaluation benchmark: `litehcl validate` on two generated configurations of 10,000
# litellm_user instances - one resource with for_each over a 10,000-entry local map,
# and 10,000 written-out resource blocks.  Prints the wall time of each in ms.
#   sh tests/bench/eval.sh            (N=10000; LITEHCL=build/litehcl by default)
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
N=${N:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/foreach" "$work/blocks"
awk -v n="$N" 'BEGIN {
	print "locals {\n  users = {"
	for (i = 0; i < n; i++)
		printf "    u%05d = { email = \"user%05d@example.com\", budget = %d }\n", i, i, i % 100
	print "  }\n}\n"
	print "resource \"litellm_user\" \"team\" {"
	print "  for_each        = local.users"
	print "  user_email      = each.value.email"
	print "  user_alias      = \"alias-${each.key}\""
	print "  max_budget      = each.value.budget"
	print "  budget_duration = \"monthly\""
	print "  models          = [\"gpt-4o\", \"gpt-4o-mini\"]"
	print "}"
}' >"$work/foreach/main.tf"
awk -v n="$N" 'BEGIN {
	for (i = 0; i < n; i++) {
		printf "resource \"litellm_user\" \"u%05d\" {\n", i
		printf "  user_email = \"user%05d@example.com\"\n", i
		printf "  user_alias = \"alias-%05d\"\n", i
		printf "  user_role  = \"%s\"\n", (i % 2) ? "user" : "admin"
		printf "  max_budget = %d\n", i % 100
		printf "  models     = [\"gpt-4o\"]\n}\n\n"
	}
}' >"$work/blocks/main.tf"
status=0
for kind in foreach blocks; do
	start=$(date +%s%N)
	out=$(cd "$work/$kind" && "$LITEHCL" validate -no-color 2>&1)
	rc=$?
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
	# CPU time too: on a loaded machine the wall time mostly measures the scheduler
	cpu=""
	if [ -x /usr/bin/time ]; then
		cpu=$(cd "$work/$kind" && /usr/bin/time -f '%U %S' -o "$work/time" "$LITEHCL" validate -no-color >/dev/null 2>&1;
		    awk '{printf "%d", ($1 + $2) * 1000}' "$work/time")
	fi
	size=$(wc -c <"$work/$kind/main.tf")
	if [ $rc -ne 0 ]; then
		echo "FAIL bench-eval/$kind: validate exited $rc"
		echo "$out" | head -20
		status=1
	else
		echo "ok bench-eval/$kind: $N instances ($size bytes) validated in ${ms} ms wall${cpu:+, ${cpu} ms CPU}"
	fi
done
exit $status
