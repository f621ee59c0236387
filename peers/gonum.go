package peers

import "math"

// GonumLSE writes into dst the gradient and returns the loss computed
// through a log-sum-exp as gonum's floats.LogSumExp evaluates it
// (gonum/gonum floats/floats.go):
//
//	maxval = Max(x)                 // NaN skipped, first maximum
//	if maxval is ±Inf: lse = maxval
//	else: lse = log(Σ_j exp(x_j − maxval)) + maxval     // log, not log1p
//	L   = Σ_j h_j·(lse − x_j)
//	g_j = exp(x_j − lse)·S − h_j
//
// gonum has no gradient; the softmax exp(x − lse) is the one a caller of
// LogSumExp computes. gonum is float64 only: GonumLSE[float32] runs the same
// steps in float32. Both lse − x_j and exp(x_j − lse) are taken at the
// logits' scale, and log(Σ) with Σ ∈ [1, C] loses the small terms that
// log1p would keep.
//
// Special cases are:
//
//	GonumLSE(dst, x, h) = NaN, dst all NaN   if some x_j is NaN, or every x_j is −Inf
//	GonumLSE(dst, x, h) = NaN, dst_j = NaN   for x_j = +Inf (lse = +Inf, Inf − Inf), dst_k = −h_k elsewhere
//	GonumLSE(dst, x, h) = +Inf, dst_j = −h_j if x_j = −Inf and h_j > 0
//	GonumLSE(dst, x, h) = NaN, dst_j = 0     if x_j = −Inf and h_j = 0 (0·Inf: no masking)
//
// Accuracy: within the moderate-row bounds of the package doc; beyond, as
// LSEAtScale, and the softmax exp(x_j − lse) carries the rounding of lse, a
// relative error up to ulp(lse)/2 at the logits' scale.
func GonumLSE[T float32 | float64](dst, x, h []T) T {
	checkLens(dst, x, h)
	// floats.MaxIdx: max := NaN; skip NaN values; v > max || IsNaN(max).
	maxval := T(math.NaN())
	for _, v := range x {
		if v != v {
			continue
		}
		if v > maxval || maxval != maxval {
			maxval = v
		}
	}
	var lse T
	if math.IsInf(float64(maxval), 0) {
		lse = maxval
	} else {
		for _, v := range x {
			lse += exp(v - maxval)
		}
		lse = log(lse) + maxval
	}
	var loss T
	for j, v := range x {
		loss += T(h[j] * (lse - v))
	}
	S := sum(h)
	for j, v := range x {
		dst[j] = T(exp(v-lse)*S) - h[j]
	}
	return loss
}
