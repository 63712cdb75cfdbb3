#!/bin/sh
# rel.sh - reliability cases of issue 14 that need the emulator: what an update or a
# refresh keeps of a state instance (private, create_before_destroy, status), and
# answers that are not what LiteLLM sends, reported for what they are.
. "$TOP/tests/lib.sh"
. "$TOP/tests/faultproxy/lib.sh"

# ---- scale of bad (or just big) input: locals ----
# 100,000 locals, half of them referring to the next one (a chain written bottom-up,
# which evaluated recursively overflowed the stack), then a cycle through 5,000 locals:
# each must be answered in seconds (the name checks were quadratic: 20,000 locals took
# 2.2 s of CPU, 100,000 took 2.7 minutes).
L="$WORK/locals"
mkdir -p "$L/big" "$L/cycle"
awk 'BEGIN { n = 100000; print "locals {"; for (i = 0; i < n - 1; i++) printf "  l%d = %s\n", i, (i % 2 ? i : "local.l" (i + 1) " + 1"); print "  l" n - 1 " = 0"; print "}"; print "output \"o\" {\n  value = local.l0\n}" }' >"$L/big/main.tf"
awk 'BEGIN { n = 5000; print "locals {"; for (i = 0; i < n - 1; i++) printf "  c%d = local.c%d\n", i, i + 1; print "  c" n - 1 " = local.c0"; print "}" }' >"$L/cycle/main.tf"
t0=$(date +%s)
out=$(cd "$L/big" && timeout 60 "$LITEHCL" validate -no-color 2>&1)
rc=$? t=$(($(date +%s) - t0))
if [ $rc -eq 0 ] && [ $t -le 20 ]; then ok "locals: 100,000 (a chain among them) validate in ${t}s"; else fail "locals: 100,000 (a chain among them) validate in ${t}s" "exit $rc" "$(echo "$out" | head -5)"; fi
t0=$(date +%s)
out=$(cd "$L/cycle" && timeout 60 "$LITEHCL" validate -no-color 2>&1)
rc=$? t=$(($(date +%s) - t0))
if [ $rc -eq 1 ] && [ $t -le 20 ] && [ "$(echo "$out" | grep -c '^Error: Cycle: local.c0, local.c1, ')" = 1 ] &&
    echo "$out" | grep -q 'on main.tf line 5001, in locals'; then
	ok "locals: a cycle through 5,000 is one error at the reference that closes it"
else
	fail "locals: a cycle through 5,000 is one error at the reference that closes it" "exit $rc, ${t}s" "$(echo "$out" | head -8)"
fi
mkdir -p "$L/vars"
awk 'BEGIN { n = 50000; for (i = 0; i < n; i++) printf "variable \"v%d\" {\n  default = %d\n}\n", i, i; print "locals {"; for (i = 0; i < n; i++) printf "  l%d = var.v%d\n", i, i; print "}" }' >"$L/vars/main.tf"
t0=$(date +%s)
out=$(cd "$L/vars" && timeout 60 "$LITEHCL" validate -no-color 2>&1)
rc=$? t=$(($(date +%s) - t0))
if [ $rc -eq 0 ] && [ $t -le 20 ]; then ok "variables: 50,000, each referenced, validate in ${t}s"; else fail "variables: 50,000, each referenced, validate in ${t}s" "exit $rc" "$(echo "$out" | head -5)"; fi

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

# ---- 429 on every route: with a third of all answers "429 Too Many Requests"
# (Retry-After: 1), before the server did the work and after it, an apply of 30 users
# converges in one run (issue 14 item 1 said one apply in ten failed at 100 users;
# 20 trials of 100 users each now converge: see the closing note) ----
R="$WORK/r429"
for when in before after; do
	emu_admin reset '{}'
	rm -rf "$R"
	users_tf "$R" "$EMU_URL" "r429-$when.test" 30 one
	extra=""
	[ $when = after ] && extra=',"after":true'
	emu_admin faults "{\"path\":\"*\",\"kind\":\"429\",\"probability\":0.3,\"retry_after\":1$extra}"
	(cd "$R" && LITEHCL_HTTP_RETRY_BUDGET=60 "$LITEHCL" apply -auto-approve -no-color >"$WORK/r429.out" 2>&1)
	rc=$?
	emu_admin faults/clear '{}'
	why=$(converged "$R" "r429-$when.test" 30)
	if [ $rc -eq 0 ] && [ -z "$why" ]; then
		ok "429 $when the work on every route (30%): 30 users converge in one run"
	else
		fail "429 $when the work on every route (30%): 30 users converge in one run" "exit $rc;$why" "$(grep -m2 -A3 Error "$WORK/r429.out")"
	fi
done

