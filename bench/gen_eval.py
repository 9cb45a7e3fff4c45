#!/usr/bin/env python3
"""Inputs for bench/eval.sh: N sentence pairs (hyp, ref) for BLEU and M
one-line Python function pairs (CodeXGLUE's tokenized style) for CodeBLEU.
Deterministic for a given seed. Usage: gen_eval.py DIR N M"""
import os, random, sys

out, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(2026)
words = ("the a of to and in is was for on with that by it from at as be this are or have an not but which "
         "were can its their one all also has been more after first new two other when into than out up over "
         "only most some between such years used time world city states people through during government may "
         "under part american many later well national including both where would then area since until "
         "however known while these due each county called school found three team state model data code "
         "function value return error file server request user test build release version").split()
punct = [".", ",", "!", "?", ";", ":", "(", ")", "-", "'s", "\"", "1990", "3.5", "2,000", "%"]


def sentence():
    k = rnd.randint(5, 40)
    w = [rnd.choice(punct) if rnd.random() < 0.1 else rnd.choice(words) for _ in range(k)]
    if rnd.random() < 0.3:
        w[0] = w[0].capitalize()
    return " ".join(w) + "."


def perturb(s, sep=" "):
    w = s.split(sep)
    for _ in range(rnd.randint(0, 6)):
        op = rnd.randint(0, 2)
        if op == 0 and len(w) > 1:
            del w[rnd.randrange(len(w))]
        elif op == 1:
            w.insert(rnd.randrange(len(w) + 1), rnd.choice(words))
        elif len(w) > 1:
            i = rnd.randrange(len(w) - 1)
            w[i], w[i + 1] = w[i + 1], w[i]
    return sep.join(w)


with open(os.path.join(out, "bleu.ref"), "w") as r, open(os.path.join(out, "bleu.hyp"), "w") as h:
    for _ in range(n):
        s = sentence()
        r.write(s + "\n")
        h.write(perturb(s) + "\n")

names = ["total", "count", "items", "value", "result", "data", "index", "key", "node", "path", "size", "left",
         "right", "acc", "buf", "line", "text", "word", "x", "y", "n", "i", "j", "k"]
funcs = ["process", "compute", "merge", "parse", "render", "update", "filter_items", "load", "save", "walk"]


def expr(vs, depth=0):
    r = rnd.random()
    if depth > 2 or r < 0.35:
        return rnd.choice(vs + [str(rnd.randint(0, 99))])
    if r < 0.7:
        return "%s %s %s" % (expr(vs, depth + 1), rnd.choice(["+", "-", "*", "//", "%", "<", ">", "=="]),
                             expr(vs, depth + 1))
    if r < 0.85:
        return "%s ( %s )" % (rnd.choice(["len", "abs", "min", "max", "int", "str"]), expr(vs, depth + 1))
    return "%s [ %s ]" % (rnd.choice(vs), expr(vs, depth + 1))


def statement(vs, depth):
    r = rnd.random()
    if depth < 2 and r < 0.2:
        v = rnd.choice(names)
        body = " ".join(statement(vs + [v], depth + 1) for _ in range(rnd.randint(1, 3)))
        return "for %s in range ( %s ) : %s" % (v, expr(vs), body)
    if depth < 2 and r < 0.35:
        return "if %s : %s else : %s" % (expr(vs), statement(vs, depth + 1), statement(vs, depth + 1))
    if depth < 2 and r < 0.42:
        return "while %s : %s" % (expr(vs), statement(vs, depth + 1))
    v = rnd.choice(vs + [rnd.choice(names)])
    if v not in vs:
        vs.append(v)
    return "%s %s %s" % (v, rnd.choice(["=", "=", "+=", "-="]), expr(vs))


def function():
    params = rnd.sample(names, rnd.randint(1, 4))
    vs = list(params)
    body = " ".join(statement(vs, 0) for _ in range(rnd.randint(3, 10)))
    return "def %s ( %s ) : %s return %s" % (rnd.choice(funcs), " , ".join(params), body, expr(vs))


with open(os.path.join(out, "code.ref"), "w") as r, open(os.path.join(out, "code.hyp"), "w") as h:
    for _ in range(m):
        f = function()
        r.write(f + "\n")
        h.write(perturb(f) + "\n")
