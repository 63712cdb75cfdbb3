#!/bin/sh
# state_crash.sh - the state file under fire, end to end with the real binary and the
# emulator: `litehcl apply` killed with SIGKILL at random instants must lose nothing and
# duplicate nothing (the next apply completes without a single 409, the server holds
# exactly the configured users and the state exactly those ids); every state file left
# behind validates against state/schema.json; a second run on a locked state fails at
# once with Terraform's lock message, waits with -lock-timeout, and -lock=false skips it.
. "$TOP/tests/lib.sh"

MK=sk-state-crash-master-key
N=150

emu_start --master-key "$MK" --fault "path=/user/new,kind=latency,ms=25,count=0"
if [ -z "$EMU_PORTFILE" ] || [ ! -s "$EMU_PORTFILE" ]; then fail "emulator started" "$(cat "$WORK/emu.out")"; exit 0; fi

# server_users: "user_id email" lines of the users litehcl manages (emails u*@crash.test)
server_users() {
	curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | python3 -c '
import json, sys
for u in json.load(sys.stdin)["users"]:
    if (u.get("user_email") or "").endswith("@crash.test"):
        print(u["user_id"], u["user_email"])' | sort
}
# state_users FILE: "user_id email" lines from a state file
state_users() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["resources"]:
    for i in r["instances"]:
        a = i["attributes"]
        print(a["user_id"], a["user_email"])' "$1" | sort
}

D="$WORK/cfg"
mkdir -p "$D"
cat >"$D/main.tf" <<EOF
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "u" {
  count      = $N
  user_email = "u\${count.index}@crash.test"
  user_role  = "user"
}
EOF
export LITELLM_API_KEY="$MK"

