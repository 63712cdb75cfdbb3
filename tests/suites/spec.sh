#!/bin/sh
# spec.sh - HashiCorp's hcl specsuite ($SHARED/corpus/hcl/specsuite/**/*.hcl).  Where the
# .t file expects diagnostics, litehcl must reject the file with exactly the expected
# errors, in order, at the expected byte ranges; otherwise the file must parse.
# Tests whose diagnostics come from decoding against the .hcldec schema, not from the
# parser, are listed in SCHEMA_ERRORS and must parse.
. "$TOP/tests/lib.sh"
if [ -z "$SHARED" ] || [ ! -d "$SHARED/corpus/hcl/specsuite" ]; then
	echo "skip spec: HashiCorp's HCL specification tests are not on this machine (they live in the team's shared folder, ../shared/corpus/hcl/specsuite next to the repository; set SHARED=DIR if yours is elsewhere)"
	exit 0
fi
SCHEMA_ERRORS="structure/attributes/unexpected"
suite=$SHARED/corpus/hcl/specsuite
find "$suite" -name '*.hcl' | sort | while read -r f; do
	rel=${f#"$suite"/}
	name=${rel%.hcl}
	t=${f%.hcl}.t
	"$LITEHCL" hcl2json -ranges "$f" >/dev/null 2>"$WORK/err.txt"
	rc=$?
	# the expected errors as "START END" lines, in order
	want=$(python3 - "$t" <<'PY'
import re, sys
try:
    text = open(sys.argv[1]).read()
except OSError:
    sys.exit(0)
i = text.find("diagnostics {")
if i < 0:
    sys.exit(0)
for m in re.finditer(r"from\s*\{[^}]*?byte\s*=\s*(\d+)[^}]*\}\s*to\s*\{[^}]*?byte\s*=\s*(\d+)", text[i:]):
    print(m.group(1), m.group(2))
PY
)
	case " $SCHEMA_ERRORS " in *" $name "*) want="" ;; esac
	if [ -z "$want" ]; then
		if [ $rc -eq 0 ]; then ok "$name"; else fail "$name" "expected to parse" "$(cat "$WORK/err.txt")"; fi
		continue
	fi
	n=$(echo "$want" | wc -l)
	got=$(grep '^error ' "$WORK/err.txt" | awk '{print $2, $3}')
	if [ $rc -eq 1 ] && [ "$got" = "$want" ]; then
		ok "$name ($n errors at the expected byte ranges)"
	else
		fail "$name" "expected errors at bytes: $(echo $want)" "got exit $rc:" "$(cat "$WORK/err.txt")"
	fi
done