# ---- answers that are well-formed JSON but not LiteLLM's: the error says what was wrong
# with the answer (never "failed"), prints no secret, and the state is left as it was ----
proxy_start
if [ ! -s "$PROXY_PORTFILE" ]; then fail "fault proxy started" "$(cat "$WORK/proxy.out")"; emu_stop; exit 0; fi
M="$WORK/malformed"
mkdir -p "$M"
cd "$M" || exit 1
cat >main.tf <<EOF2
provider "litellm" {
  api_base = "$PROXY_URL"
}
resource "litellm_user" "u" {
  count      = 2
  user_email = "m\${count.index}@rel.test"
}
resource "litellm_team" "t" {
  team_alias = "rel-team"
}
resource "litellm_team_member" "m" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u[0].user_id
  role    = "user"
}
EOF2
if apply; then ok "answers: setup applied"; else fail "answers: setup applied" "$(cat "$WORK/apply.out")"; fi
serial=$(jq .serial terraform.tfstate)
# planrun NAME FAULT_JSON WANT_TEXT: plan through the fault must fail with WANT_TEXT
planrun() {
	proxy_clear
	proxy_fault "$2"
	"$LITEHCL" plan -no-color >"$WORK/plan.out" 2>&1
	rc=$?
	proxy_clear
	out=$(tr '\n' ' ' <"$WORK/plan.out" | tr -s ' ')
	if [ $rc -eq 1 ] && echo "$out" | grep -qF "$3" && ! grep -q "$MK" "$WORK/plan.out" &&
	    ! grep -q "will be created" "$WORK/plan.out" && [ "$(jq .serial terraform.tfstate)" = "$serial" ]; then
		ok "answers: $1"
	else
		fail "answers: $1" "exit $rc, serial $(jq .serial terraform.tfstate) (was $serial)" "$(grep -A6 Error "$WORK/plan.out" | head -12)"
	fi
}
planrun "a /user/list answer without users is described" '{"path":"/user/list","kind":"strip","key":"users"}' \
	'GET /user/list answered 200, but not as LiteLLM does: it should be an object with a "users" list, and a JSON object with the keys "total", "page"'
planrun "an empty /user/list answer is described" '{"path":"/user/list","kind":"empty"}' \
	'GET /user/list answered 200, but not as LiteLLM does: it should be an object with a "users" list, and the answer is empty'
LITEHCL_REFRESH_ONE_BY_ONE=1 planrun "a /user/info answer without user_info is described" '{"path":"/user/info","kind":"strip","key":"user_info"}' \
	'GET /user/info answered 200, but not as LiteLLM does: it should be an object with a "user_info" object, and a JSON object with the keys "user_id", "keys", "teams"'
planrun "a /team/info answer without the roster fails the membership (never planned again)" '{"path":"/team/info","kind":"strip","key":"team_info.members_with_roles"}' \
	'GET /team/info answered 200, but not as LiteLLM does: it should be an object whose "team_info" has a "members_with_roles" list (the team'"'"'s roster), and its "team_info" is a JSON object with the keys "team_id", "team_alias"'
# imports that look a name up in a list: a list answer without its list is not "no such
# object" (which would say the object does not exist)
cat >imp.tf <<EOF2
resource "litellm_team" "again" {
  team_alias = "rel-team"
}
resource "litellm_team_member" "by_email" {
  team_id    = litellm_team.t.team_id
  user_email = "m1@rel.test"
  role       = "user"
}
EOF2
team=$(jq -r '.resources[] | select(.type == "litellm_team") | .instances[0].attributes.team_id' terraform.tfstate)
# importrun NAME FAULT_JSON WANT_TEXT ADDR ID
importrun() {
	proxy_clear
	proxy_fault "$2"
	"$LITEHCL" import -no-color "$4" "$5" >"$WORK/imp.out" 2>&1
	rc=$?
	proxy_clear
	out=$(tr '\n' ' ' <"$WORK/imp.out" | tr -s ' ')
	if [ $rc -eq 1 ] && echo "$out" | grep -qF "$3" && ! grep -qi "non-existent\|does not exist" "$WORK/imp.out" &&
	    [ "$(jq .serial terraform.tfstate)" = "$serial" ]; then
		ok "answers: $1"
	else
		fail "answers: $1" "exit $rc" "$(cat "$WORK/imp.out" | head -12)"
	fi
}
importrun "import by team alias: a team list without teams is described" '{"path":"/v2/team/list","kind":"strip","key":"teams"}' \
	'GET /v2/team/list answered 200, but not as LiteLLM does: it should be an object with a "teams" list' \
	litellm_team.again rel-team
importrun "import of a membership by email: a user list without users is described" '{"path":"/user/list","kind":"strip","key":"users"}' \
	'GET /user/list answered 200, but not as LiteLLM does: it should be an object with a "users" list' \
	litellm_team_member.by_email "$team:m1@rel.test"
rm -f imp.tf
proxy_stop
emu_stop
