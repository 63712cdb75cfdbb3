# tests/faultproxy/lib.sh - helpers for the fault and crash suites (sourced after
# tests/lib.sh): the fault proxy in front of the emulator, and the invariant every run
# must leave behind - the server holds exactly the configured users, once each (no
# duplicate, no orphan, none lost), the state holds exactly their ids, no journal is
# left, and a plan is clean.

# proxy_start: starts tests/faultproxy/faultproxy.py in front of $EMU_URL.
# Sets PROXY_PID, PROXY_URL.
proxy_start() {
	PROXY_PORTFILE="$WORK/proxyport.$$"
	rm -f "$PROXY_PORTFILE"
	python3 "$TOP/tests/faultproxy/faultproxy.py" --upstream "$EMU_URL" --port-file "$PROXY_PORTFILE" \
		--seed "${PROXY_SEED:-14}" "$@" >"$WORK/proxy.out" 2>&1 &
	PROXY_PID=$!
	PROXY_URL="http://127.0.0.1:$(wait_port "$PROXY_PORTFILE" 200)"
}
proxy_stop() { [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null; PROXY_PID=""; }
# proxy_fault JSON / proxy_clear
proxy_fault() { curl -s -X POST --data-binary "$1" "$PROXY_URL/__proxy/faults" >/dev/null; }
proxy_clear() { curl -s -X POST -d '{}' "$PROXY_URL/__proxy/clear" >/dev/null; }


# server_users DOMAIN: "user_id email alias" lines of the server's users whose email
# ends in @DOMAIN, sorted
server_users() {
	curl -s -H "Authorization: Bearer $MK" "$EMU_URL/__emu/dump" | jq -r --arg dom "@$1" \
		'.users[] | select((.user_email // "") | endswith($dom)) | "\(.user_id) \(.user_email) \(.user_alias // "-")"' | sort
}
# state_users FILE: the same lines from a state file (nothing when it does not exist)
state_users() {
	[ -f "$1" ] || return 0
	jq -r '.resources[].instances[].attributes | "\(.user_id) \(.user_email) \(.user_alias // "-")"' "$1" | sort
}

# converged DIR DOMAIN N [PLAN FLAGS]: prints nothing when the invariant holds for N users, else
# what is wrong (one line).  Checks: N users on the server, each email once (legacy
# servers allow duplicates), state == server (ids, emails, aliases), no journal, state
# valid (against state/schema.json when CHECK_SCHEMA is set: python is slow to start),
# plan clean.
converged() {
	_d=$1 _dom=$2 _n=$3
	shift 3
	server_users "$_dom" >"$WORK/conv.server"
	state_users "$_d/terraform.tfstate" >"$WORK/conv.state"
	_ns=$(wc -l <"$WORK/conv.server")
	_dups=$(awk '{print $2}' "$WORK/conv.server" | sort | uniq -d | wc -l)
	_why=""
	[ "$_ns" -ne "$_n" ] && _why="$_why server holds $_ns users, want $_n;"
	[ "$_dups" -ne 0 ] && _why="$_why $_dups emails twice on the server (duplicates);"
	if ! cmp -s "$WORK/conv.server" "$WORK/conv.state"; then
		_why="$_why state and server differ ($(comm -23 "$WORK/conv.server" "$WORK/conv.state" | wc -l) only on the server = orphans, $(comm -13 "$WORK/conv.server" "$WORK/conv.state" | wc -l) only in the state = lost);"
	fi
	[ -e "$_d/terraform.tfstate.journal" ] && _why="$_why journal left behind;"
	if [ -n "$CHECK_SCHEMA" ] && [ -f "$_d/terraform.tfstate" ] && ! python3 "$TOP/tests/state_check.py" "$_d/terraform.tfstate" >/dev/null 2>&1; then
		_why="$_why state invalid;"
	fi
	if ! (cd "$_d" && "$LITEHCL" plan -no-color -detailed-exitcode -lock=false "$@" >"$WORK/conv.plan" 2>&1); then
		_why="$_why plan not clean: $(grep -m2 -E 'Plan:|Error' "$WORK/conv.plan" | tr '\n' ' ');"
	fi
	printf '%s' "$_why"
}

# users_tf DIR URL DOMAIN N ALIAS: writes DIR/main.tf with N users uN@DOMAIN
users_tf() {
	mkdir -p "$1"
	cat >"$1/main.tf" <<EOF
provider "litellm" {
  api_base = "$2"
}
resource "litellm_user" "u" {
  count      = $4
  user_email = "u\${count.index}@$3"
  user_alias = "$5"
  user_role  = "internal_user"
}
EOF
}
