package fused

import "math"

// exp32MaxRel bounds the relative error of expKernel32 on [−700, 0]
// (TestExpKernel32 against bigExp): 2^-6 of the float32 path's unit
// roundoff 2^-24, so it moves a float32 result by at most 1/64 ulp.
const exp32MaxRel = 0x1p-30

// exp32Low is the clamp of expKernel32.
const exp32Low = -700

// expKernel32 returns e**d for d ≤ 0 to within exp32MaxRel relative, for
// the float32 path only. Arguments below −700 give e^-700 instead of a
// smaller value: on the float32 path the difference is below 2^-1000 and
// every use of it (p_j·S with S < 2^153, s, 1 + s) is blind to it.
//
// Method: k = round(d/ln 2), r = d − k·ln 2 in one FMA (|k| ≤ 1010, so the
// error of the rounded ln 2 costs ≤ 1010·2^-54 < 2^-44 in r),
// exp(r) = 1 + r + r²/2 + … + r^8/8! by Horner (truncation
// < 0.3466^9/9! < 2^-32), then the exact scaling by 2^k (k ≥ −1010: normal),
// its exponent bits taken from t = d·log2(e) + 1.5·2^52 directly.
func expKernel32(d float64) float64 {
	if d < exp32Low {
		d = exp32Low
	}
	t := math.FMA(d, log2E, expShifter)
	kf := float64(t - expShifter)
	r := math.FMA(kf, -math.Ln2, d)
	// Horner here: long float32 rows are bound by throughput, and Horner
	// has fewer operations than Estrin's scheme.
	q := math.FMA(r, ec8, ec7)
	q = math.FMA(q, r, ec6)
	q = math.FMA(q, r, ec5)
	q = math.FMA(q, r, ec4)
	q = math.FMA(q, r, ec3)
	q = math.FMA(q, r, ec2)
	q = math.FMA(q, r, 1)
	q = math.FMA(q, r, 1)
	p := math.Float64frombits((math.Float64bits(t) + 1023) << 52)
	return float64(q * p)
}
