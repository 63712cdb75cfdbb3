#!/bin/sh
# runner.sh - what `make check` shows while it runs (tests/run.sh), on a made-up tree of
# three suites (one passing, one failing, one skipped) and a sanitizer build: a heading
# per pass, one line per suite as it finishes (name, passed/failed, seconds), the FAIL
# lines with their details, skipped suites with their reason, and the final count.
. "$TOP/tests/lib.sh"

cd "$WORK" || exit 1
unset SUITES NOSAN NOFUZZ VERBOSE UPDATE
mkdir -p fake/tests/suites fake/build/san || exit 1
cp "$TOP/tests/run.sh" fake/tests/run.sh
for b in build build/san; do
	printf '#!/bin/sh\nexit 0\n' >"fake/$b/litehcl"
	chmod +x "fake/$b/litehcl"
done
cat >fake/tests/suites/alpha.sh <<'EOF'
echo "ok one"
echo "ok two"
EOF
cat >fake/tests/suites/beta.sh <<'EOF'
echo "ok one"
echo "FAIL two"
echo "    the detail of two"
sleep 0.2
EOF
cat >fake/tests/suites/gamma.sh <<'EOF'
echo "skip gamma: the thing it needs is not installed (apt-get install thing)"
EOF
(cd fake && NOFUZZ=1 sh tests/run.sh >../out.txt 2>&1); rc=$?
[ $rc -eq 1 ] && ok "a failure makes the run exit 1" || fail "a failure makes the run exit 1" "exit $rc"
# seconds vary: normalise them
sed -E 's/ +[0-9]+\.[0-9]s$/ T/; s/done in [0-9.]+s/done in T/' out.txt >norm.txt
cat >want.txt <<'EOF'
== plain build (build/): 3 suites and the unit tests
  alpha                            2 passed T
FAIL beta: two
    the detail of two
  beta                             1 passed, 1 FAILED T
  gamma                        skipped: the thing it needs is not installed (apt-get install thing)
== sanitizer pass (build/san, clang ASan/UBSan): the same suites again, about 2-3 times slower
  [san] alpha                      2 passed T
FAIL [san] beta: two
    the detail of two
  [san] beta                       1 passed, 1 FAILED T
  [san] gamma                  skipped: the thing it needs is not installed (apt-get install thing)
(2 skipped; the lines above say why)
== done in T
6 passed, 2 failed
EOF
same "progress: a line per suite, failures, skips, passes" want.txt norm.txt
# the seconds are real: beta sleeps 0.2 s
awk '$1 == "beta" { t = $NF; sub(/s$/, "", t); exit !(t >= 0.2) }' out.txt &&
	ok "a suite's line carries its time" || fail "a suite's line carries its time" "$(grep beta out.txt)"
(cd fake && NOSAN=1 NOFUZZ=1 SUITES=alpha sh tests/run.sh >../out2.txt 2>&1); rc=$?
[ $rc -eq 0 ] && head -1 out2.txt | grep -q '^== plain build (build/): suites alpha$' &&
	ok "SUITES= names the suites it runs" || fail "SUITES= names the suites it runs" "$(cat out2.txt)"
rm -rf fake/build/san
(cd fake && NOFUZZ=1 SUITES=alpha sh tests/run.sh >../out3.txt 2>&1)
grep -q '^== sanitizer pass skipped: build/san/litehcl is not built' out3.txt &&
	ok "a missing sanitizer build is said, not silently skipped" ||
	fail "a missing sanitizer build is said, not silently skipped" "$(cat out3.txt)"
(cd fake && NOSAN=1 sh tests/run.sh >../out4.txt 2>&1)
grep -q '^== fuzz run skipped: build/fuzz/fuzz_parse is not built' out4.txt &&
	ok "a missing fuzz target is said" || fail "a missing fuzz target is said" "$(cat out4.txt)"
