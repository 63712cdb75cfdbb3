#!/bin/sh
# emu.sh - how many GET /user/info requests per second the emulator answers, with the
# master key, keep-alive, 10,000 users loaded.  Needs wrk (tests/deps.sh installs it).
#   sh tests/bench/emu.sh   [EMU=build/litellm-emu SECS=5 CONNS=32 THREADS=2 EMU_ARGS="--threads 4"]
# Prints wrk's report and a last line "emu: N requests/s".
top=$(cd "$(dirname "$0")/../.." && pwd)
EMU=${EMU:-$top/build/litellm-emu}
SECS=${SECS:-5}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}
command -v wrk >/dev/null 2>&1 || { echo "emu bench: wrk not installed (sh tests/deps.sh)" >&2; exit 1; }
[ -x "$EMU" ] || { echo "emu bench: $EMU missing (make)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
key=sk-bench-master-key

jq -n '{users:[range(0;10000)|{user_id:("bench-\(.)"),user_email:("bench\(.)@example.com"),max_budget:10,keys:1}]}' >"$work/seed.json"
"$EMU" --port 0 --port-file "$work/port" --master-key "$key" --seed "$work/seed.json" $EMU_ARGS >/dev/null 2>&1 &
pid=$!
i=0; while [ ! -s "$work/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$work/port") || exit 1
url="http://127.0.0.1:$port/user/info?user_id=bench-4242"
curl -sf -H "Authorization: Bearer $key" "$url" | jq -e '.user_info.user_id=="bench-4242"' >/dev/null ||
	{ echo "emu bench: warm-up request failed" >&2; exit 1; }
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -H "Authorization: Bearer $key" "$url" | tee "$work/wrk.out"
rps=$(awk '/^Requests\/sec:/ {print int($2)}' "$work/wrk.out")
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.out")
[ -n "$errors" ] && echo "emu bench: $errors" >&2
echo "emu: $rps requests/s (GET /user/info, $CONNS connections, $THREADS wrk threads, ${SECS}s, 10,000 users)"
