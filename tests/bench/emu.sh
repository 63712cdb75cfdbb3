#!/bin/sh
# emu.sh - the emulator's speed.
#  1. how many GET /user/info requests per second it answers, with the master key,
#     keep-alive, 10,000 users loaded (wrk: THREADS threads, CONNS connections, SECS s);
#  2. at SCALE users (default 100,000, one key each): start-up time, resident memory, and
#     the best of 20 answer times of a /user/list page of 100 ids, a page by user_id, a
#     page in the default order and a /user/info - answers from indexes, so they should
#     not grow with SCALE.
#   sh tests/bench/emu.sh   [EMU=build/litellm-emu SECS=5 CONNS=32 THREADS=2 SCALE=100000
#                            EMU_ARGS="--threads 4"]
# Prints wrk's report, "emu: N requests/s" and "emu-scale: ..." lines.  Needs wrk and jq.
top=$(cd "$(dirname "$0")/../.." && pwd)
EMU=${EMU:-$top/build/litellm-emu}
SECS=${SECS:-5}; CONNS=${CONNS:-32}; THREADS=${THREADS:-2}; SCALE=${SCALE:-100000}
command -v wrk >/dev/null 2>&1 || { echo "emu bench: wrk not installed (sh tests/deps.sh)" >&2; exit 1; }
[ -x "$EMU" ] || { echo "emu bench: $EMU missing (make)" >&2; exit 1; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
key=sk-bench-master-key

# start_emu SEED: start the emulator on SEED; sets pid, port, ms (start-up time)
start_emu() {
	rm -f "$work/port"
	t0=$(date +%s%N)
	"$EMU" --port 0 --port-file "$work/port" --master-key "$key" --seed "$1" $EMU_ARGS >/dev/null 2>&1 &
	pid=$!
	i=0; while [ ! -s "$work/port" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	port=$(cat "$work/port") || exit 1
}
stop_emu() { kill "$pid"; wait "$pid" 2>/dev/null; pid=""; }

jq -n '{users:[range(0;10000)|{user_id:("bench-\(.)"),user_email:("bench\(.)@example.com"),max_budget:10,keys:1}]}' >"$work/seed.json"
start_emu "$work/seed.json"
url="http://127.0.0.1:$port/user/info?user_id=bench-4242"
curl -sf -H "Authorization: Bearer $key" "$url" | jq -e '.user_info.user_id=="bench-4242"' >/dev/null ||
	{ echo "emu bench: warm-up request failed" >&2; exit 1; }
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -H "Authorization: Bearer $key" "$url" | tee "$work/wrk.out"
rps=$(awk '/^Requests\/sec:/ {print int($2)}' "$work/wrk.out")
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.out")
[ -n "$errors" ] && echo "emu bench: $errors" >&2
echo "emu: $rps requests/s (GET /user/info, $CONNS connections, $THREADS wrk threads, ${SECS}s, 10,000 users)"
stop_emu

# ---- part 2: SCALE users
jq -n --argjson n "$SCALE" '{users:[range(0;$n)|{user_id:("bench-\(.)"),user_email:("bench\(.)@example.com"),max_budget:10,keys:1}]}' >"$work/seed.json"
start_emu "$work/seed.json"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
base="http://127.0.0.1:$port"
ids=$(seq $((SCALE / 2)) $((SCALE / 2 + 99)) | sed 's/^/bench-/' | paste -sd, -)
# best PATH: the best of 20 times to the first byte, in ms (the first answer of an order
# builds its index and is not counted)
best() {
	curl -s -o /dev/null -H "Authorization: Bearer $key" "$base$1"
	for i in $(seq 20); do
		curl -s -o /dev/null -w '%{time_starttransfer}\n' -H "Authorization: Bearer $key" "$base$1"
	done | sort -n | head -1 | awk '{printf "%.2f", $1 * 1000}'
}
health=$(best /health/liveliness)
byids=$(best "/user/list?user_ids=$ids&page_size=100")
byid=$(best "/user/list?page=$((SCALE / 200))&page_size=100&sort_by=user_id&sort_order=asc")
default=$(best "/user/list?page=$((SCALE / 200))&page_size=100")
info=$(best "/user/info?user_id=bench-$((SCALE - 1))")
rss2=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
echo "emu-scale: $SCALE users, 1 key each: start ${ms} ms, ${rss} kB resident (${rss2} kB after the reads)"
echo "emu-scale: best of 20 to the first byte: /user/list 100 ids ${byids} ms, page by user_id ${byid} ms, default-order page ${default} ms, /user/info ${info} ms (an empty /health/liveliness: ${health} ms)"
stop_emu
