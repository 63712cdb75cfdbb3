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

# A saved plan that updates a user deleted outside since the plan was made must not
# re-create it through /user/update's upsert as an email-less ghost.
emu_start --master-key sk-safety
dir="$WORK/ghost"
mkdir -p "$dir"
cd "$dir" || exit 1
export LITELLM_API_BASE="$EMU_URL"
printf 'resource "litellm_user" "u" {\n  user_email = "u@safety.example"\n  user_alias = "one"\n}\n' >main.tf
"$LITEHCL" apply -auto-approve -no-color >apply.out 2>&1 || fail "ghost: first apply" "$(cat apply.out)"
id=$(jq -r '.resources[0].instances[0].attributes.user_id' terraform.tfstate)
sed -i 's/"one"/"two"/' main.tf
"$LITEHCL" plan -out=p.plan -no-color >plan.out 2>&1
curl -s -X POST -H 'Authorization: Bearer sk-safety' -H 'Content-Type: application/json' "$EMU_URL/__emu/user/delete" -d "{\"user_id\":\"$id\"}" >/dev/null
"$LITEHCL" apply -no-color p.plan >ghost.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "deleted outside litehcl after" ghost.out; then
	ok "saved plan: update of a user deleted since the plan fails clearly"
else
	fail "saved plan: update of a user deleted since the plan fails clearly" "exit $rc" "$(cat ghost.out)"
fi
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-safety' "$EMU_URL/user/info?user_id=$id")
if [ "$st" = 404 ]; then ok "saved plan: no ghost user created"; else fail "saved plan: no ghost user created" "GET /user/info answered $st"; fi
emu_stop

# A saved plan holds no secret, so sensitive arguments are evaluated again at apply;
# a different value than the plan showed must be refused, never applied silently.
emu_start --master-key sk-safety
dir="$WORK/sensplan"
mkdir -p "$dir"
cd "$dir" || exit 1
export LITELLM_API_BASE="$EMU_URL"
cat >main.tf <<'TF'
variable "secret_alias" {
  type      = string
  sensitive = true
  default   = "hidden-alias"
}
resource "litellm_user" "s" {
  user_email = "s@safety.example"
  user_alias = var.secret_alias
}
TF
"$LITEHCL" apply -auto-approve -no-color >apply.out 2>&1 || fail "sensitive plan: first apply" "$(cat apply.out)"
"$LITEHCL" plan -var secret_alias=topsecret3 -out=s.plan -no-color >plan.out 2>&1
if grep -q "topsecret3" s.plan; then fail "sensitive plan: no secret in the plan file"; else ok "sensitive plan: no secret in the plan file"; fi
"$LITEHCL" apply -no-color s.plan >diff.out 2>&1
rc=$?
# (the secret variable itself is checked first, against its digest in the plan)
if [ $rc -eq 1 ] && grep -q -e "Saved plan does not match the configuration" -e "Mismatching variable value" diff.out &&
    ! grep -q 'Modifying' diff.out; then
	ok "sensitive plan: a different value at apply is refused"
else
	fail "sensitive plan: a different value at apply is refused" "exit $rc" "$(cat diff.out)"
fi
"$LITEHCL" plan -var secret_alias=topsecret3 -out=s2.plan -no-color >plan2.out 2>&1
"$LITEHCL" apply -var secret_alias=topsecret3 -no-color s2.plan >same.out 2>&1
rc=$?
alias=$(curl -s -H 'Authorization: Bearer sk-safety' "$EMU_URL/user/info?user_id=$(jq -r '.resources[0].instances[0].attributes.user_id' terraform.tfstate)" | jq -r .user_info.user_alias)
if [ $rc -eq 0 ] && [ "$alias" = topsecret3 ]; then
	ok "sensitive plan: the same value at apply is applied"
else
	fail "sensitive plan: the same value at apply is applied" "exit $rc alias=$alias" "$(cat same.out)"
fi
emu_stop

# A create the server finishes after litehcl was killed: the next run looks the
# journalled id up too early (absent), so it must retry with the SAME id and, when
# the late request lands first, adopt that user instead of failing with a 409 (or
# creating a duplicate).
emu_start --master-key sk-safety --fault "path=/user/new,kind=latency,ms=1500,count=2"
dir="$WORK/late"
mkdir -p "$dir"
cd "$dir" || exit 1
export LITELLM_API_BASE="$EMU_URL"
printf 'resource "litellm_user" "late" {\n  user_email = "late@safety.example"\n}\n' >main.tf
("$LITEHCL" apply -auto-approve -no-color >first.out 2>&1) &
pid=$!
sleep 0.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
"$LITEHCL" apply -auto-approve -no-color >second.out 2>&1
rc=$?
n=$(curl -s -H 'Authorization: Bearer sk-safety' "$EMU_URL/user/list?user_email=late%40safety.example" | jq '.users | length')
sid=$(jq -r '.resources[0].instances[0].attributes.user_id' terraform.tfstate 2>/dev/null)
lid=$(curl -s -H 'Authorization: Bearer sk-safety' "$EMU_URL/user/list?user_email=late%40safety.example" | jq -r '.users[0].user_id')
if [ $rc -eq 0 ] && [ "$n" = 1 ] && [ "$sid" = "$lid" ]; then
	ok "create finished by the server after a kill: adopted, one user, no 409"
else
	fail "create finished by the server after a kill: adopted, one user, no 409" "exit $rc users=$n state=$sid server=$lid" "$(cat second.out | tail -8)"
fi
emu_stop
