#!/bin/sh
# parse-cli.sh - the `litehcl hcl2json` command itself: several files (one compact
# document per line), a file that does not parse (diagnostics on stderr, exit 1, the
# other files still converted), unreadable files, usage errors, -help.
. "$TOP/tests/lib.sh"
cd "$TOP/tests/parse" || exit 1

"$LITEHCL" hcl2json attributes/input.hcl blocks/input.hcl >"$WORK/out" 2>"$WORK/err"
if [ $? -eq 0 ] && [ "$(wc -l <"$WORK/out")" -eq 2 ] && [ ! -s "$WORK/err" ] &&
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$WORK/out"; then
	ok "hcl2json: two files, two compact documents"
else
	fail "hcl2json: two files, two compact documents" "$(cat "$WORK/out" "$WORK/err")"
fi

"$LITEHCL" hcl2json attributes/input.hcl ../parse-err/comma-attrs/input.hcl >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$WORK/out")" -eq 1 ] && grep -q 'Error: Unexpected comma after argument' "$WORK/err" &&
    grep -q 'comma-attrs/input.hcl line 1' "$WORK/err"; then
	ok "hcl2json: a bad file gives diagnostics and exit 1"
else
	fail "hcl2json: a bad file gives diagnostics and exit 1" "exit $rc" "$(cat "$WORK/out" "$WORK/err")"
fi

"$LITEHCL" hcl2json "$WORK/missing.hcl" >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$WORK/out" ] && grep -q 'Failed to read file' "$WORK/err"; then
	ok "hcl2json: unreadable file"
else
	fail "hcl2json: unreadable file" "exit $rc" "$(cat "$WORK/err")"
fi

"$LITEHCL" hcl2json >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'no input files' "$WORK/err"; then ok "hcl2json: no files"; else fail "hcl2json: no files" "exit $rc"; fi

"$LITEHCL" hcl2json -nosuchflag x >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'flag provided but not defined: -nosuchflag' "$WORK/err"; then ok "hcl2json: unknown flag"; else fail "hcl2json: unknown flag" "exit $rc"; fi

"$LITEHCL" hcl2json -help >"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc -eq 0 ] && grep -qF 'Usage: litehcl [global options] hcl2json [options] FILE' "$WORK/out"; then ok "hcl2json: -help"; else fail "hcl2json: -help" "exit $rc"; fi

printf 'a = "\\u0000x"\n' >"$WORK/nul.hcl"
"$LITEHCL" hcl2json "$WORK/nul.hcl" >"$WORK/out" 2>"$WORK/err"
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["a"] == "\0x"' "$WORK/out"; then
	ok "hcl2json: NUL inside a string survives"
else
	fail "hcl2json: NUL inside a string survives" "$(cat "$WORK/out" "$WORK/err")"
fi
