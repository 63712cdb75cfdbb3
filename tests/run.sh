#!/bin/sh
# The test runner.  Runs every suite in tests/suites/*.sh and every unit binary in
# build/unit/, first against the plain build, then against the ASan/UBSan build
# (build/san) when it exists, then a bounded libFuzzer run when the target was built.
# A suite prints one line per case: "ok NAME" or "FAIL NAME" (details indented below).
# The run ends with the line "N passed, N failed" and exits 1 if anything failed.
#
#   sh tests/run.sh                 everything
#   SUITES="parse eval" sh tests/run.sh   only these suites (names without .sh)
#   NOSAN=1 / NOFUZZ=1             skip the sanitizer pass / the fuzz run
#   UPDATE=1                        suites that compare with expected files rewrite them

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${SHARED:=$top/../shared}"
[ -d "$SHARED" ] || SHARED=""
export SHARED
results=$(mktemp)
trap 'rm -f "$results"' EXIT

run_pass() {	# $1 = build dir, $2 = label
	build=$1; label=$2
	[ -x "$build/litehcl" ] || { echo "FAIL $label: $build/litehcl missing" >>"$results"; echo "FAIL $label: $build/litehcl missing"; return; }
	for s in tests/suites/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		if [ -n "$SUITES" ]; then
			case " $SUITES " in *" $name "*) ;; *) continue ;; esac
		fi
		work=$(mktemp -d)
		BUILD="$build" LITEHCL="$top/$build/litehcl" EMU="$top/$build/litellm-emu" \
		WORK="$work" TOP="$top" \
			sh "$s" 2>&1 | sed -e "s/^ok /ok $label$name: /" -e "s/^FAIL /FAIL $label$name: /" | tee -a "$results" | grep -v '^ok ' 
		rm -rf "$work"
	done
	if [ -z "$SUITES" ] && [ -d "$build/unit" ]; then
		for u in "$build"/unit/*; do
			[ -x "$u" ] || continue
			name=$(basename "$u")
			out=$(mktemp)
			"$u" >"$out" 2>&1
			rc=$?
			sed -e "s/^ok /ok ${label}unit-$name: /" -e "s/^FAIL /FAIL ${label}unit-$name: /" "$out" | tee -a "$results" | grep -v '^ok '
			# a binary that dies (a sanitizer abort, a crash) fails even if every
			# line it printed before was ok
			if [ $rc -ne 0 ]; then
				echo "FAIL ${label}unit-$name: exited with status $rc" | tee -a "$results"
				tail -20 "$out" | sed 's/^/    /'
			fi
			rm -f "$out"
		done
	fi
}

run_pass build ""
if [ -z "$NOSAN" ] && [ -x build/san/litehcl ]; then
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_pass build/san "[san] "
fi
if [ -z "$NOFUZZ" ] && [ -z "$SUITES" ] && [ -x build/fuzz/fuzz_parse ]; then
	secs=${FUZZ_SECONDS:-20}
	corpus=$(mktemp -d)
	for f in tests/parse/*/input.hcl tests/parse-err/*/input.hcl; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr / _)"; done
	if build/fuzz/fuzz_parse -max_total_time="$secs" -max_len=4096 -timeout=10 "$corpus" >build/fuzz/last.log 2>&1; then
		echo "ok fuzz: parser survived $(grep -o 'stat::number_of_executed_units: [0-9]*' build/fuzz/last.log | awk '{print $2}') executions in ${secs}s" >>"$results"
	else
		echo "FAIL fuzz: parser crashed, see build/fuzz/last.log" | tee -a "$results"
		tail -40 build/fuzz/last.log
	fi
	rm -rf "$corpus"
fi
passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^FAIL ' "$results")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
