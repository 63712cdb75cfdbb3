#!/bin/sh
# corpus.sh - hcl2json over every real-world file in $SHARED/corpus/hcl/real, compared
# with the output of HashiCorp's parser (@cdktf/hcl2json) in expected/ as unordered JSON
# with numbers compared as doubles; files verdicts.json says HashiCorp rejects must be
# rejected (exit 1, a diagnostic on stderr).
. "$TOP/tests/lib.sh"
if [ -z "$SHARED" ] || [ ! -d "$SHARED/corpus/hcl/real" ]; then
	echo "skip corpus: the real-world HCL files it compares with HashiCorp's parser are not on this machine (they live in the team's shared folder, ../shared/corpus/hcl next to the repository; set SHARED=DIR if yours is elsewhere)"
	exit 0
fi
corpus=$SHARED/corpus/hcl
for f in "$corpus"/real/*; do
	name=$(basename "$f")
	verdict=$(python3 -c 'import json,sys; v={x["file"]: x["ok"] for x in json.load(open(sys.argv[1]))}; print("ok" if v.get(sys.argv[2], True) else "reject")' "$corpus/verdicts.json" "$name")
	"$LITEHCL" hcl2json "$f" >"$WORK/out.json" 2>"$WORK/err.txt"
	rc=$?
	if [ "$verdict" = reject ]; then
		if [ $rc -eq 1 ] && grep -q 'Error:' "$WORK/err.txt"; then ok "$name (rejected)"; else fail "$name" "HashiCorp rejects this file, litehcl exit $rc"; fi
		continue
	fi
	if [ $rc -ne 0 ]; then
		fail "$name" "exit $rc" "$(head -12 "$WORK/err.txt")"
		continue
	fi
	if diffs=$(python3 "$TOP/tests/suites/jsoncmp.py" "$corpus/expected/$name.json" "$WORK/out.json"); then
		ok "$name"
	else
		fail "$name" "$diffs"
	fi
done
