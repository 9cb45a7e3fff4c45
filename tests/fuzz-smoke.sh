#!/usr/bin/env bash
# Build every libFuzzer driver and run each for a few seconds from its seed
# corpus (fuzz/corpus/NAME when present). A crash fails the run and leaves
# the reproducer in build-fuzz/.
set -u
secs=${1:-10}
cd "$(dirname "$0")/.."
make -s -j"$(nproc 2>/dev/null || echo 2)" fuzz || { echo "1 1" >> "${CERBERUS_TALLY:-/dev/null}"; exit 1; }
passed=0 failed=0
for f in build-fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=build-fuzz/corpus-$name
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	dict=
	[ -f "fuzz/$name.dict" ] && dict=-dict=../fuzz/$name.dict
	if (cd build-fuzz && "./$name" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 $dict "corpus-$name" >"$name.log" 2>&1); then
		runs=$(grep -o 'Done [0-9]* runs' "build-fuzz/$name.log" | tail -1)
		echo "fuzz $name: ok (${runs:-?} in ${secs}s)"
		passed=$((passed + 1))
	else
		echo "fuzz $name: FAILED"; tail -30 "build-fuzz/$name.log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ -n "${CERBERUS_TALLY:-}" ] && echo "$passed $failed" >> "$CERBERUS_TALLY"
[ $failed -eq 0 ]
