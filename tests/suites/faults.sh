#!/bin/sh
# faults.sh - every create, update and delete path through every bad answer a gateway
# in front of LiteLLM gives AFTER the server did the work (tests/faultproxy): an error
# status, a gateway timeout page, an HTML page, a truncated / empty / half-JSON body, a
# dropped connection - and through the emulator's own 503 before the work.  On the
# normal and the --legacy server (duplicate emails allowed).  Each case: the faulted
# apply must leave nothing duplicated, orphaned or lost, and converge in that one run.
. "$TOP/tests/lib.sh"
. "$TOP/tests/faultproxy/lib.sh"

MK=sk-faults-master-key
export LITELLM_API_KEY="$MK"
export LITEHCL_HTTP_BACKOFF=0.01
export LITEHCL_HTTP_RETRY_BUDGET=20
N=${FAULT_USERS:-6}
ALL="status:500 status:408 gateway:504 gateway:524 html truncated empty malformed drop before:503"
MODES=${FAULT_MODES:-"normal legacy"}
# Bounded for CI: every kind on the normal server, the ones that differ on the legacy
# one; the sanitizer pass (2-3x slower) takes the four that found bugs.
kinds_for() {
	if [ -n "$FAULT_KINDS" ]; then echo "$FAULT_KINDS"
	elif [ "${BUILD#*san}" != "$BUILD" ]; then echo "status:500 html malformed before:503"
	elif [ "$1" = legacy ]; then echo "status:500 gateway:524 html malformed drop before:503"
	else echo "$ALL"; fi
}

for mode in $MODES; do
	if [ "$mode" = legacy ]; then emu_start --master-key "$MK" --legacy; else emu_start --master-key "$MK"; fi
	if [ ! -s "$EMU_PORTFILE" ]; then fail "$mode: emulator started" "$(cat "$WORK/emu.out")"; continue; fi
	proxy_start
	if [ ! -s "$PROXY_PORTFILE" ]; then fail "$mode: fault proxy started" "$(cat "$WORK/proxy.out")"; emu_stop; continue; fi
	D="$WORK/f-$mode"
	dom="$mode.faults.test"
	for spec in $(kinds_for "$mode"); do
		kind=${spec%%:*}
		st=""
		[ "$kind" != "$spec" ] && st=",\"status\":${spec#*:}"
		emu_admin reset '{}'
		proxy_clear
		rm -rf "$D"
		users_tf "$D" "$PROXY_URL" "$dom" "$N" one
		# one user's life per kind: created, updated, destroyed, each through the fault
		for op in create update delete; do
			case $op in
			create) path=/user/new ;;
			update) path=/user/update ;;
			delete) path=/user/delete ;;
			esac
			name="$mode: $op through '$spec' answers"
			want=$N pf=""
			# the first requests on the path are answered badly, then 30% of the rest
			proxy_fault "{\"path\":\"$path\",\"kind\":\"$kind\"$st,\"nth\":1,\"count\":2,\"ms\":1500}"
			proxy_fault "{\"path\":\"$path\",\"kind\":\"$kind\"$st,\"probability\":0.3}"
			case $op in
			create) (cd "$D" && "$LITEHCL" apply -auto-approve -no-color -parallelism=3 >"$WORK/f.out" 2>&1) ;;
			update) sed -i 's/user_alias = "one"/user_alias = "two"/' "$D/main.tf"
				(cd "$D" && "$LITEHCL" apply -auto-approve -no-color -parallelism=3 >"$WORK/f.out" 2>&1) ;;
			delete) want=0 pf=-destroy
				(cd "$D" && "$LITEHCL" destroy -auto-approve -no-color -parallelism=3 >"$WORK/f.out" 2>&1) ;;
			esac
			rc=$?
			proxy_clear
			CHECK_SCHEMA=""
			[ $op = update ] && CHECK_SCHEMA=1
			why=$(converged "$D" "$dom" $want $pf)
			if [ $rc -eq 0 ] && [ -z "$why" ]; then
				ok "$name: converged in one run, nothing duplicated or lost"
				continue
			fi
			# what a second, clean run makes of it (reported, still a failure)
			if [ $op = delete ]; then (cd "$D" && "$LITEHCL" destroy -auto-approve -no-color >"$WORK/f2.out" 2>&1)
			else (cd "$D" && "$LITEHCL" apply -auto-approve -no-color >"$WORK/f2.out" 2>&1); fi
			rc2=$?
			why2=$(converged "$D" "$dom" $want $pf)
			fail "$name: converged in one run, nothing duplicated or lost" "faulted run: exit $rc;$why" \
				"$(grep -m2 -A2 'Error' "$WORK/f.out" | head -4)" "clean re-run: exit $rc2;${why2:- converged}"
		done
	done
	proxy_stop
	emu_stop
done
