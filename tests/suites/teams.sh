#!/bin/sh
# teams.sh - litellm_team and litellm_team_member against the emulator over real HTTP,
# one case per check of shared/spec/litellm_team.md part 10, plus drift, import, the
# unknown-user rule, the admin licence, server-managed metadata keys, percent-encoding,
# server faults, validation and delete warnings.  The kill -9 crash test is teams_crash.sh.
. "$TOP/tests/lib.sh"

emu_session --premium

sattr() {	# sattr ADDR ATTR: an attribute of the state
	jq -r --arg a "$1" --arg k "$2" '.resources[] | select((.type + "." + .name) == $a) |
		.instances[0].attributes[$k]' terraform.tfstate
}
roster() {	# roster TEAM_ID: "user_id role" lines
	dump | jq -r --arg t "$1" '.teams[] | select(.team_id == $t) | .members_with_roles[] |
		"\(.user_id) \(.role)"' | sort
}
nochange() { run plan -detailed-exitcode; }

seed_tf() {
	cat > main.tf <<'EOF'
resource "litellm_team" "backend" {
  team_alias = "backend-team"
}
resource "litellm_user" "backend_dev" {
  user_email = "backend-dev@company.com"
  user_alias = "backend-developer"
}
resource "litellm_team_member" "dev_membership" {
  team_id = litellm_team.backend.team_id
  user_id = litellm_user.backend_dev.user_id
  role    = "user"
}
output "members" { value = litellm_team_member.dev_membership }
EOF
}

# ---- 1. the seed example: apply, no changes, destroy membership first ----
new_dir seed
seed_tf
run apply -auto-approve
check "seed example applies (3 added)" grep -q 'Resources: 3 added, 0 changed, 0 destroyed' out.txt
TEAM=$(sattr litellm_team.backend team_id); USER=$(sattr litellm_user.backend_dev user_id)
check "membership in the roster as user" test "$(roster "$TEAM" | grep "$USER")" = "$USER user"
check "membership id is TEAM:USER" test "$(sattr litellm_team_member.dev_membership id)" = "$TEAM:$USER"
check "team created with only the alias (no members sent)" "grep '\"/team/new\"' '$EMU_LOG' | jq -e '.body | has(\"members_with_roles\") | not' >/dev/null"
check "membership added by user_id, one member object" "grep '\"/team/member_add\"' '$EMU_LOG' | tail -1 | jq -e '.body.member == {\"role\":\"user\",\"user_id\":\"$USER\"}' >/dev/null"
nochange
check "second plan: No changes" test $? -eq 0
check "output of a membership" "$LITEHCL output -json members | jq -e '.role == \"user\" and .team_id == \"$TEAM\"'"
run show -json
check "show -json lists the three types" "jq -e '[.values.root_module.resources[].type] | sort == [\"litellm_team\",\"litellm_team_member\",\"litellm_user\"]' out.txt"
run state show litellm_team_member.dev_membership
check "state show of a membership" grep -q 'role *= "user"' out.txt
echo 'litellm_team_member.dev_membership.team_id == litellm_team.backend.team_id' | "$LITEHCL" console >out.txt 2>&1
check "console sees teams and memberships" grep -qx 'true' out.txt
run state list
check "state list has the three types" "[ \$(grep -c '^litellm_' out.txt) -eq 3 ]"

# ---- 2. team deleted outside: team and membership planned again ----
api POST /team/delete "{\"team_ids\":[\"$TEAM\"]}" >/dev/null
run plan -no-color
check "team deleted outside: plan recreates team and membership" "grep -q 'litellm_team.backend will be created' out.txt && grep -q 'litellm_team_member.dev_membership will be created' out.txt && grep -q 'Plan: 2 to add, 0 to change, 0 to destroy' out.txt"
run apply -auto-approve
TEAM=$(sattr litellm_team.backend team_id)
check "recreated team under a new id, membership back" test "$(roster "$TEAM" | grep "$USER")" = "$USER user"
nochange; check "no changes after recreating" test $? -eq 0

# ---- 3. member removed outside: only the membership ----
api POST /team/member_delete "{\"team_id\":\"$TEAM\",\"user_id\":\"$USER\"}" >/dev/null
run plan -no-color
check "member removed outside: plan adds only the membership" "grep -q 'Plan: 1 to add, 0 to change, 0 to destroy' out.txt && grep -q 'dev_membership will be created' out.txt"
run apply -auto-approve
check "membership restored" test "$(roster "$TEAM" | grep "$USER")" = "$USER user"

# ---- 4. role changed outside: ~ role, apply restores it ----
api POST /team/member_update "{\"team_id\":\"$TEAM\",\"user_id\":\"$USER\",\"role\":\"admin\"}" >/dev/null
run plan -no-color
check "role changed outside: plan shows ~ role" "grep -q '~ role *= \"admin\" -> \"user\"' out.txt && grep -q '0 to add, 1 to change, 0 to destroy' out.txt"
run apply -auto-approve
check "apply restores the role" test "$(roster "$TEAM" | grep "$USER")" = "$USER user"
check "role update sends role (member_update)" "grep '\"/team/member_update\"' '$EMU_LOG' | tail -1 | jq -e '.body.role == \"user\"' >/dev/null"

# ---- 7. max_budget_in_team survives a role change ----
sed -i 's/role    = "user"/role    = "user"\n  max_budget_in_team = 5/' main.tf
run apply -auto-approve
check "max_budget_in_team set" "dump | jq -e --arg t '$TEAM' --arg u '$USER' '.teams[] | select(.team_id==\$t) | .memberships[] | select(.user_id==\$u) | .litellm_budget_table.max_budget == 5'"
sed -i 's/role    = "user"/role    = "admin"/' main.tf
run apply -auto-approve
check "role change keeps the member budget" "dump | jq -e --arg t '$TEAM' --arg u '$USER' '.teams[] | select(.team_id==\$t) | .memberships[] | select(.user_id==\$u) | .litellm_budget_table.max_budget == 5'"
check "role is admin now" test "$(roster "$TEAM" | grep "$USER")" = "$USER admin"
nochange; check "no changes after the role change" test $? -eq 0

