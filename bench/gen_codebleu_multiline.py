#!/usr/bin/env python3
# Generate 10,000 (hypothesis, reference) pairs of valid multi-line Python
# functions as JSON Lines (one JSON string per line, for `eval --jsonl`):
# the reference is a fixed template per index, the hypothesis renames
# variables and changes constants and the return expression at random.
# Usage: gen_codebleu_multiline.py OUTDIR  (writes ref.jsonl and hyp.jsonl)
import json, os, random, sys
r = random.Random(7)
names = ["items","values","data","rows","records","nums","xs","entries"]
fns = ["total","mean","count_even","max_value","clean","normalize","dedupe","find_first"]
def func(k, rnd, perturb):
    v = rnd.choice(names) if perturb else names[k % len(names)]
    acc = "acc" if not perturb or rnd.random() < 0.5 else "result"
    f = fns[k % len(fns)]
    thr = k % 10 if not perturb or rnd.random() < 0.6 else k % 10 + 1
    body = [f"def {f}_{k}({v}, limit={thr}):",
            f"    {acc} = 0",
            f"    for i, x in enumerate({v}):",
            f"        if x > limit and i % 2 == 0:",
            f"            {acc} += x * {k % 7 + 1}",
            f"        elif x < 0:",
            f"            continue",
            f"    return {acc}" if not perturb or rnd.random() < 0.7 else f"    return {acc} / max(1, len({v}))"]
    if k % 3 == 0:
        body.insert(1, f'    """Sum the items of {v} over the limit."""')
    return "\n".join(body) + "\n"
with open(os.path.join(sys.argv[1], "ref.jsonl"), "w") as fr, open(os.path.join(sys.argv[1], "hyp.jsonl"), "w") as fh:
    for k in range(10000):
        fr.write(json.dumps(func(k, r, False)) + "\n")
        fh.write(json.dumps(func(k, r, True)) + "\n")
