#!/bin/sh
# Refresh must never mistake "this is not LiteLLM" for "the user is gone": a wrong
# api_base (a 404 {"detail":"Not Found"} for an unknown route) is an error that leaves
# the state alone, not a plan to re-create every user.
. "$TOP/tests/lib.sh"
emu_start --master-key sk-safety
dir="$WORK/safety"
mkdir -p "$dir"
cat >"$dir/main.tf" <<'TF'
resource "litellm_user" "a" {
  user_email = "a@safety.example"
}
resource "litellm_user" "b" {
  user_email = "b@safety.example"
}
TF
cd "$dir" || exit 1
export LITELLM_API_KEY=sk-safety
if LITELLM_API_BASE="$EMU_URL" "$LITEHCL" apply -auto-approve -no-color >apply.out 2>&1; then
	ok "apply with the right api_base"
else
	fail "apply with the right api_base" "$(cat apply.out)"
fi
cp terraform.tfstate before.tfstate
LITELLM_API_BASE="$EMU_URL/wrong-prefix" "$LITEHCL" apply -auto-approve -no-color >bad.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "does not know this route" bad.out && ! grep -q "has been deleted" bad.out; then
	ok "wrong api_base: clear error, nothing planned as deleted"
else
	fail "wrong api_base: clear error, nothing planned as deleted" "exit $rc" "$(cat bad.out)"
fi
if cmp -s before.tfstate terraform.tfstate; then
	ok "wrong api_base: state untouched"
else
	fail "wrong api_base: state untouched" "$(diff before.tfstate terraform.tfstate | head -20)"
fi
LITELLM_API_BASE="$EMU_URL/wrong-prefix" "$LITEHCL" plan -no-color >plan.out 2>&1
rc=$?
if [ $rc -eq 1 ] && ! grep -q "to add" plan.out; then
	ok "wrong api_base: plan fails instead of planning creates"
else
	fail "wrong api_base: plan fails instead of planning creates" "exit $rc" "$(cat plan.out)"
fi
LITELLM_API_BASE="$EMU_URL" "$LITEHCL" plan -detailed-exitcode -no-color >ok.out 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "right api_base again: no changes"; else fail "right api_base again: no changes" "exit $rc" "$(cat ok.out)"; fi
emu_stop
