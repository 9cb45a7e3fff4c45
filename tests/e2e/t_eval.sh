# eval: BLEU, chrF and CodeBLEU through the CLI; published values, options,
# JSON, and bad input (line counts, invalid UTF-8, empty and huge lines,
# unparseable code, usage errors).
printf 'The dog bit the man.\nIt wasn'"'"'t surprising.\nThe man had just bitten him.\n' > hyp.txt
printf 'The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n' > r1.txt
printf 'The dog had bit the man.\r\nNo one was surprised.\r\nThe man had bitten the dog.' > r2.txt
"$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --ref r2.txt > b.txt; eq "bleu exit" $? 0
contains "published vector" b.txt "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)"
contains "signature" b.txt "signature: nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"
"$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --ref r2.txt --json > b.json
near "json score" "$(jget b.json score)" 48.530827009929865
eq "json hyp_len" "$(jget b.json hyp_len)" 17
eq "json counts" "$(jget b.json counts 0)" 14.0
"$CERBERUS" eval bleu --hyp - --ref r1.txt --sentence < hyp.txt > s.txt
eq "sentence lines" "$(grep -c '^BLEU = ' s.txt)" 3
contains "sentence signature" s.txt "eff:yes"
"$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --sentence --json > s.jsonl
eq "sentence json lines" "$(wc -l < s.jsonl)" 3
"$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --tokenize char --smooth floor --smooth-value 0.2 --lowercase > o.txt
contains "options in signature" o.txt "case:lc|eff:no|tok:char|smooth:floor[0.20]"
"$CERBERUS" eval chrf --hyp hyp.txt --ref r1.txt --ref r2.txt > c.txt
contains "chrF++" c.txt "chrF2++ = 59.15"
"$CERBERUS" eval chrf --hyp hyp.txt --ref r1.txt --word-order 0 > c0.txt
contains "chrF" c0.txt "nw:0"

# bad input
printf 'one\ntwo\n' > two.txt
"$CERBERUS" eval bleu --hyp hyp.txt --ref two.txt 2> lc.txt; eq "line counts exit" $? 1
contains "line counts said" lc.txt "'hyp.txt' has 3 lines but 'two.txt' has 2"
printf 'ok\nbad \xff byte\n' > bad.txt
"$CERBERUS" eval bleu --hyp bad.txt --ref two.txt 2> u.txt; eq "invalid utf-8 exit" $? 1
contains "invalid utf-8 located" u.txt "bad.txt:2: invalid UTF-8"
: > empty.txt
"$CERBERUS" eval bleu --hyp empty.txt --ref empty.txt > e.txt; eq "empty files exit" $? 0
contains "empty files score 0" e.txt "BLEU = 0.00"
printf '\n\nx\n' > blank.txt; printf '\na\n\n' > blank2.txt
"$CERBERUS" eval bleu --hyp blank.txt --ref blank2.txt --json > bl.json; eq "empty lines exit" $? 0
eq "empty lines ref_len" "$(jget bl.json ref_len)" 1
"$CERBERUS" eval chrf --hyp blank.txt --ref blank2.txt > /dev/null; eq "chrf empty lines" $? 0
python3 -c 'print("word " * 300000)' > huge.txt
"$CERBERUS" eval bleu --hyp huge.txt --ref huge.txt > h.txt; eq "huge line exit" $? 0
contains "huge line scores 100" h.txt "BLEU = 100.00"
status 1 "missing file" "$CERBERUS" eval bleu --hyp nope.txt --ref r1.txt
status 2 "no ref" "$CERBERUS" eval bleu --hyp hyp.txt
status 2 "no hyp" "$CERBERUS" eval bleu --ref hyp.txt
status 2 "unknown metric" "$CERBERUS" eval rouge --hyp hyp.txt --ref r1.txt
status 2 "unknown tokenizer" "$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --tokenize zh
status 2 "unknown smoothing" "$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --smooth lots
status 2 "no metric" "$CERBERUS" eval
check "help" "$CERBERUS" eval --help
check "help via help" "$CERBERUS" help eval

