#!/bin/sh
# crash_kill.sh - kill -9 at a random instant of creates, updates, replacements,
# deletes and imports, then (every other trial) kill -9 again during the recovery run,
# then a plain run: on the normal and the --legacy emulator (duplicate emails allowed,
# so a create sent twice shows as two users), there must be 0 duplicates, 0 orphans,
# 0 lost users, no journal and a clean plan.  And SIGINT while creates are slow and
# uncertain (provider timeout shorter than the server's latency) must leave the same.
# Bounded for CI (KILL_TRIALS per operation and mode, default 1; run with
# KILL_TRIALS=20 KILL_OPS=replace by hand for the issue's 20 trials).
. "$TOP/tests/lib.sh"
. "$TOP/tests/faultproxy/lib.sh"

MK=sk-crash-kill-master-key
export LITELLM_API_KEY="$MK"
export LITEHCL_HTTP_BACKOFF=0.01
N=${KILL_USERS:-20}
TRIALS=${KILL_TRIALS:-1}
OPS=${KILL_OPS:-"create update replace delete import sigint"}
# the sanitizer pass (2-3x slower) takes the two that found bugs
[ -z "$KILL_OPS" ] && [ "${BUILD#*san}" != "$BUILD" ] && OPS="replace sigint"
MODES=${KILL_MODES:-"normal legacy"}

# cfg DIR VERSION ALIAS [EXTRA]: N users with configured ids u<i>-vVERSION (VERSION
# "own": no user_id, litehcl chooses a UUID)
cfg() {
	_uid="user_id    = \"u\${count.index}-v$2\""
	[ "$2" = own ] && _uid=""
	mkdir -p "$1"
	cat >"$1/main.tf" <<EOF
provider "litellm" {
  api_base = "$EMU_URL"
  $4
}
resource "litellm_user" "u" {
  count      = $N
  $_uid
  user_email = "u\${count.index}@$dom"
  user_alias = "$3"
}
EOF
}
run() { (cd "$D" && "$LITEHCL" "$@" -auto-approve -no-color >>"$WORK/run.out" 2>&1); }
# killed SECONDS CMD...: starts litehcl CMD in $D and kills it with SIGKILL after SECONDS
killed() {
	_s=$1
	shift
	(cd "$D" && exec "$LITEHCL" "$@" -auto-approve -no-color >>"$WORK/run.out" 2>&1) &
	_p=$!
	sleep "$_s"
	kill -9 $_p 2>/dev/null
	wait $_p 2>/dev/null
}
rand() { python3 -c "import random; print(round(random.uniform($1, $2), 3))"; }

