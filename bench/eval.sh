#!/usr/bin/env bash
# Benchmark of issue #7: `cerberus eval bleu` over BENCH_BLEU_N sentence pairs
# (100,000) and `cerberus eval codebleu --lang python` over BENCH_CODE_N
# one-line Python function pairs (10,000), against the reference
# implementations on the same input in the same run when they are present:
#   SACREBLEU_DIR   a sacreBLEU source tree (default /tmp/sacrebleu), run with
#                   SACREBLEU_PYTHON (default /usr/bin/python3)
#   CODEBLEU_REF    a command that runs the CodeXGLUE evaluator:
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
# secs CMD...: wall seconds of CMD (stdout to $work/last.out)
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" > "$work/last.out" 2> "$work/last.err"
	t1=$(date +%s.%N)
	calc "$t1 - $t0"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  date: $(date -u +%FT%TZ)"
python3 bench/gen_eval.py "$work" "$N" "$M"
echo "# inputs: $N sentence pairs ($(du -h "$work/bleu.hyp" | cut -f1)), $M Python function pairs ($(du -h "$work/code.hyp" | cut -f1))"

best() {  # best of 3 runs
	local b=999999 t
	for _ in 1 2 3; do t=$(secs "$@"); b=$(calc "($t < $b) ? $t : $b"); done
	echo "$b"
}

t=$(best "$bin" eval bleu --hyp "$work/bleu.hyp" --ref "$work/bleu.ref")
cline=$(head -1 "$work/last.out")
echo "bleu cerberus: ${t}s $(calc "int($N / $t)") lines/s, peak RSS $(rss "$bin" eval bleu --hyp "$work/bleu.hyp" --ref "$work/bleu.ref") KiB"
echo "  $cline"
t=$(best "$bin" eval chrf --hyp "$work/bleu.hyp" --ref "$work/bleu.ref")
echo "chrf cerberus: ${t}s $(calc "int($N / $t)") lines/s  $(head -1 "$work/last.out")"
if [ -d "$SACREBLEU_DIR/sacrebleu" ]; then
	ts=$(secs env PYTHONPATH="$SACREBLEU_DIR" "$PY" -m sacrebleu "$work/bleu.ref" -i "$work/bleu.hyp" -f text)
	echo "bleu sacreBLEU: ${ts}s $(calc "int($N / $ts)") lines/s"
	echo "  $(head -1 "$work/last.out")"
	echo "bleu speed-up: $(calc "$ts / $t")x (target >= 50x)" | sed 's/^/  /'
else
	echo "bleu sacreBLEU: not found at $SACREBLEU_DIR (set SACREBLEU_DIR)"
fi

t=$(best "$bin" eval codebleu --lang python --hyp "$work/code.hyp" --ref "$work/code.ref")
echo "codebleu cerberus: ${t}s $(calc "int($M / $t)") pairs/s, peak RSS $(rss "$bin" eval codebleu --lang python --hyp "$work/code.hyp" --ref "$work/code.ref") KiB"
echo "  $(head -1 "$work/last.out")"
if [ -n "${CODEBLEU_REF:-}" ]; then
	tr=$(secs $CODEBLEU_REF python "$work/code.hyp" "$work/code.ref")
	echo "codebleu reference: ${tr}s $(calc "int($M / $tr)") pairs/s"
	echo "  $(tail -1 "$work/last.out")"
	echo "  codebleu speed-up: $(calc "$tr / $t")x (target >= 20x)"
else
	echo "codebleu reference: not run (set CODEBLEU_REF)"
fi