# CodeBLEU
echo 'public static int Sign ( double d ) { return ( int ) ( ( d == 0 ) ? 0 : ( d < 0 ) ? -1 : 1 ) ; }' > jr.txt
echo 'public static int Sign ( double d ) { return ( float ) ( ( d == 0 ) ? 0 : ( c < 0.0 ) ? -1 : 1 ) ; }' > jh.txt
"$CERBERUS" eval codebleu --lang java --hyp jh.txt --ref jr.txt > cb.txt; eq "codebleu exit" $? 0
contains "published CodeBLEU" cb.txt "CodeBLEU = 0.7019"
contains "components printed" cb.txt "syntax = 0.5789 [11/19] dataflow = 0.6667 [2/3]"
contains "grammar in signature" cb.txt "grammar:tree-sitter-java@0.21.0"
"$CERBERUS" eval codebleu --lang java --hyp jh.txt --ref jr.txt --weights 1,0,0,0 --json > cb.json
near "weights" "$(jget cb.json score)" "$(jget cb.json ngram_match)"
echo 'pass' > p.txt
"$CERBERUS" eval codebleu --lang python --hyp p.txt --ref p.txt --dataflow-zero one --json > z.json 2> z.err
contains "no data flow said" z.err "no data flow in the references"
near "zero counted as one" "$(jget z.json score)" "$(python3 -c "import json; d=json.load(open('z.json')); print(0.25*(d['ngram_match']+d['weighted_ngram_match']+d['syntax_match']+1))")"
printf 'def f ( x ) : return x +\n)))) (((\n' > broken.txt
printf 'def f ( x ) : return x + 1\ny = f ( 2 )\n' > good.txt
"$CERBERUS" eval codebleu --lang python --hyp broken.txt --ref good.txt > br.txt 2> br.err; eq "unparseable exit" $? 0
contains "parse errors reported" br.err "syntax errors (first on line 1)"
contains "still scored" br.txt "CodeBLEU = "
for l in python javascript java go c cpp c_sharp php ruby rust; do
	"$CERBERUS" eval codebleu --lang $l --hyp good.txt --ref broken.txt > /dev/null 2>&1; eq "codebleu $l runs" $? 0
done
"$CERBERUS" eval codebleu --lang python --hyp bad.txt --ref two.txt 2> cu.txt; eq "codebleu invalid utf-8" $? 1
status 2 "codebleu unknown lang" "$CERBERUS" eval codebleu --lang cobol --hyp p.txt --ref p.txt
status 2 "codebleu no lang" "$CERBERUS" eval codebleu --hyp p.txt --ref p.txt
status 2 "bad weights" "$CERBERUS" eval codebleu --lang python --hyp p.txt --ref p.txt --weights 1,2,3
status 2 "bad dataflow-zero" "$CERBERUS" eval codebleu --lang python --hyp p.txt --ref p.txt --dataflow-zero two

# threads: the same output whatever --jobs says (blocks are added in order)
python3 -c "
import random
r = random.Random(5)
w = 'def x y return if for in range total = + - ( ) : ,'.split()
for i in range(3000):
    print(' '.join(r.choice(w) for _ in range(r.randint(0, 30))))" > many.txt
sort -R --random-source=many.txt many.txt > many2.txt
for m in bleu chrf; do
	"$CERBERUS" eval $m --hyp many.txt --ref many2.txt --json --jobs 1 > j1.json
	"$CERBERUS" eval $m --hyp many.txt --ref many2.txt --json --jobs 3 > j3.json
	eq "$m jobs 1 = jobs 3" "$(cmp -s j1.json j3.json && echo same)" same
done
head -300 many.txt > c1.txt; head -300 many2.txt > c2.txt
"$CERBERUS" eval codebleu --lang python --hyp c1.txt --ref c2.txt --json --jobs 1 > k1.json 2>/dev/null
"$CERBERUS" eval codebleu --lang python --hyp c1.txt --ref c2.txt --json --jobs 4 > k4.json 2>/dev/null
eq "codebleu jobs 1 = jobs 4" "$(cmp -s k1.json k4.json && echo same)" same
status 2 "bad jobs" "$CERBERUS" eval bleu --hyp hyp.txt --ref r1.txt --jobs 0

# --jsonl: a segment per JSON string, so code can span lines
python3 -c '
import json
ref = ["def mean(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n",
       "def is_even(n):\n    return n % 2 == 0\n"]
