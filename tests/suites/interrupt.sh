#!/bin/sh
# interrupt.sh - Ctrl-C during an apply whose server stopped answering.  As Terraform:
# the first interrupt prints "Interrupt received ... Stopping operation...", starts
# nothing new and gives the requests in flight a moment (the HTTP client's stop grace,
# 2 s) to finish; what is still unanswered then is abandoned, so the run exits 1 within
# a few seconds instead of waiting for the 60 s request timeout.  Nothing is lost: a
# create that was sent but not confirmed is recorded from its answer, adopted after a
# look-up, or kept in the journal, and the next apply ends with the server and the state
# in agreement, each user once.  A second interrupt exits at once.
. "$TOP/tests/lib.sh"
. "$TOP/tests/faultproxy/lib.sh"

KEY=sk-interrupt-key MK=sk-interrupt-key
emu_session
users() {	# users N DOMAIN: N users uI@DOMAIN
	cat >main.tf <<EOF
resource "litellm_user" "u" {
  count      = $1
  user_email = "u\${count.index}@$2"
  user_alias = "one"
  user_role  = "internal_user"
}
EOF
}
# fault JSON: arms a fault, prints its id
fault() { admin POST faults "$1" | jq -r .id; }
fired() {	# fired ID: how often fault ID fired
	admin GET faults | jq -r --argjson id "$1" '[.[] | select(.id == $id) | .fired][0] // 0'
}
# interrupt FAULT_ID [TWICE] -- COMMAND...: runs COMMAND in the background (stdout in
# so.txt, stderr in se.txt, both in out.txt), sends SIGINT once fault FAULT_ID has fired (a request is hanging), twice with
# TWICE; sets rc and el (tenths of a second from the interrupt to the exit).  A run still
# going 15 s after the interrupt is killed (rc=137): the test fails instead of waiting
# for the request timeout.
interrupt() {
	_f=$1; shift
	_twice=""; [ "$1" = twice ] && { _twice=1; shift; }
	shift	# --
	"$@" >so.txt 2>se.txt &
	_p=$!
	_i=0
	while [ "$(fired "$_f")" -lt 1 ] && [ $_i -lt 200 ]; do sleep 0.05; _i=$((_i + 1)); done
	sleep 0.2
	_t0=$(date +%s%N)
	kill -INT $_p
	[ -n "$_twice" ] && { sleep 0.2; kill -INT $_p; }
	_i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 150 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -9 $_p 2>/dev/null
	wait $_p
	rc=$?
	el=$(( ($(date +%s%N) - _t0) / 100000000 ))
	cat so.txt se.txt >out.txt
}
says() { flat out.txt | grep -q "$1"; }
# the interrupted run's messages, in Terraform's words
told() {
	says 'Interrupt received. Please wait for litehcl to exit or data loss may occur. Gracefully shutting down...' &&
		says 'Stopping operation...' && says 'Error: Operation cancelled'
}
clear_faults() { emu_admin faults/clear '{}'; }

# ---- the creates' read-back (GET /user/list?user_ids=) hangs ----
new_dir listhang
users 3 listhang.test
f=$(fault '{"path":"/user/list","kind":"hang","count":0}')
interrupt "$f" -- "$LITEHCL" apply -auto-approve -no-color
if [ $rc -eq 1 ] && [ $el -le 40 ] && told; then
	ok "read-back hangs: Ctrl-C exits 1 within seconds, Terraform's messages"
else
	fail "read-back hangs: Ctrl-C exits 1 within seconds, Terraform's messages" "rc=$rc after $el tenths of a second" "$(tail -12 out.txt)"
fi
# Terraform prints them on stdout, after what the run printed there (Creating...)
check_or "read-back hangs: the interrupt messages on stdout, after the progress lines" \
	"! grep -q 'Interrupt received' se.txt && ! grep -q 'Stopping operation' se.txt &&
	awk '/Creating\\.\\.\\./{c=NR} /^Interrupt received\\.\$/{i=NR} /^Stopping operation\\.\\.\\.\$/{s=NR} END{exit !(c && i > c && s > i)}' so.txt" \
	"stdout: $(cat so.txt) stderr: $(cat se.txt)"
# the creates answered 200: recorded from their answers, not lost
n=$(state_users terraform.tfstate | grep -c listhang)
[ "$n" -eq 3 ] && ok "read-back hangs: the unconfirmed creates are in the state" ||
	fail "read-back hangs: the unconfirmed creates are in the state" "state holds $n of 3"
