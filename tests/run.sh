#!/bin/sh
# The test runner.  Runs every suite in tests/suites/*.sh and every unit binary in
# build/unit/, first against the plain build, then against the ASan/UBSan build
# (build/san) when it exists, then a bounded libFuzzer run when the target was built.
# A suite prints one line per case: "ok NAME" or "FAIL NAME" (details indented below),
# or "skip NAME: why" when it cannot run here (said in plain words: what is missing and
# how to get it).
#
# What you see: a heading as each pass starts, the FAIL lines (with their details) as
# they happen, and one line per suite as it finishes - its name, how many cases passed
# and failed (or why it was skipped), and its time.  The run ends with the line
# "N passed, N failed" and exits 1 if anything failed.
#
#   sh tests/run.sh                 everything
#   SUITES="parse eval" sh tests/run.sh   only these suites (names without .sh)
#   NOSAN=1 / NOFUZZ=1             skip the sanitizer pass / the fuzz run
#   UPDATE=1                        suites that compare with expected files rewrite them
#   VERBOSE=1                       also print every "ok" line

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
: "${SHARED:=$top/../shared}"
[ -d "$SHARED" ] || SHARED=""
export SHARED
results=$(mktemp)
one=$(mktemp)
trap 'rm -f "$results" "$one"' EXIT
t_start=$(date +%s.%N)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# summary LABEL NAME START: the one line for a finished suite, from the cases in $one
summary() {
	p=$(grep -c '^ok ' "$one")
	f=$(grep -c '^FAIL ' "$one")
	sk=$(sed -n 's/^skip [^:]*: [^ :]*: //p' "$one" | head -1)
	t=$(since "$3")
	if [ -n "$sk" ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		printf '  %-28s skipped: %s\n' "$1$2" "$sk"
	elif [ "$f" -gt 0 ]; then
		printf '  %-28s %5d passed, %d FAILED  %6ss\n' "$1$2" "$p" "$f" "$t"
	else
		printf '  %-28s %5d passed           %6ss\n' "$1$2" "$p" "$t"
	fi
	[ -n "$sk" ] && [ "$p" -gt 0 ] && printf '  %-28s (part skipped: %s)\n' "" "$sk"
	return 0
}

# filter LABEL NAME: prefixes case lines with the pass and suite, keeps them in $one and
# $results, and shows FAIL lines with their details at once (ok lines with VERBOSE=1)
filter() {
	sed -e "s/^ok /ok $1$2: /" -e "s/^FAIL /FAIL $1$2: /" -e "s/^skip /skip $1$2: /" |
		tee -a "$results" | tee "$one" |
		if [ -n "$VERBOSE" ]; then cat; else
			awk '/^FAIL /{show=1; print; next} /^(ok|skip) /{show=0; next} show{print}'
		fi
}

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
		t0=$(now)
		# stdin is no terminal and at its end: litehcl reads a missing variable's value
		# from a pipe as Terraform does, and a suite must not wait on the runner's stdin
		BUILD="$build" LITEHCL="$top/$build/litehcl" EMU="$top/$build/litellm-emu" \
		WORK="$work" TOP="$top" \
			sh "$s" </dev/null 2>&1 | filter "$label" "$name"
		summary "$label" "$name" "$t0"
		rm -rf "$work"
	done
	if [ -z "$SUITES" ] && [ -d "$build/unit" ]; then
		for u in "$build"/unit/*; do
			[ -x "$u" ] || continue
			name=unit-$(basename "$u")
			out=$(mktemp)
			t0=$(now)
			"$u" >"$out" 2>&1
			rc=$?
			filter "$label" "$name" <"$out"
			# a binary that dies (a sanitizer abort, a crash) fails even if every
			# line it printed before was ok
			if [ $rc -ne 0 ]; then
				echo "FAIL ${label}$name: exited with status $rc" | tee -a "$results" >>"$one"
				echo "FAIL ${label}$name: exited with status $rc"
				tail -20 "$out" | sed 's/^/    /'
			fi
			summary "$label" "$name" "$t0"
			rm -f "$out"
		done
	fi
}

nsuites=$(ls tests/suites/*.sh | wc -l)
if [ -n "$SUITES" ]; then
	echo "== plain build (build/): suites $SUITES"
else
	echo "== plain build (build/): $nsuites suites and the unit tests"
fi
run_pass build ""
if [ -z "$NOSAN" ] && [ -x build/san/litehcl ]; then
	echo "== sanitizer pass (build/san, clang ASan/UBSan): the same suites again, about 2-3 times slower"
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_pass build/san "[san] "
elif [ -z "$NOSAN" ]; then
	echo "== sanitizer pass skipped: build/san/litehcl is not built (make check builds it with clang)"
fi
# fuzz NAME WHAT SECONDS SEED_FILES...: a bounded libFuzzer run of build/fuzz/fuzz_NAME
fuzz() {
	fz_name=$1 fz_what=$2 fz_secs=$3
	shift 3
	corpus=$(mktemp -d)
	for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/$(echo "$f" | tr / _)"; done
	if build/fuzz/fuzz_$fz_name -max_total_time="$fz_secs" -max_len=4096 -timeout=10 "$corpus" >build/fuzz/$fz_name.log 2>&1; then
		line="ok fuzz $fz_name: $fz_what survived $(grep -o 'stat::number_of_executed_units: [0-9]*' build/fuzz/$fz_name.log | awk '{print $2}') executions in ${fz_secs}s"
		echo "$line" >>"$results"
		echo "  ${line#ok }"
	else
		echo "FAIL fuzz $fz_name: $fz_what failed, see build/fuzz/$fz_name.log" | tee -a "$results"
		tail -40 build/fuzz/$fz_name.log
	fi
	rm -rf "$corpus"
}
if [ -z "$NOFUZZ" ] && [ -z "$SUITES" ] && [ -x build/fuzz/fuzz_parse ]; then
	# FUZZ_SECONDS is the whole budget: the parser gets 40 %, the formatter (whose
	# target parses too, and checks idempotence) 30 %, the state/journal/HTTP/variables
	# target 30 %
	secs=${FUZZ_SECONDS:-20}
	fsecs=$((secs * 3 / 10))
	[ "$fsecs" -ge 1 ] || fsecs=1
	ssecs=$fsecs
	echo "== fuzz run: libFuzzer on the parser for $((secs - fsecs - ssecs))s, on the formatter for ${fsecs}s, on state/journal/HTTP/variables for ${ssecs}s"
	fuzz parse parser $((secs - fsecs - ssecs)) tests/parse/*/input.hcl tests/parse-err/*/input.hcl
	if [ -x build/fuzz/fuzz_fmt ]; then
		fuzz fmt "formatter (idempotence)" "$fsecs" tests/fmt/cases/*.tf tests/parse/*/input.hcl
	else
		echo "skip fuzz fmt: build/fuzz/fuzz_fmt is not built (make fuzz builds it)" | tee -a "$results"
	fi
	if [ -x build/fuzz/fuzz_state ]; then
		seeds=$(mktemp -d)
		sh tests/fuzz/state_seeds.sh "$seeds"
		fuzz state "state, journal, HTTP answers, variable values" "$ssecs" "$seeds"/*
		rm -rf "$seeds"
	else
		echo "skip fuzz state: build/fuzz/fuzz_state is not built (make fuzz builds it)" | tee -a "$results"
	fi
elif [ -z "$NOFUZZ" ] && [ -z "$SUITES" ]; then
	echo "== fuzz run skipped: build/fuzz/fuzz_parse is not built (make check builds it; it needs clang's libFuzzer)"
fi
passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^FAIL ' "$results")
skipped=$(grep -c '^skip ' "$results")
[ "$skipped" -gt 0 ] && echo "($skipped skipped; the lines above say why)"
echo "== done in $(since "$t_start")s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
