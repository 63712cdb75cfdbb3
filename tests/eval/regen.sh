#!/bin/sh
# Records tests/eval/NAME.out from Terraform itself (developer tool; the eval suite does
# not need Terraform) for the files whose cases all print values: each line of NAME.in
# goes through its own `terraform console` run (piped mode prints only the last value)
# in NAME.d/ or an empty directory, the outputs are concatenated and "exit: 0"
# appended - the layout tests/suites/eval.sh compares against `litehcl console`.
# Cases with diagnostics are recorded by hand (Terraform's console omits the source
# line) and are not regenerated.  Recorded with Terraform 1.11.
#   sh tests/eval/regen.sh NAME...
cd "$(dirname "$0")" || exit 1
[ $# -gt 0 ] || { echo "usage: regen.sh NAME..." >&2; exit 2; }
rc=$(mktemp)
trap 'rm -f "$rc"' EXIT
export TF_CLI_CONFIG_FILE="$rc"
for name in "$@"; do
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
