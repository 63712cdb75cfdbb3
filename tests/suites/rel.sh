#!/bin/sh
# rel.sh - reliability cases of issue 14 that need the emulator: what an update or a
# refresh keeps of a state instance (private, create_before_destroy, status), and
# answers that are not what LiteLLM sends, reported for what they are.
. "$TOP/tests/lib.sh"

MK=sk-rel-master-key
export LITELLM_API_KEY="$MK"
export LITEHCL_HTTP_BACKOFF=0.01
emu_start --master-key "$MK"
if [ ! -s "$EMU_PORTFILE" ]; then fail "emulator started" "$(cat "$WORK/emu.out")"; exit 0; fi
D="$WORK/rel"
mkdir -p "$D"
cd "$D" || exit 1

users() {	# users ALIAS: two users, a and b
	cat >main.tf <<EOF2
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "a" {
  user_email = "a@rel.test"
  user_alias = "$1"
}
resource "litellm_user" "b" {
  user_email = "b@rel.test"
}
EOF2
}
apply() { "$LITEHCL" apply -auto-approve -no-color "$@" >"$WORK/apply.out" 2>&1; }
# inst ADDR_NAME FIELD: the instance field of litellm_user.NAME in the state, as JSON
inst() { jq -c --arg n "$1" ".resources[] | select(.name == \$n) | .instances[0].$2" terraform.tfstate; }

# ---- an instance's extras survive an update in place and a refresh ----
users one
if apply; then ok "extras: users created"; else fail "extras: users created" "$(cat "$WORK/apply.out")"; fi
# what Terraform (or its provider) wrote beside the attributes
jq '(.resources[] | select(.name == "a") | .instances[0]) += {"private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ==", "create_before_destroy": true}
  | (.resources[] | select(.name == "b") | .instances[0]) += {"private": "cHJpdmF0ZS1i"}' \
	terraform.tfstate >s.tmp && mv s.tmp terraform.tfstate
users two
apply
rc=$?
alias=$(jq -r '.resources[] | select(.name == "a") | .instances[0].attributes.user_alias' terraform.tfstate)
if [ $rc -eq 0 ] && [ "$alias" = two ] && [ "$(inst a private)" = '"eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="' ] &&
    [ "$(inst a create_before_destroy)" = true ]; then
	ok "extras: an update in place keeps private and create_before_destroy"
else
	fail "extras: an update in place keeps private and create_before_destroy" "exit $rc alias $alias private $(inst a private) cbd $(inst a create_before_destroy)" "$(cat "$WORK/apply.out")"
fi
if [ "$(inst b private)" = '"cHJpdmF0ZS1i"' ]; then ok "extras: an unchanged neighbour keeps its private data"; else fail "extras: an unchanged neighbour keeps its private data" "$(inst b private)"; fi
# a refresh that finds drift writes the refreshed object: its extras stay, its taint too
curl -s -X POST -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
	-d "{\"user_id\":$(inst a attributes.user_id),\"max_budget\":5}" "$EMU_URL/user/update" >/dev/null
"$LITEHCL" taint -no-color litellm_user.b >/dev/null 2>&1
"$LITEHCL" apply -refresh-only -auto-approve -no-color >"$WORK/apply.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(inst a attributes.max_budget)" = 5 ] && [ "$(inst a private)" = '"eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="' ] &&
    [ "$(inst a create_before_destroy)" = true ] && [ "$(inst b status)" = '"tainted"' ] && [ "$(inst b private)" = '"cHJpdmF0ZS1i"' ]; then
	ok "extras: a refresh keeps private, create_before_destroy and the taint"
else
	fail "extras: a refresh keeps private, create_before_destroy and the taint" "exit $rc budget $(inst a attributes.max_budget) private $(inst a private) cbd $(inst a create_before_destroy) b status $(inst b status)" "$(tail -5 "$WORK/apply.out")"
fi
# the replacement is a new object: none of the old one's extras
apply
rc=$?
if [ $rc -eq 0 ] && [ "$(inst b status)" = null ] && [ "$(inst b private)" = null ]; then
	ok "extras: a replacement (of the tainted user) starts without the old object's extras"
else
	fail "extras: a replacement (of the tainted user) starts without the old object's extras" "exit $rc status $(inst b status) private $(inst b private)" "$(tail -5 "$WORK/apply.out")"
fi
if out=$(python3 "$TOP/tests/state_check.py" terraform.tfstate 2>&1); then ok "extras: state valid"; else fail "extras: state valid" "$out"; fi

emu_stop
