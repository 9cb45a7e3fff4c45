#!/usr/bin/env bash
# Run one build's tests: every Criterion unit binary, then the end-to-end
# scripts against that build's binary. Prints "N passed, N failed" per part
# and appends totals to $CERBERUS_TALLY when set.
set -u
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0 failed=0

for t in "$root/$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" --jobs 2 2>&1)
	st=$?
	line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -1)
	p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
	p=${p:-0}; set -- ${f:-1 0}; f=$(( $1 + $2 ))
	if [ $st -ne 0 ] && [ $f -eq 0 ]; then f=1; fi
	if [ $f -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^\[----\]' | tail -40
	fi
	printf 'unit %-28s %s\n' "$(basename "$t"):" "$line"
	passed=$((passed + p)); failed=$((failed + f))
done

CERBERUS_BIN="$root/$build/cerberus" bash "$root/tests/e2e/run.sh"
e2e=$?
if [ -f "$root/$build/e2e.tally" ]; then
	read -r ep ef < "$root/$build/e2e.tally"
	passed=$((passed + ep)); failed=$((failed + ef))
elif [ $e2e -ne 0 ]; then
	failed=$((failed + 1))
fi

echo "$build: $passed passed, $failed failed"
[ -n "${CERBERUS_TALLY:-}" ] && echo "$passed $failed" >> "$CERBERUS_TALLY"
[ $failed -eq 0 ]