# ---- 8. server-written metadata keys ----
cat >> main.tf <<'EOF'
resource "litellm_team" "meta" {
  team_alias = "meta"
  metadata   = { owner = "ops" }
  models     = ["b", "a"]
  team_member_permissions = ["create_key", "/key/info"]
}
EOF
run apply -auto-approve
MT=$(sattr litellm_team.meta team_id)
admin POST team "{\"team_id\":\"$MT\",\"metadata\":{\"owner\":\"ops\",\"team_member_budget_id\":\"b-1\"},\"models\":[\"a\",\"b\"]}" >/dev/null
nochange; check "server-managed metadata key and model order: no diff" test $? -eq 0
sed -i 's/owner = "ops"/owner = "dev"/' main.tf
run apply -auto-approve
check "metadata update keeps team_member_budget_id" "dump | jq -e --arg t '$MT' '.teams[] | select(.team_id==\$t) | .metadata == {\"owner\":\"dev\",\"team_member_budget_id\":\"b-1\"}'"
check "permissions stored as routes" "dump | jq -e --arg t '$MT' '.teams[] | select(.team_id==\$t) | .team_member_permissions == [\"/key/generate\",\"/key/info\"]'"
sed -i 's|team_member_permissions = \["create_key", "/key/info"\]|team_member_permissions = ["list_keys"]|' main.tf
run apply -auto-approve
check "permissions changed with /team/permissions_update" "dump | jq -e --arg t '$MT' '.teams[] | select(.team_id==\$t) | .team_member_permissions == [\"/key/list\"]' && grep -q '/team/permissions_update' '$EMU_LOG'"
admin POST team "{\"team_id\":\"$MT\",\"blocked\":true}" >/dev/null
run plan -no-color
check "team blocked outside: drift planned back to false" grep -q '~ blocked *= true -> false' out.txt
run apply -auto-approve
check "apply unblocks" "dump | jq -e --arg t '$MT' '.teams[] | select(.team_id==\$t) | .blocked == false'"

# ---- 10. admin role without a licence ----
admin POST config '{"premium":false}' >/dev/null
cat >> main.tf <<'EOF'
resource "litellm_user" "boss" {
  user_email = "boss@company.com"
}
resource "litellm_team_member" "boss" {
  team_id = litellm_team.meta.team_id
  user_id = litellm_user.boss.user_id
  role    = "admin"
}
resource "litellm_team_member" "meta_dev" {
  team_id = litellm_team.meta.team_id
  user_id = litellm_user.backend_dev.user_id
  role    = "user"
}
EOF
run apply -auto-approve
rc=$?
check "admin role without a licence: exit 1" test $rc -eq 1
check "the error names the licence" grep -q 'licensed (Enterprise) LiteLLM' out.txt
check "the independent membership was still added" "roster '$MT' | grep -q '$USER user'"
admin POST config '{"premium":true}' >/dev/null
run apply -auto-approve
check "with a licence the admin membership applies" grep -q 'Resources: 1 added' out.txt

# ---- 5. an existing membership is adopted ----
cat >> main.tf <<'EOF'
resource "litellm_team_member" "creator" {
  team_id = litellm_team.meta.team_id
  user_id = "default_user_id"
  role    = "admin"
}
EOF
run apply -auto-approve
check "default_user_id (the creator) is adopted, not added" "grep -q 'already a member' out.txt && grep -q 'Resources: 1 added' out.txt"
check "no member_add for the adopted member" "! grep '\"/team/member_add\"' '$EMU_LOG' | jq -e 'select(.body.member.user_id == \"default_user_id\")' >/dev/null"

# ---- 9. many memberships of one team at -parallelism=10: all in the roster ----
new_dir parallel
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "par" }
resource "litellm_user" "u" {
  for_each   = toset([for i in range(12) : "u${i}"])
  user_email = "${each.key}@par.example"
}
resource "litellm_team_member" "m" {
  for_each = litellm_user.u
  team_id  = litellm_team.t.team_id
  user_id  = each.value.user_id
  role     = "user"
}
EOF
run apply -auto-approve -parallelism=10
PT=$(sattr litellm_team.t team_id)
check "12 memberships of one team in parallel: all in the roster" test "$(roster "$PT" | grep -c ' user$')" -eq 12
nochange; check "no changes after the parallel apply" test $? -eq 0
run destroy -auto-approve
check "destroy: memberships deleted before the team and users" "
	grep -n '\"/team/member_delete\"\\|\"/team/delete\"\\|\"/user/delete\"' '$EMU_LOG' | tail -14 > order.txt
	last_member=\$(grep -n member_delete order.txt | tail -1 | cut -d: -f1)
	first_other=\$(grep -n '/team/delete\\|/user/delete' order.txt | head -1 | cut -d: -f1)
	[ \"\$last_member\" -lt \"\$first_other\" ]"

# ---- unknown user: no silent creation ----
new_dir unknown
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "unk" }
resource "litellm_team_member" "ghost" {
  team_id = litellm_team.t.team_id
  user_id = "no-such-user"
  role    = "user"
}
EOF
run apply -auto-approve
rc=$?
check "unknown user: exit 1 with a clear error" "[ $rc -eq 1 ] && grep -q 'user \"no-such-user\" does not exist in LiteLLM' out.txt"
check "unknown user: LiteLLM was not asked to create it" "! dump | jq -e '.users[] | select(.user_id == \"no-such-user\")' >/dev/null"

# ---- membership by email only ----
new_dir byemail
api POST /user/new '{"user_id":"mail-user","user_email":"Mail.User@Example.com","auto_create_key":false}' >/dev/null
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "mail" }
resource "litellm_team_member" "m" {
  team_id    = litellm_team.t.team_id
  user_email = "mail.user@example.com"
  role       = "user"
}
EOF
run apply -auto-approve
check "membership by email finds the user (case-insensitively)" test "$(sattr litellm_team_member.m user_id)" = "mail-user"
nochange; check "no changes for a membership by email" test $? -eq 0

