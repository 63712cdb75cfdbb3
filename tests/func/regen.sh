#!/bin/sh
# Regenerates tests/func/NAME.out from Terraform itself (developer tool; the test suite
# does not need Terraform).  Each line of NAME.in goes through its own
# `terraform console` run (piped mode prints only the last value) in NAME.d/ or an
# empty directory; the outputs are concatenated and "exit: 0" appended, the layout
# tests/suites/func.sh compares against `litehcl console`.  Only cases whose value
# Terraform prints belong here: diagnostics differ in layout (Terraform omits the
# source line in console) and are covered by tests/unit/func.cases instead.
#   sh tests/func/regen.sh [NAME...]
cd "$(dirname "$0")" || exit 1
rc=$(mktemp)
trap 'rm -f "$rc"' EXIT
export TF_CLI_CONFIG_FILE="$rc"
names=${*:-$(for f in *.in; do basename "$f" .in; done)}
for name in $names; do
	dir=$name.d
	if [ ! -d "$dir" ]; then dir=$(mktemp -d); fi
	out=$name.out
	: >"$out"
	while IFS= read -r line; do
		printf '%s\n' "$line" | (cd "$dir" && terraform console 2>&1) >>"$out"
	done <"$name.in"
	echo "exit: 0" >>"$out"
	case $dir in /tmp/*) rmdir "$dir" ;; esac
done
