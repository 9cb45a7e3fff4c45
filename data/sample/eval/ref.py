def read_lines(path): return [line.rstrip() for line in open(path)]
def mean(xs): total = sum(xs); return total / len(xs)
def is_even(n): return n % 2 == 0
def clamp(x, lo, hi): return max(lo, min(x, hi))
