#!/bin/sh
# teams_crash.sh - kill -9 at random instants of an apply of 50 teams, 60 users and 300
# memberships (litellm_team.md 2.6, 3.6): each round kills apply somewhere inside it,
# runs apply again (killed again in early rounds); the last apply completes.  Then the
# server holds exactly one team per alias and every membership once, the state matches
# the server, and a plan says No changes.  Bounded: ROUNDS kills of at most a few
# seconds each.
. "$TOP/tests/lib.sh"

KEY="sk-crash-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
emu_session
ROUNDS=${ROUNDS:-3}

d="$WORK/crash"; mkdir -p "$d"; cd "$d" || exit 1
cat > main.tf <<'EOF'
locals {
  teams = { for t in range(50) : "t${t}" => [for k in range(6) : "u${(t * 7 + k) % 60}"] }
  pairs = merge([for t, us in local.teams : { for u in us : "${t}/${u}" => { team = t, user = u } }]...)
}
resource "litellm_team" "t" {
  for_each   = local.teams
  team_alias = "crash-${each.key}"
}
resource "litellm_user" "u" {
  for_each   = toset([for i in range(60) : "u${i}"])
  user_email = "${each.key}@crash.example"
}
resource "litellm_team_member" "m" {
  for_each = local.pairs
  team_id  = litellm_team.t[each.value.team].team_id
  user_id  = litellm_user.u[each.value.user].user_id
  role     = "user"
}
EOF

# a random instant inside an apply: a whole apply of these 410 objects takes ~1 s here
rand_sleep() {
	ms=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % ${1:-1200} + 20 ))
	sleep "$(awk "BEGIN { print $ms / 1000 }")"
}
killed_apply() {	# killed_apply LOG: apply, kill -9 at a random instant
	"$LITEHCL" apply -auto-approve >"$1" 2>&1 &
	pid=$!
	rand_sleep
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
}

check_round() {		# check_round N: the server and the state after round N
	r=$1
	dump >dump.json
	n_alias=$(jq '[.teams[] | select(.team_alias != null and (.team_alias | startswith("crash-")))] | length' dump.json)
	n_distinct=$(jq '[.teams[] | select(.team_alias != null and (.team_alias | startswith("crash-"))) | .team_alias] | unique | length' dump.json)
	if [ "$n_alias" -eq 50 ] && [ "$n_distinct" -eq 50 ]; then ok "round $r: 50 teams, no duplicate"; else fail "round $r: 50 teams, no duplicate" "teams=$n_alias distinct=$n_distinct"; fi
	n_users=$(jq '[.users[] | select(.user_email != null and (.user_email | endswith("@crash.example")))] | length' dump.json)
	if [ "$n_users" -eq 60 ]; then ok "round $r: 60 users, no duplicate"; else fail "round $r: 60 users, no duplicate" "users=$n_users"; fi
	n_members=$(jq '[.teams[] | select(.team_alias != null and (.team_alias | startswith("crash-"))) | .members_with_roles[] | select(.user_id != "default_user_id")] | length' dump.json)
	n_unique=$(jq '[.teams[] | select(.team_alias != null and (.team_alias | startswith("crash-"))) | .team_id as $t | .members_with_roles[] | select(.user_id != "default_user_id") | "\($t):\(.user_id)"] | unique | length' dump.json)
	if [ "$n_members" -eq 300 ] && [ "$n_unique" -eq 300 ]; then ok "round $r: 300 memberships, each once"; else fail "round $r: 300 memberships, each once" "members=$n_members unique=$n_unique"; fi
	srv=$(jq -r '[.teams[] | select(.team_alias != null and (.team_alias | startswith("crash-"))) | .team_id as $t | .members_with_roles[] | select(.user_id != "default_user_id") | "\($t):\(.user_id)"] | sort | .[]' dump.json | md5sum)
	st=$(jq -r '[.resources[] | select(.type == "litellm_team_member") | .instances[].attributes.id] | sort | .[]' terraform.tfstate | md5sum)
	if [ "$srv" = "$st" ]; then ok "round $r: state memberships = server memberships"; else fail "round $r: state memberships = server memberships"; fi
	"$LITEHCL" plan -detailed-exitcode >plan.txt 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "round $r: plan after the crashes: No changes"; else fail "round $r: plan after the crashes: No changes" "rc=$rc" "$(grep -E 'will be|Plan:|Error' plan.txt | head -10)"; fi
	if [ -e terraform.tfstate.journal ]; then fail "round $r: journal removed after the final apply"; else ok "round $r: journal removed after the final apply"; fi
}

i=0
while [ $i -lt "$ROUNDS" ]; do
	i=$((i + 1))
	curl -s -X POST -H "Authorization: Bearer $KEY" -d '{}' "$EMU_URL/__emu/reset" >/dev/null
	rm -f terraform.tfstate terraform.tfstate.backup terraform.tfstate.journal
	killed_apply "kill$i-a.txt"
	killed_apply "kill$i-b.txt"
	"$LITEHCL" apply -auto-approve >"final$i.txt" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "round $i: apply completes after two kill -9s"; else fail "round $i: apply completes after two kill -9s" "$(tail -20 "final$i.txt")"; fi
	check_round $i
done
