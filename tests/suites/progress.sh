#!/bin/sh
# progress.sh - what a user sees while apply waits: Terraform's "Still creating...
# [10s elapsed]" lines (text) and apply_progress messages (-json), in the layout
# recorded from Terraform 1.11 (tests/ux/tf/slow-*), every interval (10 s; shortened
# here with LITEHCL_PROGRESS_INTERVAL=1 against an emulator that answers slowly); and a
# refused connection announced on stderr as it is retried, given up sooner on this
# machine's loopback address.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset LITELLM_API_BASE LITELLM_API_KEY
export NO_COLOR=1
TF=$TOP/tests/ux/tf
KEY=sk-progress

# Terraform's lines, with the address and the seconds made generic
shape() { sed -E -e 's/^[a-z_]+\.[a-z_]+(\["[^"]*"\])?: /ADDR: /' -e 's/\[id=[^],]*/[id=ID/' \
	-e 's/[0-9]+s elapsed/Ns elapsed/' -e 's/after [0-9]+s/after Ns/'; }
grep -E ': (Creating|Still creating|Creation complete)' "$TF/slow-apply.txt" | shape >tf-create.txt
grep -E ': (Destroying|Still destroying|Destruction complete)' "$TF/slow-destroy.txt" | shape >tf-destroy.txt

mkdir p && cd p || exit 1
printf 'resource "litellm_user" "a" {\n  user_email = "a@progress.example"\n}\n' >main.tf
emu_start --master-key "$KEY" --fault 'method=POST,path=/user/new,kind=latency,ms=2600,count=10' \
	--fault 'method=POST,path=/user/delete,kind=latency,ms=2600,count=10'
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY" LITEHCL_PROGRESS_INTERVAL=1
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && ok "slow create applies" || fail "slow create applies" "$(cat out.txt err.txt)"
grep -E ': (Creating|Still creating|Creation complete)' out.txt >ours.txt
if grep -qx 'litellm_user.a: Still creating... \[1s elapsed\]' ours.txt &&
    grep -qx 'litellm_user.a: Still creating... \[2s elapsed\]' ours.txt; then
	ok "Still creating... every interval"
else
	fail "Still creating... every interval" "$(cat ours.txt)"
fi
# the same lines as Terraform's, one Still line per interval (here 2 or 3 of them)
shape <ours.txt | uniq >ours-shape.txt
same "create progress in Terraform's layout" "$WORK/tf-create.txt" ours-shape.txt
"$LITEHCL" destroy -auto-approve >out.txt 2>err.txt
grep -E ': (Destroying|Still destroying|Destruction complete)' out.txt >ours.txt
grep -Eqx 'litellm_user.a: Still destroying... \[id=[0-9a-f-]+, 1s elapsed\]' ours.txt &&
	ok "Still destroying... [id=..., Ns elapsed]" || fail "Still destroying... [id=..., Ns elapsed]" "$(cat ours.txt)"
shape <ours.txt | uniq >ours-shape.txt
same "destroy progress in Terraform's layout" "$WORK/tf-destroy.txt" ours-shape.txt

# -json: apply_progress with Terraform's fields
"$LITEHCL" apply -auto-approve -json >out.json 2>err.txt || fail "-json apply" "$(cat out.json err.txt)"
want=$(grep '"type":"apply_progress"' "$TF/slow-apply.jsonl" | head -1 |
	jq -c '{level: ."@level", type, hook: (.hook | keys), action: .hook.action, res: (.hook.resource | keys),
	    msg: (."@message" | sub("^[^:]+: "; "") | sub("[0-9]+s"; "Ns"))}')
got=$(grep '"type":"apply_progress"' out.json | head -1 |
	jq -c '{level: ."@level", type, hook: (.hook | keys), action: .hook.action, res: (.hook.resource | keys),
	    msg: (."@message" | sub("^[^:]+: "; "") | sub("[0-9]+s"; "Ns"))}')
[ -n "$got" ] && [ "$got" = "$want" ] && ok "-json: apply_progress as Terraform's" ||
	fail "-json: apply_progress as Terraform's" "got:  $got" "want: $want" "$(cut -c1-200 out.json)"
