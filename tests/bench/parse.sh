#!/bin/sh
# parse.sh - front end benchmark (`make bench-parse`).  Builds a ~10 MB input from the
# real-world corpus (each accepted file wrapped in a uniquely named block, so top-level
# attributes never clash), then reports:
#   - lex+parse throughput in MB/s (litehcl hcl2json -bench: times lh_parse_file only),
#   - peak memory of a whole `litehcl hcl2json` run (/usr/bin/time, from the time
#     package, is required),
#   - the whole-process time of `litehcl hcl2json` against @cdktf/hcl2json (HashiCorp's
#     parser in WebAssembly, installed into build/node_modules with npm when node is
#     available) on the same input, in the same run.
# Targets: >= 100 MB/s parse; hcl2json >= 50x faster than @cdktf/hcl2json.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
: "${SHARED:=$top/../shared}"
LITEHCL=${LITEHCL:-$top/build/litehcl}
corpus=$SHARED/corpus/hcl
if [ ! -d "$corpus/real" ]; then
	echo "skip bench-parse: \$SHARED/corpus/hcl not available"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=$work/bench.hcl
python3 tests/bench/corpus_input.py "$corpus" "$input"
bytes=$(wc -c <"$input")
echo "input: $bytes bytes ($(grep -c '^wrap_' "$input") wrapped corpus files)"
"$LITEHCL" hcl2json -bench "$input" || exit 1
/usr/bin/time -v "$LITEHCL" hcl2json "$input" 2>"$work/time.txt" >/dev/null
echo "hcl2json peak RSS: $(awk -F': ' '/Maximum resident set size/ {printf "%.1f MB", $2/1024}' "$work/time.txt")"
# timed OUT CMD...: runs CMD with stdout to OUT; prints "WALL CPU" (CPU = user + system)
timed() {
	out=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$work/t.txt" "$@" >"$out" || return 1
	awk '{printf "%.3f %.3f", $1, $2 + $3}' "$work/t.txt"
}
set -- $(timed "$work/ours.json" "$LITEHCL" hcl2json "$input") || exit 1
ours_wall=$1 ours_cpu=$2
echo "litehcl hcl2json: ${ours_wall} s wall, ${ours_cpu} s CPU"
if command -v node >/dev/null 2>&1; then
	nm=$top/build/node/node_modules
	if [ ! -d "$nm/@cdktf/hcl2json" ]; then
		mkdir -p "$top/build/node"
		npm install --silent --prefix "$top/build/node" @cdktf/hcl2json >/dev/null 2>&1 ||
			echo "npm install @cdktf/hcl2json failed; no comparison"
	fi
	if [ -d "$nm/@cdktf/hcl2json" ]; then
		set -- $(NODE_PATH=$nm timed "$work/theirs.json" node tests/bench/oracle.js "$input")
		echo "@cdktf/hcl2json: $1 s wall, $2 s CPU"
		python3 -c "import sys; w, c, ow, oc = map(float, sys.argv[1:]); print('ratio: litehcl hcl2json is %.1fx faster by wall clock, %.1fx by CPU time' % (w / ow, c / oc))" "$1" "$2" "$ours_wall" "$ours_cpu"
		if python3 tests/suites/jsoncmp.py "$work/theirs.json" "$work/ours.json" >"$work/diff.txt"; then
			echo "outputs: identical as unordered JSON"
		else
			echo "outputs differ:"; head -5 "$work/diff.txt"
		fi
	fi
else
	echo "node not available: no comparison with @cdktf/hcl2json"
fi
