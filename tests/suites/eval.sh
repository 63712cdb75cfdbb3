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
	# each line through its own console, as Terraform's piped console stops at the
	# first error and prints only its last result; exit 1 when any line failed
	# shellcheck disable=SC2086
	# (sed, not read: a line may hold a NUL byte)
	n=$(awk 'END { print NR }' "$in")
	(cd "$dir" && rc=0 && i=0 && while [ $i -lt "$n" ]; do
		i=$((i + 1))
		sed -n "${i}p" "$in" >"$WORK/line"
		grep -aq '[^[:space:]]' "$WORK/line" || continue
		env NO_COLOR=1 TF_WORKSPACE= $envs "$LITEHCL" console $args <"$WORK/line" 2>&1 || rc=1
	done >"$out"; echo "exit: $rc" >>"$out")
	[ -f "$TOP/tests/eval/$name.out" ] || touch "$TOP/tests/eval/$name.out"
	same "eval/$name" "$TOP/tests/eval/$name.out" "$out"
done

# Numbers through the state, exact (recorded from Terraform 1.11: its state's outputs
# block, `output -json`, `output -raw`): apply, then a plan sees no change, and the
# last digit of a 20-digit variable is a change.
ns="$WORK/numstate"
mkdir -p "$ns"
cp "$TOP/tests/eval/numstate/main.tf" "$ns/"
(cd "$ns" && "$LITEHCL" apply -auto-approve -no-color >"$ns/apply.out" 2>&1)
sed -n '/"outputs"/,/"resources"/p' "$ns/terraform.tfstate" >"$ns/outputs.got"
same "eval/numstate-outputs" "$TOP/tests/eval/numstate/outputs.want" "$ns/outputs.got"
(cd "$ns" && "$LITEHCL" output -json) >"$ns/json.got" 2>&1
same "eval/numstate-output-json" "$TOP/tests/eval/numstate/output-json.want" "$ns/json.got"
(cd "$ns" && "$LITEHCL" output -raw d) >"$ns/raw.got" 2>&1
same "eval/numstate-output-raw" "$TOP/tests/eval/numstate/output-raw-d.want" "$ns/raw.got"
if (cd "$ns" && "$LITEHCL" plan -no-color -detailed-exitcode >"$ns/plan1.out" 2>&1); then
	ok "eval/numstate-replan-no-change"
else
	fail "eval/numstate-replan-no-change" "$(cat "$ns/plan1.out")"
fi
(cd "$ns" && "$LITEHCL" plan -no-color -detailed-exitcode -var big=12345678901234567892 >"$ns/plan2.out" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q '12345678901234567891 -> 12345678901234567892' "$ns/plan2.out"; then
	ok "eval/numstate-last-digit-change"
else
	fail "eval/numstate-last-digit-change" "exit $rc" "$(cat "$ns/plan2.out")"
fi

# Output types in the state (recorded from Terraform 1.11): tolist/tomap/toset values
# keep list/map/set types, null outputs are not stored, and `output` prints them as
# Terraform does.
ot="$WORK/outtypes"
mkdir -p "$ot"
cp "$TOP/tests/eval/outtypes/main.tf" "$ot/"
(cd "$ot" && "$LITEHCL" apply -auto-approve -no-color >"$ot/apply.out" 2>&1)
sed -n '/"outputs"/,/"resources"/p' "$ot/terraform.tfstate" >"$ot/outputs.got"
same "eval/outtypes-state" "$TOP/tests/eval/outtypes/outputs.want" "$ot/outputs.got"
(cd "$ot" && "$LITEHCL" output -no-color) >"$ot/output.got" 2>&1
same "eval/outtypes-output" "$TOP/tests/eval/outtypes/output.want" "$ot/output.got"
(cd "$ot" && "$LITEHCL" output -no-color s) >"$ot/output-s.got" 2>&1
same "eval/outtypes-output-s" "$TOP/tests/eval/outtypes/output-s.want" "$ot/output-s.got"

# The console session on piped input, as Terraform 1.11's (its modePiped, recorded
# with terraform console): only the last line's result is printed; the first error
# prints its diagnostic, nothing else, and exits 1; "exit" ends quietly; empty input
# prints an empty line.
cs="$WORK/console-session"
mkdir -p "$cs"
chk_console() { # name input want-stdout want-rc
	printf '%b' "$2" | (cd "$cs" && "$LITEHCL" console -no-color >"$cs/out" 2>"$cs/err")
	rc=$?
	printf '%b' "$3" >"$cs/want"
	if [ $rc -eq "$4" ] && cmp -s "$cs/out" "$cs/want"; then
		ok "eval/console-$1"
	else
		fail "eval/console-$1" "rc=$rc" "$(od -c "$cs/out" | head -3)" "$(cat "$cs/err")"
	fi
}
chk_console last-result '1+1\n2+2\n' '4\n' 0
chk_console trailing-empty-line '1+1\n\n' '\n' 0
chk_console exit-quietly '1+1\nexit\n3\n' '' 0
chk_console empty-input '' '\n' 0
chk_console stops-at-error '1+1\nnope.x\n"ok"\n' '' 1
grep -q 'Reference to undeclared resource' "$cs/err" && ! grep -q ok "$cs/err" &&
	ok "eval/console-error-diagnostic" || fail "eval/console-error-diagnostic" "$(cat "$cs/err")"