grep '"type":"apply_progress"' out.json | jq -s -e 'any(.[]; .hook.elapsed_seconds == 1)' >/dev/null &&
	ok "-json: apply_progress elapsed_seconds" || fail "-json: apply_progress elapsed_seconds" "$(grep apply_progress out.json)"
# no Still line once the resource is done
n=$(grep -c 'Still creating' out.json)
"$LITEHCL" plan -detailed-exitcode >/dev/null 2>&1
sleep 1.2
[ "$n" -le 3 ] && ok "no progress line after completion" || fail "no progress line after completion" "$n lines"
emu_stop

# "Creating..." when a create's turn comes (-parallelism), not when it is queued: with
# one at a time, the first is still creating before the second starts, and a queued
# one gets no Still line before its Creating line (at scale that was one line per
# queued user every interval).  A create whose write is answered stays "creating"
# until its batched confirmation.
mkdir "$WORK/turn" && cd "$WORK/turn" || exit 1
printf 'resource "litellm_user" "q" {\n  for_each   = toset(["a", "b", "c"])\n  user_email = "${each.key}@turn.example"\n}\n' >main.tf
emu_start --master-key "$KEY" --fault 'method=POST,path=/user/new,kind=latency,ms=1400,count=10'
export LITELLM_API_BASE="$EMU_URL"
"$LITEHCL" apply -auto-approve -parallelism=1 >out.txt 2>err.txt; rc=$?
grep -E ': (Creating|Still creating)' out.txt >lines.txt
first=$(sed -n 1p lines.txt) second=$(sed -n 2p lines.txt)
[ $rc -eq 0 ] && [ "$first" = 'litellm_user.q["a"]: Creating...' ] &&
	[ "$second" = 'litellm_user.q["a"]: Still creating... [1s elapsed]' ] &&
	[ "$(grep -c ': Creating' lines.txt)" -eq 3 ] &&
	awk '/: Creating/ { s[$1] = 1 } /Still creating/ && !s[$1] { bad = 1 } END { exit bad }' lines.txt &&
	ok "Creating... when the create's turn comes, not when it is queued" ||
	fail "Creating... when the create's turn comes, not when it is queued" "rc=$rc" "$(cat lines.txt err.txt)"
emu_stop

# Users whose writes are done are confirmed (one batched read) and reported complete
# as soon as no other user create can join their batch - not when a slow team created
# in the same wave is done too (they used to show "Still creating..." meanwhile).
mkdir "$WORK/mixed" && cd "$WORK/mixed" || exit 1
printf 'resource "litellm_user" "u" {\n  count      = 20\n  user_email = "u${count.index}@mixed.example"\n}\nresource "litellm_team" "slow" {\n  team_alias = "slow"\n}\n' >main.tf
emu_start --master-key "$KEY" --fault 'method=POST,path=/team/new,kind=latency,ms=2600,count=10'
export LITELLM_API_BASE="$EMU_URL"
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '^litellm_user.u\[[0-9]*\]: Creation complete' out.txt)" -eq 20 ] &&
	! grep -q '^litellm_user.*Still creating' out.txt && grep -q '^litellm_team.slow: Still creating' out.txt &&
	awk '/^litellm_user.*Creation complete/ { u = NR } /^litellm_team.slow: Creation complete/ { t = NR } END { exit !(u && t && u < t) }' out.txt &&
	[ "$(grep -c '"path":"/user/list"' "$EMU_LOG")" -eq 1 ] &&
	ok "finished user creates complete before a slow team of the same wave, one batched read" ||
	fail "finished user creates complete before a slow team of the same wave, one batched read" "rc=$rc" \
		"$(grep -E 'Still|complete' out.txt | head -30)" "$(grep -c '"path":"/user/list"' "$EMU_LOG") /user/list"
emu_stop

