#!/usr/bin/env python3
"""Measure the scrubber on the generated corpus: precision, recall, F2.

Usage: eval_scrub.py CERBERUS [--seed N] [--check] [--show-errors]

Generates the corpus (tools/scrub_corpus.py, fixed seed) into a temporary
directory, runs `CERBERUS scrub --json` on it once, and matches findings to
labels: a label is found when a finding of the same type overlaps it; a
finding is correct when it overlaps a label of its type. Prints a table per
type and overall. With --check, exits 1 unless overall recall >= 0.97,
overall precision >= 0.95 and every type's recall >= 0.90. The corpus is
removed afterwards (it is synthetic, but nothing is left behind).
"""
import argparse
import bisect
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scrub_corpus  # noqa: E402


def f_beta(p, r, beta=2.0):
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cerberus")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--per-type", type=int, default=40)
    ap.add_argument("--negatives", type=int, default=400)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args()

    text, labels = scrub_corpus.build(a.seed, a.per_type, a.negatives)
    data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "corpus.txt")
        with open(path, "wb") as f:
            f.write(data)
        res = subprocess.run([a.cerberus, "scrub", "--json", path], capture_output=True)
    if res.returncode != 0:
        print("scrub failed: " + res.stderr.decode(errors="replace"), file=sys.stderr)
        return 2
    found = json.loads(res.stdout)["findings"]

    types = sorted({l["type"] for l in labels} | {f["type"] for f in found})
    by_type = {t: sorted((l["start"], l["end"]) for l in labels if l["type"] == t) for t in types}
    starts = {t: [s for s, _ in by_type[t]] for t in types}

    def overlaps(t, s, e):
        v = by_type.get(t, [])
        i = bisect.bisect_left(starts.get(t, []), e)
        return any(v[k][1] > s for k in range(max(0, i - 3), i))

    tp_find = {t: 0 for t in types}
    n_find = {t: 0 for t in types}
    for f in found:
        n_find[f["type"]] += 1
        if overlaps(f["type"], f["start"], f["end"]):
            tp_find[f["type"]] += 1
        elif a.show_errors:
            print("FP %-18s %r" % (f["type"], data[max(0, f["start"] - 40):f["end"] + 20].decode(errors="replace")))
    fstarts = {t: sorted((f["start"], f["end"]) for f in found if f["type"] == t) for t in types}
    tp_lab = {t: 0 for t in types}
    for t in types:
        fs = fstarts[t]
        keys = [s for s, _ in fs]
        for s, e in by_type[t]:
            i = bisect.bisect_left(keys, e)
            if any(fs[k][1] > s for k in range(max(0, i - 3), i)):
                tp_lab[t] += 1
            elif a.show_errors:
                print("FN %-18s %r" % (t, data[max(0, s - 40):e + 20].decode(errors="replace")))

    print("%-20s %7s %7s %7s %7s %7s" % ("type", "labels", "found", "recall", "prec", "F2"))
    ok = True
    for t in types:
        nl = len(by_type[t])
        r = tp_lab[t] / nl if nl else 1.0
        p = tp_find[t] / n_find[t] if n_find[t] else 1.0
        print("%-20s %7d %7d %7.3f %7.3f %7.3f" % (t, nl, n_find[t], r, p, f_beta(p, r)))
        if nl and r < 0.90:
            ok = False
    NL = sum(len(v) for v in by_type.values())
    R = sum(tp_lab.values()) / NL
    P = sum(tp_find.values()) / max(1, len(found))
    print("%-20s %7d %7d %7.3f %7.3f %7.3f" % ("OVERALL", NL, len(found), R, P, f_beta(P, R)))
    print("corpus: %d bytes, seed %d; targets: recall >= 0.97, precision >= 0.95, every type recall >= 0.90"
          % (len(data), a.seed))
    ok = ok and R >= 0.97 and P >= 0.95
    if a.check and not ok:
        print("eval-scrub: targets NOT met", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
