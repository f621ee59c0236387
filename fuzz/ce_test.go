package fuzz

import (
	"math"

	"github.com/infogain-dev/infogain/ulp"
)

// crossEntropy is the independent oracle of FuzzIdentityH: softmax
// cross-entropy −log softmax(x)_l written from its own definition, with no
// H row, for logits that define a loss (no NaN or +Inf, some logit finite).
//
// Method: m = max_j x_j, k its first index; each x_j − m is split exactly
// as hi + lo by TwoSum, e_j = exp(hi)·(1 + lo) ≈ exp(x_j − m), and
// s = Σ_{j≠k} e_j is summed with Neumaier's compensation. Then
//
//	−log p_l = (m − x_l) + log1p(s)
//
// Accuracy: each e_j carries ≤ 2u relative error (exp ≤ 1 ulp, the
// first-order correction of lo, one product), the compensated sum ≤ 2u
// more, log1p(s) ≤ 5u (log1p ≤ 1 ulp, condition s/((1+s)·log1p(s)) ≤ 1);
// m − x_l is one rounding and the final sum of two non-negative terms
// another: ≤ 7u relative in all, ceMaxLossULP ulps. Below the normal range
// the same bound holds in absolute terms (ulps of the least subnormal).
// FuzzIdentityH checks this bound against the reference on every input.
func crossEntropy(x []float64, l int) float64 {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := x[k]
	var sum, comp float64
	for j, v := range x {
		if j == k || math.IsInf(v, -1) {
			continue
		}
		hi, lo := twoSum(v, -m)
		if math.IsInf(hi, -1) || hi < -746 {
			continue // exp underflows to 0 even with the correction
		}
		e := math.Exp(hi)
		e += e * lo
		t := sum + e
		if math.Abs(sum) >= e {
			comp += (sum - t) + e
		} else {
			comp += (e - t) + sum
		}
		sum = t
	}
	s := sum + comp
	if math.IsInf(x[l], -1) {
		return math.Inf(1)
	}
	return float64(m-x[l]) + math.Log1p(s)
}

// ceMaxLossULP bounds, in ulps of float64, the error of crossEntropy (see
// its Method) when no e_j is subnormal.
const ceMaxLossULP = 7

// ceSubnormalPerClass bounds, in units of the least subnormal 2^-1074, the
// absolute error each subnormal e_j adds to s: exp's 1 ulp of the
// subnormal grid plus the rounding of e·lo and of the sum.
const ceSubnormalPerClass = 2

// ceClose reports whether ce is within its bound of v: ulps ulps, or
// ulps + ceSubnormalPerClass·C least subnormals in absolute terms (where
// the subnormal terms of s dominate a tiny loss).
func ceClose(ce, v float64, ulps uint64, C int) bool {
	if ulp.Dist64(ce, v) <= ulps {
		return true
	}
	return math.Abs(ce-v) <= float64(ulps+uint64(ceSubnormalPerClass*C))*0x1p-1074
}

func twoSum(a, b float64) (hi, lo float64) {
	hi = a + b
	bb := hi - a
	lo = (a - (hi - bb)) + (b - bb)
	return hi, lo
}