clear_faults
"$LITEHCL" apply -auto-approve -no-color >out2.txt 2>&1
why=$(converged "$PWD" listhang.test 3)
[ $? -eq 0 ] && [ -z "$why" ] && ok "read-back hangs: the next apply converges, each user once" ||
	fail "read-back hangs: the next apply converges, each user once" "$why" "$(tail -8 out2.txt)"

# ---- the creates themselves hang (committed, answer never completes) ----
new_dir newhang
users 3 newhang.test
f=$(fault '{"path":"/user/new","kind":"hang","count":0}')
interrupt "$f" -- "$LITEHCL" apply -auto-approve -no-color
# abandoned after the grace as uncertain, looked up by id, and adopted
n=$(state_users terraform.tfstate | grep -c newhang)
if [ $rc -eq 1 ] && [ $el -le 40 ] && told && [ "$n" -eq 3 ]; then
	ok "creates hang: Ctrl-C exits 1 within seconds; the look-ups adopt what the server committed"
else
	fail "creates hang: Ctrl-C exits 1 within seconds; the look-ups adopt what the server committed" \
		"rc=$rc after $el tenths of a second, $n of 3 in the state" "$(tail -12 out.txt)"
fi
clear_faults
why=$(converged "$PWD" newhang.test 3)
[ -z "$why" ] && ok "creates hang: state and server agree, plan clean" ||
	fail "creates hang: state and server agree, plan clean" "$why"

# ---- creates and every read hang: nothing can be confirmed before the exit ----
new_dir allhang
users 3 allhang.test
f=$(fault '{"path":"/user/new","kind":"hang","count":0}')
fault '{"path":"/user/info","kind":"hang","count":0}' >/dev/null
fault '{"path":"/user/list","kind":"hang","count":0}' >/dev/null
interrupt "$f" -- "$LITEHCL" apply -auto-approve -no-color
# the grace for the creates, then one for their look-ups
if [ $rc -eq 1 ] && [ $el -le 60 ] && told && says 'were abandoned'; then
	ok "everything hangs: Ctrl-C exits 1 within seconds, saying requests were abandoned"
else
	fail "everything hangs: Ctrl-C exits 1 within seconds, saying requests were abandoned" \
		"rc=$rc after $el tenths of a second" "$(tail -12 out.txt)"
fi
[ -s terraform.tfstate.journal ] && [ "$(grep -c '"create"' terraform.tfstate.journal)" -ge 3 ] &&
	ok "everything hangs: the unconfirmed creates stay in the journal" ||
	fail "everything hangs: the unconfirmed creates stay in the journal" "$(cat terraform.tfstate.journal 2>&1 | head -5)"
clear_faults
"$LITEHCL" plan -no-color >plan.txt 2>&1
prc=$?
[ $prc -eq 0 ] && ! grep -q 'will be created' plan.txt &&
	ok "everything hangs: the next plan finds the committed users (nothing to create)" ||
	fail "everything hangs: the next plan finds the committed users (nothing to create)" "rc=$prc" "$(tail -8 plan.txt)"
"$LITEHCL" apply -auto-approve -no-color >out2.txt 2>&1
why=$(converged "$PWD" allhang.test 3)
[ $? -eq 0 ] && [ -z "$why" ] && ok "everything hangs: the next apply converges, each user once" ||
	fail "everything hangs: the next apply converges, each user once" "$why" "$(tail -8 out2.txt)"

# ---- an update's write hangs: abandoned, the next plan reads what the server holds ----
sed -i 's/"one"/"two"/' main.tf
f=$(fault '{"path":"/user/update","kind":"hang","count":1}')
interrupt "$f" -- "$LITEHCL" apply -auto-approve -no-color
if [ $rc -eq 1 ] && [ $el -le 40 ] && told; then
	ok "update hangs: Ctrl-C exits 1 within seconds"
else
	fail "update hangs: Ctrl-C exits 1 within seconds" "rc=$rc after $el tenths of a second" "$(tail -12 out.txt)"
fi
clear_faults
"$LITEHCL" apply -auto-approve -no-color >out2.txt 2>&1
why=$(converged "$PWD" allhang.test 3)
[ -z "$why" ] && [ "$(server_users allhang.test | grep -c ' two$')" -eq 3 ] &&
	ok "update hangs: the next apply completes the updates" ||
	fail "update hangs: the next apply completes the updates" "$why" "$(tail -8 out2.txt)"

