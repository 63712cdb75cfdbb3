#!/bin/sh
# adopt.sh - taking over an existing proxy in one step (issue 9 part 3): against the
# emulator seeded with 1,000 users, 20 teams and 200 memberships (plus the proxy's own
# users and the teams' creator memberships), `litehcl adopt` writes import and resource
# blocks (a membership's team_id and user_id as references to the adopted team and
# user), `plan` then shows 1,220 imports and no other change, `apply` records them and
# the next plan says No changes; objects the state manages are skipped, names avoid
# the configuration's, the file is fmt-clean, and an existing file is not overwritten.
. "$TOP/tests/lib.sh"

emu_session
export NO_COLOR=1
d="$WORK/adopt"
mkdir -p "$d" && cd "$d" || exit 1
python3 - > seed.json <<'PY'
import json
users = []
for i in range(1000):
    u = {"user_id": "u%04d" % i, "user_email": "user%04d@example.com" % i,
         "user_role": "internal_user" if i % 4 else "proxy_admin", "models": ["gpt-4o"] if i % 2 else []}
    if i % 3 == 0: u["user_alias"] = "User %d" % i
    if i % 5: u["max_budget"] = (i % 5) * 10
    if i % 7 == 0: u["metadata"] = {"dept": "eng ${x}", "n": i}
    users.append(u)
teams = []
for t in range(20):
    mem = [{"user_id": "default_user_id", "role": "admin", "user_email": None}]
    mem += [{"user_id": "u%04d" % (t * 10 + k), "role": "admin" if k == 0 else "user",
             "user_email": "user%04d@example.com" % (t * 10 + k)} for k in range(10)]
    teams.append({"team_id": "t%02d" % t, "team_alias": "Team %d" % t, "members_with_roles": mem,
                  "models": ["gpt-4o"] if t % 2 else [], "max_budget": 100 if t % 3 == 0 else None})
print(json.dumps({"users": users, "teams": teams}))
PY
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data @seed.json "$EMU_URL/__emu/seed" >/dev/null
# already managed: one user (with a name adopt must not reuse)
cat > main.tf <<'EOF2'
resource "litellm_user" "user0001" {
  user_email = "managed@example.com"
}
EOF2
"$LITEHCL" apply -auto-approve >/dev/null 2>&1 || fail "setup apply"
"$LITEHCL" adopt >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && grep -q 'Wrote 1220 import blocks with their resource blocks to adopted.tf: 1000 users, 20 teams, 200 team memberships.' out.txt &&
	ok "adopt writes 1,220 objects" || fail "adopt writes 1,220 objects" "rc=$rc" "$(cat out.txt err.txt)"
! grep -q -e default_user_id -e litellm-proxy-budget -e managed@example.com adopted.tf &&
	ok "adopt skips the proxy's own users and what the state manages" || fail "adopt skips the proxy's own users and what the state manages"
grep -q 'resource "litellm_user" "user0001_2"' adopted.tf && ok "adopt keeps clear of the configuration's names" ||
	fail "adopt keeps clear of the configuration's names" "$(grep -n 'user0001' adopted.tf | head -3)"
cp adopted.tf fmt.tf && "$LITEHCL" fmt -check fmt.tf >/dev/null 2>&1 && ok "the written file is fmt-clean" || fail "the written file is fmt-clean" "$("$LITEHCL" fmt -diff fmt.tf | head -20)"
rm -f fmt.tf
grep -A5 '^resource "litellm_team_member" "team_0_user0000"' adopted.tf | grep -q 'team_id *= litellm_team.team_0.team_id$' &&
	grep -A5 '^resource "litellm_team_member" "team_0_user0000"' adopted.tf | grep -q 'user_id *= litellm_user.user0000.user_id$' &&
	ok "a membership refers to its team's and user's resources" ||
	fail "a membership refers to its team's and user's resources" "$(grep -A5 '^resource "litellm_team_member"' adopted.tf | head -8)"
grep -q 'dept = "eng $${x}"' adopted.tf && ok "template sequences in values are escaped" || fail "template sequences in values are escaped" "$(grep -n dept adopted.tf | head -2)"
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
n=$(grep -c 'will be imported' plan.txt)
if [ $rc -eq 2 ] && [ "$n" -eq 1220 ] && grep -q '^Plan: 1220 to import, 0 to add, 0 to change, 0 to destroy.$' plan.txt &&
    ! grep -E -q '^ +[-+~] ' plan.txt; then
	ok "plan after adopt: 1220 imports and no other change"
else
	fail "plan after adopt: 1220 imports and no other change" "rc=$rc imports=$n" "$(grep -E '^ +[-+~] |^Plan|Error' plan.txt | head -20)"
