#!/bin/sh
# duplicates.sh - two membership blocks for one team and user whose ids are known only
# at apply (the team and user created in the same run): the first apply creates one and
# refuses the other before sending anything for it, naming both; every later plan
# refuses the configuration naming both (validate cannot see values from the state).
. "$TOP/tests/lib.sh"

emu_session --premium

writes() { log_writes "$1" | jq -c '[.path, .body]'; }

new_dir dup
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "dup-team" }
resource "litellm_user" "u" { user_email = "dup@example.com" }
resource "litellm_team_member" "a" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
resource "litellm_team_member" "b" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u.user_id
  role    = "admin"
}
EOF
run validate
check "validate cannot know the ids: Success" "grep -q Success out.txt"
m=$(log_mark)
run apply -auto-approve -no-color; rc=$?
writes "$m" >w.txt
check "first apply: exit 1, the later block refused naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'Error: Error creating litellm_team_member.b' && flat out.txt | grep -q 'litellm_team_member.b and litellm_team_member.a are the same object'"
check_or "first apply: one member_add, as the first block asked (role user)" \
	"test \$(grep -c member_add w.txt) -eq 1 && grep member_add w.txt | grep -q '\"role\":\"user\"'" "$(cat w.txt)"
check "first apply: the state holds the first block only" \
	"jq -e '[.resources[] | select(.type == \"litellm_team_member\") | .name] == [\"a\"]' terraform.tfstate"
check "first apply: no adoption warning" "! grep -q 'already a member' out.txt"
run plan -no-color; rc=$?
check "next plan: exit 1, Duplicate team membership naming both" \
	"test $rc -eq 1 && grep -q 'Error: Duplicate team membership' out.txt && flat out.txt | grep -q 'litellm_team_member.b makes user_id \"[^\"]*\" a member of team \"[^\"]*\", which litellm_team_member.a (at main.tf:5) already does'"
check "next plan: points at the later block" "grep -q 'on main.tf line 10, in resource \"litellm_team_member\" \"b\"' out.txt"
m=$(log_mark)
run apply -auto-approve; rc=$?
check "next apply: refused before any write" "test $rc -eq 1 && test -z \"\$(writes $m)\""
# one block left: a clean plan
sed -i '/resource "litellm_team_member" "b"/,$d' main.tf
run plan -detailed-exitcode; rc=$?
check "the duplicate removed: no changes" "test $rc -eq 0"

# the same through for_each, the key unknown until the users exist
new_dir each
cat > main.tf <<'EOF'
resource "litellm_team" "t" { team_alias = "dup-each" }
resource "litellm_user" "u" { user_email = "dup-each@example.com" }
resource "litellm_team_member" "m" {
  for_each = toset(["x", "y"])
  team_id  = litellm_team.t.team_id
  user_id  = litellm_user.u.user_id
  role     = "user"
}
EOF
run apply -auto-approve -no-color; rc=$?
check "for_each instances naming one membership: exit 1 naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.m\[\"y\"\] and litellm_team_member.m\[\"x\"\] are the same object'"
run plan -no-color; rc=$?
check "for_each: next plan refuses naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.m\[\"y\"\] makes user_id .* which litellm_team_member.m\[\"x\"\]'"
run destroy -auto-approve; rc=$?
check "destroy is refused too (configuration error), nothing deleted" "test $rc -eq 1"

# the ids reach the blocks through locals
new_dir locals
cat > main.tf <<'EOF'
locals {
  team = litellm_team.t.team_id
  user = litellm_user.u.user_id
}
resource "litellm_team" "t" { team_alias = "dup-locals" }
resource "litellm_user" "u" { user_email = "dup-locals@example.com" }
resource "litellm_team_member" "a" {
  team_id = local.team
  user_id = local.user
  role    = "user"
}
resource "litellm_team_member" "b" {
  team_id = local.team
  user_id = local.user
  role    = "user"
}
EOF
run apply -auto-approve -no-color; rc=$?
check "through locals: the first apply refuses the later block" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.b and litellm_team_member.a are the same object'"
run plan -no-color; rc=$?
check "through locals: the next plan refuses naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.b makes user_id .* which litellm_team_member.a'"

