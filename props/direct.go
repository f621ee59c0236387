package props

import "math"

// This file holds the independent formulas the properties compare against:
// softmax cross-entropy, label smoothing and class-weighted cross-entropy
// written the way their own definitions read, not through the infogain
// formula, and the conditioning scales of docs/design.md §5.
//
// Method: with m = max_j x_j and k its first index, each x_j − m is split
// exactly as hi + lo by TwoSum, e_j = exp(hi)·(1 + lo) ≈ exp(x_j − m) and
// s = Σ_{j≠k} e_j is summed with Neumaier's compensation. Then
//
//	−log p_j = (m − x_j) + log1p(s),  p_j = e_j/(1+s),
//	1 − p_k = s/(1+s),  1 − p_j = 1 − p_j for j ≠ k (p_j ≤ 1/2 there).
//
// Accuracy: every term of s carries ≤ 2u relative error (exp ≤ 1 ulp, the
// first-order correction lo, one product), the compensated sum adds ≤ 2u, so
// log1p(s) is within ≤ 5u relative (log1p ≤ 1 ulp, its condition number
// s/((1+s)log1p(s)) ≤ 1). Sums of non-negative terms keep that relative
// bound. maxDirectLossULP and maxDirectGradScaled state the resulting bounds
// with room; TestDirectAgainstRef measures them against the reference
// (worst seen: 2 ulps of loss, 3.98 scaled on the gradient, over 5,882
// cross-entropy and label-smoothing cases). Where exp(x_j − m) is subnormal
// the relative bounds fail; the properties then skip (directOK).

// maxDirectLossULP bounds, in ulps of float64, the error of crossEntropy,
// labelSmoothing and classWeighted for finite logits.
const maxDirectLossULP = 8

// maxDirectGradScaled bounds the componentwise scaled error (docs/design.md §5) of
// ceGrad.
const maxDirectGradScaled = 8

// softmaxParts holds m, k, the terms e_j and s for finite logits x.
type softmaxParts struct {
	m float64
	k int
	e []float64 // e_k = 1
	s float64
}

// twoSum returns (hi, lo) with hi = fl(a+b) and hi + lo = a + b exactly
// (Knuth's TwoSum). It is separate from the twoSum of fused and of ref on
// purpose: an oracle does not share arithmetic with what it checks.
func twoSum(a, b float64) (hi, lo float64) {
	hi = a + b
	bb := hi - a
	lo = (a - (hi - bb)) + (b - bb)
	return hi, lo
}

// neumaier sums v with Neumaier's compensation.
func neumaier(v []float64) float64 {
	var sum, comp float64
	for _, x := range v {
		t := sum + x
		if math.Abs(sum) >= math.Abs(x) {
			comp += (sum - t) + x
		} else {
			comp += (x - t) + sum
		}
		sum = t
	}
	if math.IsInf(sum, 0) {
		return sum // the compensation of an overflowed sum is NaN
	}
	return sum + comp
}

// parts computes softmaxParts; x must be non-empty and hold no NaN or +Inf,
// and at least one finite value.
func parts(x []float64) softmaxParts {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := x[k]
	e := make([]float64, len(x))
	terms := make([]float64, 0, len(x))
	for j, v := range x {
		if j == k {
			e[j] = 1
			continue
		}
		if math.IsInf(v, -1) {
			continue
		}
		hi, lo := twoSum(v, -m)
		if hi < -746 || math.IsInf(hi, 0) {
			continue // exp(hi) underflows to 0 even with the correction
		}
		ej := math.Exp(hi)
		ej += ej * lo
		e[j] = ej
		terms = append(terms, ej)
	}
	return softmaxParts{m: m, k: k, e: e, s: neumaier(terms)}
}

// p returns softmax(x)_j.
func (sp *softmaxParts) p(j int) float64 { return sp.e[j] / (1 + sp.s) }

// q returns 1 − softmax(x)_j without cancellation.
func (sp *softmaxParts) q(j int) float64 {
	if j == sp.k {
		return sp.s / (1 + sp.s)
	}
	return 1 - sp.p(j)
}

// nll returns −log softmax(x)_j = (m − x_j) + log1p(s).
func (sp *softmaxParts) nll(x []float64, j int) float64 {
	return (sp.m - x[j]) + math.Log1p(sp.s)
}

// crossEntropy returns softmax cross-entropy −log softmax(x)_l and its
// gradient p − e_l, each component computed from its own complement form.
func crossEntropy(x []float64, l int) (float64, []float64) {
	sp := parts(x)
	g := make([]float64, len(x))
	for j := range x {
		if j == l {
			g[j] = -sp.q(j)
		} else {
			g[j] = sp.p(j)
		}
	}
	return sp.nll(x, l), g
}

// labelSmoothing returns PyTorch's label-smoothed cross-entropy for C a
// power of two,
// (1−ε)·(−log p_l) + ε·mean_j(−log p_j), computed as that sum of
// non-negative terms.
func labelSmoothing(x []float64, l int, eps float64) float64 {
	sp := parts(x)
	C := float64(len(x))
	gaps := make([]float64, len(x))
	for j, v := range x {
		gaps[j] = sp.m - v
	}
	for j := range gaps {
		gaps[j] /= C // C is a power of two here: exact, and no overflow
	}
	mean := neumaier(gaps) + math.Log1p(sp.s)
	return neumaier([]float64{(1 - eps) * sp.nll(x, l), eps * mean})
}

// gradScales returns p_j|S − h_j| + |h_j|q_j for every j, the scale of the
// componentwise gradient error of docs/design.md §5.
func gradScales(x, h []float64) []float64 {
	sp := parts(x)
	S := neumaier(h)
	out := make([]float64, len(x))
	for j := range x {
		out[j] = sp.p(j)*math.Abs(S-h[j]) + math.Abs(h[j])*sp.q(j)
	}
	return out
}