fi
"$LITEHCL" apply -auto-approve -no-color >apply.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Apply complete! Resources: 1220 imported, 0 added, 0 changed, 0 destroyed.' apply.txt &&
	ok "apply records the 1220 imports" || fail "apply records the 1220 imports" "rc=$rc" "$(tail -5 apply.txt)"
"$LITEHCL" plan -no-color -detailed-exitcode >plan2.txt 2>&1
[ $? -eq 0 ] && grep -q 'No changes.' plan2.txt && ok "then plan: No changes" || fail "then plan: No changes" "$(grep -E '^ +[-+~] |^Plan|Error' plan2.txt | head)"
"$LITEHCL" adopt again.tf >out.txt 2>&1
[ $? -eq 0 ] && grep -q 'Nothing to adopt' out.txt && [ ! -e again.tf ] && ok "adopt again: nothing left" || fail "adopt again: nothing left" "$(cat out.txt)"
"$LITEHCL" adopt >out.txt 2>err.txt
[ $? -eq 1 ] && grep -q 'Target generated file already exists' err.txt && ok "adopt refuses to overwrite a file" || fail "adopt refuses to overwrite a file" "$(cat out.txt err.txt)"

# ---- plan -generate-config-out (Terraform 1.5's import blocks + generated config) ----
g="$WORK/genout"
mkdir -p "$g" && cd "$g" || exit 1
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d '{"users":[{"user_id":"gen-1","user_email":"gen-1@example.com","user_role":"internal_user","max_budget":5,"metadata":{"a":"b"}}],"teams":[{"team_id":"gen-t","team_alias":"Gen Team","members_with_roles":[{"user_id":"gen-1","role":"user"}]}]}' \
	"$EMU_URL/__emu/seed" >/dev/null
cat > main.tf <<'EOF2'
import {
  to = litellm_user.g1
  id = "gen-1"
}
import {
  to = litellm_team.gen
  id = "Gen Team"
}
import {
  to = litellm_team_member.m
  id = "gen-t:gen-1"
}
EOF2
"$LITEHCL" plan -no-color -generate-config-out=generated.tf >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '^Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.$' plan.txt &&
	grep -q '^# __generated__ by litehcl from "gen-1"$' generated.tf && grep -q 'team_alias *= "Gen Team"' generated.tf &&
	ok "plan -generate-config-out writes the missing resource blocks and plans the imports" ||
	fail "plan -generate-config-out writes the missing resource blocks and plans the imports" "rc=$rc" "$(cat plan.txt generated.tf 2>&1 | tail -30)"
"$LITEHCL" apply -auto-approve >/dev/null 2>&1 && "$LITEHCL" plan -no-color -detailed-exitcode >/dev/null 2>&1 &&
	ok "generated config: apply, then No changes" || fail "generated config: apply, then No changes"
"$LITEHCL" plan -no-color -generate-config-out=generated.tf >o.txt 2>&1
[ $? -eq 1 ] && grep -q 'Target generated file already exists' o.txt && ok "plan -generate-config-out refuses an existing file" ||
	fail "plan -generate-config-out refuses an existing file" "$(cat o.txt)"

# ---- a team id holding ':' (the membership id TEAM:USER splits more than one way) ----
emu_stop
emu_start --master-key "$KEY"
export LITELLM_API_BASE="$EMU_URL"
c="$WORK/colon"
mkdir -p "$c" && cd "$c" || exit 1
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d '{"users":[{"user_id":"c1","user_email":"c1@example.com","user_role":"internal_user"}],"teams":[{"team_id":"t:c","team_alias":"a:b","members_with_roles":[{"user_id":"c1","role":"user"}]}]}' \
	"$EMU_URL/__emu/seed" >/dev/null
"$LITEHCL" adopt >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Wrote 3 import blocks with their resource blocks to adopted.tf: 1 users, 1 teams, 1 team memberships.' out.txt &&
	grep -q 'id = "t:c:c1"' adopted.tf &&
	ok "adopt writes the membership of a team whose id holds ':'" ||
	fail "adopt writes the membership of a team whose id holds ':'" "rc=$rc" "$(cat out.txt adopted.tf 2>&1 | tail -30)"
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q '^Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.$' plan.txt &&
	ok "plan after adopt of a team id with ':': 3 imports" ||
	fail "plan after adopt of a team id with ':': 3 imports" "rc=$rc" "$(grep -E '^ +[-+~] |^Plan|Error' plan.txt | head)"

