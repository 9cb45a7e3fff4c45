#!/usr/bin/env bash
# Run every tests/e2e/t_*.sh against $CERBERUS_BIN; each file gets a fresh
# temporary directory. E2E_ONLY=serve runs only t_*serve*.sh. Prints "e2e: N passed, N failed" and writes the
# counts beside the binary (e2e.tally) for tests/run.sh.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CERBERUS=${CERBERUS_BIN:-$ROOT/build/cerberus}
export ROOT CERBERUS
export CERBERUS_NOW=2026-11-25T18:00:00Z
unset CERBERUS_KEY CERBERUS_STORE CERBERUS_KEY_FILE
E2E_PASS=0 E2E_FAIL=0
source "$ROOT/tests/e2e/lib.sh"
# sanitizer reports go to files, so that one in a command whose exit status
# a test does not look at still fails the run
san=$(mktemp -d /tmp/cerberus-san.XXXXXX)
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$san/asan"
[ -n "${UBSAN_OPTIONS:-}" ] && export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$san/ubsan"
# E2E_ONLY=pattern runs only the files whose name contains it (development).
for f in "$ROOT"/tests/e2e/t_*.sh; do
	E2E_FILE=$(basename "$f")
	case "$E2E_FILE" in *"${E2E_ONLY:-}"*) ;; *) continue ;; esac
	T=$(mktemp -d /tmp/cerberus-e2e.XXXXXX)
	before=$E2E_FAIL
	(cd "$T" && source "$f"; echo "$E2E_PASS $E2E_FAIL" > "$T/.tally")
	if [ -f "$T/.tally" ]; then read -r E2E_PASS E2E_FAIL < "$T/.tally"; else E2E_FAIL=$((E2E_FAIL + 1)); fi
	[ "$E2E_FAIL" -eq "$before" ] && echo "e2e $E2E_FILE: ok" || echo "e2e $E2E_FILE: FAILED"
	rm -rf "$T"
done
if ls "$san"/* > /dev/null 2>&1; then
	E2E_FAIL=$((E2E_FAIL + 1))
	echo "e2e: sanitizer reports:"; head -50 "$san"/*
fi
rm -rf "$san"
echo "e2e: $E2E_PASS passed, $E2E_FAIL failed"
echo "$E2E_PASS $E2E_FAIL" > "$(dirname "$CERBERUS")/e2e.tally"
[ "$E2E_FAIL" -eq 0 ]