# ---- 11. import ----
new_dir import
api POST /team/new '{"team_id":"imp-t","team_alias":"Import Me"}' >/dev/null
api POST /user/new '{"user_id":"imp-u","user_email":"imp@example.com","auto_create_key":false}' >/dev/null
api POST /team/member_add '{"team_id":"imp-t","member":{"role":"user","user_id":"imp-u"}}' >/dev/null
api POST /team/new '{"team_id":"dup-1","team_alias":"Twice"}' >/dev/null
api POST /team/new '{"team_id":"dup-2","team_alias":"Twice"}' >/dev/null
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "Import Me" }
resource "litellm_team_member" "m" {
  team_id = litellm_team.t.team_id
  user_id = "imp-u"
  role    = "user"
}
resource "litellm_team" "twice" { team_alias = "Twice" }
EOF
run import litellm_team.t imp-t
check "import a team by id" "grep -q 'Import successful' out.txt && [ \"\$(jq -r '.resources[0].instances[0].attributes.team_alias' terraform.tfstate)\" = 'Import Me' ]"
run import litellm_team_member.m imp-t:imp-u
check "import TEAM:USER reads role and ids" test "$(sattr litellm_team_member.m role):$(sattr litellm_team_member.m id)" = "user:imp-t:imp-u"
nochange; rc=$?
check "plan after importing team and membership: no changes except the new team" "grep -q 'litellm_team.twice will be created' out.txt && grep -q '1 to add, 0 to change, 0 to destroy' out.txt"
rm -f terraform.tfstate
run import litellm_team.t "Import Me"
check "import a team by its alias" test "$(sattr litellm_team.t team_id)" = "imp-t"
run import litellm_team_member.m "Import Me:imp@example.com"
check "import TEAM_ALIAS:email" test "$(sattr litellm_team_member.m id)" = "imp-t:imp-u"
rm -f terraform.tfstate
run import litellm_team.t imp-t
run import imp-t:imp-u
check "import TEAM:USER without an address finds the membership block" test "$(sattr litellm_team_member.m id)" = "imp-t:imp-u"
run import litellm_team.twice Twice
check "ambiguous alias: error listing the ids" "grep -q 'dup-1' out.txt && grep -q 'dup-2' out.txt && grep -q 'several teams' out.txt"
rm -f terraform.tfstate
run import imp-t
check "import ID without address finds the block by alias" test "$(sattr litellm_team.t team_id)" = "imp-t"
cat > imp.tf <<'EOF'
import {
  to = litellm_team.twice
  id = "dup-2"
}
EOF
run apply -auto-approve
check "import block for a team" "grep -q '1 imported' out.txt && [ \"\$(jq -r '.resources[] | select(.name==\"twice\") | .instances[0].attributes.team_id' terraform.tfstate)\" = dup-2 ]"

# ---- import TEAM:USER when ids contain ':' (team ids may; emails cannot): every split ----
new_dir colon
api POST /team/new '{"team_id":"ns:team-1","team_alias":"Colon Team"}' >/dev/null
api POST /user/new '{"user_id":"cu-1","user_email":"cu1@example.com","auto_create_key":false}' >/dev/null
api POST /user/new '{"user_id":"cu-2","user_email":"cu2@example.com","auto_create_key":false}' >/dev/null
api POST /user/new '{"user_id":"svc:bot","auto_create_key":false}' >/dev/null
api POST /team/member_add '{"team_id":"ns:team-1","member":{"role":"user","user_id":"cu-1"}}' >/dev/null
api POST /team/member_add '{"team_id":"ns:team-1","member":{"role":"user","user_id":"cu-2"}}' >/dev/null
api POST /team/member_add '{"team_id":"imp-t","member":{"role":"user","user_id":"svc:bot"}}' >/dev/null
# two splits that both name a membership: team "amb" + user "x:y", team "amb:x" + user "y"
api POST /team/new '{"team_id":"amb","team_alias":"amb-1"}' >/dev/null
api POST /team/new '{"team_id":"amb:x","team_alias":"amb-2"}' >/dev/null
api POST /user/new '{"user_id":"x:y","auto_create_key":false}' >/dev/null
api POST /user/new '{"user_id":"y","auto_create_key":false}' >/dev/null
api POST /team/member_add '{"team_id":"amb","member":{"role":"user","user_id":"x:y"}}' >/dev/null
api POST /team/member_add '{"team_id":"amb:x","member":{"role":"admin","user_id":"y"}}' >/dev/null
cat > main.tf <<'EOF'
resource "litellm_team_member" "c" {
  team_id = "ns:team-1"
  user_id = "cu-1"
  role    = "user"
}
resource "litellm_team_member" "e" {
  team_id    = "ns:team-1"
  user_email = "cu2@example.com"
  role       = "user"
}
resource "litellm_team_member" "u" {
  team_id = "imp-t"
  user_id = "svc:bot"
  role    = "user"
}
resource "litellm_team_member" "a" {
  team_id = "amb"
  user_id = "x:y"
  role    = "user"
}
EOF
run import litellm_team_member.c ns:team-1:cu-1
check "import: a team id with ':' (the second split names the membership)" "[ \"\$(sattr litellm_team_member.c team_id) \$(sattr litellm_team_member.c user_id) \$(sattr litellm_team_member.c id)\" = 'ns:team-1 cu-1 ns:team-1:cu-1' ]"
run import litellm_team_member.e ns:team-1:CU2@example.com
check "import: a team id with ':' and an email" "[ \"\$(sattr litellm_team_member.e id)\" = 'ns:team-1:cu-2' ]"
run import litellm_team_member.u imp-t:svc:bot
check "import: a user id with ':' (the first split names the membership)" "[ \"\$(sattr litellm_team_member.u id)\" = 'imp-t:svc:bot' ]"
run import litellm_team_member.u "Colon Team:svc:bot"
rc=$?
check "import: no split names a membership: not found, state unchanged" "[ $rc -eq 1 ] && grep -qi 'cannot import non-existent\|does not exist\|no such\|not found' out.txt && [ \"\$(sattr litellm_team_member.u id)\" = 'imp-t:svc:bot' ]"
run import litellm_team_member.a amb:x:y
rc=$?
check "import: two splits name memberships: an error listing both, nothing imported" "[ $rc -eq 1 ] && grep -q 'more than one' out.txt && grep -q 'team amb, user x:y' out.txt && grep -q 'team amb:x, user y' out.txt && [ -z \"\$(sattr litellm_team_member.a id)\" ]"
run import litellm_team_member.a amb-1:x:y
check "import: the ambiguity resolved by the team's alias" "[ \"\$(sattr litellm_team_member.a id)\" = 'amb:x:y' ] && [ \"\$(sattr litellm_team_member.a user_id)\" = 'x:y' ]"
nochange; check "imported memberships with ':' in their ids: no changes" test $? -eq 0
rm -f terraform.tfstate
run import ns:team-1:cu-1
check "import without an address: the block whose team_id and user_id match" "[ \"\$(sattr litellm_team_member.c id)\" = 'ns:team-1:cu-1' ]"