# ---- a team without an alias (LiteLLM allows it; team_alias is required here) ----
n="$WORK/noalias"
mkdir -p "$n" && cd "$n" || exit 1
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d '{"users":[{"user_id":"n1","user_email":"n1@example.com","user_role":"internal_user"}],"teams":[{"team_id":"no alias","members_with_roles":[{"user_id":"n1","role":"user"}]}]}' \
	"$EMU_URL/__emu/seed" >/dev/null
"$LITEHCL" adopt >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q 'Team without an alias left out' out.txt &&
	flat out.txt | grep -q "litehcl import litellm_team.NAME 'no alias'" &&
	! grep -q '^  id = "no alias"$' adopted.tf && grep -q '^  team_id = "no alias"$' adopted.tf &&
	ok "adopt leaves out a team without an alias, saying how to take it over" ||
	fail "adopt leaves out a team without an alias, saying how to take it over" "rc=$rc" "$(cat out.txt adopted.tf 2>&1 | tail -30)"
"$LITEHCL" plan -no-color >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && ! grep -q 'Error' plan.txt && grep -q ' to import, 0 to add, 0 to change, 0 to destroy.$' plan.txt &&
	ok "plan after adopt with an alias-less team: imports only, no error" ||
	fail "plan after adopt with an alias-less team: imports only, no error" "rc=$rc" "$(grep -E '^ +[-+~] |^Plan|Error|│' plan.txt | head -20)"

# ---- a user whose server role is null (LiteLLM's auth reads it as internal_user) ----
r="$WORK/nullrole"
mkdir -p "$r" && cd "$r" || exit 1
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d '{"users":[{"user_id":"nr1","user_email":"nr1@example.com","user_role":null},{"user_id":"nr2","user_email":"nr2@example.com","user_role":"proxy_admin"}]}' \
	"$EMU_URL/__emu/seed" >/dev/null
"$LITEHCL" adopt >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && awk '/user_email *= "nr1@example.com"/ { on = 1 } on && /^}/ { exit } on' adopted.tf >nr1.txt &&
	grep -q 'nr1@example.com' nr1.txt && ! grep -q 'user_role' nr1.txt &&
	awk '/user_email *= "nr2@example.com"/ { on = 1 } on && /^}/ { exit } on' adopted.tf | grep -q 'user_role *= "proxy_admin"' &&
	ok "adopt of a user with a null role writes no user_role (absent means \"user\")" ||
	fail "adopt of a user with a null role writes no user_role (absent means \"user\")" "rc=$rc" "$(cat out.txt adopted.tf 2>&1 | tail -30)"
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q ' to import, 0 to add, 0 to change, 0 to destroy.$' plan.txt && ! grep -q 'user_role.*->\|+ *user_role' plan.txt &&
	ok "plan after adopt of a null-role user: imports only, no user_role change" ||
	fail "plan after adopt of a null-role user: imports only, no user_role change" "rc=$rc" "$(grep -E '^ +[-+~#] |^Plan|Error' plan.txt | head -20)"
m=$(wc -l <"$EMU_LOG")
"$LITEHCL" apply -auto-approve >out.txt 2>&1 && "$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(jq -r '.resources[] | select(.instances[0].attributes.user_id == "nr1") | .instances[0].attributes.user_role' terraform.tfstate)" = null ] &&
	! tail -n +"$((m + 1))" "$EMU_LOG" | grep -q '"/user/update"' &&
	ok "null role: imported as the server holds it, without a write, then No changes" ||
	fail "null role: imported as the server holds it, without a write, then No changes" "rc=$rc" "$(tail -20 plan.txt)"
# "admin" in the configuration for that user is a change the plan shows
sed -i '/user_email *= "nr1@example.com"/a\  user_role = "admin"' adopted.tf
"$LITEHCL" plan -no-color >plan.txt 2>&1
grep -q '+ user_role *= "admin"' plan.txt && grep -q '0 to add, 1 to change' plan.txt && ok "null role vs admin: a change" ||
	fail "null role vs admin: a change" "$(grep -E '^ +[-+~] |^Plan|Error' plan.txt | head -20)"
# a role cleared to null outside, where the configuration says proxy_admin: a change
curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d '{"user_id":"nr2","user_role":null}' "$EMU_URL/__emu/user" >/dev/null
sed -i '/user_role = "admin"/d' adopted.tf
"$LITEHCL" apply -auto-approve >out.txt 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q '0 added, 1 changed, 0 destroyed' out.txt &&
	[ "$(curl -s -H "Authorization: Bearer $KEY" "$EMU_URL/user/info?user_id=nr2" | jq -r .user_info.user_role)" = proxy_admin ] &&
	ok "null role where proxy_admin is configured: restored" ||
	fail "null role where proxy_admin is configured: restored" "rc=$rc" "$(tail -20 out.txt)"
