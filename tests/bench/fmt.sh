#!/bin/sh
# fmt.sh - formatter benchmark (part of `make bench`).  Builds the ~10 MB input of
# parse.sh from the real-world corpus (each accepted file wrapped in a uniquely named
# block), then reports:
#   - fmt throughput in MB/s (litehcl fmt -bench: times lh_fmt_file alone - parse,
#     rewrites, layout, output text - by CPU time and by wall clock),
#   - the whole-process time of `litehcl fmt -` and, when terraform is installed,
#     of `terraform fmt -` on the same input in the same run, and whether their
#     outputs are identical.
# Target: >= 50 MB/s.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
: "${SHARED:=$top/../shared}"
LITEHCL=${LITEHCL:-$top/build/litehcl}
corpus=$SHARED/corpus/hcl
if [ ! -d "$corpus/real" ]; then
	echo "skip bench-fmt: \$SHARED/corpus/hcl not available"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=$work/bench.tf
python3 tests/bench/corpus_input.py "$corpus" "$input"
bytes=$(wc -c <"$input")
echo "input: $bytes bytes ($(grep -c '^wrap_' "$input") wrapped corpus files)"
"$LITEHCL" fmt -bench "$input" || exit 1
# timed OUT CMD...: runs CMD with stdin from the input and stdout to OUT; prints
# "WALL CPU" (CPU = user + system)
timed() {
	out=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$work/t.txt" "$@" <"$input" >"$out" 2>/dev/null || return 1
	awk '{printf "%.3f %.3f", $1, $2 + $3}' "$work/t.txt"
}
set -- $(timed "$work/ours.tf" "$LITEHCL" fmt -) || exit 1
ours_wall=$1 ours_cpu=$2
echo "litehcl fmt -: ${ours_wall} s wall, ${ours_cpu} s CPU"
if command -v terraform >/dev/null 2>&1; then
	set -- $(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 timed "$work/theirs.tf" terraform fmt -no-color -)
	echo "terraform fmt -: $1 s wall, $2 s CPU"
	python3 -c "import sys; w, c, ow, oc = map(float, sys.argv[1:]); print('ratio: litehcl fmt is %.1fx faster by wall clock, %.1fx by CPU time' % (w / max(ow, 0.001), c / max(oc, 0.001)))" "$1" "$2" "$ours_wall" "$ours_cpu"
	if cmp -s "$work/theirs.tf" "$work/ours.tf"; then
		echo "outputs: identical ($(wc -c <"$work/ours.tf") bytes)"
	else
		echo "outputs differ:"; diff "$work/theirs.tf" "$work/ours.tf" | head -5
	fi
else
	echo "terraform not installed: no comparison with terraform fmt"
fi
