#!/bin/sh
# apply_compat.sh - old LiteLLM servers (--legacy: unknown users answer 200 {"spend":0})
# and a base URL with a path prefix, against the emulator.
. "$TOP/tests/lib.sh"

KEY=k
emu_session --legacy
mkdir "$WORK/legacy" && cd "$WORK/legacy" || exit 1
cat > main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "a@example.com"
}
resource "litellm_user" "b" {
  user_email = "b@example.com"
  user_alias = "bee"
}
EOF2
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && ok "legacy server: apply" || fail "legacy server: apply" "$(tail out.txt)"
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1 && ok "legacy server: then no changes" || fail "legacy server: then no changes" "$(tail -30 plan.txt)"
id=$(jq -r '.resources[] | select(.name=="a") | .instances[0].attributes.id' terraform.tfstate)
admin POST user/delete "{\"user_id\":\"$id\"}" >/dev/null
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q 'litellm_user.a has been deleted' plan.txt && grep -q 'litellm_user.a will be created' plan.txt &&
	ok "legacy server: 200 {\"spend\":0} for a gone user counts as deleted" ||
	fail "legacy server: 200 {\"spend\":0} for a gone user counts as deleted" "rc=$rc" "$(head -30 plan.txt)"
emu_stop

emu_start --master-key k --path-prefix /litellm
export LITELLM_API_BASE="$EMU_URL/litellm"
mkdir "$WORK/prefix" && cd "$WORK/prefix" || exit 1
cp "$WORK/legacy/main.tf" .
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && "$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1 &&
	ok "base URL with a path prefix" || fail "base URL with a path prefix" "$(tail out.txt)"

# A server without GET /user/list filtering: refresh falls back to one /user/info each.
admin POST faults '{"path":"/user/list","kind":"status","status":404,"count":0}' >/dev/null
"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
rc=$?
infos=$(grep -c 'user/info' "$EMU_LOG")
[ $rc -eq 0 ] && [ "$infos" -ge 2 ] && ok "refresh falls back to /user/info when /user/list is missing" ||
	fail "refresh falls back to /user/info when /user/list is missing" "rc=$rc infos=$infos" "$(tail -10 plan.txt)"