for mode in $MODES; do
	if [ "$mode" = legacy ]; then emu_start --master-key "$MK" --legacy; else emu_start --master-key "$MK"; fi
	if [ ! -s "$EMU_PORTFILE" ]; then fail "$mode: emulator started" "$(cat "$WORK/emu.out")"; continue; fi
	dom="$mode.kill.test"
	D="$WORK/k-$mode"
	for op in $OPS; do
		bad="" t=0 mid=0 sigs=0
		while [ $t -lt "$TRIALS" ]; do
			t=$((t + 1))
			# the last trial's interrupted creates sleep in the server for 1.4 s: let
			# them land before the reset, or they appear in this trial as someone
			# else's users
			[ $op = sigint ] && [ $t -gt 1 ] && sleep 1.5
			emu_admin reset '{}'
			rm -rf "$D"
			: >"$WORK/run.out"
			cfg "$D" 1 one
			want=$N pf="" recover=apply
			# a little latency on every write widens the window the kill lands in
			emu_admin faults '{"path":"/user/new","kind":"latency","ms":15,"count":0}'
			emu_admin faults '{"path":"/user/update","kind":"latency","ms":15,"count":0}'
			emu_admin faults '{"path":"/user/delete","kind":"latency","ms":15,"count":0}'
			[ $op != create ] && [ $op != sigint ] && [ $op != import ] && [ $op != replace ] && run apply
			before=$(server_users "$dom" | wc -l)
			case $op in
			create) killed "$(rand 0.03 0.35)" apply ;;
			update) cfg "$D" 1 two; killed "$(rand 0.03 0.35)" apply ;;
			replace)
				# -replace of users whose ids litehcl chose: a lost create intent
				# means a second user per email (legacy) or a 409 forever
				cfg "$D" own one
				run apply
				before=$(server_users "$dom" | wc -l)
				reps=$(i=0; while [ $i -lt $N ]; do printf ' -replace=litellm_user.u[%d]' $i; i=$((i + 1)); done)
				killed "$(rand 0.05 0.6)" apply $reps ;;
			delete) want=0 pf=-destroy recover=destroy; killed "$(rand 0.03 0.3)" destroy ;;
			import)
				# users made outside, imported one by one; kill one import mid-way
				cfg "$D" 1 one
				i=0
				while [ $i -lt $N ]; do
					curl -s -X POST -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
						-d "{\"user_id\":\"u$i-v1\",\"user_email\":\"u$i@$dom\",\"user_alias\":\"one\"}" "$EMU_URL/user/new" >/dev/null
					i=$((i + 1))
				done
				i=0
				k=$(python3 -c "import random; print(random.randrange($N))")
				while [ $i -lt $N ]; do
					if [ $i -eq "$k" ]; then
						(cd "$D" && exec "$LITEHCL" import -no-color "litellm_user.u[$i]" "u$i-v1" >>"$WORK/run.out" 2>&1) &
						_p=$!
						sleep "$(rand 0.0 0.05)"
						kill -9 $_p 2>/dev/null
						wait $_p 2>/dev/null
					fi
					if ! (cd "$D" && "$LITEHCL" import -no-color "litellm_user.u[$i]" "u$i-v1" >"$WORK/imp.out" 2>&1) &&
						! grep -q "already managed" "$WORK/imp.out"; then
						bad="$bad trial $t: import u$i failed: $(grep -m1 -A2 Error "$WORK/imp.out" | tr '\n' ' ');"
					fi
					i=$((i + 1))
				done
				;;
			sigint)
				# creates slower than the provider's timeout: every one is uncertain when
				# the interrupt arrives, and must still be resolved or recorded
				cfg "$D" 1 one "timeout = 1"
				# the first matching rule applies: the 15 ms one above must go, or the
				# creates are quick and the interrupt finds the run finished
				emu_admin faults/clear '{}'
				emu_admin faults '{"path":"/user/new","kind":"latency","ms":1400,"count":0}'
				(cd "$D" && exec "$LITEHCL" apply -auto-approve -no-color -parallelism=5 >>"$WORK/run.out" 2>&1) &
				_p=$!
				sleep "$(rand 0.5 1.5)"
				if kill -INT $_p 2>/dev/null; then sigs=$((sigs + 1)); fi
				wait $_p
				emu_admin faults/clear '{}'
				;;
			esac
			# every other trial: the recovery run is killed too
			if [ $((t % 2)) -eq 1 ] && [ $op != import ] && [ $op != sigint ]; then
				killed "$(rand 0.02 0.2)" $recover
			fi
			midn=$(server_users "$dom" | wc -l)
			[ "$midn" -ne "$before" ] && mid=$((mid + 1))
			emu_admin faults/clear '{}'
			# the recovery's own messages, not the interrupted run's
			cp "$WORK/run.out" "$WORK/interrupted.out"
			: >"$WORK/run.out"
			if ! run $recover; then
				bad="$bad trial $t: recovery $recover failed: $(grep -m1 -A3 'Error' "$WORK/run.out" | tail -3 | tr '\n' ' ');"
				continue
			fi
			why=$(converged "$D" "$dom" $want $pf)
			[ -n "$why" ] && bad="$bad trial $t:$why"
		done
		name="$mode: $op killed at random instants ($TRIALS trials, recovery killed too in odd ones)"
		[ $op = sigint ] && name="$mode: SIGINT while slow creates are uncertain ($TRIALS trials)"
		# an interrupt that found the run finished tested nothing
		[ $op = sigint ] && [ $sigs -lt "$TRIALS" ] && bad="$bad only $sigs of $TRIALS interrupts reached a running apply;"
		if [ -z "$bad" ]; then ok "$name: nothing lost, duplicated or orphaned, plan clean"
		else fail "$name" "$bad"; fi
	done
	emu_stop
done