# ---- 12. a team id with / # & space round-trips ----
new_dir weird
cat > main.tf <<'EOF'
resource "litellm_team" "w" {
  team_id    = "a/b #c&d e"
  team_alias = "weird"
}
EOF
run apply -auto-approve
check "team id with / # & space created" "dump | jq -e '.teams[] | select(.team_id == \"a/b #c&d e\")' >/dev/null"
nochange; check "and refreshed through /team/info (percent-encoded)" test $? -eq 0

# ---- 6. a /team/new whose answer is lost: adopted, not duplicated ----
new_dir lost
cat > main.tf <<'EOF'
resource "litellm_team" "l" { team_alias = "lost-answer" }
EOF
admin POST faults '{"path":"/team/new","kind":"reset","after":true}' >/dev/null
run apply -auto-approve
check "lost /team/new answer: applied once" "[ \$(dump | jq '[.teams[] | select(.team_alias == \"lost-answer\")] | length') -eq 1 ] && grep -q 'Resources: 1 added' out.txt"
nochange; check "lost /team/new answer: no changes after" test $? -eq 0

# ---- a read replica lagging behind /team/new: the read-back waits (0.2, 0.4, 0.8 s ...) ----
tsec() {	# tsec: seconds (fractional) of the emulator log's /team/info lines, one a line
	grep '"/team/info"' "$EMU_LOG" | jq -r '.time | (.[0:19] + "Z" | fromdate) +
		(.[19:] | ltrimstr(".") | rtrimstr("Z") | if . == "" then 0 else ("0." + .) | tonumber end)'
}
new_dir lag
cat > main.tf <<'EOF'
resource "litellm_team" "l" {
  team_alias = "lagging"
  max_budget = 5
}
EOF
: >"$EMU_LOG"
admin POST faults '{"path":"/team/info","kind":"404","body":"json","count":3}' >/dev/null
run apply -auto-approve
rc=$?
check "replica lag: the create succeeds after three 404 read-backs" "[ $rc -eq 0 ] && grep -q 'Resources: 1 added' out.txt && [ \$(grep -c '\"/team/info\"' '$EMU_LOG') -eq 4 ]"
tsec >times.txt
check "replica lag: re-reads wait 0.2, 0.4, 0.8 s (a backoff, not at once)" "awk 'NR > 1 { d = \$1 - p; w = 0.2 * 2 ^ (NR - 2); if (d < w - 0.02 || d > w + 1.5) exit 1 } { p = \$1 } END { exit NR != 4 }' times.txt"
nochange; check "replica lag: no changes after" test $? -eq 0
cat >> main.tf <<'EOF'
resource "litellm_team" "never" { team_alias = "never-readable" }
EOF
: >"$EMU_LOG"
admin POST faults '{"path":"/team/info","kind":"404","body":"json","count":0}' >/dev/null
start=$(date +%s.%N)
run apply -auto-approve -refresh=false -no-color
rc=$?
took=$(awk "BEGIN { print $(date +%s.%N) - $start }")
admin POST faults/clear '{}' >/dev/null
check "replica lag that does not end: bounded by time (4 re-reads in about 3 s), the team kept in state with a warning" "[ $rc -eq 0 ] && [ \$(grep -c '\"/team/info\"' '$EMU_LOG') -eq 5 ] && awk 'BEGIN { exit !($took >= 2.9 && $took < 15) }' && grep -q 'still answered 404' out.txt && [ \"\$(sattr litellm_team.never team_alias)\" = never-readable ]"
nochange; check "replica lag that does not end: the next plan reads it, no changes" test $? -eq 0

# ---- faults: a 500 on member_add fails that membership only, state stays right ----
new_dir fault
cat > main.tf <<'EOF'
resource "litellm_team" "f" { team_alias = "fault" }
resource "litellm_user" "a" { user_email = "fa@example.com" }
resource "litellm_user" "b" { user_email = "fb@example.com" }
resource "litellm_team_member" "a" {
  team_id = litellm_team.f.team_id
  user_id = litellm_user.a.user_id
  role    = "user"
}
resource "litellm_team_member" "b" {
  team_id = litellm_team.f.team_id
  user_id = litellm_user.b.user_id
  role    = "user"
}
EOF
admin POST faults '{"path":"/team/member_add","kind":"500","count":1}' >/dev/null
run apply -auto-approve
rc=$?
# a 500 may come after the work: member_add (idempotent) is asked again (issue 14)
check "a 500 on member_add: retried, both memberships added in one run" "[ $rc -eq 0 ] && grep -q 'Retrying: POST /team/member_add: 500' out.txt && [ \$(grep -c 'litellm_team_member.*Creation complete' out.txt) -eq 2 ]"
run apply -auto-approve
check "the next apply has nothing to add" "grep -q 'Resources: 0 added' out.txt && [ \$(roster \$(jq -r '.resources[] | select(.type==\"litellm_team\") | .instances[0].attributes.team_id' terraform.tfstate) | grep -c ' user\$') -eq 2 ]"
admin POST faults '{"path":"/team/info","kind":"503","count":0}' >/dev/null
run plan
rc=$?
check "a server error on refresh: error, state untouched" "[ $rc -eq 1 ] && [ \$(jq '[.resources[].instances[]] | length' terraform.tfstate) -eq 5 ]"
admin POST faults/clear '{}' >/dev/null

# ---- validation: at the attribute, every problem at once ----
new_dir invalid
cat > main.tf <<'EOF'
resource "litellm_team" "bad" {
  team_alias      = ""
  budget_duration = "fortnightly"
  tpm_limit       = -1
}
resource "litellm_team" "perm" {
  team_alias              = "perm"
  team_member_permissions = ["view_spend", "create_key"]
}
resource "litellm_team_member" "bad" {
  team_id = "t"
  user_id = "u"
  role    = "internal_user"
}
resource "litellm_team_member" "nouser" {
  team_id = "t"
  role    = "user"
}
EOF
run validate -no-color
check "validation: every problem at once" "grep -q 'team alias must not be empty' out.txt && grep -q 'fortnightly' out.txt && grep -q 'zero or more' out.txt && grep -q 'internal_user' out.txt && grep -q 'needs user_id' out.txt && grep -q 'grants nothing' out.txt"
cat > main.tf <<'EOF'
resource "litellm_team" "ok" {
  team_alias      = "fine"
  budget_duration = "yearly"
}
EOF
run validate
check "yearly is a team budget duration" grep -q 'Success' out.txt

