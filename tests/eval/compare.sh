#!/bin/sh
# Compares litehcl console with terraform console line by line (developer tool; needs
# Terraform; the suite does not).  Each line of each FILE runs through its own
# `terraform console` and `litehcl console -no-color` in FILE's NAME.d/ (or an empty
# directory); diagnostics are compared without the source excerpt, which Terraform's
# console cannot show ("(source code not available)") and litehcl's does.  Prints each
# differing case and "compared N, same M".
#   sh tests/eval/compare.sh tests/eval/numbers.in ...
top=$(cd "$(dirname "$0")/../.." && pwd)
LITEHCL=${LITEHCL:-$top/build/litehcl}
rc=$(mktemp)
trap 'rm -f "$rc"' EXIT
export TF_CLI_CONFIG_FILE="$rc"
n=0 same=0
for f in "$@"; do
	dir=${f%.in}.d
	tmp=""
	if [ ! -d "$dir" ]; then tmp=$(mktemp -d); dir=$tmp; fi
	while IFS= read -r l; do
		n=$((n + 1))
		t=$(cd "$dir" && printf '%s\n' "$l" | terraform console -no-color 2>&1 | grep -v '^  (source code not available)$')
		m=$(cd "$dir" && printf '%s\n' "$l" | "$LITEHCL" console -no-color 2>&1 | grep -Ev '^ +[0-9]+: |^ +\^~*$')
		if [ "$t" = "$m" ]; then
			same=$((same + 1))
		else
			printf '### %s\nterraform: %s\nlitehcl:   %s\n' "$l" "$(echo "$t" | tr '\n' '|')" "$(echo "$m" | tr '\n' '|')"
		fi
	done <"$f"
	[ -n "$tmp" ] && rm -rf "$tmp"
done
echo "compared $n, same $same"
