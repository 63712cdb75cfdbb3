#!/bin/sh
# State file format: every example in state/examples/ validates against state/schema.json
# (with the offline checker tests/state_check.py), and every broken file in
# tests/state-bad/ is rejected by it.  The C-side tests (load/save/lock/journal) are in
# tests/unit/state.c.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 1
for f in state/examples/*.tfstate; do
	if out=$(python3 tests/state_check.py "$f" 2>&1); then ok "schema accepts $f"; else fail "schema accepts $f" "$out"; fi
done
for f in tests/state-bad/*.tfstate; do
	if out=$(python3 tests/state_check.py "$f" 2>&1); then fail "schema rejects $f" "accepted"; else ok "schema rejects $f"; fi
done