# ---- replacing a team under a pinned id replaces its memberships (LiteLLM deletes them) ----
new_dir pinned
cat > main.tf <<'EOF2'
resource "litellm_team" "p" {
  team_id    = "pinned-team"
  team_alias = "pinned"
}
resource "litellm_team" "q" { team_alias = "other" }
resource "litellm_user" "u" { user_email = "pin@example.com" }
resource "litellm_team_member" "m" {
  team_id = litellm_team.p.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
resource "litellm_team_member" "n" {
  team_id = litellm_team.q.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
EOF2
run apply -auto-approve
run plan -no-color -replace=litellm_team.p
check "-replace of a pinned team: its membership must be replaced, the other team's not" "grep -q 'litellm_team_member.m must be replaced' out.txt && ! grep -q 'litellm_team_member.n \(must\|will\)' out.txt && grep -q '2 to add, 0 to change, 2 to destroy' out.txt"
run apply -auto-approve -replace=litellm_team.p
check "after the replacement the member is in the new team" test "$(roster pinned-team | grep -c ' user$')" -eq 1
nochange; check "no changes after replacing a pinned team" test $? -eq 0

# ---- a user deleted outside: user re-created under a new id, its membership with it ----
new_dir userdrift
cat > main.tf <<'EOF2'
resource "litellm_team" "t" { team_alias = "udrift" }
resource "litellm_user" "u" { user_email = "udrift@example.com" }
resource "litellm_team_member" "m" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
EOF2
run apply -auto-approve
UT=$(sattr litellm_team.t team_id); UU=$(sattr litellm_user.u user_id)
api POST /user/delete "{\"user_ids\":[\"$UU\"]}" >/dev/null
run plan -no-color
check "user deleted outside: user and membership planned again" "grep -q 'litellm_user.u will be created' out.txt && grep -q 'litellm_team_member.m' out.txt && grep -q '2 to add' out.txt"
run apply -auto-approve
NU=$(sattr litellm_user.u user_id)
check "the new user is the team's member" "[ '$NU' != '$UU' ] && roster '$UT' | grep -q '$NU user'"
nochange; check "no changes after the user came back" test $? -eq 0
run destroy -auto-approve -no-color
check "destroy warns what LiteLLM deletes with a team and a membership" "grep -q 'Deleting 1 litellm_team' out.txt && grep -q 'virtual keys' out.txt && grep -q 'Deleting 1 litellm_team_member' out.txt"

# ---- old servers' rosters: a member listed twice, an email-only entry ----
new_dir oldroster
api POST /user/new '{"user_id":"old-u","user_email":"old@example.com","auto_create_key":false}' >/dev/null
api POST /team/new '{"team_id":"old-t","team_alias":"old"}' >/dev/null
api POST /team/member_add '{"team_id":"old-t","member":{"role":"user","user_id":"old-u"}}' >/dev/null
cat > main.tf <<'EOF2'
resource "litellm_team_member" "m" {
  team_id    = "old-t"
  user_id    = "old-u"
  user_email = "old@example.com"
  role       = "user"
}
EOF2
run import litellm_team_member.m old-t:old-u
run apply -auto-approve
check "the configured user_email is recorded (state only, nothing sent)" "grep -q '0 added, 1 changed' out.txt && ! grep '\"/team/member_update\"' '$EMU_LOG' | grep -q old-u"
admin POST team '{"team_id":"old-t","members_with_roles":[{"user_id":"old-u","user_email":null,"role":"user"},{"user_id":"old-u","user_email":null,"role":"user"}]}' >/dev/null
run plan -no-color -detailed-exitcode
rc=$?
check "a member listed twice: warning, no change" "[ $rc -eq 0 ] && grep -q 'more than once' out.txt"
admin POST team '{"team_id":"old-t","members_with_roles":[{"user_id":null,"user_email":"OLD@example.com","role":"user"}]}' >/dev/null
run plan -no-color -detailed-exitcode
rc=$?
check "an email-only roster entry: kept, with a warning" "[ $rc -eq 0 ] && grep -q 'by email only' out.txt"
run destroy -auto-approve
check "destroying an email-only membership deletes it by email" "[ \$(dump | jq '[.teams[] | select(.team_id == \"old-t\") | .members_with_roles[]] | length') -eq 0 ]"

# ---- server team defaults (litellm.default_team_settings): recorded when the argument is
# absent, fixed by one corrective /team/update when the configuration says otherwise ----
emu_stop
emu_start --master-key "$KEY" --premium --default-team-max-budget 100 --default-team-budget-duration 30d
export LITELLM_API_BASE="$EMU_URL"
new_dir defaults
cat > main.tf <<'EOF'
resource "litellm_team" "nobudget" {
  team_alias = "no-budget"
  max_budget = 0
}
resource "litellm_team" "plain" { team_alias = "plain" }
resource "litellm_team" "monthly" {
  team_alias      = "monthly"
  budget_duration = "monthly"
  max_budget      = 7
}
EOF
run plan -no-color
check "defaults: the plan shows the configured max_budget = 0, the rest known after apply" "grep -q 'max_budget *= 0\$' out.txt && grep -q 'Plan: 3 to add'  out.txt"
run apply -auto-approve
rc=$?
NB=$(sattr litellm_team.nobudget team_id)
check "defaults: max_budget = 0 is sent as null on create" "[ $rc -eq 0 ] && grep '\"/team/new\"' '$EMU_LOG' | jq -s -e 'map(select(.body.team_alias == \"no-budget\")) | length == 1 and (.[0].body | has(\"max_budget\") and .max_budget == null)' >/dev/null"
check "defaults: one corrective /team/update clears the budget the server filled in, for that team only" "[ \$(grep -c '\"/team/update\"' '$EMU_LOG') -eq 1 ] && grep '\"/team/update\"' '$EMU_LOG' | jq -e '.body == {\"team_id\":\"$NB\",\"max_budget\":null}' >/dev/null"
check "defaults: the server holds no budget, the state 0" "[ \"\$(dump | jq -r '.teams[] | select(.team_id == \"$NB\") | .max_budget')\" = null ] && [ \"\$(sattr litellm_team.nobudget max_budget)\" = 0 ]"
check "defaults: absent arguments record the server's defaults" "[ \"\$(sattr litellm_team.plain max_budget) \$(sattr litellm_team.plain budget_duration)\" = '100 30d' ]"
check "defaults: a default meaning the configured value is kept in the configuration's spelling" "[ \"\$(sattr litellm_team.monthly budget_duration) \$(sattr litellm_team.monthly max_budget)\" = 'monthly 7' ]"
nochange; check "defaults: no changes after" test $? -eq 0
# a server that answers the corrective update but does not apply it: an error naming the field
cat >> main.tf <<'EOF'
resource "litellm_team" "stuck" {
  team_alias = "stuck"
  max_budget = 0
}
EOF
admin POST faults '{"path":"/team/update","kind":"empty","status":200,"count":1}' >/dev/null
run apply -auto-approve -no-color
rc=$?
check "defaults: a corrective update the server ignores is an error naming max_budget, the team kept in state" "[ $rc -eq 1 ] && grep -q 'Error creating litellm_team.stuck: the server did not apply max_budget' out.txt && tr '\n' ' ' <out.txt | grep -q 'holds *max_budget = 100 although 0 was requested' && [ -n \"\$(sattr litellm_team.stuck team_id)\" ] && [ \$(dump | jq '[.teams[] | select(.team_alias == \"stuck\")] | length') -eq 1 ]"
run plan -no-color
check "defaults: the next plan updates max_budget in place (100 -> 0)" "grep -q 'litellm_team.stuck will be updated in-place' out.txt && grep -q 'max_budget *= 100 -> 0' out.txt && grep -q 'Plan: 0 to add, 1 to change, 0 to destroy' out.txt"
run apply -auto-approve
nochange; check "defaults: after apply, no changes" test $? -eq 0

# ---- two blocks naming one membership, known only at apply: the second is refused, and
# the state stays loadable (it once recorded both, and every later command refused it)
new_dir dupmember
cat > main.tf <<'EOF2'
resource "litellm_user" "a" {
  user_email = "dupmember@example.com"
}
resource "litellm_team" "t" {
  team_alias = "dupmember"
}
resource "litellm_team_member" "m1" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.a.user_id
  role    = "user"
}
resource "litellm_team_member" "m2" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.a.user_id
  role    = "user"
}
EOF2
run apply -auto-approve -no-color
rc=$?
check "duplicate membership blocks: apply fails naming both, one of them recorded" "[ $rc -eq 1 ] && tr '\n' ' ' <out.txt | grep -Eq 'litellm_team_member.m[12] and litellm_team_member.m[12] are the same object' && [ \$(jq '[.resources[] | select(.type == \"litellm_team_member\")] | length' terraform.tfstate) -eq 1 ]"
"$LITEHCL" state list >out.txt 2>&1
check "duplicate membership blocks: the state still loads" "[ \$(grep -c litellm_team_member out.txt) -eq 1 ]"

