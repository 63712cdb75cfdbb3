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

# ---- the tree's size: 2,000 resource blocks of the scale benchmark's shape (issue 11).
# hcl2json -bench reports the parse arena's bytes; the packed tree (nodes as big as
# their kind, interned strings, exact arrays, parse-time data freed) is ~7 bytes per
# byte of text, where it was 17.6.  A bound of 10 catches a layout that grows back.
awk 'BEGIN {
	for (i = 0; i < 2000; i++) {
		id = sprintf("u%06d", i)
		printf "resource \"litellm_user\" \"%s\" {\n", id
		printf "  user_id    = \"%s\"\n  user_email = \"%s@scale.example.com\"\n", id, id
		printf "  user_alias = \"%s\"\n  user_role  = \"internal_user\"\n", id
		printf "  models     = [\"gpt-4o\", \"gpt-4o-mini\"]\n  max_budget = %d\n", 10 + i % 7
		printf "  metadata   = { team = \"scale\", n = \"%s\" }\n}\n\n", id
	}
}' >"$WORK/blocks.tf"
"$LITEHCL" hcl2json -bench "$WORK/blocks.tf" >"$WORK/bench.txt" 2>&1
per=$(awk -v size="$(wc -c <"$WORK/blocks.tf")" '/arena/ {
	for (i = 1; i < NF; i++) if ($i == "arena") printf "%.2f", $(i + 1) * 1e6 / size }' "$WORK/bench.txt")
if [ -n "$per" ] && awk -v p="$per" 'BEGIN { exit !(p < 10) }'; then
	ok "parse tree of 2,000 resource blocks: $per bytes per byte of text"
else
	fail "parse tree of 2,000 resource blocks: ${per:-?} bytes per byte of text (bound 10)" "$(cat "$WORK/bench.txt")"
fi
