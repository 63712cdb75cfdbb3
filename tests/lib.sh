# Shared helpers for test suites (sourced).  Each case prints "ok NAME" or "FAIL NAME"
# followed by indented details.  Environment from tests/run.sh: LITEHCL, EMU, BUILD,
# WORK (a scratch directory removed afterwards), TOP, SHARED (may be empty).

# Requests are retried for up to 60 s by default (bounded by time, not count); a suite
# that provokes failures on purpose should not wait that long for each one.
: "${LITEHCL_HTTP_RETRY_BUDGET:=3}"
export LITEHCL_HTTP_RETRY_BUDGET

ok()   { echo "ok $1"; }
# flat FILE: FILE as one line, diagnostics' wrapped lines joined and their rules (│ ╷ ╵)
# and indentation gone - to grep a sentence wherever the diagnostic wrapped it
flat() { tr '\n' ' ' <"$1" | sed -e 's/[│╷╵]/ /g' -e 's/  */ /g'; }
fail() { echo "FAIL $1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'; return 0; }

# same NAME EXPECTED_FILE ACTUAL_FILE: compare files; with UPDATE=1 rewrite EXPECTED.
same() {
	if [ -n "$UPDATE" ] && ! cmp -s "$2" "$3"; then cp "$3" "$2"; ok "$1 (updated)"; return; fi
	if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "$(diff -u "$2" "$3" | head -40)"; fi
}

# emu_start [EMULATOR ARGS...]: start the LiteLLM emulator on a free 127.0.0.1 port.
# Sets EMU_PID, EMU_URL, EMU_LOG (JSON-lines request log).  emu_stop stops it.
emu_start() {
	EMU_PORTFILE=$(mktemp "$WORK/emuport.XXXXXX")
	EMU_LOG=$(mktemp "$WORK/emulog.XXXXXX")
	rm -f "$EMU_PORTFILE"
	"$EMU" --port 0 --port-file "$EMU_PORTFILE" --log "$EMU_LOG" "$@" >"$WORK/emu.out" 2>&1 &
	EMU_PID=$!
	i=0
	while [ ! -s "$EMU_PORTFILE" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
	EMU_URL="http://127.0.0.1:$(cat "$EMU_PORTFILE" 2>/dev/null)"
	export EMU_URL EMU_LOG EMU_PID
}
emu_stop() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null; EMU_PID=""; }

# state_valid NAME FILE: FILE is a valid litehcl/Terraform v4 state (state/schema.json,
# checked offline by tests/state_check.py); prints ok/FAIL NAME.
state_valid() {
	if _sv=$(python3 "$TOP/tests/state_check.py" "$2" 2>&1); then ok "$1"; else fail "$1" "$_sv"; fi
}