# ---- Ctrl-C while a team is being created: the team is kept in the state and the note
# says its read-back was not made (it used to say "GET /team/info still answered 404
# 27238.6 s later" - no 404 was seen, and the time was counted from zero)
# (the create answers 0.5 s after the interrupt, within the stop's 2 s grace)
new_dir intreadback
cat > main.tf <<'EOF2'
resource "litellm_team" "t" {
  team_alias = "intreadback"
}
EOF2
admin POST faults '{"path":"/team/new","kind":"latency","ms":1500,"count":0}' >/dev/null
"$LITEHCL" apply -auto-approve -no-color >out.txt 2>&1 &
p=$!
sleep 1
kill -INT $p
wait $p
rc=$?
admin POST faults/clear '{}' >/dev/null
check "Ctrl-C during a team's create: exit 1, the team kept, the note says its read-back was interrupted" \
	"[ $rc -eq 1 ] && [ \"\$(sattr litellm_team.t team_alias)\" = intreadback ] && ! grep -q 'answered 404' out.txt && tr '\n' ' ' <out.txt | grep -q 'was created, but reading it back failed (GET /team/info.*interrupted)'"
nochange; check "Ctrl-C during a team's create: the next plan has no changes" test $? -eq 0

# ---- import of a membership by a bare team id: the error says the ID is TEAM:USER
new_dir importform
seed_tf
run apply -auto-approve
TEAM=$(sattr litellm_team.backend team_id)
"$LITEHCL" state rm litellm_team_member.dev_membership >/dev/null 2>&1
run import -no-color litellm_team_member.dev_membership "$TEAM"
rc=$?
check "import of a membership by a team id alone: exit 1, the error names the TEAM:USER form" \
	"[ $rc -eq 1 ] && tr '\n' ' ' <out.txt | grep -q 'The import ID of a litellm_team_member is TEAM:USER - TEAM a team id or unique alias, USER a user id or email\.'"
# the same slip in an import block: plan's error names the form too
"$LITEHCL" state rm litellm_team_member.dev_membership >/dev/null 2>&1
cat > imp.tf <<EOF
import {
  to = litellm_team_member.dev_membership
  id = "$TEAM"
}
EOF
run plan -no-color
rc=$?
check "import block of a membership by a team id alone: exit 1, the error names the TEAM:USER form" \
	"[ $rc -eq 1 ] && tr '\n' ' ' <out.txt | grep -q 'Cannot import non-existent remote object' && tr '\n' ' ' <out.txt | grep -q 'The import ID of a litellm_team_member is TEAM:USER - TEAM a team id or unique alias, USER a user id or email\.'"
rm -f imp.tf
run import -no-color litellm_team_member.dev_membership "$TEAM:backend-dev@company.com"
check "import of a membership by TEAM:EMAIL then works" test $? -eq 0