# ---- a team's read-back (GET /team/info) hangs ----
new_dir teamhang
cat >main.tf <<'EOF'
resource "litellm_team" "t" {
  team_alias = "teamhang"
}
resource "litellm_user" "u" {
  user_email = "member@teamhang.test"
}
resource "litellm_team_member" "m" {
  team_id = litellm_team.t.team_id
  user_id = litellm_user.u.user_id
  role    = "user"
}
EOF
f=$(fault '{"path":"/team/info","kind":"hang","count":0}')
interrupt "$f" -- "$LITEHCL" apply -auto-approve -no-color
nt=$(jq '[.resources[] | select(.type == "litellm_team")] | length' terraform.tfstate 2>/dev/null)
if [ $rc -eq 1 ] && [ $el -le 40 ] && told && [ "$nt" = 1 ]; then
	ok "team read-back hangs: Ctrl-C exits 1 within seconds, the team kept"
else
	fail "team read-back hangs: Ctrl-C exits 1 within seconds, the team kept" "rc=$rc after $el tenths of a second, teams in state: $nt" "$(tail -12 out.txt)"
fi
clear_faults
"$LITEHCL" apply -auto-approve -no-color >out2.txt 2>&1
arc=$?
"$LITEHCL" plan -no-color -detailed-exitcode >plan.txt 2>&1
prc=$?
teams=$(dump | jq '[.teams[] | select(.team_alias == "teamhang")] | length')
[ $arc -eq 0 ] && [ $prc -eq 0 ] && [ "$teams" -eq 1 ] &&
	ok "team read-back hangs: the next apply completes (one team), plan clean" ||
	fail "team read-back hangs: the next apply completes (one team), plan clean" "apply rc=$arc plan rc=$prc teams=$teams" "$(tail -8 out2.txt)"

# ---- a second Ctrl-C exits at once ----
new_dir twice
users 3 twice.test
f=$(fault '{"path":"/user/list","kind":"hang","count":0}')
interrupt "$f" twice -- "$LITEHCL" apply -auto-approve -no-color
rm -f .terraform.tfstate.lock.info
if [ $rc -eq 1 ] && [ $el -le 10 ] && says 'Two interrupts received. Exiting immediately.'; then
	ok "second Ctrl-C: exits at once"
else
	fail "second Ctrl-C: exits at once" "rc=$rc after $el tenths of a second" "$(tail -8 out.txt)"
fi
# Terraform's words on stderr (wrapped at 78 columns); what was printed before is kept
printf '\nTwo interrupts received. Exiting immediately. Note that data loss may have\noccurred.\n\n' >want.txt
check_or "second Ctrl-C: Terraform's words on stderr, stdout kept" \
	"cmp -s want.txt se.txt && grep -q 'Creating\\.\\.\\.' so.txt && grep -q '^Interrupt received\\.\$' so.txt" \
	"stdout: $(cat so.txt) stderr: $(cat se.txt)"
clear_faults
"$LITEHCL" apply -auto-approve -no-color >out2.txt 2>&1
why=$(converged "$PWD" twice.test 3)
[ $? -eq 0 ] && [ -z "$why" ] && ok "second Ctrl-C: the next apply recovers, each user once" ||
	fail "second Ctrl-C: the next apply recovers, each user once" "$why" "$(tail -8 out2.txt)"

# ---- -json: the messages are "log" messages on stdout, as Terraform's ----
new_dir jsonlog
users 2 jsonlog.test
"$LITEHCL" apply -auto-approve -no-color >out0.txt 2>&1 || fail "jsonlog: setup apply" "$(tail out0.txt)"
f=$(fault '{"path":"/user/list","kind":"hang","count":0}')
f2=$(fault '{"path":"/user/info","kind":"hang","count":0}')
interrupt "$f" -- "$LITEHCL" plan -json
check_or "-json plan interrupted: Terraform's two log messages on stdout, nothing on stderr" \
	"[ $rc -eq 1 ] && [ ! -s se.txt ] &&
	jq -se 'map(select(.type == \"log\") | .[\"@message\"]) == [\"\\nInterrupt received.\\nPlease wait for litehcl to exit or data loss may occur.\\nGracefully shutting down...\\n\", \"Stopping operation...\"]' so.txt" \
	"rc=$rc stdout: $(cat so.txt) stderr: $(cat se.txt)"
clear_faults
