#!/bin/sh
# json.sh - the machine-readable output against Terraform 1.11's (recorded from the same
# configuration shape with terraform_data, tests/ux/json/tf.tf, in tests/ux/tf/json-*):
# show -json of a plan (relevant_attributes, configuration outputs and expressions with
# references, {} for jsonencode(...), after_unknown {} for a delete and for a wholly
# known change, lists element by element in the unknown/sensitive masks, no "after"
# for an unknown output), the -json stream (change_summary "plan" before applying,
# version fields, apply_complete of a delete without id) and version -json.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
TF=$TOP/tests/ux/tf
TFP=$TF/json-plan.json

# Terraform's names as litehcl's: terraform_data.X -> litellm_user.X, its id -> user_id,
# input -> models
tfmap() { sed -e 's/terraform_data\.\([a-z]*\)\.id/litellm_user.\1.user_id/g' -e 's/terraform_data/litellm_user/g'; }
check() {	# NAME JQ-FILTER: the same value from Terraform's plan JSON and ours
	want=$(jq -cS "$2" "$TFP" | tfmap)
	got=$(jq -cS "$2" plan.json)
	[ "$got" = "$want" ] && ok "$1" || fail "$1" "got:  $got" "want: $want"
}

mkdir j && cd j && cp "$TOP/tests/ux/json/lh.tf" main.tf || exit 1
emu_start --master-key sk-json
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=sk-json
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "json: first apply" "$(cat err.txt)"
"$LITEHCL" plan -var n=2 -out=p.plan >/dev/null 2>err.txt || fail "json: plan -out" "$(cat err.txt)"
"$LITEHCL" show -json p.plan | jq -S . >plan.json
"$LITEHCL" plan -var n=2 -no-color 2>&1 | sed -n '/^Changes to Outputs:/,/^$/p' |
	sed 's/"[0-9a-f-]\{36\}"/"ID"/' >outs.txt
sed 's/"[0-9a-f-]\{36\}"/"ID"/' "$TF/json-plan-outputs.txt" >want.txt
same "plan text: a list output growing by an unknown element; names aligned over all outputs" want.txt outs.txt
jq -e . plan.json >/dev/null && ok "show -json is JSON" || fail "show -json is JSON"

check "relevant_attributes" '.relevant_attributes | map(.attribute |= map(if . == "id" then "user_id" else . end))'
check "configuration outputs" '.configuration.root_module.outputs'
# jsonencode(...) is {}: Terraform cannot evaluate a call without a context
check "a function call is {}" '.configuration.root_module.resources[] | select(.address | endswith(".a")) | .expressions | (.input // .metadata)'
check "references of a resource attribute and its resource" '.configuration.root_module.resources[] | select(.address | endswith(".b")) | .expressions | (.input // .models)'
check "count_expression references" '.configuration.root_module.resources[] | select(.address | endswith(".gone")) | .count_expression'
check "after_unknown of a delete is {}" '.resource_changes[] | select(.change.actions == ["delete"]) | .change | {after_unknown, after_sensitive}'
check "after_unknown of a wholly known change is {}" '.resource_changes[] | select(.address | endswith(".b[0]")) | .change.after_unknown'
check "list attributes element by element in after_unknown" '.resource_changes[] | select(.address | endswith(".b[1]")) | .change.after_unknown | (.input // .models)'
check "list attributes element by element in before_sensitive" '.resource_changes[] | select(.address | endswith(".b[0]")) | .change.before_sensitive | (.input // .models)'
check "list attributes element by element in sensitive_values" '.planned_values.root_module.resources[] | select(.address | endswith(".b[0]")) | .sensitive_values | (.input // .models)'
check "an unknown output has no after" '.output_changes.last_b | keys'
check "a partly unknown output: null where unknown, after_unknown element by element" '.output_changes.ids | {a: (.after | map(type)), u: .after_unknown}'
check "output_changes of a constant output" '.output_changes.const'
check "top-level keys" 'keys - ["checks", "prior_state"]'

# ---- the -json stream of an apply
"$LITEHCL" apply -auto-approve -json -var n=2 >apply.jsonl 2>err.txt
sum() { grep '"type":"change_summary"' "$1" | jq -c '.changes.operation' | tr '\n' ' '; }
[ "$(sum apply.jsonl)" = "$(sum "$TF/json-apply.jsonl")" ] && ok "-json: change_summary plan then apply" ||
	fail "-json: change_summary plan then apply" "got:  $(sum apply.jsonl)" "want: $(sum "$TF/json-apply.jsonl")"
