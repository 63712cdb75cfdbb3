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

# wait_port FILE [TRIES]: waits (0.05 s a try, 100 tries by default) until a server
# started in the background has written its port to FILE; prints the port (nothing when
# it never came)
wait_port() {
	_w=0
	while [ ! -s "$1" ] && [ $_w -lt "${2:-100}" ]; do sleep 0.05; _w=$((_w + 1)); done
	cat "$1" 2>/dev/null
}

# emu_start [EMULATOR ARGS...]: start the LiteLLM emulator on a free 127.0.0.1 port.
# Sets EMU_PID, EMU_URL, EMU_LOG (JSON-lines request log) and EMU_KEY (the --master-key
# given, which api/admin below send).  emu_stop stops it.
emu_start() {
	_prev=""
	for _a in "$@"; do [ "$_prev" = --master-key ] && EMU_KEY=$_a; _prev=$_a; done
	EMU_PORTFILE=$(mktemp "$WORK/emuport.XXXXXX")
	EMU_LOG=$(mktemp "$WORK/emulog.XXXXXX")
	rm -f "$EMU_PORTFILE"
	"$EMU" --port 0 --port-file "$EMU_PORTFILE" --log "$EMU_LOG" "$@" >"$WORK/emu.out" 2>&1 &
	EMU_PID=$!
	EMU_URL="http://127.0.0.1:$(wait_port "$EMU_PORTFILE")"
	export EMU_URL EMU_LOG EMU_PID EMU_KEY
}
emu_stop() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null; EMU_PID=""; }

# emu_session [EMULATOR ARGS...]: how a suite that applies against the emulator starts -
# a random master key in KEY (unless the suite set one), the emulator started with it
# and stopped at exit, litehcl pointed at it (LITELLM_API_BASE, LITELLM_API_KEY) with
# quick retries (LITEHCL_HTTP_BACKOFF).
emu_session() {
	: "${KEY:=sk-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}"
	emu_start --master-key "$KEY" "$@"
	trap 'emu_stop' EXIT
	export LITELLM_API_BASE="$EMU_URL" LITELLM_API_KEY="$KEY" LITEHCL_HTTP_BACKOFF=0.01
}

# api METHOD PATH [BODY]: the emulator's LiteLLM API itself, with the master key (a
# change "outside litehcl"); prints the answer.  admin METHOD ROUTE [BODY]: its test
# controls (/__emu/ROUTE).  dump: all it holds (GET /__emu/dump).
api() {
	curl -s -X "$1" -H "Authorization: Bearer $EMU_KEY" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$EMU_URL$2"
}
admin() { api "$1" "/__emu/$2" "$3"; }
dump() { admin GET dump; }
# emu_admin ROUTE JSON: POST /__emu/ROUTE, quietly
emu_admin() { admin POST "$1" "$2" >/dev/null; }

# new_dir NAME: a fresh directory $WORK/NAME (in d), made the current one
new_dir() { d="$WORK/$1"; rm -rf "$d"; mkdir -p "$d"; cd "$d" || exit 1; }
# run ARGS...: litehcl ARGS, its output in out.txt; returns its status
run() { "$LITEHCL" "$@" >out.txt 2>&1; }
# check NAME COMMAND... | check NAME 'SHELL TEXT': ok when it succeeds, else FAIL with
# the end of out.txt.  check_or NAME 'SHELL TEXT' DETAIL: the same, DETAIL shown too.
check() {
	_n=$1; shift
	if [ $# -eq 1 ]; then eval "$1" >/dev/null 2>&1; else "$@" >/dev/null 2>&1; fi
	if [ $? -eq 0 ]; then ok "$_n"; else fail "$_n" "$(tail -30 out.txt 2>/dev/null)"; fi
}
check_or() {
	if eval "$2" >/dev/null 2>&1; then ok "$1"; else fail "$1" "$(tail -30 out.txt 2>/dev/null)" "$3"; fi
}
# log_mark: the request log's length now; log_writes FROM: its write requests after
# line FROM, one JSON line each ({method, path, body, ...})
log_mark() { wc -l <"$EMU_LOG"; }
log_writes() { tail -n +"$(($1 + 1))" "$EMU_LOG" | jq -c 'select(.method != "GET")'; }

# state_valid NAME FILE: FILE is a valid litehcl/Terraform v4 state (state/schema.json,
# checked offline by tests/state_check.py); prints ok/FAIL NAME.
state_valid() {
	if _sv=$(python3 "$TOP/tests/state_check.py" "$2" 2>&1); then ok "$1"; else fail "$1" "$_sv"; fi
}
