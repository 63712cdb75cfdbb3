#!/bin/sh
# scratch.sh - values that outlive the evaluation that made them.  Locals, instance
# arguments, conditions and outputs are evaluated in a scratch arena that is freed
# (poisoned under AddressSanitizer) as soon as each is done; only results are copied
# out.  tests/scratch/main.tf keeps values of every kind past their evaluation:
# locals built from nested for expressions, a for_each over a map computed in place
# (each.key/each.value kept by the instances), preconditions and postconditions whose
# messages are built from each.value, check blocks, outputs with descriptions and
# preconditions, an exact number beyond float64.  The expected texts were recorded
# with the build before the scratch arena (55f40bc): nothing may change (but
# plan-precondition, since a plan failing part-way shows its partial plan, as Terraform).  In the
# sanitizer pass, a pointer kept into freed scratch memory aborts the run.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
X=$TOP/tests/scratch
cp "$X/main.tf" . || exit 1
# ids the emulator makes, and timings, vary between runs
norm() { sed -e 's/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}/ID/g' \
    -e 's/after [0-9]*s/after Ns/' -e 's/"timestamp":"[^"]*"/"timestamp":"T"/g' "$1"; }

# run NAME WANT_RC CMD...: runs litehcl CMD, compares its output (stdout then stderr,
# normalised) with $X/NAME.txt and its exit status with WANT_RC
run() {
	name=$1; want=$2; shift 2
	"$LITEHCL" "$@" >out.txt 2>err.txt; rc=$?
	{ norm out.txt; echo "--- stderr"; norm err.txt; echo "--- exit $rc"; } >"$name.txt"
	same "scratch: $name ($*)" "$X/$name.txt" "$name.txt"
	[ "$rc" = "$want" ] || fail "scratch: $name exits $want" "exit $rc"
}

run validate 0 validate -no-color
run validate-json 0 validate -json
# console: a session per expression (piped input prints only its last result, as
# Terraform's console), their outputs one after the other
rc=0
: >cout.txt
: >cerr.txt
for x in local.again 'local.chain[2]' local.names local.big; do
	echo "$x" | "$LITEHCL" console -no-color >>cout.txt 2>>cerr.txt || rc=$?
done
{ norm cout.txt; echo "--- stderr"; norm cerr.txt; echo "--- exit $rc"; } >console.txt
same "scratch: console (console -no-color)" "$X/console.txt" console.txt
emu_start --master-key sk-scratch --now 2024-06-14T22:48:36.594Z
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=sk-scratch
# n = 3: k2 has three tags, its precondition fails with a message from each.value
run plan-precondition 1 plan -no-color
run plan 0 plan -no-color -var n=2 -out=p.plan
"$LITEHCL" show -json p.plan | jq -S '{checks, variables, output_changes: .output_changes,
    resource_changes: [.resource_changes[] | {address, change: {after: .change.after}}]}' >show.json 2>&1
same "scratch: show -json of the plan (checks, values)" "$X/show-plan.json" show.json
run apply 0 apply -no-color -parallelism=1 p.plan
run output 0 output -no-color
run output-json 0 output -json
run noop 0 plan -no-color -var n=2 -detailed-exitcode
jq -S '.check_results' terraform.tfstate >checks.json
same "scratch: the state's check results" "$X/state-checks.json" checks.json
# postconditions again, as warnings
run refresh-only 0 plan -refresh-only -no-color -var n=2
run destroy 0 destroy -auto-approve -no-color -parallelism=1 -var n=2
emu_stop
