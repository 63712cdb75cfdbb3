#!/bin/sh
# workflow.sh - a Terraform user's everyday workflow around plan/apply (issue 9): the
# import hint pastes into a shell as printed.
. "$TOP/tests/lib.sh"

KEY="sk-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
emu_start --master-key "$KEY"
trap 'emu_stop' EXIT
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY"
export LITEHCL_HTTP_BACKOFF=0.01
admin() {	# admin METHOD ROUTE [BODY]
	curl -s -X "$1" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$EMU_URL/__emu/$2"
}
new_dir() { d="$WORK/$1"; rm -rf "$d"; mkdir -p "$d"; cd "$d" || exit 1; }

# ---- the 409 import hint is shell-quoted: pasted, it imports ----
new_dir hint
admin POST seed '{"users":[{"user_id":"hint-1","user_email":"hint-alice@example.com","user_role":"internal_user"}]}' >/dev/null
cat > main.tf <<'EOF2'
resource "litellm_user" "dev" {
  for_each   = toset(["alice"])
  user_email = "hint-${each.key}@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>err.txt
cmd=$(grep -o "litehcl import .*" err.txt | head -1)
if [ "$cmd" = "litehcl import 'litellm_user.dev[\"alice\"]' hint-1" ]; then
	ok "409 hint: the address is shell-quoted"
else
	fail "409 hint: the address is shell-quoted" "$cmd" "$(cat err.txt)"
fi
if [ -n "$cmd" ] && eval "\"\$LITEHCL\" ${cmd#litehcl }" >imp.txt 2>&1 &&
    [ "$("$LITEHCL" state list)" = 'litellm_user.dev["alice"]' ]; then
	ok "409 hint: pasted into a shell, it imports"
else
	fail "409 hint: pasted into a shell, it imports" "$(cat imp.txt)"
fi

# ---- a 401 names where the refused key came from, never the key ----
new_dir k401
cat > main.tf <<'EOF2'
resource "litellm_user" "u" {
  user_email = "k401@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >/dev/null 2>&1	# a user in the state: plan refreshes it
LITELLM_API_KEY=sk-wrong-env-key "$LITEHCL" plan -no-color >out.txt 2>err.txt
rc=$?
flat() { tr '\n' ' ' < "$1" | tr -s ' '; }	# diagnostics are wrapped at 78 columns
[ $rc -eq 1 ] && flat err.txt | grep -q 'The request was sent with the API key from the LITELLM_API_KEY environment variable.' &&
	! grep -q 'sk-wrong-env-key' out.txt err.txt && ok "401: names LITELLM_API_KEY, not the key" ||
	fail "401: names LITELLM_API_KEY, not the key" "rc=$rc" "$(cat err.txt)"
cat > provider.tf <<'EOF2'
provider "litellm" {
  api_key = "sk-wrong-block-key"
}
EOF2
"$LITEHCL" plan -no-color >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && flat err.txt | grep -q 'The request was sent with the API key from the api_key argument of the provider "litellm" block.' &&
	! grep -q 'sk-wrong-block-key' out.txt err.txt && ok "401: names the provider block's api_key" ||
	fail "401: names the provider block's api_key" "rc=$rc" "$(cat err.txt)"
