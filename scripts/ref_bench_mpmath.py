#!/usr/bin/python3
"""Time an mpmath oracle at 80 digits on the rows of ref's benchmarks.

    /usr/bin/python3 scripts/ref_bench_mpmath.py

The rows are like BenchmarkEval64C10/C1000 in ref/bench_test.go: logits
N(0, 3^2), label smoothing with eps = 0.1. The oracle is the plain formula
(no certification): L = sum_j h_j (LSE(x) - x_j), g_j = p_j S - h_j. docs/design.md
§6 asks ref to be at least 50x faster than this; compare with the
cpu-ns/row of `go test ./ref -run X -bench Eval64`.
"""
import random
import time

import mpmath
from mpmath import mp, mpf


def row(rng, C):
    x = [3 * rng.gauss(0, 1) for _ in range(C)]
    h = [0.1 / C] * C
    h[rng.randrange(C)] += 0.9
    return x, h


def oracle(x, h):
    X = [mpf(v) for v in x]
    H = [mpf(v) for v in h]
    m = max(X)
    e = [mpmath.exp(v - m) for v in X]
    T = mpmath.fsum(e)
    lse = m + mpmath.log(T)
    S = mpmath.fsum(H)
    loss = mpmath.fsum(hj * (lse - xj) for hj, xj in zip(H, X))
    grad = [float(ej / T * S - hj) for ej, hj in zip(e, H)]
    return float(loss), grad


def main():
    mp.dps = 80
    rng = random.Random(5)
    for C, n in ((10, 400), (1000, 8)):
        rows = [row(rng, C) for _ in range(n)]
        t0 = time.process_time()
        for x, h in rows:
            oracle(x, h)
        dt = (time.process_time() - t0) / n
        print("mpmath 80 digits, C=%d: %.3g ms CPU per row" % (C, dt * 1e3))


if __name__ == "__main__":
    main()