# ---- a membership whose team_id is a team's alias (a common slip): the error says
# team_id takes an id and how to refer to one
new_dir aliasasid
cat > main.tf <<'EOF2'
resource "litellm_user" "u" {
  user_email = "aliasasid@example.com"
}
resource "litellm_team_member" "m" {
  team_id = "no-such-team-alias"
  user_id = litellm_user.u.user_id
  role    = "user"
}
EOF2
run apply -auto-approve -no-color
rc=$?
check "membership of a team_id LiteLLM does not have: exit 1, the error says team_id takes an id, not an alias" \
	"[ $rc -eq 1 ] && tr '\n' ' ' <out.txt | grep -q 'team \"no-such-team-alias\" does not exist in LiteLLM. team_id takes a team.s id, not its alias: refer to a litellm_team resource'"
run destroy -auto-approve

# ---- arguments that refer to other resources, in blocks whose instances validate
# keeps for the plan (config.c expand_again, trav_eval): the plan evaluates them with
# the run's values - a change upstream reaches them, an index that only the plan can
# check fails there with its values, apply evaluates them again once what they refer
# to exists
new_dir evalonce
cat > main.tf <<'EOF2'
variable "alias" {
  default = "evalonce-a"
}
locals {
  teams = { x = "a", y = "a" }
  pairs = { for u in ["x", "y"] : "a/${u}" => { team = "a", user = u } }
}
resource "litellm_team" "t" {
  for_each   = toset(["a"])
  team_alias = var.alias
  max_budget = 7
}
resource "litellm_user" "u" {
  for_each   = toset(["x", "y"])
  user_email = "evalonce-${each.key}@example.com"
  user_alias = litellm_team.t[local.teams[each.key]].team_alias
  max_budget = litellm_team.t["a"].max_budget + 1
}
resource "litellm_team_member" "m" {
  for_each = local.pairs
  team_id  = litellm_team.t[each.value.team].team_id
  user_id  = litellm_user.u[each.value.user].user_id
  role     = "user"
}
EOF2
iattr() {	# iattr TYPE.NAME KEY ATTR: an attribute of an instance in the state
	jq -r --arg a "$1" --arg i "$2" --arg k "$3" '.resources[] | select((.type + "." + .name) == $a) |
		.instances[] | select(.index_key == $i) | .attributes[$k]' terraform.tfstate
}
run apply -auto-approve -no-color
rc=$?
team=$(iattr litellm_team.t a team_id)
check "kept instances: apply of a team, users and memberships referring to them (ids known only once created)" \
	"[ $rc -eq 0 ] && grep -q 'Resources: 5 added' out.txt && [ \"\$(roster $team | grep -c ' user$')\" = 2 ]"
check "kept instances: the users' arguments took the team's values" \
	"[ \"\$(iattr litellm_user.u y user_alias)\" = evalonce-a ] && [ \"\$(iattr litellm_user.u x max_budget)\" = 8 ] && [ \"\$(iattr litellm_team_member.m a/x team_id)\" = $team ]"
nochange
check "kept instances: a second plan has no changes" test $? -eq 0
run plan -no-color -var alias=evalonce-b
rc=$?
check "kept instances: a changed team alias reaches the users that refer to it" \
	"[ $rc -eq 0 ] && [ \"\$(grep -c 'user_alias *= \"evalonce-a\" -> \"evalonce-b\"' out.txt)\" = 2 ]"
sed -i 's/team = "a", user = u/team = u == "y" ? "b" : "a", user = u/' main.tf
run plan -no-color
rc=$?
check "kept instances: an index only the plan can check fails there, with its values" \
	"[ $rc -eq 1 ] && [ \"\$(grep -c 'Error: Invalid index' out.txt)\" = 1 ] && grep -q 'each.value.team is \"b\"' out.txt && grep -q 'team_id  = litellm_team.t.each.value.team..team_id' out.txt"
sed -i 's/team = u == "y" ? "b" : "a", user = u/team = "a", user = u/' main.tf
run destroy -auto-approve
check "kept instances: destroy" test $? -eq 0

# ---- arguments that are the same for every instance of a block (config.c
# invariant_expr: literals, var, local, pure calls) are evaluated once per expansion;
# impure calls still once per instance, a local once per run; for_each from a
# resource's refreshed attributes still plans
new_dir invariant
cat > main.tf <<'EOF2'
locals {
  id = uuid()
}
resource "litellm_team" "t" {
  for_each   = toset(["a", "b"])
  team_alias = "inv-${each.key}"
}
resource "litellm_user" "r" {
  for_each   = toset(["a", "b", "c"])
  user_email = "inv-r-${each.key}@example.com"
  user_alias = uuid()
  max_budget = 10 + 5
}
resource "litellm_user" "l" {
  count      = 3
  user_email = "inv-l-${count.index}@example.com"
  user_alias = local.id
  user_role  = lower("INTERNAL_USER")
}
EOF2
run plan -no-color -out=p
"$LITEHCL" show -json p >show.json
pv() {	# pv NAME ATTR: the distinct planned values of ATTR in resource NAME's instances
	jq -c --arg n "$1" --arg a "$2" '[.planned_values.root_module.resources[] | select(.name == $n) | .values[$a]] | unique' show.json
}
check "invariant arguments: uuid() in a for_each block is called for each instance" \
	"[ \"\$(pv r user_alias | jq length)\" = 3 ]"
check "invariant arguments: a local calling uuid() has one value, in every instance" \
	"[ \"\$(pv l user_alias | jq length)\" = 1 ] && [ \"\$(pv l user_alias | jq -r '.[0]')\" != null ]"
check "invariant arguments: a constant expression's value in every instance" \
	"[ \"\$(pv r max_budget)\" = '[15]' ] && [ \"\$(pv l user_role)\" = '[\"internal_user\"]' ]"
sed -i 's/user_alias = uuid()/user_alias = "r"/; s/  id = uuid()/  id = "l"/' main.tf
run apply -auto-approve -no-color
check "invariant arguments: apply" grep -q 'Resources: 8 added' out.txt
cat >> main.tf <<'EOF2'
resource "litellm_team_member" "m" {
  for_each = { for k, t in litellm_team.t : k => t.team_id }
  team_id  = each.value
  user_id  = litellm_user.r[each.key].user_id
  role     = "user"
}
EOF2
run plan -no-color
check "invariant arguments: a for_each from refreshed attributes plans its instances" \
	"grep -q 'Plan: 2 to add, 0 to change, 0 to destroy' out.txt && grep -q 'litellm_team_member.m\\[\"b\"\\] will be created' out.txt"
