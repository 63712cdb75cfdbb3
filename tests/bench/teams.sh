#!/bin/sh
# teams.sh - benchmark: 100 litellm_team x 20 litellm_team_member (2,000 memberships of
# 200 litellm_user) against the emulator, compared with raw `curl --parallel` sending
# the same requests in the same run.
#
#   1. `litehcl apply` from an empty state (teams and users, then memberships: each
#      membership checks its user, re-reads its team's roster under the team's lock,
#      adds, reads back), with the emulator's request log on;
#   2. a no-op `litehcl plan` (refresh: users in batches of 100, one /team/info per
#      team shared by its 20 memberships);
#   3. the logged requests of each replayed by curl --parallel --parallel-max PAR
#      against a fresh emulator (the apply's in two waves split at the first
#      /team/member_add, as its dependency order requires), the raw limit; the
#      emulator's log of the replays is compared with litehcl's (method, path, query,
#      body of every request) and the result printed.
# Goal: litehcl within 1.5x of curl.  Prints apply_seconds, curl_apply_seconds,
# noop_plan_seconds, curl_plan_seconds and the ratios.  PAR (default 10, litehcl's
# default -parallelism), TEAMS, MEMBERS, USERS change the sizes.  The no-op plan and its
# replay are repeated REPS times (default 5), alternating, and reported as the
# minimum and the median: on a shared machine one run says little; so is the apply
# (APPLY_REPS times, default 3, each against a fresh emulator).
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
EMU=${EMU:-$top/build/litellm-emu}
# the run happens in a scratch directory: relative paths are taken from where we started
case $LITEHCL in /*) ;; *) LITEHCL=$(pwd)/$LITEHCL ;; esac
case $EMU in /*) ;; *) EMU=$(pwd)/$EMU ;; esac
TEAMS=${TEAMS:-100}
MEMBERS=${MEMBERS:-20}
USERS=${USERS:-200}
PAR=${PAR:-10}
REPS=${REPS:-5}
WORK=${KEEP:-$(mktemp -d)}
trap 'emu_stop; [ -n "$KEEP" ] || rm -rf "$WORK"' EXIT
. "$top/tests/lib.sh"
emu_start --threads 8 --master-key bench-key
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY=bench-key
cd "$WORK" || exit 1
rm -f terraform.tfstate terraform.tfstate.* .terraform.tfstate.lock.info	# KEEP: a fresh start
cat > main.tf <<EOT
locals {
  pairs = merge([for t in range($TEAMS) : {
    for k in range($MEMBERS) : format("t%03d/u%03d", t, (t * 7 + k) % $USERS) => {
      team = format("t%03d", t), user = format("u%03d", (t * 7 + k) % $USERS)
    }
  }]...)
}
resource "litellm_team" "t" {
  for_each   = toset([for i in range($TEAMS) : format("t%03d", i)])
  team_alias = each.key
  max_budget = 100
}
resource "litellm_user" "u" {
  for_each   = toset([for i in range($USERS) : format("u%03d", i)])
  user_email = "\${each.key}@bench.example.com"
}
resource "litellm_team_member" "m" {
  for_each = local.pairs
  team_id  = litellm_team.t[each.value.team].team_id
  user_id  = litellm_user.u[each.value.user].user_id
  role     = "user"
}
EOT
now() { date +%s.%N; }
# timed FILE CMD...: runs CMD, writing "user sys" CPU seconds to FILE (GNU time when
# present, else "? ?"): on a shared machine wall time alone says little
timed() {
	_f=$1; shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$_f" "$@"
	else
		echo '? ?' >"$_f"; "$@"
	fi
}
cpu() { awk '{ if ($1 == "?") print "?"; else printf "%.3f", $1 + $2 }' "$1"; }
t0=$(now)
timed apply.cpu "$LITEHCL" apply -auto-approve -parallelism=$PAR >apply.txt 2>&1 || { tail apply.txt; exit 1; }
t1=$(now)
cp "$EMU_LOG" apply.log
: >"$EMU_LOG"
timed plan.cpu "$LITEHCL" plan -detailed-exitcode -parallelism=$PAR >plan.txt 2>&1
rc=$?
t2=$(now)
[ $rc -eq 0 ] || { echo "no-op plan was not empty (exit $rc)"; tail plan.txt; exit 1; }
cp "$EMU_LOG" plan.log
members=$(jq '[.resources[] | select(.type == "litellm_team_member") | .instances[]] | length' terraform.tfstate)

# curl config files: one request per logged line, in log order
to_curl() {	# to_curl LOG BASE > CONFIG
	jq -r --arg base "$2" '
		"url = \"" + $base + .path +
		  (if (.query | length) > 0 then "?" + ([.query | to_entries[] | "\(.key)=\(.value | @uri)"] | join("&")) else "" end) + "\"",
		"request = \"" + .method + "\"",
		"header = \"Authorization: Bearer bench-key\"",
		(if .method == "POST" then "header = \"Content-Type: application/json\"\ndata = " + ((.body | tojson) | tojson) else empty end),
		"output = \"/dev/null\"",
		"next"' "$1" | sed '$d'
}
first_member=$(grep -n '"/team/member_add"' apply.log | head -1 | cut -d: -f1)
head -n $((first_member - 1)) apply.log >wave1.log
tail -n +"$first_member" apply.log >wave2.log
emu_stop
emu_start --threads 8 --master-key bench-key
export LITELLM_API_BASE="$EMU_URL"
to_curl wave1.log "$EMU_URL" >wave1.cfg
to_curl wave2.log "$EMU_URL" >wave2.cfg
to_curl plan.log "$EMU_URL" >plan.cfg
c0=$(now)
timed capply1.cpu curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K wave1.cfg 2>curl.err || { cat curl.err; exit 1; }
timed capply2.cpu curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K wave2.cfg 2>curl.err || { cat curl.err; exit 1; }
c1=$(now)
timed cplan.cpu curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K plan.cfg 2>curl.err || { cat curl.err; exit 1; }
c2=$(now)
# an honest comparison: the replays sent what litehcl sent (method, path, query and
# body of every request, as the emulator logged them; the order may differ)
sleep 0.2
same_requests() {	# same_requests LOG_A LOG_B: yes or no
	jq -c '[.method, .path, .query, .body]' "$1" | sort >sr.a
	jq -c '[.method, .path, .query, .body]' "$2" | sort >sr.b
	if cmp -s sr.a sr.b; then echo yes; else echo "no ($(diff sr.a sr.b | grep -c '^[<>]') lines differ)"; fi
}
napply=$(wc -l <apply.log)
head -n "$napply" "$EMU_LOG" >capply.log
tail -n +"$((napply + 1))" "$EMU_LOG" >cplan.log
same_apply=$(same_requests apply.log capply.log)
same_plan=$(same_requests plan.log cplan.log)
# the no-op plan again against this emulator (the replay made the same objects under the
# same ids; litehcl's state names them), alternating with its replay.  The replay's
# objects carry this emulator's timestamps, not the ones litehcl's apply recorded: a
# refresh-only apply takes them first, so that these plans find every object unchanged
# as the first one did (else each would rebuild every team and user record).
"$LITEHCL" apply -refresh-only -auto-approve -parallelism=$PAR >refresh.txt 2>&1 ||
	{ echo "refresh-only apply failed"; tail refresh.txt; exit 1; }
: >reps.txt
r=0
while [ $r -lt "$REPS" ]; do
	a0=$(now)
	timed rep.cpu "$LITEHCL" plan -detailed-exitcode -parallelism=$PAR >rep.txt 2>&1 ||
		{ echo "repeated no-op plan was not empty"; tail rep.txt; exit 1; }
	a1=$(now)
	lcpu=$(cpu rep.cpu)
	timed rep.cpu curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K plan.cfg 2>curl.err || { cat curl.err; exit 1; }
	a2=$(now)
	echo "$(awk "BEGIN{printf \"%.3f\", $a1 - $a0}") $lcpu $(awk "BEGIN{printf \"%.3f\", $a2 - $a1}") $(cpu rep.cpu)" >>reps.txt
	r=$((r + 1))
done
# the apply again, alternating with its replay, each against a fresh emulator (APPLY_REPS,
# default 3): one apply of a quarter of a second says little on a shared machine
APPLY_REPS=${APPLY_REPS:-3}
: >areps.txt
r=0
while [ $r -lt "$APPLY_REPS" ]; do
	emu_stop
	emu_start --threads 8 --master-key bench-key
	export LITELLM_API_BASE="$EMU_URL"
	rm -f terraform.tfstate terraform.tfstate.backup
	a0=$(now)
	timed arep.cpu "$LITEHCL" apply -auto-approve -parallelism=$PAR >arep.txt 2>&1 ||
		{ echo "repeated apply failed"; tail arep.txt; exit 1; }
	a1=$(now)
	lcpu=$(cpu arep.cpu)
	emu_stop
	emu_start --threads 8 --master-key bench-key
	to_curl wave1.log "$EMU_URL" >wave1.cfg
	to_curl wave2.log "$EMU_URL" >wave2.cfg
	b0=$(now)
	curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K wave1.cfg 2>curl.err || { cat curl.err; exit 1; }
	curl -s --parallel --parallel-immediate --parallel-max "$PAR" -K wave2.cfg 2>curl.err || { cat curl.err; exit 1; }
	b1=$(now)
	echo "$(awk "BEGIN{printf \"%.3f\", $a1 - $a0}") $lcpu $(awk "BEGIN{printf \"%.3f\", $b1 - $b0}")" >>areps.txt
	r=$((r + 1))
done
stat_col() {	# stat_col N [FILE]: "min median" of column N of FILE (reps.txt)
	cut -d' ' -f"$1" "${2:-reps.txt}" | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s", v[1], v[int((NR + 1) / 2)] }'
}
apply_s=$(awk "BEGIN{printf \"%.3f\", $t1 - $t0}")
plan_s=$(awk "BEGIN{printf \"%.3f\", $t2 - $t1}")
capply_s=$(awk "BEGIN{printf \"%.3f\", $c1 - $c0}")
cplan_s=$(awk "BEGIN{printf \"%.3f\", $c2 - $c1}")
echo "teams=$TEAMS memberships=$members users=$USERS parallelism=$PAR"
echo "apply_requests=$(wc -l <apply.log) noop_plan_requests=$(wc -l <plan.log)"
echo "curl replays sent the same requests (emulator logs): apply=$same_apply noop_plan=$same_plan"
echo "apply_seconds=$apply_s curl_apply_seconds=$capply_s ratio=$(awk "BEGIN{printf \"%.2f\", $apply_s / $capply_s}") (goal <= 1.5)"
echo "noop_plan_seconds=$plan_s curl_plan_seconds=$cplan_s ratio=$(awk "BEGIN{printf \"%.2f\", $plan_s / $cplan_s}") (goal <= 1.5)"
echo "cpu_seconds (user+sys): apply=$(cpu apply.cpu) curl_apply=$(cat capply1.cpu capply2.cpu | awk '{ if ($1 == "?") q = 1; t += $1 + $2 } END { if (q) print "?"; else printf "%.3f", t }') noop_plan=$(cpu plan.cpu) curl_plan=$(cpu cplan.cpu)"
if [ "$REPS" -gt 0 ]; then
	set -- $(stat_col 1) $(stat_col 2) $(stat_col 3) $(stat_col 4)
	echo "noop_plan x$REPS: wall min=$1 median=$2 cpu min=$3 median=$4; curl: wall min=$5 median=$6 cpu min=$7 median=$8; ratio of min walls=$(awk "BEGIN{printf \"%.2f\", $1 / $5}")"
fi
if [ "$APPLY_REPS" -gt 0 ]; then
	set -- $(stat_col 1 areps.txt) $(stat_col 2 areps.txt) $(stat_col 3 areps.txt)
	echo "apply x$APPLY_REPS (fresh emulator each): wall min=$1 median=$2 cpu min=$3 median=$4; curl: wall min=$5 median=$6; ratio of min walls=$(awk "BEGIN{printf \"%.2f\", $1 / $5}") (goal <= 1.5)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
