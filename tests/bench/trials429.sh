#!/bin/sh
# trials429.sh - issue 14's 429 figure: TRIALS applies (default 20) of N users (default
# 100) from an empty state, each against an emulator answering P (default 0.3) of the
# requests on every route "429 Too Many Requests" with Retry-After: 1 - before doing the
# work, or after it with AFTER=1 - using litehcl's default retry settings.  A trial
# counts when that one apply exits 0 and leaves the invariant of tests/faultproxy/lib.sh
# (every user on the server once, state == server, no journal, a clean plan).  EMUARGS
# (e.g. --legacy) go to the emulator.  Prints one line per trial and
# "converged in one run: K of TRIALS".
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
EMU=${EMU:-$top/build/litellm-emu}
N=${N:-100}
TRIALS=${TRIALS:-20}
P=${P:-0.3}
WORK=${KEEP:-$(mktemp -d)}
trap 'emu_stop; [ -n "$KEEP" ] || rm -rf "$WORK"' EXIT
TOP=$top
. "$top/tests/lib.sh"
. "$top/tests/faultproxy/lib.sh"
unset LITEHCL_HTTP_RETRY_BUDGET LITEHCL_HTTP_BACKOFF	# the defaults, as users run it
MK=sk-trials-429
export LITELLM_API_KEY=$MK
# shellcheck disable=SC2086
emu_start --master-key $MK $EMUARGS
extra=""
[ -n "$AFTER" ] && extra=',"after":true'
good=0
t=1
while [ $t -le "$TRIALS" ]; do
	emu_admin reset '{}'
	D="$WORK/d"
	rm -rf "$D"
	users_tf "$D" "$EMU_URL" trials429.test "$N" one
	emu_admin faults "{\"path\":\"*\",\"kind\":\"429\",\"probability\":$P,\"retry_after\":1$extra}"
	s=$(date +%s.%N)
	(cd "$D" && "$LITEHCL" apply -auto-approve -no-color >"$WORK/apply.$t.out" 2>&1)
	rc=$?
	e=$(date +%s.%N)
	emu_admin faults/clear '{}'
	why=$(converged "$D" trials429.test "$N")
	[ $rc -eq 0 ] && [ -z "$why" ] && good=$((good + 1))
	echo "trial $t: exit $rc, $(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.1f", b - a }') s${why:+,$why}"
	t=$((t + 1))
done
echo "converged in one run: $good of $TRIALS"