run apply -auto-approve -no-color
nochange
check "invariant arguments: no changes after the memberships' apply" test $? -eq 0
run destroy -auto-approve
check "invariant arguments: destroy" test $? -eq 0

# ---- the state after an apply is the server's: roster writes move their team's
# updated_at after the team was recorded, and the apply takes the team's values from
# the read that confirmed them (or, when memberships were only removed, one read per
# team), so the state equals what `apply -refresh-only` writes and the next plan's
# refresh finds every object unchanged ----
new_dir settle
cat > main.tf <<'EOF2'
variable "pairs" { type = list(string) }
resource "litellm_team" "t" {
  for_each   = toset(["a", "b"])
  team_alias = "settle-${each.key}"
}
resource "litellm_user" "u" {
  for_each   = toset(["w", "x", "y", "z"])
  user_email = "${each.key}@settle.example"
}
resource "litellm_team_member" "m" {
  for_each = toset(var.pairs)
  team_id  = litellm_team.t[split("/", each.key)[0]].team_id
  user_id  = litellm_user.u[split("/", each.key)[1]].user_id
  role     = "user"
}
EOF2
# teams_current: every team's updated_at in the state is the emulator's now
teams_current() {
	for _t in $(jq -r '.resources[] | select(.type == "litellm_team") | .instances[].attributes |
		"\(.team_id)=\(.updated_at)"' terraform.tfstate); do
		dump | jq -e --arg t "${_t%%=*}" --arg u "${_t#*=}" \
			'.teams[] | select(.team_id == $t) | .updated_at == $u' >/dev/null || return 1
	done
}
# settled NAME: the state equals what a refresh-only apply then writes (every type),
# and a plan reads only (one /user/list, one /team/info per team) and changes nothing
settled() {
	check "$1: each team's updated_at is the server's" teams_current
	jq -S .resources terraform.tfstate >applied.json
	"$LITEHCL" apply -refresh-only -auto-approve -var "pairs=$2" >ro.txt 2>&1
	jq -S .resources terraform.tfstate >refreshed.json
	check "$1: the state equals what apply -refresh-only writes" \
		"grep -q 'Apply complete' ro.txt && cmp -s applied.json refreshed.json"
	: >"$EMU_LOG"
	run plan -detailed-exitcode -var "pairs=$2"
	check "$1: the next plan has no changes and sends only reads" \
		"[ $? -eq 0 ] && grep -q 'No changes.' out.txt && ! jq -e 'select(.method != \"GET\")' '$EMU_LOG' >/dev/null"
}
# settle_step NAME PAIRS RESULT READS: an apply of PAIRS ends with "Resources: RESULT" after
# READS requests of /team/info in all (the refresh's, the read-backs of created teams,
# the confirmations, the reads after removals; its requests kept in apply.log), and its
# state is settled
settle_step() {
	: >"$EMU_LOG"
	run apply -auto-approve -var "pairs=$2"
	check "settle, $1: the apply (Resources: $3)" grep -q "Resources: $3" out.txt
	cp "$EMU_LOG" apply.log
	check "settle, $1: $4 reads of /team/info" "[ \$(grep -c '\"/team/info\"' apply.log) -eq $4 ]"
	settled "settle, $1" "$2"
}
# each team's read-back after its create, then one confirmation per team: no more
settle_step "teams and memberships created" '["a/w","a/x","b/y","b/z"]' \
	'10 added, 0 changed, 0 destroyed' 4
# the refresh reads both teams; the added memberships' confirmation is a's one more read
settle_step "memberships added to an existing team" '["a/w","a/x","a/y","a/z","b/y","b/z"]' \
	'2 added, 0 changed, 0 destroyed' 3
# nothing reads a after its member_deletes: one read, the apply's last request
settle_step "memberships removed" '["a/w","b/y","b/z"]' '0 added, 0 changed, 3 destroyed' 3
check "settle, memberships removed: the team's read follows the deletes" \
	"tail -1 apply.log | jq -e '.path == \"/team/info\"' >/dev/null"
# a: a removal then an addition (its confirmation covers both); b: a removal (one read)
P4='["a/x","b/y"]'
settle_step "one membership added and others removed" "$P4" '1 added, 0 changed, 2 destroyed' 4
: >"$EMU_LOG"
run destroy -auto-approve -var "pairs=$P4"
check "settle: destroy reads no team after deleting it (only the refresh's 2 reads)" \
	"grep -q 'Resources: 8 destroyed' out.txt && [ \$(grep -c '\"/team/info\"' '$EMU_LOG') -eq 2 ]"

# ---- the same when a membership names its team by a literal id (no reference): the
# team's update and the member_add run in the same wave, and whichever read comes last
# must not leave the state behind the server ----
new_dir settle_literal
cat > main.tf <<'EOF2'
variable "alias" { type = string }
variable "n" { type = number }
resource "litellm_team" "f" {
  team_id    = "settle-fixed"
  team_alias = var.alias
}
resource "litellm_user" "v" {
  user_id    = "settle-v"
  user_email = "v@settle.example"
}
resource "litellm_team_member" "lit" {
  count   = var.n
  team_id = "settle-fixed"
  user_id = "settle-v"
  role    = "user"
}
EOF2
run apply -auto-approve -var alias=lit-a -var n=0
check "settle, literal team id: team and user" grep -q 'Resources: 2 added' out.txt
run apply -auto-approve -var alias=lit-b -var n=1
check "settle, literal team id: the team's update and the membership in one apply" \
	grep -q 'Resources: 1 added, 1 changed, 0 destroyed' out.txt
check "settle, literal team id: each team's updated_at is the server's" teams_current
jq -S .resources terraform.tfstate >applied.json
"$LITEHCL" apply -refresh-only -auto-approve -var alias=lit-b -var n=1 >ro.txt 2>&1
jq -S .resources terraform.tfstate >refreshed.json
check "settle, literal team id: the state equals what apply -refresh-only writes" \
	"grep -q 'Apply complete' ro.txt && cmp -s applied.json refreshed.json"
run destroy -auto-approve -var alias=lit-b -var n=1
check "settle, literal team id: destroy" grep -q 'Resources: 3 destroyed' out.txt
