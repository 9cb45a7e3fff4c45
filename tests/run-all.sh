#!/usr/bin/env bash
# Everything `make test` runs: the normal build's unit and end-to-end tests,
# the same under ASan+UBSan, and a short libFuzzer run of every parser.
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
tally=$(mktemp)
export CERBERUS_TALLY=$tally
status=0

echo "== build and test (release) =="
make -s -j"$jobs" all unit-bin || status=1
[ $status -eq 0 ] && { make -s check || status=1; }

echo "== build and test (ASan + UBSan) =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if make -s -j"$jobs" SANITIZE=1 all unit-bin; then
	make -s SANITIZE=1 check || status=1
else
	status=1; echo "1 1" >> "$tally"
fi

echo "== fuzz smoke (libFuzzer) =="
bash tests/fuzz-smoke.sh "${CERBERUS_FUZZ_SECONDS:-10}" || status=1

passed=0 failed=0
while read -r p f; do passed=$((passed + p)); failed=$((failed + f)); done < "$tally"
rm -f "$tally"
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1
echo "total: $passed passed, $failed failed"
exit $status
