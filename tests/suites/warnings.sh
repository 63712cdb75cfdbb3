#!/bin/sh
# warnings.sh - warnings where Terraform 1.11 puts them and as it words them (recorded
# in tests/ux/tf/warn-*.txt): on stdout after the plan and before its epilogue, after
# the apply and before "Apply complete!", the -target warning with both paragraphs,
# and -compact-warnings' summary list; errors stay on stderr.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
TF=$TOP/tests/ux/tf
KEY=sk-warn

# the part after the plan's summary line, up to the rule before the epilogue
after_plan() { awk '/^─/ { on = 0 } on { print } /^Plan: / { on = 1 }' "$1"; }
# paragraphs joined into one line each (where Terraform says "Terraform" in a wrapped
# sentence, "litehcl" is shorter and the line breaks move)
unwrap() { awk '/^$/ || /^    / { if (p != "") print p; p = ""; print; next }
	{ p = (p == "" ? $0 : p " " $0) } END { if (p != "") print p }'; }
# the part after the last resource line, through "Apply complete!"
after_apply() { awk '/: (Creation|Modifications|Destruction) complete/ { buf = ""; on = 1; next }
	on { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"; }

mkdir w && cd w || exit 1
printf 'resource "litellm_user" "a" {\n  user_email = "a@warn.example"\n}\nresource "litellm_user" "b" {\n  user_email = "b@warn.example"\n}\n' >main.tf
emu_start --master-key "$KEY"
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY"

"$LITEHCL" plan -no-color -target=litellm_user.a >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ ! -s err.txt ] && ok "plan -target: warnings not on stderr" || fail "plan -target: warnings not on stderr" "exit $rc" "$(cat err.txt)"
after_plan "$TF/warn-plan.txt" >want.txt; after_plan out.txt >got.txt
same "plan: warnings after the plan, as Terraform (with the -target warning's second paragraph)" want.txt got.txt
"$LITEHCL" plan -no-color -compact-warnings -target=litellm_user.a >out.txt 2>err.txt
after_plan "$TF/warn-plan-compact.txt" >want.txt; after_plan out.txt >got.txt
same "plan -compact-warnings: summary list, as Terraform" want.txt got.txt
tail -3 out.txt | grep -q '^Note: You didn' && ok "plan: the epilogue comes after the warnings" || fail "plan: the epilogue comes after the warnings" "$(tail -5 out.txt)"

"$LITEHCL" apply -no-color -auto-approve -target=litellm_user.a >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ ! -s err.txt ] && ok "apply -target: warnings not on stderr" || fail "apply -target: warnings not on stderr" "exit $rc" "$(cat err.txt)"
after_apply "$TF/warn-apply.txt" | unwrap >want.txt; after_apply out.txt | unwrap >got.txt
same "apply: warnings before Apply complete!, as Terraform" want.txt got.txt
after_apply out.txt | awk 'length($0) > 77 { exit 1 }' && ok "apply: warning lines wrapped within 77 columns" || fail "apply: warning lines wrapped within 77 columns" "$(awk 'length($0) > 77' out.txt)"
"$LITEHCL" destroy -auto-approve >/dev/null 2>&1
"$LITEHCL" apply -no-color -auto-approve -compact-warnings -target=litellm_user.a >out.txt 2>err.txt
after_apply "$TF/warn-apply-compact.txt" >want.txt; after_apply out.txt >got.txt
same "apply -compact-warnings: summary list, as Terraform" want.txt got.txt

# with an error, warnings are not compacted, and everything goes where it did
printf 'resource "litellm_user" "c" {\n  user_email = var.nope\n}\n' >bad.tf
printf 'undeclared = 1\n' >terraform.tfvars
"$LITEHCL" plan -no-color -compact-warnings >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q '^Error: Reference to undeclared input variable' err.txt &&
	grep -q '^Warning: Value for undeclared variable' err.txt &&
	ok "with an error: full warnings and the error on stderr" || fail "with an error: full warnings and the error on stderr" "exit $rc" "$(cat out.txt err.txt)"
rm bad.tf terraform.tfvars
# -json: warnings stay diagnostic messages on the stream
"$LITEHCL" plan -json -target=litellm_user.a >out.json 2>err.txt
jq -s -e 'any(.[]; .type == "diagnostic" and .diagnostic.severity == "warning" and .diagnostic.summary == "Resource targeting is in effect")' out.json >/dev/null &&
	ok "-json: warnings are diagnostic messages" || fail "-json: warnings are diagnostic messages" "$(cat out.json)"

# the same warning three times: folded into the first, as Terraform folds them
# ("(and 2 more similar warnings elsewhere)"; -compact-warnings: "(and 2 more)"), but
# not in -json (recorded: tests/ux/tf/warn-similar-*.txt)
mkdir ../similar && cd ../similar || exit 1
for r in a b c; do
	printf 'resource "litellm_user" "%s" {\n  user_email = "%s@similar.example"\n  lifecycle {\n    ignore_changes = ["user_email"]\n  }\n}\n' $r $r
done >main.tf
as_tf() { sed -e 's/litellm_user/litehcl_data/g' -e 's/"user_email"\]/"input"]/' -e 's/Terraform 0\.11/litehcl 0.11/'; }
"$LITEHCL" validate -no-color 2>&1 | as_tf | unwrap >got.txt
unwrap <"$TF/warn-similar-validate.txt" >want.txt
same "validate: a repeated warning folded into the first" want.txt got.txt
"$LITEHCL" validate -no-color -compact-warnings 2>&1 | as_tf >got.txt
same "validate -compact-warnings: on main.tf line 4 (and 2 more)" "$TF/warn-similar-validate-compact.txt" got.txt
"$LITEHCL" plan -no-color >out.txt 2>err.txt
after_plan "$TF/warn-similar-plan.txt" | unwrap >want.txt; after_plan out.txt | as_tf | unwrap >got.txt
same "plan: a repeated warning folded into the first" want.txt got.txt
"$LITEHCL" plan -no-color -compact-warnings >out.txt 2>err.txt
after_plan "$TF/warn-similar-plan-compact.txt" >want.txt; after_plan out.txt | as_tf >got.txt
same "plan -compact-warnings: (and 2 more)" want.txt got.txt
"$LITEHCL" plan >out.txt 2>err.txt
[ "$(grep -c 'Quoted references are deprecated' out.txt)" = 1 ] && grep -q '(and 2 more similar warnings elsewhere)' out.txt &&
	ok "plan with the bordered form: folded too" || fail "plan with the bordered form: folded too" "$(cat out.txt)"
"$LITEHCL" plan -json >out.json 2>err.txt
[ "$(jq -s '[.[] | select(.type == "diagnostic" and .diagnostic.summary == "Quoted references are deprecated")] | length' out.json)" = 3 ] &&
	ok "-json: every warning, none folded" || fail "-json: every warning, none folded" "$(cat out.json)"
awk '/ignore_changes/ { n++; if (n == 3) sub(/"user_email"/, "user_email") } { print }' main.tf >m && mv m main.tf
"$LITEHCL" validate -no-color >out.txt 2>&1
grep -q '(and one more similar warning elsewhere)' out.txt && [ "$(grep -c '^Warning:' out.txt)" = 1 ] &&
	ok "two warnings: (and one more similar warning elsewhere)" || fail "two warnings: (and one more similar warning elsewhere)" "$(cat out.txt)"
emu_stop
