package ulp

import "math"

// ScaledRelErr bounds the relative error of LossScaled, GradScaled and
// GradScaledEach against the same ratio computed exactly: their scales are
// formed accurately and without overflow (see scale.go), not merely to the
// few percent a scale needs.
const ScaledRelErr = 1e-6

// LossScaled returns the loss error against what the conditioning allows,
//
//	|got − want| / (u·D + η),  D = Σ_j |h_j|(|m − x_j| + log1p(s)),
//
// where m = max_j x_j, k the first argmax, s = Σ_{j≠k} exp(x_j − m), u the
// unit roundoff of the output type (U64 or U32) and η its smallest positive
// subnormal (the underflow floor: 2^-1074 or 2^-149). Since |L| ≤ D, a
// correctly rounded loss scores at most 1, whatever the signs of h. want is
// the exact loss of the case (x, h). The result is within ScaledRelErr of
// the exact ratio; it is finite for finite got and want, saturating at
// MaxFloat64.
//
// Special cases are:
//
//	LossScaled(NaN, NaN, x, h, u) = 0
//	LossScaled(v, v, x, h, u) = 0 for every v, ±Inf included (and +0, −0)
//	LossScaled(got, want, x, h, u) = +Inf if got ≠ want and either is NaN or ±Inf
//	LossScaled(got, want, x, h, u) = +Inf if got ≠ want and the exact loss of
//	    (x, h) is not finite or not defined (docs/design.md §7: no logits, a NaN or
//	    +Inf logit, all logits −Inf, non-finite h, or h_j ≠ 0 on a −Inf logit)
//
// A −Inf logit with h_j = 0 contributes nothing (masking). LossScaled panics
// if len(x) ≠ len(h) or u is neither U64 nor U32.
func LossScaled(got, want float64, x, h []float64, u float64) float64 {
	if len(x) != len(h) {
		panic("ulp: LossScaled: len(x) != len(h)")
	}
	floorOf(u) // validate u even when the values decide alone
	if r, done := nonFinite(got, want); done {
		return r
	}
	den, ok := lossDen(x, h, u)
	if !ok {
		return math.Inf(1)
	}
	return xfAbsDiff(got, want).quo(den).float64()
}

// nonFinite applies the special cases shared by the scaled metrics; done
// is false when got and want are finite and differ.
func nonFinite(got, want float64) (r float64, done bool) {
	switch {
	case got == want, math.IsNaN(got) && math.IsNaN(want):
		return 0, true
	case math.IsNaN(got), math.IsNaN(want), math.IsInf(got, 0), math.IsInf(want, 0):
		return math.Inf(1), true
	}
	return 0, false
}

// GradScaledEach writes into dst[j] the gradient error of component j
// against what the conditioning allows,
//
//	|got_j − want_j| / (u·G_j + η),  G_j = p_j|S − h_j| + |h_j|q_j,
//
// where p = softmax(x), S = Σ_i h_i, q_j = 1 − p_j (formed as s/(1+s) for
// the first argmax k), and u, η are as in LossScaled. Since
// g_j = p_j(S − h_j) − h_j q_j, |g_j| ≤ G_j and a correctly rounded
// component scores at most 1. The results are within ScaledRelErr of the
// exact ratios, finite for finite got_j and want_j (saturating at
// MaxFloat64). It returns dst.
//
// Special cases are, per component, those of LossScaled, except that a −Inf
// logit leaves G_j finite (p_j = 0, q_j = 1): only an undefined loss (no
// logits, a NaN or +Inf logit, all logits −Inf, non-finite h) makes every
// unequal component +Inf.
//
// GradScaledEach panics if dst, got, want, x and h differ in length or u is
// neither U64 nor U32.
func GradScaledEach(dst, got, want, x, h []float64, u float64) []float64 {
	n := len(x)
	if len(dst) != n || len(got) != n || len(want) != n || len(h) != n {
		panic("ulp: GradScaledEach: lengths differ")
	}
	floorOf(u)
	var dens []xf // u·G_j + η, formed on the first finite unequal pair
	defined := true
	for j := range n {
		r, done := nonFinite(got[j], want[j])
		if done {
			dst[j] = r
			continue
		}
		if dens == nil && defined {
			dens = make([]xf, n)
			defined = gradDens(dens, x, h, u)
		}
		if !defined {
			dst[j] = math.Inf(1)
			continue
		}
		dst[j] = xfAbsDiff(got[j], want[j]).quo(dens[j]).float64()
	}
	return dst
}

// GradScaled returns the worst component of GradScaledEach and its index
// (the first one on ties), or (0, −1) for empty slices. It panics as
// GradScaledEach does.
func GradScaled(got, want, x, h []float64, u float64) (worst float64, at int) {
	each := GradScaledEach(make([]float64, len(x)), got, want, x, h, u)
	at = -1
	for j, v := range each {
		if at < 0 || v > worst {
			worst, at = v, j
		}
	}
	return worst, at
}

// NormwiseRelErr bounds the relative error of GradNormwise: two roundings
// (the difference of the worst component and the quotient).
const NormwiseRelErr = 2 * U64

// GradNormwise returns the normwise relative gradient error
// ‖got − want‖∞ / ‖want‖∞ over the components where both are finite, within
// NormwiseRelErr; it is finite when every component is, saturating at
// MaxFloat64.
//
// Special cases are:
//
//	component j with got_j, want_j both NaN, or equal: contributes 0
//	component j with got_j ≠ want_j, either NaN or ±Inf: result +Inf
//	‖want‖∞ = 0: 0 if got equals want, else MaxFloat64 (no relative
//	    accuracy exists against a zero gradient; GradScaled still measures it)
//	empty slices: 0
//
// GradNormwise panics if len(got) ≠ len(want).
func GradNormwise(got, want []float64) float64 {
	if len(got) != len(want) {
		panic("ulp: GradNormwise: len(got) != len(want)")
	}
	var errNorm xf
	norm := 0.0
	for j := range got {
		if r, done := nonFinite(got[j], want[j]); done {
			if r != 0 {
				return r
			}
			if !math.IsNaN(want[j]) && !math.IsInf(want[j], 0) {
				norm = max(norm, math.Abs(want[j]))
			}
			continue
		}
		norm = max(norm, math.Abs(want[j]))
		if d := xfAbsDiff(got[j], want[j]); errNorm.less(d) {
			errNorm = d
		}
	}
	switch {
	case errNorm.isZero():
		return 0
	case norm == 0:
		return math.MaxFloat64
	}
	return errNorm.quo(xfOf(norm)).float64()
}
