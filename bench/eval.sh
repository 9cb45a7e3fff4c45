#!/usr/bin/env bash
# Benchmark of issue #7: `cerberus eval bleu` over BENCH_BLEU_N sentence pairs
# (100,000) and `cerberus eval codebleu --lang python` over BENCH_CODE_N
# one-line Python function pairs (10,000), against the reference
# implementations on the same input in the same run when they are present:
#   SACREBLEU_DIR   a sacreBLEU source tree (default /tmp/sacrebleu), run with
#                   SACREBLEU_PYTHON (default /usr/bin/python3)
#   CODEBLEU_REF    a command that runs the CodeXGLUE evaluator:
#                   (CODEBLEU_REF_JSONL: the same on JSON Lines, for the
#                   multi-line part)
#                   "$CODEBLEU_REF python HYP REF" printing its scores
# Prints wall time, lines per second and the speed-up. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/build/cerberus
N=${BENCH_BLEU_N:-100000}
M=${BENCH_CODE_N:-10000}
work=${BENCH_DIR:-bench/out/eval}
SACREBLEU_DIR=${SACREBLEU_DIR:-/tmp/sacrebleu}
PY=${SACREBLEU_PYTHON:-/usr/bin/python3}
rm -rf "$work"; mkdir -p "$work"; work=$(cd "$work" && pwd)

calc() { awk "BEGIN { print $1 }"; }
# measure CMD...: "WALL CPU" seconds (CPU = user + system) of CMD; stdout to $work/last.out
measure() {
	/usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" > "$work/last.out" 2> "$work/last.err"
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/time.txt"
}
# best CMD...: the run with the least CPU of 3
best() {
	local b="" w c
	for _ in 1 2 3; do
		read -r w c < <(measure "$@")
		if [ -z "$b" ] || awk "BEGIN { exit !($c < ${b#* }) }"; then b="$w $c"; fi
	done
	echo "$b"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
# report NAME N UNIT WALL CPU
report() { echo "$1: wall $4 s, cpu $5 s, $(calc "int($2 / $4)") $3/s wall, $(calc "int($2 / ($5 > 0 ? $5 : 0.01))") $3/s cpu"; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"
python3 bench/gen_eval.py "$work" "$N" "$M"
echo "# inputs: $N sentence pairs ($(du -h "$work/bleu.hyp" | cut -f1)), $M Python function pairs ($(du -h "$work/code.hyp" | cut -f1))"

read -r w c < <(best "$bin" eval bleu --hyp "$work/bleu.hyp" --ref "$work/bleu.ref")
report "bleu cerberus" "$N" lines "$w" "$c"; echo "  $(head -1 "$work/last.out")"
read -r w1 c1 < <(best "$bin" eval bleu --jobs 1 --hyp "$work/bleu.hyp" --ref "$work/bleu.ref")
report "bleu cerberus --jobs 1" "$N" lines "$w1" "$c1"
echo "  peak RSS $(rss "$bin" eval bleu --hyp "$work/bleu.hyp" --ref "$work/bleu.ref") KiB"
read -r wc cc < <(best "$bin" eval chrf --hyp "$work/bleu.hyp" --ref "$work/bleu.ref")
report "chrf cerberus" "$N" lines "$wc" "$cc"; echo "  $(head -1 "$work/last.out")"
if [ -d "$SACREBLEU_DIR/sacrebleu" ]; then
	read -r ws cs < <(measure env PYTHONPATH="$SACREBLEU_DIR" "$PY" -m sacrebleu "$work/bleu.ref" -i "$work/bleu.hyp" -f text)
	report "bleu sacreBLEU" "$N" lines "$ws" "$cs"; echo "  $(head -1 "$work/last.out")"
	echo "  bleu speed-up: $(calc "$ws / $w")x wall, $(calc "$cs / $c1")x cpu at --jobs 1 (target >= 50x)"
else
	echo "bleu sacreBLEU: not found at $SACREBLEU_DIR (set SACREBLEU_DIR)"
fi

read -r w c < <(best "$bin" eval codebleu --lang python --hyp "$work/code.hyp" --ref "$work/code.ref")
report "codebleu cerberus" "$M" pairs "$w" "$c"; echo "  $(head -1 "$work/last.out")"
read -r w1 c1 < <(best "$bin" eval codebleu --jobs 1 --lang python --hyp "$work/code.hyp" --ref "$work/code.ref")
report "codebleu cerberus --jobs 1" "$M" pairs "$w1" "$c1"
echo "  peak RSS $(rss "$bin" eval codebleu --lang python --hyp "$work/code.hyp" --ref "$work/code.ref") KiB"
if [ -n "${CODEBLEU_REF:-}" ]; then
	read -r wr cr < <(measure $CODEBLEU_REF python "$work/code.hyp" "$work/code.ref")
	report "codebleu reference" "$M" pairs "$wr" "$cr"; echo "  $(tail -1 "$work/last.out")"
	echo "  codebleu speed-up: $(calc "$wr / $w")x wall, $(calc "$cr / $c1")x cpu at --jobs 1 (target >= 20x)"
else
	echo "codebleu reference: not run (set CODEBLEU_REF)"
fi

# The same on valid multi-line Python functions (10,000 pairs, `--jsonl`):
# what model outputs look like. CODEBLEU_REF_JSONL runs the evaluator on
# JSON Lines (one JSON string per segment).
python3 bench/gen_codebleu_multiline.py "$work"
read -r w c < <(best "$bin" eval codebleu --lang python --jsonl --hyp "$work/hyp.jsonl" --ref "$work/ref.jsonl")
report "codebleu multi-line cerberus" 10000 pairs "$w" "$c"; echo "  $(head -1 "$work/last.out")"
read -r w1 c1 < <(best "$bin" eval codebleu --jobs 1 --lang python --jsonl --hyp "$work/hyp.jsonl" --ref "$work/ref.jsonl")
report "codebleu multi-line cerberus --jobs 1" 10000 pairs "$w1" "$c1"
if [ -n "${CODEBLEU_REF_JSONL:-}" ]; then
	read -r wr cr < <(measure $CODEBLEU_REF_JSONL python "$work/hyp.jsonl" "$work/ref.jsonl")
	report "codebleu multi-line reference" 10000 pairs "$wr" "$cr"; echo "  $(tail -1 "$work/last.out")"
	echo "  codebleu multi-line speed-up: $(calc "$wr / $w")x wall, $(calc "$cr / $c1")x cpu at --jobs 1 (target >= 20x)"
else
	echo "codebleu multi-line reference: not run (set CODEBLEU_REF_JSONL)"
fi
