#!/usr/bin/env bash
# Benchmark of issue #5: `cerberus export` with dedup and every filter on
# generated stores of growing size (BENCH_SIZES, default "100000 1000000";
# target for 1,000,000: < 60 s and < 2 GB peak memory). The data has 5%
# exact duplicates and 5% near duplicates (synth --dup-rate, --near-dup-rate).
# Prints one table row per size: wall seconds, user seconds, peak RSS, and
# what was removed. Not a test: run by hand and copy the rows to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
SIZES=${BENCH_SIZES:-"100000 1000000"}
work=${BENCH_DIR:-bench/out-curate}
mkdir -p "$work"
export CERBERUS_NOW=2026-11-26T12:00:00Z
unset CERBERUS_KEY CERBERUS_STORE

echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| conversations | export wall | user | peak RSS | candidates | filtered | exact dups | near dups | prompt cap | val overlap | train | validation |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
	db=$work/store-$n.db
	if [ ! -f "$db" ]; then
		# the store is kept between runs: building it is not what is measured
		"$bin" init --store "$db" > /dev/null
		"$bin" synth --count "$n" --seed 2 --dup-rate 0.05 --near-dup-rate 0.05 --now "$CERBERUS_NOW" \
			--feedback "$work/fb-$n.jsonl" | "$bin" log -q --store "$db" - 2> /dev/null || true
		"$bin" feedback --store "$db" --file "$work/fb-$n.jsonl" > /dev/null 2>&1 || true
		rm -f "$work/fb-$n.jsonl"
	fi
	rm -rf "$work/ds-$n"
	/usr/bin/time -f '%e %U %M' -o "$work/time.txt" "$bin" export --store "$db" --out "$work/ds-$n" --no-progress \
		> "$work/export-$n.out"
	read -r secs user rss < "$work/time.txt"
	python3 - "$work/ds-$n/manifest.json" "$n" "$secs" "$user" "$rss" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); c = m["counts"]; r = c["removed"]
n, secs, user, rss = sys.argv[2:6]
print(f"| {int(n):,} | {secs} s | {user} s | {int(rss)//1024} MiB | {c['candidates']:,} | {r['filters']:,} | "
      f"{r['exact_duplicates']:,} | {r['near_duplicates']:,} | {r['prompt_cap']:,} | {r['validation_overlap']:,} | "
      f"{c['train']:,} | {c['validation']:,} |")
PY
done
