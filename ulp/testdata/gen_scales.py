#!/usr/bin/env python3
"""Golden table for the scaled metrics of package ulp.

Regenerate (Debian python3-mpmath 1.3.0), from the repository root:

    python3 ulp/testdata/gen_scales.py > ulp/testdata/scales.jsonl

For every case it computes, from the definitions and at 4000 bits with mpmath
(no complements, no rescaling: the precision alone carries the accuracy),

    D   = sum_j |h_j| (|m - x_j| + log1p(s))       loss scale
    G_j = p_j |S - h_j| + |h_j| (1 - p_j)          gradient scales
    L   = sum_j h_j (m - x_j + log1p(s))           exact loss
    g_j = p_j S - h_j                              exact gradient

with m = max x, k the first argmax, s = sum_{j != k} exp(x_j - m), printed with
40 significant digits. Terms exp(x_j - m) with x_j - m < -2^20 are dropped:
they are below 2^-1500000 relative and cannot show in 40 digits of D, G, L
or g (every h_j and |S - h_j| is below 2^1100). A -inf logit has p_j = 0;
h_j = 0 masks its term; h_j != 0 there makes D and L "inf" (L then null).
"""
import json
import random
import struct

import mpmath
from mpmath import mp, mpf

mp.prec = 4000
DIGITS = 40
MAXF = 1.7976931348623157e308
SUB = 5e-324


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def fmt(v):
    if v is None:
        return None
    if mpmath.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    return mpmath.nstr(v, DIGITS, min_fixed=1, max_fixed=0)


def golden(why, x, h, dtype="float64"):
    if dtype == "float32":
        assert all(f32(v) == v for v in x + h), why
    finite = [j for j, v in enumerate(x) if v != float("-inf")]
    m = max(x[j] for j in finite)
    k = next(j for j in finite if x[j] == m)
    M = mpf(m)
    e = []
    for v in x:
        if v == float("-inf") or mpf(v) - M < -(2 ** 20):
            e.append(mpf(0))
        else:
            e.append(mpmath.exp(mpf(v) - M))
    s = sum((e[j] for j in range(len(x)) if j != k), mpf(0))
    Z = 1 + s
    p = [ej / Z for ej in e]
    S = sum((mpf(v) for v in h), mpf(0))
    l1p = mpmath.log1p(s)
    D, L = mpf(0), mpf(0)
    infinite = False
    for j, hj in enumerate(h):
        if hj == 0:
            continue
        if x[j] == float("-inf"):
            infinite = True
            continue
        D += abs(mpf(hj)) * (abs(M - mpf(x[j])) + l1p)
        L += mpf(hj) * (M - mpf(x[j]) + l1p)
    G = [p[j] * abs(S - mpf(h[j])) + abs(mpf(h[j])) * (1 - p[j]) for j in range(len(x))]
    g = [p[j] * S - mpf(h[j]) for j in range(len(x))]
    return {
        "why": why,
        "dtype": dtype,
        "x": [repr(v) for v in x],
        "h": [repr(v) for v in h],
        "D": "inf" if infinite else fmt(D),
        "L": None if infinite else fmt(L),
        "G": [fmt(v) for v in G],
        "g": [fmt(v) for v in g],
    }


def cases():
    yield golden("moderate logits, label on a middle class", [1.5, -0.25, 3.0], [0.0, 1.0, 0.0])
    yield golden("identity row on the max class: the loss is log1p(s) alone", [1.5, -0.25, 3.0], [0.0, 0.0, 1.0])
    yield golden("dominant logit (docs/design.md §3): the tail gradient is 5.55e-17, not 0",
                 [37.42994775023705, 0.0], [1.0, 0.0])
    yield golden("exp(-800) is below float64's range but h_k = 2^1000 lifts the loss to 2^-154",
                 [0.0, -800.0], [2.0 ** 1000, 0.0])
    yield golden("s below the least subnormal, loss below the floor: the floor decides",
                 [0.0, -800.0], [1.0, 0.0])
    yield golden("x - m overflows float64: |m - x_j| = 2*MaxFloat64", [MAXF, -MAXF], [0.0, 1.0])
    yield golden("x - m overflows, h on both", [MAXF, -MAXF, 0.0], [1.0, 1.0, 0.5])
    yield golden("S = 3e308 overflows float64", [0.5, 0.0], [1.5e308, 1.5e308])
    yield golden("D overflows float64: huge h times huge logit spread", [1e308, -1e308], [1e308, 1e308])
    yield golden("signed row: S - h_j cancels to the small entry", [0.3, -1.0, 2.0], [1.0, -1.0, 1e-20])
    yield golden("h concentrated on the max class: S - h_k is the 1e-20 tail", [50.0, 0.0, 0.0], [1.0, 1e-20, 0.0])
    yield golden("masked -inf logit with h = 0 contributes nothing", [1.0, float("-inf"), 2.0], [1.0, 0.0, 0.0])
    yield golden("h != 0 on a -inf logit: infinite loss scale, finite gradient scale",
                 [1.0, float("-inf"), 2.0], [1.0, 0.5, 0.0])
    yield golden("tie on the max: k is the first, the tied class is not complemented",
                 [3.0, 3.0, 1.0], [0.0, 1.0, 0.5])
    yield golden("subnormal logits one ulp apart across zero", [SUB, 0.0, -SUB], [1.0, 0.0, 0.0])
    yield golden("spread 1e5: exp(-1e5) is dropped, the |h_j| q_j terms carry G",
                 [1e5, 0.0, -1e5], [0.2, 0.3, 0.5])
    yield golden("near exp's underflow threshold -745.13", [0.0, -745.2, -740.0], [1e300, 0.0, 1.0])
    yield golden("all-zero row: D = 0, only the floor remains", [1.0, 2.0], [0.0, 0.0])
    yield golden("one class: D = 0 and G = 0", [7.0], [3.0])
    yield golden("float32: moderate", [f32(1.1), f32(-2.3), f32(0.7)], [0.0, 1.0, 0.0], "float32")
    yield golden("float32: dominant, tail below float32's least subnormal once scaled by h",
                 [f32(120.0), 0.0], [1.0, 0.0], "float32")
    yield golden("float32: huge h near MaxFloat32", [f32(3.0), f32(-1.0)], [f32(3e38), f32(3e38)], "float32")
    rng = random.Random(20261130)
    x = [rng.uniform(-20, 20) for _ in range(200)]
    h = [0.0 if rng.random() < 0.3 else rng.random() for _ in range(200)]
    yield golden("C = 200, logits in [-20, 20], non-negative sparse row", x, h)
    x = [rng.uniform(-1e3, 1e3) for _ in range(64)]
    h = [rng.uniform(-1, 1) for _ in range(64)]
    yield golden("C = 64, wide logits, signed row", x, h)


for c in cases():
    print(json.dumps(c))
