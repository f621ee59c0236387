#!/usr/bin/python3
"""Expected values of hmat's tests (hmat/build_test.go), from mpmath.

Usage: /usr/bin/python3 scripts/gen_hmat_values.py

Needs Debian's python3-mpmath (apt-get install -y python3-mpmath). Prints,
as Go literals in shortest round-trip form (Python repr, the same digits
as Go's strconv 'g', -1):

  exp    e^x correctly rounded to float64, for TestExpPortable and the
         exp-based rows of TestSimilarityClosedForms (exp(-d^2/2tau^2) and
         exp(-d/tau) for the distances 2, 4, 6);
  tau    TestTauForMass's closed forms: C = 2 at distance 2 with mass 0.9
         on the true class, 1/(1 + f(2/tau)) = 0.9, so f(2/tau) = 1/9:
         gauss  tau = 2/sqrt(2 ln 9),   exp  tau = 2/ln 9.

Each value is computed at 200 bits and rounded to the nearest float64; the
script checks that the 200-bit value is nowhere near a rounding boundary
(midpoint between two float64s), so the rounding is the correct one. None
of the values is subnormal.
"""
import math
import sys

from mpmath import mp, mpf

mp.prec = 200

EXP_ARGS = [
    # Gauss at d = 2, 4, 6, 1 with tau = 1: -d^2/2.
    -2, -8, -18, -0.5,
    # Exp at d = tau, 3 tau; Gauss at d = 3 tau.
    -1, -3, -4.5,
    # Points where hmat's portable exp and Go's math.Exp (amd64 assembly)
    # differ by 2 ulps.
    -2.395175, -17.675125, -52.35115, -117.4865,
]


def rounded(v):
    """v (an mpf) rounded to the nearest float64, checked to be far from a
    midpoint between two float64s."""
    f = float(v)
    if f == 0 or math.isinf(f) or abs(f) < sys.float_info.min:
        raise SystemExit("value %s out of the normal float64 range" % v)
    ulp = math.ulp(f)
    # Distance from the midpoint on the side of v, in ulps; must be far
    # from 0 (a tie) relative to the 2^-200 error of the 200-bit value.
    off = abs(abs(v - f) / ulp - mpf(0.5))
    if off < mpf(2) ** -100:
        raise SystemExit("value %s is within 2^-100 ulp of a rounding boundary" % v)
    if abs(v - f) > ulp / 2:
        raise SystemExit("float(%s) = %r is not the nearest float64" % (v, f))
    return f


def main():
    print("# e^x, correctly rounded to float64 (mpmath, 200 bits)")
    for x in EXP_ARGS:
        print("exp(%r) = %r" % (x, rounded(mp.exp(mpf(x)))))
    ln9 = mp.log(9)
    print("# TauForMass closed forms: C = 2, d = 2, mass 0.9")
    print("tau gauss = 2/sqrt(2 ln 9) = %r" % rounded(2 / mp.sqrt(2 * ln9)))
    print("tau exp = 2/ln 9 = %r" % rounded(2 / ln9))


if __name__ == "__main__":
    main()
