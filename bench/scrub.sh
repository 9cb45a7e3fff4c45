#!/usr/bin/env bash
# Benchmark of issue #3's targets. Not a test: run by hand and copy the
# table into BENCHMARKS.md with the machine it ran on.
#   `cerberus scrub` on mixed developer text, one core (taskset), at 10 MB,
#   100 MB and 1 GB (target >= 200 MB/s, linear in size)
#   `cerberus log` of N generated conversations with the full rule set
#   (foundation target >= 20,000 conv/s)
# The text: generated conversations plus the evaluation corpus (see below),
# concatenated to size. Wall time is the best of 3 runs; CPU time (user +
# sys) is shown too, since the machine may be shared. The 1 GB file is written to $TMPDIR and
# removed at the end; BENCH_SCRUB_GB=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
work=$(mktemp -d "${TMPDIR:-/tmp}/cerberus-bench-scrub.XXXXXX")
trap 'rm -rf "$work"' EXIT
N=${BENCH_N:-100000}
GB=${BENCH_SCRUB_GB:-1}
core=${BENCH_CORE:-0}
export CERBERUS_NOW=2026-11-26T12:00:00Z
unset CERBERUS_KEY CERBERUS_STORE

calc() { awk "BEGIN { print $1 }"; }

echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"

# the base text (~10 MB): 9 parts generated conversations (`cerberus synth`:
# questions, code, stack traces, configs, answers; some carry PII), 1 part
# the labelled evaluation corpus (dense with secrets and hard negatives)
"$bin" synth --count 4500 --seed 7 --now "$CERBERUS_NOW" > "$work/syn.jsonl"
python3 tools/scrub_corpus.py --out "$work/c" --per-type 10 --negatives 1000 --seed 7 2> /dev/null
base=$work/base.txt
cat "$work/syn.jsonl" "$work/c/corpus.txt" > "$base"
# grow to size by concatenation (doubling), then cut at the exact size
grow() {
	local want=$1 out=$2
	cp "$base" "$out"
	while [ "$(stat -c %s "$out")" -lt "$want" ]; do cat "$out" "$out" > "$out.tmp"; mv "$out.tmp" "$out"; done
	truncate -s "$want" "$out"
}

echo "| input | bytes | findings | wall s | CPU s | MB/s by wall | MB/s by CPU |"
echo "|---|---|---|---|---|---|---|"
sizes="10 100"
[ "$GB" -gt 0 ] && sizes="$sizes 1000"
for mb in $sizes; do
	f=$work/in-$mb.txt
	grow $((mb * 1000 * 1000)) "$f"
	cat "$f" > /dev/null   # warm the page cache
	best= cpu=
	for rep in 1 2 3; do
		s=$(date +%s.%N)
		/usr/bin/time -f '%U %S' -o "$work/t.txt" taskset -c "$core" "$bin" scrub "$f" > /dev/null
		e=$(date +%s.%N)
		t=$(calc "$e - $s")
		c=$(awk '{print $1 + $2}' "$work/t.txt")
		if [ -z "$best" ] || [ "$(calc "($t < $best) ? 1 : 0")" = 1 ]; then best=$t; fi
		if [ -z "$cpu" ] || [ "$(calc "($c < $cpu) ? 1 : 0")" = 1 ]; then cpu=$c; fi
		[ "$mb" -ge 1000 ] && break
	done
	n=$("$bin" scrub --json "$base" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
	per=$(calc "$n * $mb * 1000000 / $(stat -c %s "$base")")
	printf '| %s MB mixed text | %s | ~%.0f | %.2f | %.2f | %.0f | %.0f |\n' "$mb" "$(stat -c %s "$f")" "$per" "$best" "$cpu" \
		"$(calc "$mb / $best")" "$(calc "$mb / $cpu")"
	rm -f "$f"
done

# pathological inputs: 100 MB of one repeated unit, one core
echo
echo "| pathological 100 MB | wall s | MB/s |"
echo "|---|---|---|"
for unit in 'a' '1' '1 ' ':' '1.' 'ab:' 'a@' '-'; do
	python3 -c "import sys; u=sys.argv[1].encode(); sys.stdout.buffer.write((u * (100_000_000 // len(u) + 1))[:100_000_000])" "$unit" > "$work/p.txt"
	s=$(date +%s.%N); taskset -c "$core" "$bin" scrub "$work/p.txt" > /dev/null; e=$(date +%s.%N)
	printf '| `%s` repeated | %.2f | %.0f |\n' "$unit" "$(calc "$e - $s")" "$(calc "100 / ($e - $s)")"
done
rm -f "$work/p.txt"

# ingest with the full rule set (all cores, as `cerberus log` runs)
"$bin" synth --count "$N" --seed 1 --now "$CERBERUS_NOW" > "$work/conv.jsonl"
"$bin" init --store "$work/s.db" > /dev/null
s=$(date +%s.%N); "$bin" log -q --store "$work/s.db" "$work/conv.jsonl" 2> /dev/null; e=$(date +%s.%N)
echo
printf '| log %s conversations | %.2f s | %.0f conv/s |\n' "$N" "$(calc "$e - $s")" "$(calc "$N / ($e - $s)")"