# ---------------------------------------------------------------- kill -9 during apply
rounds=6
bad=""
partial=0	# rounds where the kill landed mid-apply (some users created, not all)
journals=0	# rounds where the kill left a journal to recover
i=0
while [ $i -lt $rounds ]; do
	i=$((i + 1))
	emu_admin reset '{"keep_faults":true}'
	rm -f "$D"/terraform.tfstate* "$D"/.terraform.tfstate*
	# first run: killed at a random instant (apply takes ~0.4 s here)
	delay=$(python3 -c "import random; print(round(random.uniform(0.05, 0.45), 3))")
	(cd "$D" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/kill.out" 2>&1) &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	mid=$(server_users | wc -l)
	[ "$mid" -gt 0 ] && [ "$mid" -lt $N ] && partial=$((partial + 1))
	[ -e "$D/terraform.tfstate.journal" ] && journals=$((journals + 1))
	if [ -s "$D/terraform.tfstate" ] && ! python3 "$TOP/tests/state_check.py" "$D/terraform.tfstate" >/dev/null; then
		bad="$bad round $i: state left by the kill is invalid;"
	fi
	# second run (twice killed in odd rounds: recovery itself interrupted)
	if [ $((i % 2)) -eq 1 ]; then
		(cd "$D" && exec "$LITEHCL" apply -auto-approve -no-color >"$WORK/kill2.out" 2>&1) &
		pid=$!
		sleep 0.1
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	(cd "$D" && "$LITEHCL" apply -auto-approve -no-color >"$WORK/again.out" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		bad="$bad round $i (killed after ${delay}s): re-apply failed: $(grep -m3 -i 'error' "$WORK/again.out" | tr '\n' ' ');"
		continue
	fi
	server_users >"$WORK/server.txt"
	state_users "$D/terraform.tfstate" >"$WORK/state.txt"
	ns=$(wc -l <"$WORK/server.txt")
	if [ "$ns" -ne $N ]; then bad="$bad round $i: server holds $ns users, want $N;"; fi
	if ! cmp -s "$WORK/server.txt" "$WORK/state.txt"; then
		bad="$bad round $i: state and server differ: $(diff "$WORK/server.txt" "$WORK/state.txt" | head -3 | tr '\n' ' ');"
	fi
	if ! python3 "$TOP/tests/state_check.py" "$D/terraform.tfstate" >/dev/null; then bad="$bad round $i: final state invalid;"; fi
	if [ -e "$D/terraform.tfstate.journal" ]; then bad="$bad round $i: journal left after a complete apply;"; fi
	if ! (cd "$D" && "$LITEHCL" plan -no-color -detailed-exitcode >"$WORK/plan.out" 2>&1); then
		bad="$bad round $i: plan after recovery not empty: $(grep -m2 -E 'Plan:|Error' "$WORK/plan.out" | tr '\n' ' ');"
	fi
done
[ "$partial" -eq 0 ] && bad="$bad no kill landed mid-apply, the test proved nothing;"
if [ -z "$bad" ]; then ok "apply killed with SIGKILL at random instants ($rounds rounds, $partial mid-apply, $journals journals recovered, $N users): nothing lost or duplicated"
else fail "apply killed with SIGKILL at random instants" "$bad"; fi

mode=$(stat -c %a "$D/terraform.tfstate" 2>/dev/null)
if [ "$mode" = 600 ]; then ok "state file mode 0600"; else fail "state file mode 0600" "mode $mode"; fi
if [ -f "$D/terraform.tfstate.backup" ]; then
	bmode=$(stat -c %a "$D/terraform.tfstate.backup")
	if [ "$bmode" = 600 ] && python3 "$TOP/tests/state_check.py" "$D/terraform.tfstate.backup" >/dev/null; then ok "backup valid, mode 0600"
	else fail "backup valid, mode 0600" "mode $bmode"; fi
fi
if grep -q "$MK" "$D"/terraform.tfstate* 2>/dev/null; then fail "no key in state files"; else ok "no key in state files"; fi

# ---------------------------------------------------------------- Ctrl-C during apply
emu_admin reset '{"keep_faults":true}'
rm -f "$D"/terraform.tfstate* "$D"/.terraform.tfstate*
(cd "$D" && exec "$LITEHCL" apply -auto-approve -no-color -parallelism=2 >"$WORK/int.out" 2>&1) &
pid=$!
i=0	# interrupt once creates are under way
while [ "$(server_users | wc -l)" -lt 5 ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"
rc=$?
server_users >"$WORK/server.txt"
if [ -f "$D/terraform.tfstate" ]; then state_users "$D/terraform.tfstate" >"$WORK/state.txt"; else : >"$WORK/state.txt"; fi
ns=$(wc -l <"$WORK/server.txt")
if [ $rc -eq 1 ] && [ "$ns" -gt 0 ] && [ "$ns" -lt $N ] && cmp -s "$WORK/server.txt" "$WORK/state.txt" \
	&& [ ! -e "$D/terraform.tfstate.journal" ] && [ ! -e "$D/.terraform.tfstate.lock.info" ]; then
	ok "SIGINT: in-flight creates finish and are saved ($ns of $N), exit 1, no journal or lock left"
else
	fail "SIGINT: in-flight creates finish and are saved" "rc=$rc server=$ns state=$(wc -l <"$WORK/state.txt")" "$(tail -5 "$WORK/int.out")"
fi
(cd "$D" && "$LITEHCL" apply -auto-approve -no-color >"$WORK/again.out" 2>&1)
if [ $? -eq 0 ] && [ "$(server_users | wc -l)" -eq $N ]; then ok "apply after SIGINT completes the rest"
else fail "apply after SIGINT completes the rest" "$(grep -m3 Error "$WORK/again.out")"; fi

# ---------------------------------------------------------------- locking through the CLI
# A long apply (destroy of N users with latency on deletes) holds the lock.
emu_admin faults '{"path":"/user/delete","kind":"latency","ms":60,"count":0}'
(cd "$D" && exec "$LITEHCL" destroy -auto-approve -no-color -parallelism=2 >"$WORK/holder.out" 2>&1) &
holder=$!
i=0
while [ ! -e "$D/.terraform.tfstate.lock.info" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
sleep 0.2
t0=$(date +%s.%N)
(cd "$D" && "$LITEHCL" plan -no-color >"$WORK/second.out" 2>&1)
rc=$?
t1=$(date +%s.%N)
fast=$(python3 -c "print($t1 - $t0 < 3)")
if [ $rc -eq 1 ] && grep -q "Error acquiring the state lock" "$WORK/second.out" && grep -q "Who:" "$WORK/second.out" \
	&& grep -q "Operation:" "$WORK/second.out" && grep -q "Created:" "$WORK/second.out" && [ "$fast" = True ]; then
	ok "second run fails at once with the holder's lock info"
else
	fail "second run fails at once with the holder's lock info" "rc=$rc fast=$fast" "$(head -20 "$WORK/second.out")"
fi
if (cd "$D" && "$LITEHCL" plan -no-color -lock=false -refresh=false >"$WORK/nolock.out" 2>&1) || [ $? -eq 0 ]; then
	ok "-lock=false runs beside the holder"
else
	fail "-lock=false runs beside the holder" "$(head -10 "$WORK/nolock.out")"
fi
(cd "$D" && "$LITEHCL" plan -no-color -lock-timeout=60s >"$WORK/wait.out" 2>&1)
rc=$?
wait "$holder"
hrc=$?
if [ $rc -eq 0 ] && [ $hrc -eq 0 ] && grep -q "Destroy complete" "$WORK/holder.out"; then ok "-lock-timeout waits for the holder to finish"
else fail "-lock-timeout waits for the holder to finish" "rc=$rc holder=$hrc" "$(tail -5 "$WORK/wait.out")" "$(tail -3 "$WORK/holder.out")"; fi
if [ ! -e "$D/.terraform.tfstate.lock.info" ]; then ok "lock info removed after the run"; else fail "lock info removed after the run"; fi
emu_stop

# ---------------------------------------------------------------- one id, one address
# import of an id another address already manages is refused (issue 14): the two would
# fight, and a state holding one id twice no longer loads
emu_start --master-key "$MK"
D="$WORK/twice"
mkdir -p "$D"
cat >"$D/main.tf" <<EOF2
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "a" {
  user_email = "twice@crash.test"
}
resource "litellm_user" "b" {
  user_email = "twice@crash.test"
}
EOF2
curl -s -X POST -H "Authorization: Bearer $MK" -H 'Content-Type: application/json' \
	-d '{"user_id":"twice-1","user_email":"twice@crash.test"}' "$EMU_URL/user/new" >/dev/null
(cd "$D" && "$LITEHCL" import -no-color litellm_user.a twice-1 >"$WORK/imp1.out" 2>&1)
rc1=$?
(cd "$D" && "$LITEHCL" import -no-color litellm_user.b twice-1 >"$WORK/imp2.out" 2>&1)
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && grep -q "already managed at litellm_user.a" "$WORK/imp2.out" &&
	(cd "$D" && "$LITEHCL" state list >"$WORK/list.out" 2>&1) && [ "$(cat "$WORK/list.out")" = litellm_user.a ]; then
	ok "import of an id another address manages: refused, naming it; the state still loads"
else
	fail "import of an id another address manages: refused, naming it; the state still loads" \
		"first import exit $rc1, second exit $rc2" "$(grep -A3 Error "$WORK/imp2.out" | head -6)" "$(cat "$WORK/list.out" 2>/dev/null | head -3)"
fi
emu_stop
