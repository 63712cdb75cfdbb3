#!/bin/sh
# parse.sh - data-driven front end tests.
#   tests/parse/NAME/input.hcl      parsed with `litehcl hcl2json -ast`; the tree dump must
#                                   equal expected.ast; when expected.json exists the
#                                   hcl2json output must equal it too.  A file "mode"
#                                   holding "expr" or "template" parses the input as one
#                                   expression / a bare template instead of a body.
#   tests/parse-err/NAME/input.hcl  must be rejected (exit 1) with exactly the
#                                   diagnostics in expected.txt on stderr ("mode" may
#                                   also be "json": rejected by the JSON conversion).
# UPDATE=1 rewrites the expectations.
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 1
for dir in tests/parse/*/; do
	name=parse/$(basename "$dir")
	in=$dir/input.hcl
	[ -f "$in" ] || continue
	flag=""
	[ -f "$dir/mode" ] && flag="-$(cat "$dir/mode")"
	(cd "$dir" && "$LITEHCL" hcl2json -ast $flag input.hcl) >"$WORK/out.ast" 2>"$WORK/err.txt"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name" "exit $rc" "$(cat "$WORK/err.txt")"
		continue
	fi
	[ -f "$dir/expected.ast" ] || touch "$dir/expected.ast"
	same "$name" "$dir/expected.ast" "$WORK/out.ast"
	if [ -f "$dir/expected.json" ]; then
		(cd "$dir" && "$LITEHCL" hcl2json $flag input.hcl) >"$WORK/out.json" 2>&1
		same "$name (json)" "$dir/expected.json" "$WORK/out.json"
	fi
done
for dir in tests/parse-err/*/; do
	name=parse-err/$(basename "$dir")
	[ -f "$dir/input.hcl" ] || continue
	flag="-ast"
	[ -f "$dir/mode" ] && flag="-ast -$(cat "$dir/mode")"
	[ "$(cat "$dir/mode" 2>/dev/null)" = json ] && flag=""
	(cd "$dir" && "$LITEHCL" hcl2json $flag input.hcl) >"$WORK/out.ast" 2>"$WORK/err.txt"
	rc=$?
	if [ $rc -ne 1 ] || [ -s "$WORK/out.ast" ]; then
		fail "$name" "expected exit 1 and no output, got exit $rc" "$(head -5 "$WORK/out.ast")"
		continue
	fi
	[ -f "$dir/expected.txt" ] || touch "$dir/expected.txt"
	same "$name" "$dir/expected.txt" "$WORK/err.txt"
done