# the user named by emails differing only in case: LiteLLM's emails are one user
# whatever their case (shared/spec/litellm_team.md 3.2), so the two blocks are one
# membership - refused before anything is sent for the later one, as for ids
# (the team named through a local in one of them: plan cannot tell it is one team)
new_dir email_case
cat > main.tf <<'EOF2'
resource "litellm_team" "t" { team_alias = "dup-case" }
resource "litellm_user" "u" { user_email = "Dup.Case@example.com" }
resource "litellm_team_member" "a" {
  team_id    = litellm_team.t.team_id
  user_email = litellm_user.u.user_email
  role       = "user"
}
locals { team = litellm_team.t.team_id }
resource "litellm_team_member" "b" {
  team_id    = local.team
  user_email = lower(litellm_user.u.user_email)
  role       = "admin"
}
EOF2
m=$(log_mark)
run apply -auto-approve -no-color; rc=$?
writes "$m" >w.txt
check "emails differing in case: the first apply refuses the later block" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.b and litellm_team_member.a are the same object'"
check_or "emails differing in case: one member_add, the first block's (role user)" \
	"test \$(grep -c member_add w.txt) -eq 1 && grep member_add w.txt | grep -q '\"role\":\"user\"'" "$(cat w.txt)"
run plan -no-color; rc=$?
check "emails differing in case: the next plan refuses naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.b makes user_email \"dup.case@example.com\" a member of team \"[^\"]*\", which litellm_team_member.a (at main.tf:5) already does'"
# the team known: validate sees it
new_dir email_case_known
cat > main.tf <<'EOF2'
resource "litellm_team_member" "a" {
  team_id    = "known-team"
  user_email = "Dup.Case@example.com"
  role       = "user"
}
resource "litellm_team_member" "b" {
  team_id    = "known-team"
  user_email = "dup.case@EXAMPLE.com"
  role       = "user"
}
EOF2
run validate -no-color; rc=$?
check "emails differing in case, team known: validate refuses naming both" \
	"test $rc -eq 1 && flat out.txt | grep -q 'litellm_team_member.b makes user_email \"dup.case@example.com\" a member of team \"known-team\", which litellm_team_member.a (at main.tf:3) already does'"
# the team created in the same run: unknown to validate, but both blocks name it by
# the same expression (no each/count), so it is one team - validate refuses them
new_dir email_case_same_expr
cat > main.tf <<'EOF2'
resource "litellm_team" "t" { team_alias = "dup-case-expr" }
resource "litellm_team_member" "a" {
  team_id    = litellm_team.t.team_id
  user_email = "Dup.Expr@example.com"
  role       = "user"
}
resource "litellm_team_member" "b" {
  team_id    = litellm_team.t.team_id
  user_email = "dup.expr@example.com"
  role       = "user"
}
resource "litellm_team_member" "e" {
  for_each   = toset(["Each@example.com", "each@example.com"])
  team_id    = litellm_team.t.team_id
  user_email = each.key
  role       = "user"
}
EOF2
m=$(log_mark)
run plan -no-color; rc=$?
check "team unknown, named alike: plan refuses naming both, sending nothing" \
	"test $rc -eq 1 && test -z \"\$(writes $m)\" && flat out.txt | grep -q 'litellm_team_member.b makes user_email \"dup.expr@example.com\" a member of team litellm_team.t.team_id, which litellm_team_member.a (at main.tf:4) already does'"
check "team unknown, for_each over emails differing in case: refused naming both" \
	"flat out.txt | grep -q 'litellm_team_member.e\[\"each@example.com\"\] makes user_email \"each@example.com\" a member of team litellm_team.t.team_id, which litellm_team_member.e\[\"Each@example.com\"\] (at main.tf:15) already does'"
