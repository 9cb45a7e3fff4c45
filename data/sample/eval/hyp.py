def read_lines(path): return [l.rstrip() for l in open(path)]
def mean(values): s = sum(values); return s / len(values)
def is_even(n): return n % 2 == 0
def clamp(x, lo, hi): return min(hi, max(x, lo))
