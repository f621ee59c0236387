package fused

import "math"

// ExpMaxULP bounds the error of the exp kernel, in ulps of the result,
// against the correctly rounded exp (measured over the sweeps of exp_test.go,
// derived in the comment on expKernel).
const ExpMaxULP = 1

// Constants of the exp kernel.
const (
	// expShifter = 1.5·2^52: adding it rounds a float64 of magnitude < 2^51
	// to an integer held in the low mantissa bits.
	expShifter = 0x1.8p52
	log2E      = 1.4426950408889634074 // 1/ln 2, rounded
	// ln2Hi has 32 significant bits, so k·ln2Hi is exact for |k| < 2^21;
	// ln2Hi + ln2Lo = ln 2 to 2^-84 (values of Go's math/exp.go).
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	// expLow and expHigh clamp the argument: exp(−746) rounds to 0 and
	// exp(710) overflows, so the clamp changes no result.
	expLow  = -746
	expHigh = 710
	// expLoMax clamps the correction lo. Where hi is not clamped
	// (|hi| < 2^11) the exact x − m = hi + lo has |lo| ≤ 2^-43, so the clamp
	// changes nothing; where hi is clamped, lo is the rounding error of a
	// huge x − m (up to 2^970) and must not leak into the result.
	expLoMax = 0x1p-40
)

// Taylor coefficients 1/n!, n = 2..13, rounded from exact constants.
const (
	ec2  = 1.0 / 2
	ec3  = 1.0 / 6
	ec4  = 1.0 / 24
	ec5  = 1.0 / 120
	ec6  = 1.0 / 720
	ec7  = 1.0 / 5040
	ec8  = 1.0 / 40320
	ec9  = 1.0 / 362880
	ec10 = 1.0 / 3628800
	ec11 = 1.0 / 39916800
	ec12 = 1.0 / 479001600
	ec13 = 1.0 / 6227020800
)

// exp returns e**x.
//
// Special cases are:
//
//	exp(+Inf) = +Inf
//	exp(-Inf) = 0
//	exp(NaN) = NaN
//	exp(x) = +Inf for x > 709.782712893384
//	exp(x) = 0 for x < -745.1332191019412
//
// The result is within ExpMaxULP ulp of the correctly rounded value,
// subnormal results included.
func exp(x float64) float64 { y, _ := expKernel2(x, 0); return y }

// expKernel2 returns e**(hi+lo) for |lo| ≤ 2^-40, the correction of a
// double-word argument (hi, lo = TwoSum(x, −m)).
//
// Method (the same operations, in the same order, as the vector kernel of
// row_simd.go, so both give bit-identical results):
//
//  1. Clamp hi to [−746, 710], then k = round(hi/ln 2) with the shifter
//     trick and r = hi − k·ln2Hi (exact: k·ln2Hi is exact and the
//     difference is small, Sterbenz) − k·ln2Lo, |r| ≤ ln 2/2 + 2^-30.
//     The rounding error of that last step and lo are gathered in
//     c = (rh − r) − k·ln2Lo + lo (rh − r is exact).
//  2. exp(r) = 1 + r + r²·Q(r), Q(r) = 1/2! + r/3! + … + r^11/13!:
//     truncation < 0.3466^14/14! < 2^-57.
//  3. exp(r + c) = exp(r)·(1 + c + O(c²)); c·exp(r) is added to the tail
//     with one FMA (|c| ≤ 2^-40 makes O(c²) < 2^-80).
//  4. 1 + r is split exactly (Fast2Sum, |r| < 1) into s1 + e1, and the
//     result y = s1 + (e1 + v) rounds once at the end: the error before that
//     rounding is below 2^-56 relative, so y is within 0.5 + 2^-3 ulp. The
//     rounding error of that last addition is returned as yLo (Fast2Sum), so
//     that y + yLo is within 2^-55 relative (results above 2^-969, where
//     yLo is normal) for sums that need more than y.
//  5. Scale by 2^k as 2^k1·2^k2, k1 = round(k/2), each factor a normal
//     number built from its exponent bits, so overflow and gradual underflow
//     happen in the last multiplication, rounding once: a subnormal result is
//     within 0.5 ulp of y·2^k, hence within 1 ulp of exp correctly rounded.
//
// Accuracy: error < ExpMaxULP ulp (1) against the correctly rounded exp.
// Roundings are forced with explicit float64(...) and math.FMA so that no
// compiler fusion changes them.
func expKernel2(hi, lo float64) (y, yLo float64) { return expCore(hi, lo, 0) }

// expCore is expKernel2 scaled by 2^kx (kx an integer, hi ≤ 0 when kx > 0):
// the scaling happens in step 5, so a result that would be subnormal
// unscaled keeps full precision.
func expCore(hi, lo, kx float64) (y, yLo float64) {
	// The lower clamp moves with the scale: e^low·2^kx must still round
	// to 0 (for kx = 0 it is expLow exactly).
	if low := float64(expLow - float64(kx*math.Ln2)); hi < low {
		hi = low
	}
	if hi > expHigh {
		hi = expHigh
	}
	if lo < -expLoMax {
		lo = -expLoMax
	}
	if lo > expLoMax {
		lo = expLoMax
	}
	t := math.FMA(hi, log2E, expShifter)
	kf := float64(t - expShifter)
	rh := math.FMA(kf, -ln2Hi, hi)
	r := math.FMA(kf, -ln2Lo, rh)
	c := float64(math.FMA(kf, -ln2Lo, float64(rh-r)) + lo)

	// Q by Estrin's scheme: a dependency chain of 4 operations instead of
	// Horner's 11, which is what bounds short rows.
	r2 := float64(r * r)
	r4 := float64(r2 * r2)
	r8 := float64(r4 * r4)
	a0 := math.FMA(r, ec3, ec2)
	a1 := math.FMA(r, ec5, ec4)
	a2 := math.FMA(r, ec7, ec6)
	a3 := math.FMA(r, ec9, ec8)
	a4 := math.FMA(r, ec11, ec10)
	a5 := math.FMA(r, ec13, ec12)
	b0 := math.FMA(a1, r2, a0)
	b1 := math.FMA(a3, r2, a2)
	b2 := math.FMA(a5, r2, a4)
	q := math.FMA(b2, r8, math.FMA(b1, r4, b0))
	tail := float64(r2 * q)

	e0 := float64(1 + float64(r+tail))
	v := math.FMA(c, e0, tail)
	s1 := float64(1 + r)
	e1 := float64(float64(1-s1) + r)
	w := float64(e1 + v)
	y = float64(s1 + w)
	yLo = float64(w - float64(y-s1))

	ks := float64(kf + kx)
	k1f := float64(math.FMA(ks, 0.5, expShifter) - expShifter)
	k2f := float64(ks - k1f)
	p1 := math.Float64frombits((math.Float64bits(float64(k1f+expShifter)) + 1023) << 52)
	p2 := math.Float64frombits((math.Float64bits(float64(k2f+expShifter)) + 1023) << 52)
	return float64(float64(y*p1) * p2), float64(float64(yLo*p1) * p2)
}
