package ref

import (
	"math"
	"math/big"
)

// format is a binary floating-point output format: mant significand bits
// (hidden bit included), normal exponents emin..emax (values 2^emin ..
// 2^(emax+1)), subnormals below.
type format struct {
	mant       int
	emin, emax int
}

var (
	fmt64 = format{mant: 53, emin: -1022, emax: 1023}
	fmt32 = format{mant: 24, emin: -126, emax: 127}
)

// oddPrec is the precision of round-to-odd sums: any p ≥ mant+2 makes
// round-to-nearest of the round-to-odd value equal round-to-nearest of the
// exact value (Boldo & Melquiond, "Emulation of FMA and correctly rounded
// sums: proved algorithms using rounding to odd", IEEE TC 57(4), 2008); 64
// covers float64 with margin. In the subnormal range the target grid is
// coarser still, so the claim holds there too.
const oddPrec = 64

// round returns x rounded to nearest even in f, as a float64 holding that
// value exactly. A zero keeps its sign; a magnitude at most half the least
// subnormal gives a zero of x's sign (exactly half ties to even, i.e. 0);
// past the largest finite value (from its midpoint with 2^(emax+1) on) the
// result is ±Inf.
func (f format) round(x *big.Float) float64 {
	neg := x.Signbit()
	if x.Sign() == 0 {
		if neg {
			return math.Copysign(0, -1)
		}
		return 0
	}
	if x.IsInf() {
		return math.Inf(signOf(neg))
	}
	e := x.MantExp(nil) - 1 // 2^e ≤ |x| < 2^(e+1)
	p := f.mant
	if e < f.emin {
		p = f.mant - (f.emin - e)
	}
	leastExp := f.emin - f.mant + 1 // least subnormal 2^leastExp
	if p <= 0 {
		// |x| < least subnormal: p = 0 means |x| in [least/2, least).
		v := 0.0
		if p == 0 {
			half := new(big.Float).SetMantExp(big.NewFloat(1), leastExp-1)
			a := new(big.Float).Abs(x)
			if a.Cmp(half) > 0 {
				v = math.Ldexp(1, leastExp)
			}
		}
		if neg {
			return -v
		}
		return v
	}
	r := new(big.Float).SetPrec(uint(p)).SetMode(big.ToNearestEven).Set(x)
	if r.MantExp(nil)-1 > f.emax {
		return math.Inf(signOf(neg))
	}
	v, _ := r.Float64()
	return v
}

func signOf(neg bool) int {
	if neg {
		return -1
	}
	return 1
}

// addOdd returns a value that rounds to nearest in f (for f.mant ≤
// oddPrec−2) exactly as e + t does: the sum rounded to oddPrec bits toward
// zero and, when that was inexact, moved half an ulp away from zero (held at
// oddPrec+1 bits). This is rounding to odd, which lets a sum decide exact
// ties correctly.
func addOdd(e, t *big.Float) *big.Float {
	z := new(big.Float).SetPrec(oddPrec).SetMode(big.ToZero).Add(e, t)
	return sticky(z, z.Acc())
}

// sticky moves an inexact z (rounded toward zero) half an ulp away from zero.
func sticky(z *big.Float, acc big.Accuracy) *big.Float {
	if acc == big.Exact || z.IsInf() {
		return z
	}
	p := z.Prec()
	if z.Sign() == 0 {
		// Only a cancellation to an exact 0 gives 0 here, and that is exact.
		return z
	}
	half := new(big.Float).SetMantExp(big.NewFloat(1), z.MantExp(nil)-int(p)-1)
	if z.Signbit() {
		half.Neg(half)
	}
	return new(big.Float).SetPrec(p+1).SetMode(big.ToZero).Add(z, half)
}

// roundNudged rounds e + σ·ε to nearest in f, where ε > 0 is smaller than
// anything that can change the rounding of e other than through its sign:
// ε below half the least subnormal and below the last bit of e. It resolves
// outputs whose transcendental part is below 2^−(2^19) (see bigEval). An
// exact zero (σ = 0, e = 0) is +0.
func (f format) roundNudged(e *big.Float, sigma int) float64 {
	if e.Sign() == 0 {
		switch {
		case sigma < 0:
			return math.Copysign(0, -1)
		default:
			return 0
		}
	}
	if sigma == 0 {
		return f.round(e)
	}
	// Place σ·2^(msb−q) below the last bit of e, q = max(minprec, 64)+2.
	q := e.MinPrec()
	if q < oddPrec {
		q = oddPrec
	}
	q += 2
	d := new(big.Float).SetMantExp(big.NewFloat(1), e.MantExp(nil)-int(q))
	if sigma < 0 {
		d.Neg(d)
	}
	n := new(big.Float).SetPrec(q+1).Add(e, d)
	return f.round(n)
}

// exact reports whether the float v equals x.
func exactly(v float64, x *big.Float) bool {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return false
	}
	return new(big.Float).SetFloat64(v).Cmp(x) == 0
}