vkeys() { grep '"type":"version"' "$1" | jq -c 'keys'; }
[ "$(vkeys apply.jsonl)" = "$(vkeys "$TF/json-apply.jsonl")" ] && ok "-json: version message fields" ||
	fail "-json: version message fields" "got:  $(vkeys apply.jsonl)" "want: $(vkeys "$TF/json-apply.jsonl")"
del() { grep '"type":"apply_complete"' "$1" | jq -c 'select(.hook.action == "delete") | {k: (.hook | keys), m: (."@message" | sub("^[^:]+: "; ""))}'; }
[ -n "$(del apply.jsonl)" ] && [ "$(del apply.jsonl)" = "$(del "$TF/json-apply.jsonl")" ] && ok "-json: apply_complete of a delete has no id" ||
	fail "-json: apply_complete of a delete has no id" "got:  $(del apply.jsonl)" "want: $(del "$TF/json-apply.jsonl")"

# ---- apply/destroy -json without -auto-approve or a plan file: refused before anything
# is read or sent, as Terraform 1.11.4 (its diagnostic, recorded; then exit 1)
for c in apply destroy; do
	: >"$EMU_LOG"
	"$LITEHCL" $c -json -var n=2 >noapprove.jsonl 2>err.txt
	rc=$?
	got=$(grep '"type":"diagnostic"' noapprove.jsonl | jq -c '.diagnostic')
	want='{"severity":"error","summary":"Plan file or auto-approve required","detail":"litehcl cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option."}'
	[ $rc -eq 1 ] && [ "$got" = "$want" ] && [ "$(wc -l <noapprove.jsonl)" -eq 2 ] && [ ! -s "$EMU_LOG" ] &&
		ok "-json: $c without -auto-approve is refused at once" ||
		fail "-json: $c without -auto-approve is refused at once" "rc=$rc" "$(cat noapprove.jsonl)" "requests: $(wc -l <"$EMU_LOG")"
done

# ---- relevant_attributes through local values, as Terraform 1.11 (recorded from
# tests/ux/json/rel-tf.tf): local -> local -> resource, a resource argument through a
# local, local.NAME.attr of a whole resource (the resource, empty path); a check
# block's references are not counted
mkdir ../rel && cd ../rel && cp "$TOP/tests/ux/json/rel.tf" main.tf || exit 1
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "json: rel apply" "$(cat err.txt)"
"$LITEHCL" plan -var v=2 -out=p.plan >/dev/null 2>err.txt || fail "json: rel plan" "$(cat err.txt)"
got=$("$LITEHCL" show -json p.plan | jq -cS .relevant_attributes)
want=$(jq -cS 'map(.resource |= sub("terraform_data"; "litellm_user") | .attribute |= map({"id": "user_id", "output": "user_id", "input": "user_email"}[.] // .))' "$TF/json-relevant.json")
[ "$got" = "$want" ] && ok "relevant_attributes follow local values" || fail "relevant_attributes follow local values" "got:  $got" "want: $want"

# ---- outputs partly unknown at creation, as Terraform 1.11 (recorded from
# tests/ux/json/unknown-tf.tf): "(known after apply)" per map key, object attribute and
# list element in the text; in show -json an unknown key is left out of "after", an
# unknown list element is null, and planned_values has no value for such an output
mkdir ../unknown && cd ../unknown && cp "$TOP/tests/ux/json/unknown.tf" main.tf || exit 1
"$LITEHCL" plan -no-color -out=p.plan >out.txt 2>err.txt || fail "json: unknown plan" "$(cat err.txt)"
sed -n '/^Changes to Outputs:/,/^$/p' out.txt >got.txt
same "plan text: outputs partly unknown at creation" "$TF/json-unknown-outputs.txt" got.txt
"$LITEHCL" show -json p.plan | jq -S '{output_changes, outputs: .planned_values.outputs}' >got.json
if python3 "$TOP/tests/suites/jsoncmp.py" "$TF/json-unknown.json" got.json >cmp.txt 2>&1; then
	ok "show -json: output_changes and planned_values of outputs partly unknown"
else
	fail "show -json: output_changes and planned_values of outputs partly unknown" "$(cat cmp.txt)"
fi
emu_stop
