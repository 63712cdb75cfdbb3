#!/bin/sh
# prefetch.sh - plan reads the state and sends the refresh's reads before it validates
# the configuration, so that the answers travel meanwhile (cmd_plan.c early_refresh,
# refresh.c lh_refresh_early, http.c lh_http_prefetch).  What a user and the server see
# must be what they saw when the state was read after the validation
# (LITEHCL_NO_PREFETCH=1): the same requests (none when -refresh=false; when the
# configuration turns out invalid, at most the refresh's reads already under way),
# output, diagnostics and exit codes, the lock taken and released as before; an
# invalid configuration exits at once even when the server never answers; Ctrl-C
# behaves as it did.
. "$TOP/tests/lib.sh"

KEY="sk-prefetch"
emu_start --master-key "$KEY"
HOLE="" HOLD=""
cleanup() {
	[ -n "$HOLE" ] && kill "$HOLE" 2>/dev/null
	[ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null
	emu_stop
}
trap cleanup EXIT
export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY" LITEHCL_HTTP_BACKOFF=0.01
unset LITEHCL_NO_PREFETCH
reqs() { sleep 0.1; jq -c '[.method, .path, .query]' "$EMU_LOG" | sort; }
now() { date +%s.%N; }

D="$WORK/prefetch"
mkdir -p "$D"
cd "$D" || exit 1
cat >main.tf <<'EOF'
resource "litellm_user" "u" {
  for_each   = toset(["a", "b", "c"])
  user_email = "${each.key}@prefetch.example"
}
resource "litellm_team" "t" {
  for_each   = toset(["x", "y"])
  team_alias = "prefetch-${each.key}"
}
resource "litellm_team_member" "m" {
  for_each = { "x-a" = ["x", "a"], "x-b" = ["x", "b"], "y-c" = ["y", "c"] }
  team_id  = litellm_team.t[each.value[0]].team_id
  user_id  = litellm_user.u[each.value[1]].user_id
  role     = "user"
}
EOF
cp main.tf good.hcl.txt
if "$LITEHCL" apply -auto-approve -no-color >apply.out 2>&1; then
	ok "setup: apply of 3 users, 2 teams, 3 memberships"
else
	fail "setup: apply of 3 users, 2 teams, 3 memberships" "$(tail -20 apply.out)"
	exit 0
fi

# both NAME ARGS...: `litehcl ARGS` without the prefetch (a.*) and with it (b.*): the
# same exit code, stdout, stderr and requests (method, path, query); sets RA, RB, NB
# (requests of b).  With SOME=1 b's requests need only be some of the refresh's
# (full.req): reads already under way when the configuration turns out invalid.
both() {
	_n=$1
	shift
	: >"$EMU_LOG"
	LITEHCL_NO_PREFETCH=1 "$LITEHCL" "$@" >a.out 2>a.err
	RA=$?
	reqs >a.req
	: >"$EMU_LOG"
	"$LITEHCL" "$@" >b.out 2>b.err
	RB=$?
	reqs >b.req
	NB=$(wc -l <b.req)
	if [ -n "$SOME" ]; then
		sort -u full.req >full.set
		sort -u b.req | comm -23 - full.set >b.extra
		[ -s b.extra ] || cp a.req b.req	# only reads the refresh makes
	fi
	if [ $RA -eq $RB ] && cmp -s a.out b.out && cmp -s a.err b.err && cmp -s a.req b.req; then
		ok "$_n (exit $RB, $NB requests)"
	else
		fail "$_n" "exit $RA / $RB" "$(diff a.out b.out | head -10)" \
			"$(diff a.err b.err | head -10)" "$(diff a.req b.req | head -6)"
	fi
}
# count NAME EXPECTED: b's request count
count() {
	if [ "$NB" -eq "$2" ]; then ok "$1"; else fail "$1" "$NB requests, expected $2" "$(head -5 b.req)"; fi
}

both "no-op plan" plan -no-color -detailed-exitcode
cp b.req full.req
# the same requests as the refresh makes: 1 /user/list of the 3 users, 1 /team/info
# per team (shared by its memberships)
count "no-op plan: 3 reads, as the refresh makes them" 3
[ $RB -eq 0 ] && ok "no-op plan: exit 0" || fail "no-op plan: exit 0" "exit $RB"
both "-detailed-exitcode -refresh-only" plan -no-color -refresh-only -detailed-exitcode
both "-destroy" plan -no-color -destroy
both "-refresh=false" plan -no-color -refresh=false
count "-refresh=false: no request" 0
both "-target" plan -no-color '-target=litellm_user.u["a"]'
both "-parallelism=1" plan -no-color -parallelism=1
# -json: the same messages (their timestamps aside; the answers' order is the network's)
: >"$EMU_LOG"
LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -json | jq -c 'del(."@timestamp")' | sort >a.json
"$LITEHCL" plan -json | jq -c 'del(."@timestamp")' | sort >b.json
same "-json: the same messages" a.json b.json

# drift: what the refresh found is planned alike
uid=$(jq -r '.resources[] | select(.type == "litellm_user") | .instances[0].attributes.user_id' terraform.tfstate)
admin POST user "{\"user_id\":\"$uid\",\"user_email\":\"changed-outside@prefetch.example\"}" >/dev/null
both "drift: a user changed outside" plan -no-color -detailed-exitcode
[ $RB -eq 2 ] && grep -q 'changed-outside' b.out && ok "drift: exit 2, the change shown" ||
	fail "drift: exit 2, the change shown" "exit $RB" "$(head -20 b.out)"
"$LITEHCL" apply -auto-approve -no-color >fix.out 2>&1 || fail "drift: apply restores" "$(tail fix.out)"

# retried_503 NAME EXIT: the first /team/info answered 503, without the prefetch and
# with it: both exit EXIT with the same output and the same retry notice
retried_503() {
	admin POST faults '{"path":"/team/info","kind":"503","nth":1,"count":1}' >/dev/null
	: >"$EMU_LOG"
	LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -no-color -detailed-exitcode >a.out 2>a.err
	RA=$?
	admin POST faults '{"path":"/team/info","kind":"503","nth":1,"count":1}' >/dev/null
	"$LITEHCL" plan -no-color -detailed-exitcode >b.out 2>b.err
	RB=$?
	admin POST faults/clear '{}' >/dev/null
	if [ $RA -eq "$2" ] && [ $RB -eq "$2" ] && cmp -s a.out b.out && cmp -s a.err b.err &&
	    grep -q 'Retrying: GET /team/info: 503' b.err; then
		ok "$1"
	else
		fail "$1" "exit $RA / $RB" "$(diff a.out b.out | head)" "$(diff a.err b.err | head)" \
			"$(head -5 b.err)"
	fi
}
# a read that fails once is retried as before (the first attempt was the prefetch's)
retried_503 "a 503 on the first read: retried, the same notice and plan" 0

# answers the prefetch thread cannot parse (a 2xx cut in half, an HTML page) are
# parsed again by the main thread: the same "not valid JSON" notice and retry as
# without the prefetch (which team's answer is cut - its offsets - depends on which
# of the reads travelling together arrives first, with or without the prefetch)
for f in '/team/info malformed' '/user/list malformed' '/team/info html'; do
	set -- $f
	rule="{\"path\":\"$1\",\"kind\":\"$2\",\"status\":200,\"nth\":1,\"count\":1}"
	admin POST faults "$rule" >/dev/null
	LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -no-color -detailed-exitcode >a.out 2>a.err
	RA=$?
	admin POST faults/clear '{}' >/dev/null
	admin POST faults "$rule" >/dev/null
	"$LITEHCL" plan -no-color -detailed-exitcode >b.out 2>b.err
	RB=$?
	admin POST faults/clear '{}' >/dev/null
	for x in a b; do
		sed 's/error at byte [0-9]* of [0-9]*/error at byte N of M/' $x.err >$x.errn
	done
	if [ $RA -eq 0 ] && [ $RB -eq 0 ] && cmp -s a.out b.out && cmp -s a.errn b.errn &&
	    grep -q "Retrying: GET $1: 200 (.*): the answer is" b.err; then
		ok "a $2 2xx on the first $1: the same notice, retried, the same plan"
	else
		fail "a $2 2xx on the first $1: the same notice, retried, the same plan" \
			"exit $RA / $RB" "$(diff a.errn b.errn | head)" "$(head -5 b.err)"
	fi
done

# ---- a validation slower than the reads (bcrypt): the prefetch thread completes the
# answers (their callbacks) beside it, their events held until the refresh tells them;
# all the same as without the prefetch ----
# (good.hcl.txt with the users' emails behind a bcrypt of cost 10 each)
sed 's/user_email = "\${each.key}@prefetch.example"/user_email = length(bcrypt("x", 10)) > 0 ? "${each.key}@prefetch.example" : "x"/' \
	good.hcl.txt >main.tf
grep -q bcrypt main.tf || fail "slow validation: configuration made" "$(cat main.tf)"
both "slow validation: no-op plan" plan -no-color -detailed-exitcode
count "slow validation: 3 reads" 3
: >"$EMU_LOG"
LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -json | jq -c 'del(."@timestamp")' >a.json
"$LITEHCL" plan -json | jq -c 'del(."@timestamp")' >b.json
# every refresh_start before the refresh_complete events (as without the prefetch)
order() { jq -r '.type' "$1" | awk '$0 == "refresh_complete" { c = 1 } $0 == "refresh_start" && c { bad = 1 } END { print bad ? "mixed" : "ordered" }'; }
sort a.json >a.sorted
sort b.json >b.sorted
if cmp -s a.sorted b.sorted && [ "$(order b.json)" = ordered ]; then
	ok "slow validation: -json, the same messages, starts before completions"
else
	fail "slow validation: -json, the same messages, starts before completions" \
		"$(diff a.sorted b.sorted | head)" "$(order b.json)"
fi
admin POST user "{\"user_id\":\"$uid\",\"user_email\":\"changed-again@prefetch.example\"}" >/dev/null
both "slow validation: a user changed outside" plan -no-color -detailed-exitcode
[ $RB -eq 2 ] && grep -q 'changed-again' b.out && ok "slow validation: drift shown, exit 2" ||
	fail "slow validation: drift shown, exit 2" "exit $RB" "$(head -20 b.out)"
retried_503 "slow validation: a 503 among clean answers: retried by the main thread, the same output" 2
# answers the thread completes that their resource rejects (every /team/info a 200
# without a body): their errors come with the plan's, as without the prefetch (the
# same lines; their order is the answers', the network's)
admin POST faults '{"path":"/team/info","kind":"empty","status":200,"nth":1,"count":2}' >/dev/null
: >"$EMU_LOG"
LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -no-color >a.out 2>a.err
RA=$?
admin POST faults '{"path":"/team/info","kind":"empty","status":200,"nth":1,"count":2}' >/dev/null
"$LITEHCL" plan -no-color >b.out 2>b.err
RB=$?
admin POST faults/clear '{}' >/dev/null
sort a.out >a.sout; sort b.out >b.sout; sort a.err >a.serr; sort b.err >b.serr
if [ $RA -eq 1 ] && [ $RB -eq 1 ] && cmp -s a.sout b.sout && cmp -s a.serr b.serr &&
    [ "$(grep -c 'answered 200, but not as LiteLLM does' b.err)" -ge 2 ]; then
	ok "slow validation: empty 200s completed beside it: their errors, exit 1, as without the prefetch"
else
	fail "slow validation: empty 200s completed beside it: their errors, exit 1, as without the prefetch" \
		"exit $RA / $RB" "$(diff a.sout b.sout | head)" "$(diff a.serr b.serr | head)"
fi
"$LITEHCL" apply -auto-approve -no-color >fix.out 2>&1 || fail "slow validation: apply restores" "$(tail fix.out)"
cat good.hcl.txt >main.tf

# ---- an invalid configuration: its errors alone, no request but the refresh's reads
# already under way, no lock left ----
cat good.hcl.txt >main.tf
cat >>main.tf <<'EOF'
resource "litellm_user" "bad" {
  user_email = local.missing
}
EOF
SOME=1
both "invalid configuration (no request but the refresh's reads)" plan -no-color
SOME=
[ $RB -eq 1 ] && grep -q 'local.missing' b.err && [ ! -e .terraform.tfstate.lock.info ] &&
	ok "invalid configuration: exit 1, its error, no lock left" ||
	fail "invalid configuration: exit 1, its error, no lock left" "exit $RB" "$(cat b.err)"

# a server that accepts connections and never answers: the configuration's error at
# once (the reads in flight are dropped, nothing of them printed)
cat >hole.py <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(0.2)
held = []
end = time.time() + 120
while time.time() < end:
    try:
        c, _ = s.accept()
        held.append(c)
    except socket.timeout:
        pass
EOF
python3 hole.py hole.port &
HOLE=$!
i=0
while [ ! -s hole.port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
HOLE_URL="http://127.0.0.1:$(cat hole.port)"
# the validation takes a moment (bcrypt), so the reads are in flight when it fails
cat good.hcl.txt >main.tf
cat >>main.tf <<'EOF'
resource "litellm_user" "bad" {
  user_email = "bad@prefetch.example"
  user_alias = length(bcrypt("x", 11)) > 0 ? local.missing : "x"
}
EOF
LITEHCL_NO_PREFETCH=1 LITELLM_API_BASE="$HOLE_URL" "$LITEHCL" plan -no-color >a.out 2>a.err
RA=$?
t0=$(now)
LITELLM_API_BASE="$HOLE_URL" "$LITEHCL" plan -no-color >b.out 2>b.err
RB=$?
t1=$(now)
secs=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")
if [ $RA -eq 1 ] && [ $RB -eq 1 ] && cmp -s a.out b.out && cmp -s a.err b.err &&
    awk "BEGIN{exit !($t1 - $t0 < 8)}"; then
	ok "invalid configuration, a server that never answers: its error at once (${secs} s)"
else
	fail "invalid configuration, a server that never answers: its error at once" \
		"exit $RA / $RB in $secs s" "$(diff a.err b.err | head)"
fi
# Ctrl-C while the reads hang after a valid configuration: out within a second or so,
# as before (in-flight reads are not waited for; the lock information stays, as before)
cp good.hcl.txt main.tf
for mode in a b; do
	if [ $mode = a ]; then export LITEHCL_NO_PREFETCH=1; else unset LITEHCL_NO_PREFETCH; fi
	LITELLM_API_BASE="$HOLE_URL" "$LITEHCL" plan -no-color >$mode.out 2>$mode.err &
	p=$!
	sleep 1
	kill -INT $p
	t0=$(now)
	wait $p
	eval "R$mode=$?"
	t1=$(now)
	eval "S$mode=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")"
done
unset LITEHCL_NO_PREFETCH
if [ "$Ra" -eq 1 ] && [ "$Rb" -eq 1 ] && grep -q 'Interrupt received' b.out &&
    cmp -s a.out b.out && cmp -s a.err b.err && awk "BEGIN{exit !($Sb < 5)}"; then
	ok "Ctrl-C while the reads hang: exit 1 after ${Sb} s (without the prefetch ${Sa} s)"
else
	fail "Ctrl-C while the reads hang: exit 1 soon" "exit $Ra / $Rb, $Sa / $Sb s" \
		"$(diff a.out b.out | head)" "$(diff a.err b.err)"
fi
rm -f .terraform.tfstate.lock.info
kill "$HOLE" 2>/dev/null
HOLE=""

# ---- a signal during the validation: SIGTERM kills as before, with no lock left and
# nothing printed, though the reads were already under way (what the prefetch is for);
# a SIGINT a script's background job ignores is ignored as before ----
cp good.hcl.txt main.tf
cat >>main.tf <<'EOF'
resource "litellm_user" "slow" {
  user_email = "slow@prefetch.example"
  user_alias = length(bcrypt("x", 14)) > 0 ? "slow" : "x"
}
EOF
: >"$EMU_LOG"
"$LITEHCL" plan -no-color >b.out 2>b.err &
p=$!
i=0
while [ "$(wc -l <"$EMU_LOG")" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
n=$(wc -l <"$EMU_LOG")
kill -TERM $p
wait $p
RB=$?
LITEHCL_NO_PREFETCH=1 "$LITEHCL" plan -no-color >a.out 2>a.err &
p=$!
sleep 0.3
kill -TERM $p
wait $p
RA=$?
if [ $RA -eq 143 ] && [ $RB -eq 143 ] && [ "$n" -eq 3 ] && [ ! -e .terraform.tfstate.lock.info ] &&
    [ ! -s b.out ] && [ ! -s b.err ]; then
	ok "SIGTERM during the validation: killed by it as before, nothing printed, no lock left ($n reads already answered)"
else
	fail "SIGTERM during the validation: killed by it as before, no lock left" \
		"exit $RA / $RB, $n reads" "$(ls -a)" "$(cat b.out b.err)"
fi
for mode in a b; do
	if [ $mode = a ]; then export LITEHCL_NO_PREFETCH=1; else unset LITEHCL_NO_PREFETCH; fi
	"$LITEHCL" plan -no-color >$mode.out 2>$mode.err &
	p=$!
	sleep 0.3
	kill -INT $p
	wait $p
	eval "R$mode=$?"
done
unset LITEHCL_NO_PREFETCH
if [ "$Ra" -eq "$Rb" ] && cmp -s a.out b.out && cmp -s a.err b.err; then
	ok "SIGINT ignored by a background job during the validation: ignored as before (exit $Rb)"
else
	fail "SIGINT ignored by a background job during the validation: ignored as before" \
		"exit $Ra / $Rb" "$(diff a.out b.out | head)" "$(diff a.err b.err | head)"
fi

# ---- a signal while the state is still being read (by the worker thread, beside the
# validation): it waits for the read's end, then the lock information goes and the
# signal kills as before (a state of 21,000 instances: ~30-60 ms of reading; with
# LITEHCL_NO_PREFETCH the lock information stays in that window, as it always did) ----
mkdir -p "$D/big" && cd "$D/big" || exit 1
cp ../good.hcl.txt main.tf
python3 - ../terraform.tfstate terraform.tfstate <<'EOF'
import copy, json, sys
s = json.load(open(sys.argv[1]))
for r in s['resources']:
    if r['type'] == 'litellm_user':
        base, r['instances'] = r['instances'], []
        for k in range(7000):
            for i in base:
                j = copy.deepcopy(i)
                j['index_key'] = '%s-%d' % (j['index_key'], k)
                for f in ('id', 'user_id'):
                    j['attributes'][f] = '%s-%d' % (j['attributes'][f], k)
                r['instances'].append(j)
json.dump(s, open(sys.argv[2], 'w'), indent=2)
EOF
why=""
for delay in 0.01 0.02; do
	rm -f .terraform.tfstate.lock.info
	"$LITEHCL" plan -no-color >b.out 2>&1 &
	p=$!
	sleep $delay
	kill -TERM $p
	wait $p
	rc=$?
	if [ $rc -ne 143 ] || [ -e .terraform.tfstate.lock.info ] || [ -s b.out ]; then
		why="$why after ${delay}s: exit $rc, $(ls -a | tr '\n' ' ') $(head -3 b.out);"
	fi
done
if [ -z "$why" ]; then
	ok "SIGTERM while the state is being read: killed by it, no lock information left"
else
	fail "SIGTERM while the state is being read: killed by it, no lock information left" "$why"
fi
cd "$D" || exit 1

# ---- the lock held by another process (Terraform locks the state file itself) ----
cp good.hcl.txt main.tf
cat >hold.py <<'EOF'
import fcntl, sys, time
f = open("terraform.tfstate", "r+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
open("held", "w").close()
time.sleep(float(sys.argv[1]))
EOF
rm -f held
python3 hold.py 30 &
HOLD=$!
i=0
while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
both "the lock held by another process" plan -no-color
[ $RB -eq 1 ] && grep -q 'Error acquiring the state lock' b.err && ok "lock held: its error, exit 1" ||
	fail "lock held: its error, exit 1" "exit $RB" "$(cat b.err)"
cat >>main.tf <<'EOF'
resource "litellm_user" "bad" {
  user_email = local.missing
}
EOF
both "the lock held and an invalid configuration: the configuration's error" plan -no-color
count "the lock held and an invalid configuration: no request" 0
kill "$HOLD" 2>/dev/null
wait "$HOLD" 2>/dev/null
HOLD=""
# -lock-timeout: a lock released meanwhile is taken, the plan goes on
cp good.hcl.txt main.tf
for mode in a b; do
	if [ $mode = a ]; then export LITEHCL_NO_PREFETCH=1; else unset LITEHCL_NO_PREFETCH; fi
	rm -f held
	python3 hold.py 0.5 &
	HOLD=$!
	i=0
	while [ ! -e held ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	"$LITEHCL" plan -no-color -lock-timeout=20s -detailed-exitcode >$mode.out 2>$mode.err
	eval "R$mode=$?"
	wait "$HOLD" 2>/dev/null
	HOLD=""
done
unset LITEHCL_NO_PREFETCH
[ "$Ra" -eq 0 ] && [ "$Rb" -eq 0 ] && cmp -s a.out b.out && cmp -s a.err b.err &&
	ok "-lock-timeout: the lock taken once released, the same plan" ||
	fail "-lock-timeout: the lock taken once released, the same plan" "exit $Ra / $Rb" "$(cat b.err)"
both "an invalid -lock-timeout" plan -no-color -lock-timeout=soon

# ---- a state that cannot be read: its error after a valid configuration's check, the
# configuration's error alone when it is invalid (as before) ----
cp terraform.tfstate keep.tfstate
printf '{"version": 4, "serial": ' >terraform.tfstate
both "a corrupt state" plan -no-color
cat >>main.tf <<'EOF'
resource "litellm_user" "bad" {
  user_email = local.missing
}
EOF
both "a corrupt state and an invalid configuration" plan -no-color
cp keep.tfstate terraform.tfstate
cp good.hcl.txt main.tf
both "the state back: no changes" plan -no-color -detailed-exitcode
