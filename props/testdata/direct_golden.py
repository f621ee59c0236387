# Golden values of TestDirectGolden (props/direct_test.go): softmax
# cross-entropy, its gradient and label smoothing at 4000 bits with mpmath
# 1.3.0 (Debian python3-mpmath), printed as shortest round-trip float64.
# Run: python3 props/testdata/direct_golden.py
from mpmath import mp, mpf, exp, log1p
mp.prec = 4000

def ce(x, l):
    m = max(x); k = x.index(m)
    s = sum(exp(mpf(v) - m) for j, v in enumerate(x) if j != k)
    L = (m - mpf(x[l])) + log1p(s)
    p = [exp(mpf(v) - m) / (1 + s) for v in x]
    return L, [p[j] - (1 if j == l else 0) for j in range(len(x))]

def ls(x, l, eps):
    m = max(x); k = x.index(m)
    s = sum(exp(mpf(v) - m) for j, v in enumerate(x) if j != k)
    nll = [(m - mpf(v)) + log1p(s) for v in x]
    return (1 - mpf(eps)) * nll[l] + mpf(eps) * sum(nll) / len(x)

for x, l in [([37.42994775023705, 0.0], 0), ([0.0, 0.0, 0.0], 1), ([1e16, 1e16, 1e16], 2),
             ([-1.0, 2.5], 1), ([0.0, -800.0], 1), ([500.0, 0.0, -3.0], 0)]:
    L, g = ce(x, l)
    print("ce", x, l, repr(float(L)), [repr(float(v)) for v in g])
for x, l, eps in [([0.0, 1.0, 2.0, 3.0], 1, 0.25), ([100.0, 0.0], 0, 0.5), ([500.0, 0.0], 0, 0.0625)]:
    print("ls", x, l, eps, repr(float(ls(x, l, eps))))