# The same for memberships: a team's finished membership writes are confirmed (one
# /team/info) once none of the team's is running, not when a big team's serialized
# writes are all done too.
mkdir "$WORK/teams" && cd "$WORK/teams" || exit 1
cat >main.tf <<'EOF'
resource "litellm_team" "big" { team_alias = "big" }
resource "litellm_team" "small" { team_alias = "small" }
resource "litellm_user" "u" {
  count      = 30
  user_email = "u${count.index}@teams.example"
}
resource "litellm_team_member" "big" {
  count   = 30
  team_id = litellm_team.big.team_id
  user_id = litellm_user.u[count.index].user_id
  role    = "user"
}
resource "litellm_team_member" "small" {
  count   = 2
  team_id = litellm_team.small.team_id
  user_id = litellm_user.u[count.index].user_id
  role    = "user"
}
EOF
emu_start --master-key "$KEY" --latency-ms 40
export LITELLM_API_BASE="$EMU_URL"
"$LITEHCL" apply -auto-approve >out.txt 2>err.txt; rc=$?
SMALL=$(jq -r '.resources[] | select(.type == "litellm_team" and .name == "small") | .instances[0].attributes.team_id' terraform.tfstate)
BIG=$(jq -r '.resources[] | select(.type == "litellm_team" and .name == "big") | .instances[0].attributes.team_id' terraform.tfstate)
# the log: the small team's confirmation read comes before the big team's last write
jq -r '"\(.path) \(.query.team_id // .body.team_id // "")"' "$EMU_LOG" >order.txt
[ $rc -eq 0 ] && grep -q '64 added' out.txt &&
	awk -v s="/team/info $SMALL" -v b="/team/member_add $BIG" '$0 == s { si = NR } $0 == b { bi = NR }
		END { exit !(si && bi && si < bi) }' order.txt &&
	awk '/^litellm_team_member.small.*Creation complete/ { s = NR } /^litellm_team_member.big.*Creation complete/ && !b { b = NR }
		END { exit !(s && b && s < b) }' out.txt &&
	[ "$(grep -c '"path":"/team/info"' "$EMU_LOG")" -eq 4 ] &&
	ok "a small team's memberships complete before a big team's, one confirmation read per team" ||
	fail "a small team's memberships complete before a big team's, one confirmation read per team" "rc=$rc" \
		"$(grep -E 'complete' out.txt | head -40)" "$(grep -c '"path":"/team/info"' "$EMU_LOG") /team/info"
emu_stop
cd "$WORK/p" || exit 1
unset LITEHCL_PROGRESS_INTERVAL

# ---- a refused connection: announced, and given up after 3 tries on loopback
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LITELLM_API_BASE="http://127.0.0.1:$port"
# a fresh configuration needs no request: use a state with a user to refresh
cat >terraform.tfstate <<'EOF'
{"version":4,"terraform_version":"1.11.0","serial":1,"lineage":"5b1e9c2a-0000-4000-8000-00000000000a","outputs":{},
 "resources":[{"mode":"managed","type":"litellm_user","name":"a","provider":"provider[\"registry.terraform.io/ncecere/litellm\"]",
  "instances":[{"schema_version":0,"attributes":{"id":"u1","user_id":"u1","user_email":"a@progress.example"},"sensitive_attributes":[]}]}]}
EOF
t0=$(date +%s.%N)
"$LITEHCL" plan -no-color >out.txt 2>err.txt; rc=$?
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
[ $rc -eq 1 ] && ok "refused: plan fails" || fail "refused: plan fails" "exit $rc"
if grep -Eq "^Retrying: GET /user/info[^ ]*: cannot connect to 127.0.0.1:$port: connection refused \(attempt 1 of 3 failed; next try in [0-9]+\.[0-9] s\)$" err.txt &&
    grep -Eq "\(attempt 2 of 3 failed; next try in [0-9]+\.[0-9] s\)$" err.txt; then
	ok "refused: each retry said on stderr (what, attempt N of M, next try)"
else
	fail "refused: each retry said on stderr (what, attempt N of M, next try)" "$(cat err.txt)"
fi
grep -q 'Retrying' out.txt && fail "refused: retry notices stay off stdout" || ok "refused: retry notices stay off stdout"
tr '\n' ' ' <err.txt | grep -q 'connection refused (after 3 attempts' && ok "refused: error says after 3 attempts" ||
	fail "refused: error says after 3 attempts" "$(cat err.txt)"
awk -v t="$t" 'BEGIN { exit !(t < 5) }' && ok "refused on loopback: gives up in ${t}s (< 5 s)" ||
	fail "refused on loopback: gives up quickly" "${t}s"
"$LITEHCL" plan -json >out.json 2>err.txt
jq -e . out.json >/dev/null 2>&1 && ok "refused: -json stdout stays JSON" || fail "refused: -json stdout stays JSON" "$(head -3 out.json)"
