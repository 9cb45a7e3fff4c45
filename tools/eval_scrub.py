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


def run_scrub(cerberus, data, name):
    """`cerberus scrub --json` on data (written to a temporary file, removed
    after); its findings, or None when the command failed."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        res = subprocess.run([cerberus, "scrub", "--json", path], capture_output=True)
    if res.returncode != 0:
        print("scrub failed: " + res.stderr.decode(errors="replace"), file=sys.stderr)
        return None
    return json.loads(res.stdout)["findings"]


def score(data, labels, found, show_errors=False, out=sys.stdout):
    """Per type (labels, findings, labels found, findings correct): a label is
    found when a finding of its type overlaps it, a finding is correct when it
    overlaps a label of its type."""
    types = sorted({l["type"] for l in labels} | {f["type"] for f in found})
    lab = {t: sorted((l["start"], l["end"]) for l in labels if l["type"] == t) for t in types}
    fnd = {t: sorted((f["start"], f["end"]) for f in found if f["type"] == t) for t in types}

    def hit(spans, s, e):
        keys = [x for x, _ in spans]
        i = bisect.bisect_left(keys, e)
        return any(spans[k][1] > s for k in range(max(0, i - 3), i))

    def ctx(s, e):
        return data[max(0, s - 40):e + 20].decode(errors="replace")

    rows = {}
    for t in types:
        tp_l = 0
        for s, e in lab[t]:
            if hit(fnd[t], s, e):
                tp_l += 1
            elif show_errors:
                print("FN %-18s %r" % (t, ctx(s, e)), file=out)
        tp_f = 0
        for s, e in fnd[t]:
            if hit(lab[t], s, e):
                tp_f += 1
            elif show_errors:
                print("FP %-18s %r" % (t, ctx(s, e)), file=out)
        rows[t] = (len(lab[t]), len(fnd[t]), tp_l, tp_f)
    return rows


def report(rows, what, min_type_recall=0.90):
    """Print the table; True when the targets are met (overall recall >= 0.97,
    precision >= 0.95, every type's recall >= min_type_recall)."""
    print("%-20s %7s %7s %7s %7s %7s" % ("type", "labels", "found", "recall", "prec", "F2"))
    ok = True
    NL = NF = TL = TF = 0
    for t, (nl, nf, tl, tf) in rows.items():
        r = tl / nl if nl else 1.0
        p = tf / nf if nf else 1.0
        print("%-20s %7d %7d %7.3f %7.3f %7.3f" % (t, nl, nf, r, p, f_beta(p, r)))
        if nl and r < min_type_recall:
            ok = False
        NL, NF, TL, TF = NL + nl, NF + nf, TL + tl, TF + tf
    R = TL / NL if NL else 1.0
    P = TF / max(1, NF)
    print("%-20s %7d %7d %7.3f %7.3f %7.3f" % ("OVERALL", NL, NF, R, P, f_beta(P, R)))
    print("%s; targets: recall >= 0.97, precision >= 0.95, every type recall >= %.2f" % (what, min_type_recall))
    return ok and R >= 0.97 and P >= 0.95


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
    found = run_scrub(a.cerberus, data, "corpus.txt")
    if found is None:
        return 2
    rows = score(data, labels, found, a.show_errors)
    ok = report(rows, "corpus: %d bytes, seed %d" % (len(data), a.seed))
    if a.check and not ok:
        print("eval-scrub: targets NOT met", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