hyp = ["def mean(values):\n    s = 0\n    for v in values:\n        s = s + v\n    return s / len(values)\n",
       "def is_even(n):\n    return n % 2 == 0\n"]
open("ref.jsonl", "w").write("".join(json.dumps(x) + "\n" for x in ref))
open("hyp.jsonl", "w").write("".join(json.dumps(x) + "\r\n" for x in hyp))
open("one.txt", "w").write("the cat sat on the mat\n")
open("one.jsonl", "w").write(json.dumps("the cat sat on the mat") + "\n")'
"$CERBERUS" eval codebleu --lang python --jsonl --hyp ref.jsonl --ref ref.jsonl > jl-same.txt 2> jl-same.err
eq "jsonl: identical multi-line code" $? 0
contains "jsonl: identical code scores 1" jl-same.txt "CodeBLEU = 1.0000"
contains "jsonl: multi-line code parses (whole trees)" jl-same.txt "syntax = 1.0000 [21/21]"
lacks "jsonl: no syntax errors" jl-same.err "syntax errors"
"$CERBERUS" eval codebleu --lang python --jsonl --hyp hyp.jsonl --ref ref.jsonl > jl-diff.txt 2>&1
eq "jsonl: CRLF lines" $? 0
lacks "jsonl: renamed code is not a perfect match" jl-diff.txt "CodeBLEU = 1.0000"
"$CERBERUS" eval bleu --hyp one.txt --ref one.txt --json > plain.json
"$CERBERUS" eval bleu --jsonl --hyp one.jsonl --ref one.jsonl --json > jl.json
eq "jsonl: a one-line segment scores as the plain line" "$(jget jl.json score)" "$(jget plain.json score)"
printf '"a"\n42\n' > jl-bad1.jsonl
"$CERBERUS" eval bleu --jsonl --hyp jl-bad1.jsonl --ref jl-bad1.jsonl 2> jl-bad1.err; eq "jsonl: a number" $? 1
contains "jsonl: line named" jl-bad1.err "jl-bad1.jsonl:2: expected a JSON string"
printf '"a\n' > jl-bad2.jsonl
status 1 "jsonl: truncated string" "$CERBERUS" eval bleu --jsonl --hyp jl-bad2.jsonl --ref jl-bad2.jsonl
printf '"a" "b"\n' > jl-bad3.jsonl
status 1 "jsonl: two values on a line" "$CERBERUS" eval bleu --jsonl --hyp jl-bad3.jsonl --ref jl-bad3.jsonl
printf '"\377"\n' > jl-bad4.jsonl
"$CERBERUS" eval bleu --jsonl --hyp jl-bad4.jsonl --ref jl-bad4.jsonl 2> jl-bad4.err; eq "jsonl: invalid UTF-8" $? 1
contains "jsonl: invalid UTF-8 named" jl-bad4.err "invalid UTF-8"
printf '"x\\u0000y"\n' > jl-bad5.jsonl
status 1 "jsonl: NUL escape" "$CERBERUS" eval bleu --jsonl --hyp jl-bad5.jsonl --ref jl-bad5.jsonl
# multi-line code (--jsonl) against the CodeXGLUE evaluator: rows, columns
# and tokens spanning rows (a triple-quoted string), non-ASCII lines
G=$ROOT/tests/golden/codebleu-multiline
"$CERBERUS" eval codebleu --lang python --jsonl --hyp "$G/hyp.jsonl" --ref "$G/ref.jsonl" --json > ml.json
eq "multi-line golden runs" $? 0
for k in ngram_match weighted_ngram_match syntax_match dataflow_match score; do
	near "multi-line golden $k" "$(jget ml.json $k)" "$(jget "$G/expected.json" $k)"
done
for l in java javascript go; do
	"$CERBERUS" eval codebleu --lang $l --jsonl --hyp "$G/$l.hyp.jsonl" --ref "$G/$l.ref.jsonl" --json > ml-$l.json
	for k in ngram_match weighted_ngram_match syntax_match dataflow_match score; do
		near "multi-line golden $l $k" "$(jget ml-$l.json $k)" "$(jget "$G/expected-langs.json" $l $k)"
	done
done
