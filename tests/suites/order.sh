#!/bin/sh
# order.sh - the order of requests when objects others depend on are replaced or deleted,
# pinned with the emulator's request log: Terraform destroys a dependent before what it
# depends on, and creates a dependency before its dependents - also when both halves belong
# to replacements (the membership's delete precedes its team's delete, the team's create
# precedes the membership's create).
. "$TOP/tests/lib.sh"

emu_session --premium

# writes FROM: the paths of the write requests logged after line FROM, in order
writes() { log_writes "$1" | jq -r .path; }
# writes_ids FROM: the same with the id a delete names ("/team/delete ID")
writes_ids() {
	log_writes "$1" | jq -r '"\(.path) \(.body.team_ids[0] // .body.user_ids[0] // .body.team_id // "")"'
}
# before FILE A B: the last line matching A comes before the first line matching B
before() {
	awk -v a="$2" -v b="$3" '$0 ~ a { la = NR } $0 ~ b && !fb { fb = NR }
		END { exit !(la && fb && la < fb) }' "$1"
}

cfg() {	# cfg TEAM_ID USER_ID
	cat > main.tf <<EOF
resource "litellm_team" "t" {
  team_id    = "$1"
  team_alias = "order-team"
}
resource "litellm_user" "u" {
  user_id    = "$2"
  user_email = "order@example.com"
}
resource "litellm_team_member" "m" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
EOF
}

# ---- a team replaced (team_id changed): membership destroyed first, created last ----
new_dir team
cfg order-t1 order-u1
run apply -auto-approve
check "setup applies" "grep -q '3 added' out.txt"
cfg order-t2 order-u1
run plan -no-color
check "team_id changed: team and membership must be replaced" \
	"grep -q 'litellm_team.t must be replaced' out.txt && grep -q 'litellm_team_member.m must be replaced' out.txt"
m=$(log_mark)
run apply -auto-approve -no-color
writes "$m" >w.txt
check "team replaced: applies" "grep -q '2 added, 0 changed, 2 destroyed' out.txt"
check_or "team replaced: member_delete, team/delete, team/new, member_add in that order" \
	"test \"\$(tr '\n' ' ' <w.txt)\" = '/team/member_delete /team/delete /team/new /team/member_add '" "$(cat w.txt)"
check "team replaced: progress shows the membership destroyed before the team" \
	"before out.txt 'litellm_team_member.m: Destruction complete' 'litellm_team.t: Destroying'"
run plan -detailed-exitcode
check "team replaced: no changes after" "test $? -eq 0"

# ---- a user replaced (user_id changed): the same for users ----
cfg order-t2 order-u2
m=$(log_mark)
run apply -auto-approve -no-color
writes "$m" >w.txt
check "user replaced: applies" "grep -q '2 added, 0 changed, 2 destroyed' out.txt"
check_or "user replaced: member_delete, user/delete, user/new, member_add in that order" \
	"test \"\$(tr '\n' ' ' <w.txt)\" = '/team/member_delete /user/delete /user/new /team/member_add '" "$(cat w.txt)"
run plan -detailed-exitcode
check "user replaced: no changes after" "test $? -eq 0"

# ---- -replace of the team: the same order ----
m=$(log_mark)
run apply -auto-approve -replace=litellm_team.t
writes "$m" >w.txt
check_or "-replace team: member_delete, team/delete, team/new, member_add in that order" \
	"test \"\$(tr '\n' ' ' <w.txt)\" = '/team/member_delete /team/delete /team/new /team/member_add '" "$(cat w.txt)"

# ---- both replaced at once, and a pure delete of another team ----
cat >> main.tf <<'EOF'
resource "litellm_team" "gone" { team_alias = "order-gone" }
EOF
run apply -auto-approve
cfg order-t3 order-u3
m=$(log_mark)
run apply -auto-approve
writes "$m" >w.txt
writes_ids "$m" >wi.txt
check_or "team, user replaced and a team deleted: 4 destroyed, then 3 created" \
	"grep -q '3 added, 0 changed, 4 destroyed' out.txt && before wi.txt member_delete '/team/delete order-t2' && before wi.txt member_delete '/user/delete order-u2' && before w.txt '/(team|user)/delete' '/(team|user)/new' && before w.txt '/(team|user)/new' member_add" "$(cat wi.txt)"

# ---- destroy: memberships before teams and users ----
m=$(log_mark)
run destroy -auto-approve
writes "$m" >w.txt
check_or "destroy: member_delete before team/delete and user/delete" \
	"before w.txt /team/member_delete '/(team|user)/delete'" "$(cat w.txt)"

# ---- objects no longer configured: the state's dependencies order their deletes ----
new_dir orphans
cfg order-o1 order-ou1
run apply -auto-approve
: > main.tf
m=$(log_mark)
run apply -auto-approve -parallelism=1
writes "$m" >w.txt
check_or "all removed from the configuration: membership deleted before team and user" \
	"grep -q '0 added, 0 changed, 3 destroyed' out.txt && before w.txt /team/member_delete '/(team|user)/delete'" "$(cat w.txt)"

# ---- a failed membership delete keeps its team and user (Terraform skips them) ----
new_dir blocked
cfg order-b1 order-bu1
run apply -auto-approve
api POST /__emu/faults '{"path":"/team/member_delete","kind":400,"count":0}' >/dev/null
cfg order-b2 order-bu1
m=$(log_mark)
run apply -auto-approve; rc=$?
writes "$m" >w.txt
check_or "membership delete fails: the team is neither deleted nor created, exit 1" \
	"test $rc -ne 0 && grep -q /team/member_delete w.txt && ! grep -q -e /team/delete -e /team/new -e /team/member_add w.txt" "$(cat w.txt)"
api POST /__emu/faults/clear '{}' >/dev/null
run apply -auto-approve
check "fault cleared: the replacement goes through" "grep -q '2 added, 0 changed, 2 destroyed' out.txt"
run plan -detailed-exitcode
check "then no changes" "test $? -eq 0"
