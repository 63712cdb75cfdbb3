#!/bin/sh
# faults.sh - every create, update and delete path through every bad answer a gateway
# in front of LiteLLM gives AFTER the server did the work (tests/faultproxy): an error
# status, a gateway timeout page, an HTML page, a truncated / empty / half-JSON body, a
# dropped connection - and through the emulator's own 503 before the work.  On the
# normal and the --legacy server (duplicate emails allowed).  Each case: the faulted
# apply must leave nothing duplicated, orphaned or lost, and converge in that one run.
. "$TOP/tests/lib.sh"
. "$TOP/tests/faultproxy/lib.sh"
# the servers stop however the suite ends (dash runs an EXIT trap on exit only)
trap 'proxy_stop; emu_stop' EXIT
trap 'exit 1' INT TERM HUP PIPE

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

# ---------------------------------------------------------------- kept-alive connections
# Every request, creates included, travels on kept-alive connections.  The emulator closes
# connections that were already used (conn=reused: where an HTTP client may silently send
# a request again) right after committing a write, before answering (commit_close), or
# before doing anything (close).  Users with configured ids (whose "already exists" would
# read as someone else's user), users with ids litehcl chose, teams and memberships are
# created, updated and destroyed through them: nothing duplicated, orphaned or lost, each
# run converges, and the connections are reused (a few new ones per run, not one per write).
KA_N=${KA_N:-8} KA_T=3 KA_PAR=3
ka_tf() {	# ka_tf DIR ALIAS BUDGET
	mkdir -p "$1"
	cat >"$1/main.tf" <<TF
provider "litellm" {
  api_base = "$EMU_URL"
}
resource "litellm_user" "cfg" {
  count      = $KA_N
  user_id    = "ka-cfg-\${count.index}"
  user_email = "c\${count.index}@ka.test"
  user_alias = "$2"
}
resource "litellm_user" "gen" {
  count      = $KA_N
  user_email = "g\${count.index}@ka.test"
  user_alias = "$2"
}
resource "litellm_team" "t" {
  count      = $KA_T
  team_alias = "ka-team-\${count.index}"
  max_budget = $3
}
resource "litellm_team_member" "m" {
  count              = $KA_N
  team_id            = litellm_team.t[count.index % $KA_T].team_id
  user_id            = litellm_user.gen[count.index].user_id
  role               = "user"
  max_budget_in_team = $3
}
TF
}
# ka_check DIR USERS TEAMS MEMBERS ALIAS: prints what is wrong, nothing when all holds
ka_check() {
	curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" >"$WORK/ka.dump"
	jq -r --arg a "$5" '
		[.users[] | select((.user_email // "") | endswith("@ka.test"))] as $u |
		[.teams[] | select((.team_alias // "") | startswith("ka-team-"))] as $t |
		[$t[] | .team_id as $id | .members_with_roles[] | select(.user_id != "default_user_id") | "\($id)/\(.user_id)"] as $m |
		(if ($u | length) != '"$2"' then "server holds \($u | length) users, want '"$2"';" else empty end),
		(if ([$u[].user_email] | unique | length) != ($u | length) then "a user email twice on the server;" else empty end),
		(if ([$u[] | select(.user_alias != $a)] | length) > 0 and '"$2"' > 0 then "a user alias is not \($a);" else empty end),
		(if ($t | length) != '"$3"' then "server holds \($t | length) teams, want '"$3"';" else empty end),
		(if ([$t[].team_alias] | unique | length) != ($t | length) then "a team alias twice on the server;" else empty end),
		(if ($m | length) != '"$4"' or ($m | unique | length) != ($m | length) then "server holds \($m | length) memberships (\($m | unique | length) distinct), want '"$4"';" else empty end),
		([$u[].user_id] | sort | join(" ")), ([$t[].team_id] | sort | join(" ")), ($m | sort | join(" "))
	' "$WORK/ka.dump" >"$WORK/ka.server"
	grep ';$' "$WORK/ka.server" | tr '\n' ' '
	grep -v ';$' "$WORK/ka.server" >"$WORK/ka.srv.ids"
	if [ -f "$1/terraform.tfstate" ]; then
		jq -r '
			([.resources[] | select(.type == "litellm_user") | .instances[].attributes.user_id] | sort | join(" ")),
			([.resources[] | select(.type == "litellm_team") | .instances[].attributes.team_id] | sort | join(" ")),
			([.resources[] | select(.type == "litellm_team_member") | .instances[].attributes | "\(.team_id)/\(.user_id)"] | sort | join(" "))
		' "$1/terraform.tfstate" >"$WORK/ka.st.ids"
	else printf '\n\n\n' >"$WORK/ka.st.ids"; fi
	_i=1
	for _what in users teams memberships; do
		[ "$(sed -n ${_i}p "$WORK/ka.srv.ids")" = "$(sed -n ${_i}p "$WORK/ka.st.ids")" ] ||
			printf 'state and server differ in their %s (orphans or lost); ' "$_what"
		_i=$((_i + 1))
	done
	[ -e "$1/terraform.tfstate.journal" ] && printf 'journal left behind; '
	(cd "$1" && "$LITEHCL" plan -no-color -detailed-exitcode -lock=false $6 >"$WORK/ka.plan" 2>&1) ||
		printf 'plan not clean: %s' "$(grep -m2 -E 'Plan:|Error' "$WORK/ka.plan" | tr '\n' ' ')"
}
# ka_fired PATH...: the paths (of those given) on which no fault fired in the log since the mark
ka_fired() {
	for _p in "$@"; do
		tail -n +"$KA_MARK" "$EMU_LOG" | jq -s -e --arg p "$_p" 'any(.[]; .path == $p and .fault != null)' >/dev/null ||
			printf '%s ' "$_p"
	done
}
for mode in ${KA_MODES:-normal legacy}; do
	if [ "$mode" = legacy ]; then emu_start --master-key "$MK" --legacy --seed-random 11; else emu_start --master-key "$MK" --seed-random 11; fi
	D="$WORK/ka-$mode"
	for op in create update destroy; do
		case $op in
		create) paths="/user/new /team/new /team/member_add"; ka_tf "$D" one 10 ;;
		update) paths="/user/update /team/update /team/member_update"; ka_tf "$D" two 20 ;;
		destroy) paths="/user/delete /team/delete /team/member_delete" ;;
		esac
		emu_admin faults/clear '{}'
		# the first write of each kind on a reused connection: committed, then closed;
		# then a third of the writes on reused connections, a tenth closed before the work
		for p in $paths; do emu_admin faults "{\"path\":\"$p\",\"kind\":\"commit_close\",\"conn\":\"reused\"}"; done
		emu_admin faults '{"method":"POST","kind":"commit_close","conn":"reused","probability":0.3}'
		emu_admin faults '{"method":"POST","kind":"close","conn":"reused","probability":0.1}'
		emu_admin stats/reset '{}'
		KA_MARK=$(($(wc -l <"$EMU_LOG") + 1))
		if [ $op = destroy ]; then
			(cd "$D" && "$LITEHCL" destroy -auto-approve -no-color -parallelism=$KA_PAR >"$WORK/ka.out" 2>&1)
		else
			(cd "$D" && "$LITEHCL" apply -auto-approve -no-color -parallelism=$KA_PAR >"$WORK/ka.out" 2>&1)
		fi
		rc=$?
		stats=$(curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/stats")
		emu_admin faults/clear '{}'
		sleep 0.1	# the log line of the last request
		unfired=$(ka_fired $paths)
		case $op in destroy) why=$(ka_check "$D" 0 0 0 - -destroy) ;; create) why=$(ka_check "$D" $((2 * KA_N)) $KA_T $KA_N one) ;;
		*) why=$(ka_check "$D" $((2 * KA_N)) $KA_T $KA_N two) ;; esac
		name="$mode: $op of users (configured and chosen ids), teams, memberships through connections closed after the commit"
		if [ $rc -eq 0 ] && [ -z "$why" ] && [ -z "$unfired" ]; then
			ok "$name: converged in one run, nothing duplicated or lost"
		else
			fail "$name: converged in one run, nothing duplicated or lost" "exit $rc; ${why:-state and server agree}" \
				"${unfired:+no fault fired on: $unfired}" "$(grep -m2 -A3 'Error' "$WORK/ka.out" | head -6)"
		fi
		# connections: the ones -parallelism opens, plus one per closed connection and
		# one for each create libcurl wanted to send again (refused)
		echo "$stats" | jq -e --argjson par $KA_PAR '.connections <= $par + 2 * .faults + 1' >/dev/null &&
			ok "$mode: $op: connections reused ($(echo "$stats" | jq -r '"\(.connections) new connections for \(.requests) requests, \(.faults) closed by faults"'))" ||
			fail "$mode: $op: connections reused" "$stats"
	done
	emu_stop
done
