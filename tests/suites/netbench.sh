#!/bin/sh
# netbench.sh - a quick, untimed run of tests/bench/network.sh (the benchmark against the
# physical limit; `make bench` runs it timed): 1,000 users created and then updated over
# TLS with no latency, checking what does not depend on the machine - one write per
# change, reads <= 2 x ceil(N/100) (refresh and confirmation, 100 users a request), at
# most 0.02 new connections per change - and that the script itself works.
. "$TOP/tests/lib.sh"
out=$(COUNTS_ONLY=1 N=1000 LAT=0 CONN_LAT=0 WRITE_LAT=0 LITEHCL="$LITEHCL" EMU="$EMU" sh "$TOP/tests/bench/network.sh" 2>&1)
rc=$?
for kind in create update; do
	line=$(echo "$out" | grep "^$kind: requests per change")
	if [ $rc -eq 0 ] && [ -n "$line" ] && ! echo "$line" | grep -q MISSED; then
		ok "network bench, $kind of 1,000 users: $(echo "$line" | sed 's/^[a-z]*: requests per change: //; s/; {.*//')"
	else
		fail "network bench, $kind of 1,000 users: one write per change, reads and connections within the goals" "exit $rc" "$out"
	fi
done
