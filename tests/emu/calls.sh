# calls.sh - curl + jq helpers shared by the emulator's suites (tests/suites/emu*.sh),
# sourced after tests/lib.sh.  Needs EMU_URL (emu_start) and WORK.

MK=sk-emu-test-master-key
B="$WORK/body"; HD="$WORK/headers"

# call METHOD PATH [BODY [CURL ARGS...]]: JSON request with the master key.
# Sets ST (HTTP status, 000 on transport error) and CE (curl exit code); body in $B.
call() {
	_m=$1; _p=$2; shift 2
	_d=""; [ $# -gt 0 ] && { _d=$1; shift; }
	if [ -n "$_d" ]; then
		ST=$(curl -s -o "$B" -D "$HD" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $MK" \
			-H 'Content-Type: application/json' --data-binary "$_d" "$@" "$EMU_URL$_p")
	else
		ST=$(curl -s -o "$B" -D "$HD" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $MK" \
			"$@" "$EMU_URL$_p")
	fi
	CE=$?
}
# expect NAME STATUS [JQ-BOOLEAN]: status matches and the jq test holds on the body.
expect() {
	if [ "$ST" != "$2" ]; then fail "$1" "status $ST, want $2" "$(head -c 600 "$B")"; return; fi
	if [ -n "$3" ] && ! jq -e "$3" "$B" >/dev/null 2>&1; then
		fail "$1" "jq test failed: $3" "$(head -c 800 "$B")"; return
	fi
	ok "$1"
}
# expect_body NAME STATUS JSON: status and body equal as JSON (key order ignored).
expect_body() {
	if [ "$ST" != "$2" ]; then fail "$1" "status $ST, want $2" "$(head -c 600 "$B")"; return; fi
	if [ "$(jq -cS . "$B" 2>&1)" = "$(printf '%s' "$3" | jq -cS .)" ]; then ok "$1"
	else fail "$1" "want $3" "got  $(head -c 800 "$B")"; fi
}
# expect_raw NAME STATUS TEXT: exact body bytes.
expect_raw() {
	if [ "$ST" = "$2" ] && [ "$(cat "$B")" = "$3" ]; then ok "$1"
	else fail "$1" "want $2 $3" "got  $ST $(head -c 600 "$B")"; fi
}
admin() { call POST "/__emu/$1" "${2:-{\}}"; }
