#!/bin/sh
# outputs.sh - output values as Terraform 1.11 prints them (recorded in tests/ux/tf):
# after apply, `output` and `show` (tolist/tomap/toset, heredocs, quoted keys, null
# outputs left out, every type of tests/ux/outputs/main.tf), and the "Changes to
# Outputs" of a plan (tests/ux/outchanges: element-wise lists, + and - for null,
# heredoc line diffs, removed outputs, destroy).
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
TF=$TOP/tests/ux/tf

mkdir o && cd o && cp "$TOP/tests/ux/outputs/main.tf" . || exit 1
"$LITEHCL" apply -auto-approve -no-color >apply.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && ok "outputs: apply" || fail "outputs: apply" "$(cat err.txt)"
same "outputs: apply text (plan of outputs, Outputs:)" "$TF/outputs-apply.txt" apply.txt
"$LITEHCL" output -no-color >output.txt 2>err.txt
same "outputs: output" "$TF/outputs-output.txt" output.txt
"$LITEHCL" show -no-color >show.txt 2>err.txt
same "outputs: show" "$TF/outputs-show.txt" show.txt
jq -e '.outputs | has("g_null") | not' terraform.tfstate >/dev/null && ok "outputs: a null output is not in the state" ||
	fail "outputs: a null output is not in the state"
jq -e '.outputs.a_list.type == ["list","string"] and .outputs.e_set.type == ["set","string"] and
    .outputs.c_map.type == ["map","string"] and .outputs.b_tuple.type == ["tuple",["string","number","bool"]]' terraform.tfstate >/dev/null &&
	ok "outputs: the state records each output's type as Terraform" || fail "outputs: the state records each output's type as Terraform" "$(jq -c .outputs terraform.tfstate)"
"$LITEHCL" output a_list >one.txt
printf 'tolist([\n  "a",\n  "b",\n])\n' >want.txt
same "outputs: output NAME keeps the wrapper" want.txt one.txt
"$LITEHCL" output -json | jq -e '.a_list.type == ["list","string"]' >/dev/null && ok "outputs: output -json type" || fail "outputs: output -json type"
cd "$WORK" || exit 1

# ---- changes to outputs in a plan
mkdir c && cd c || exit 1
sed 's/UNKNOWN/litellm_user.y[0].user_id/' "$TOP/tests/ux/outchanges/common.tf.in" >main.tf
printf 'resource "litellm_user" "y" {\n  count      = local.one ? 0 : 1\n  user_email = "y@outchanges.example"\n}\n' >>main.tf
cp "$TOP/tests/ux/outchanges/gone.tf" .
emu_start --master-key sk-out
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=sk-out
"$LITEHCL" apply -auto-approve >/dev/null 2>err.txt || fail "outchanges: first apply" "$(cat err.txt)"
"$LITEHCL" plan -destroy -no-color 2>&1 | sed -n '/^Changes to Outputs:/,/^$/p' >destroy.txt
same "outchanges: destroy plan" "$TF/outchanges-destroy.txt" destroy.txt
rm gone.tf
"$LITEHCL" plan -no-color -var v=2 2>&1 | sed -n '/^Changes to Outputs:/,/^You can apply/p' >plan.txt
same "outchanges: plan (element-wise lists, null <-> value, heredoc diffs, removed output, a map key known after apply)" "$TF/outchanges-plan.txt" plan.txt
"$LITEHCL" apply -auto-approve -var v=2 >/dev/null 2>err.txt
"$LITEHCL" output -no-color | sed 's/"[0-9a-f-]\{36\}"/"ID"/' >out.txt
sed 's/"[0-9a-f-]\{36\}"/"ID"/' "$TF/outchanges-output-v2.txt" >want.txt
same "outchanges: output after the second apply" want.txt out.txt
emu_stop
