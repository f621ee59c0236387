package ulp

import "math"

// xf is a non-negative number f·2^e with f = 0 or 0.5 ≤ f < 1 and an int
// exponent: the scales of this package span far more than float64's range
// (S·(m − x_j) can reach 2^2074, exp(x_j − m)·h_j can be 2^-3000 and still
// matter against h_k), so they are formed in xf and only the final ratio is
// rounded to float64. Every operation rounds once, like float64, so a sum of
// n terms has relative error ≤ n·u; there is no overflow or underflow.
type xf struct {
	f float64
	e int
}

// xfOf converts a finite v ≥ 0 exactly.
func xfOf(v float64) xf {
	if v == 0 {
		return xf{}
	}
	f, e := math.Frexp(v)
	return xf{f, e}
}

func (a xf) isZero() bool { return a.f == 0 }

func (a xf) mul(b xf) xf {
	if a.f == 0 || b.f == 0 {
		return xf{}
	}
	f, e := math.Frexp(a.f * b.f) // in [0.25, 1): never underflows
	return xf{f, a.e + b.e + e}
}

// quo returns a/b; b must be nonzero.
func (a xf) quo(b xf) xf {
	if a.f == 0 {
		return xf{}
	}
	f, e := math.Frexp(a.f / b.f) // in (0.5, 2)
	return xf{f, a.e - b.e + e}
}

func (a xf) add(b xf) xf {
	if a.f == 0 {
		return b
	}
	if b.f == 0 {
		return a
	}
	if a.e < b.e {
		a, b = b, a
	}
	d := a.e - b.e
	if d > 60 {
		// b < 2^-60·a: below the rounding of a itself... nearly; the
		// relative error this adds is under 2^-60, far below what is claimed.
		return a
	}
	f, e := math.Frexp(a.f + math.Ldexp(b.f, -d)) // b.f·2^-d ≥ 2^-61: normal
	return xf{f, a.e + e}
}

func (a xf) less(b xf) bool {
	switch {
	case a.f == 0:
		return b.f != 0
	case b.f == 0:
		return false
	case a.e != b.e:
		return a.e < b.e
	}
	return a.f < b.f
}

// float64 rounds a to float64, saturating at MaxFloat64 instead of
// overflowing to +Inf: the metrics keep +Inf for non-finite values.
func (a xf) float64() float64 {
	if a.f == 0 {
		return 0
	}
	v := math.Ldexp(a.f, a.e)
	if math.IsInf(v, 0) {
		return math.MaxFloat64
	}
	return v
}

// xfExpRelErr bounds the relative error of xfExp.
const xfExpRelErr = 0x1p-35

// xfExp returns exp(y) for y ≤ 0 (−Inf allowed), with relative error below
// xfExpRelErr. It returns 0 below −2^16: exp(y) < 2^-94548 there, which is
// negligible against the floor of every metric even when multiplied by the
// largest factor a scale can bring (2^1024·2^25·2^1025).
func xfExp(y float64) xf {
	switch {
	case y >= -708:
		return xfOf(math.Exp(y)) // normal result, error < 1 ulp
	case y < -(1 << 16):
		return xf{}
	}
	// exp(y) = 2^t with t = y·log2(e) = n + r, 0 ≤ r < 1. Rounding t costs
	// |t|·u ≤ 2^17·2^-53 absolute, i.e. 2^-36·ln2 relative in the result.
	t := y * math.Log2E
	n := math.Floor(t)
	f, e := math.Frexp(math.Exp2(t - n))
	return xf{f, e + int(n)}
}

// xfAbsDiff returns |a − b| for finite a and b, without overflow, with
// relative error ≤ u.
func xfAbsDiff(a, b float64) xf {
	d := math.Abs(a - b)
	if !math.IsInf(d, 0) {
		return xfOf(d)
	}
	// Both are huge, so halving is exact.
	r := xfOf(math.Abs(a/2 - b/2))
	r.e++
	return r
}
