#!/usr/bin/env bash
# Benchmarks of issue #2's targets. Not a test: run by hand (make bench) and
# copy the table into BENCHMARKS.md with the machine it ran on.
#   ingest:  `cerberus log` of N generated conversations (target >= 20,000/s)
#   stats, progress over BIG conversations (target < 1 s each)
#   export of BIG conversations (target < 20 s)
# with the peak resident memory of each command. Sizes: BENCH_N (100000),
# BENCH_BIG (1000000; 0 skips the big store).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
N=${BENCH_N:-100000}
BIG=${BENCH_BIG:-1000000}
work=${BENCH_DIR:-bench/out}
rm -rf "$work"; mkdir -p "$work"
export CERBERUS_NOW=2026-11-26T12:00:00Z
unset CERBERUS_KEY CERBERUS_STORE

calc() { awk "BEGIN { print $1 }"; }

# run NAME CMD...: wall seconds and peak RSS (KiB) of CMD
run() {
	local name=$1; shift
	/usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
	read -r secs rss < <(tail -1 "$work/time.txt")
	echo "$name $secs $rss"
}

echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"

"$bin" synth --count "$N" --seed 1 --now "$CERBERUS_NOW" --feedback "$work/fb.jsonl" > "$work/conv.jsonl"
bytes=$(stat -c %s "$work/conv.jsonl")
"$bin" init --store "$work/small.db" > /dev/null
read -r _ secs rss < <(run log "$bin" log -q --store "$work/small.db" "$work/conv.jsonl")
printf '| log %s conversations (%.0f MB) | %s s | %.0f conv/s | %.1f MB/s | %s MiB |\n' "$N" \
	"$(calc "$bytes/1000000")" "$secs" "$(calc "$N/$secs")" "$(calc "$bytes/1000000/$secs")" "$((rss / 1024))"
read -r _ secs rss < <(run feedback "$bin" feedback --store "$work/small.db" --file "$work/fb.jsonl")
printf '| feedback %s ratings | %s s | %.0f ratings/s | | %s MiB |\n' "$(wc -l < "$work/fb.jsonl")" "$secs" \
	"$(calc "$(wc -l < "$work/fb.jsonl")/$secs")" "$((rss / 1024))"
for c in stats progress; do
	read -r _ secs rss < <(run $c "$bin" $c --json --store "$work/small.db")
	printf '| %s over %s | %s s | | | %s MiB |\n' "$c" "$N" "$secs" "$((rss / 1024))"
done
read -r _ secs rss < <(run export "$bin" export --store "$work/small.db" --out "$work/ds-small")
printf '| export of %s | %s s | | | %s MiB |\n' "$N" "$secs" "$((rss / 1024))"

if [ "$BIG" -gt 0 ]; then
	"$bin" init --store "$work/big.db" > /dev/null
	# BIG conversations in chunks (the generator's index makes ids unique)
	"$bin" synth --count "$BIG" --seed 2 --now "$CERBERUS_NOW" --feedback "$work/fb-big.jsonl" > "$work/big.jsonl"
	read -r _ secs rss < <(run logbig "$bin" log -q --store "$work/big.db" "$work/big.jsonl")
	printf '| log %s conversations | %s s | %.0f conv/s | | %s MiB |\n' "$BIG" "$secs" "$(calc "$BIG/$secs")" "$((rss / 1024))"
	"$bin" feedback --store "$work/big.db" --file "$work/fb-big.jsonl" 2> /dev/null || true
	rm -f "$work/big.jsonl"
	for c in stats progress; do
		read -r _ secs rss < <(run ${c}big "$bin" $c --json --store "$work/big.db")
		printf '| %s over %s | %s s | | | %s MiB |\n' "$c" "$BIG" "$secs" "$((rss / 1024))"
	done
	read -r _ secs rss < <(run exportbig "$bin" export --store "$work/big.db" --out "$work/ds-big")
	printf '| export of %s (%s examples) | %s s | | | %s MiB |\n' "$BIG" \
		"$(( $(wc -l < "$work/ds-big/train.jsonl") + $(wc -l < "$work/ds-big/validation.jsonl") ))" "$secs" "$((rss / 1024))"
	echo "# store size: $(du -h "$work/big.db" | cut -f1)"
fi
