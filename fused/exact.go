package fused

import (
	"math"
	"math/big"
)

// exactPrec is the precision of the exact accumulators of exact64: a sum of
// products h_j·d_j spans at most 2^2066 (|h_j| < 2^1024, |d_j| < 2^1025,
// C ≤ 2^17) down to 2^-2148 (two least subnormals), so 4400 bits hold every
// sum, difference and product below exactly.
const exactPrec = 4400

// exactRho is the scale of the e_j in exact64: e'_j = e_j·2^1000, so that
// p_j·(S − h_j) keeps full precision down to e_j = 2^-2075 (the largest
// s' = Σ e'_j stays below 2^1018 for C ≤ 2^17).
const exactRho = 1000

// exactRhoLow is the scale of the e_j that e'_j holds with less than full
// precision (e_j < 2^-2022): p_j·(S − h_j) still matters down to
// e_j ≈ 2^-2117 (|S − h_j| < 2^1042).
const exactRhoLow = 2000

// exact64 is the path for the rows no power-of-two rescaling of slow64
// serves: signed h (S and P = Σ h_j (x_j − m) may cancel, a term
// h_j·(x_j − m) may overflow while the sum does not, S − h_j may need more
// than a double word), h so large that scaling it down loses its subnormal
// entries, h so small that its products are subnormal, and wide rows with
// large h (p_j underflows while p_j·S does not). S and P are accumulated
// exactly in big.Float; the loss S·log1p(s) − P and each g_j =
// p_j·(S − h_j) − h_j·q_j are formed exactly from them, from the double
// word log1p(s) and from p_j and q_j (a few ulps each), and rounded once by
// Float64, which overflows or underflows only where the exact value does.
// It is slow (hundreds of ns per element) and reached only by such rows.
func exact64(dst, x, h []float64) float64 { return exactRow(dst, x, h, false) }

// exactRow is exact64, its results rounded once from big.Float to float32
// when f32 is set (then stored exactly in float64): rounding to float64
// first and then to float32 would double-round, and a float32 loss just
// below the overflow rounding boundary came out +Inf (found by the
// battery's generated overflow-boundary cases, issue 17).
func exactRow(dst, x, h []float64, f32 bool) float64 {
	round := func(t *big.Float) float64 {
		if f32 {
			v, _ := t.Float32()
			return float64(v)
		}
		v, _ := t.Float64()
		return v
	}
	m, k := math.Inf(-1), -1
	for j, v := range x {
		if v != v || v == math.Inf(1) {
			return fillNaN(dst)
		}
		if v > m {
			m, k = v, j
		}
	}
	if k < 0 {
		return fillNaN(dst)
	}
	for _, v := range h {
		if v-v != 0 { // invalid input (Validate rejects it); big.Float would panic
			return fillNaN(dst)
		}
	}
	newF := func() *big.Float { return new(big.Float).SetPrec(exactPrec) }
	bigS, bigP, t, u := newF(), newF(), newF(), newF()
	// x − m may overflow: form it halved (τ = 1/2) when some x_j is far
	// below m; dh + dl = τ(x_j − m) exactly.
	tau := 1.0
	for _, v := range x {
		if v != math.Inf(-1) && !(float64(m-v) <= fastLimit) {
			tau = 0.5
			break
		}
	}
	var esHi, esLo float64
	posInf, negInf := false, false
	for j, v := range x {
		bigS.Add(bigS, t.SetFloat64(h[j]))
		if v == math.Inf(-1) {
			dst[j] = 0
			switch {
			case h[j] > 0:
				posInf = true
			case h[j] < 0:
				negInf = true
			}
			continue
		}
		dh, dl := twoSum(float64(v*tau), float64(-m*tau))
		ex, exLo := expScaled(dh, dl, tau, exactRho)
		dst[j] = ex
		if j != k {
			var e float64
			esHi, e = twoSum(esHi, ex)
			esLo = float64(esLo + float64(e+exLo))
		}
		if h[j] != 0 {
			// P += h_j·(dh + dl)/τ, exactly.
			t.SetFloat64(h[j])
			bigP.Add(bigP, u.Mul(t, u.SetFloat64(dh)))
			bigP.Add(bigP, u.Mul(t, u.SetFloat64(dl)))
		}
	}
	if tau != 1 {
		bigP.SetMantExp(bigP, 1)
	}
	// s = s'·2^-1000: below 2^-368, 1 + s = 1 and log1p(s) = s to 2^-368.
	// s' = s·2^sScale. Below 2^-2000, s' = s·2^1000 may have lost bits
	// to underflow: s is summed again at 2^2000 (every e_j ≤ s is then
	// below 2^-2000, and e_j·2^2000 below 1).
	sScale := exactRho
	if esHi < 0x1p-1000 {
		esHi, esLo, sScale = 0, 0, exactRhoLow
		for j, v := range x {
			if j == k || v == math.Inf(-1) {
				continue
			}
			dh, dl := twoSum(float64(v*tau), float64(-m*tau))
			ex, exLo := expScaled(dh, dl, tau, exactRhoLow)
			var e float64
			esHi, e = twoSum(esHi, ex)
			esLo = float64(esLo + float64(e+exLo))
		}
	}
	// Below 2^-368, 1 + s = 1 and log1p(s) = s to 2^-368.
	tiny := esHi < math.Ldexp(0x1p-368, sScale)
	inv := 1.0
	if !tiny {
		inv = inv1p(math.Ldexp(esHi, -sScale), math.Ldexp(esLo, -sScale))
	}
	pj, qj, one := newF(), newF(), newF().SetInt64(1)
	for j := range dst {
		if x[j] == math.Inf(-1) {
			dst[j] = -h[j] // p_j = 0, q_j = 1
			continue
		}
		e, scale := dst[j], exactRho
		if e < 0x1p-1022 {
			// e'_j lost bits to underflow: redo e_j at 2^2000 (full
			// precision down to e_j = 2^-3022; below 2^-2117,
			// p_j·|S − h_j| < 2^-1075 anyway).
			e, scale = 0, exactRhoLow
			dh, dl := twoSum(float64(x[j]*tau), float64(-m*tau))
			e, _ = expScaled(dh, dl, tau, exactRhoLow)
			if e == 0 {
				dst[j] = -h[j] // p_j = 0 to below 2^-3074, q_j = 1
				continue
			}
		}
		a := float64(e * inv) // p_j·2^scale
		pj.SetFloat64(a).SetMantExp(pj, -scale)
		if j == k {
			// q_k = s/(1+s) = s'·inv·2^-sScale (e'_k = 2^1000 is never
			// small)
			qj.SetFloat64(math.FMA(esHi, inv, float64(esLo*inv))).SetMantExp(qj, -sScale)
		} else {
			// p_j ≤ 1/2: 1 − p_j loses nothing to cancellation; formed
			// exactly, so that h_j·q_j keeps the p_j·h_j inside it (a
			// result next to the overflow threshold must not round across).
			qj.Sub(one, pj)
		}
		t.Sub(bigS, u.SetFloat64(h[j])) // S − h_j
		t.Mul(t, pj)
		u.Mul(u, qj) // h_j·q_j
		t.Sub(t, u)
		dst[j] = round(t)
	}
	switch {
	case posInf && negInf:
		return math.NaN()
	case posInf:
		return math.Inf(1)
	case negInf:
		return math.Inf(-1)
	}
	// L = S·log1p(s) − P.
	var lgHi, lgLo float64
	lgScale := 0
	if tiny {
		lgHi, lgLo, lgScale = esHi, esLo, -sScale
	} else {
		lgHi, lgLo = log1pDD(math.Ldexp(esHi, -sScale), math.Ldexp(esLo, -sScale))
	}
	t.SetFloat64(lgHi)
	t.Add(t, u.SetFloat64(lgLo))
	if lgScale != 0 {
		t.SetMantExp(t, lgScale)
	}
	t.Mul(t, bigS)
	t.Sub(t, bigP)
	return round(t)
}

// expScaled returns exp(d)·2^kx and its low word for d = (dh + dl)/τ
// (τ = 1 or 1/2, see exact64); 0 for a halved d below −1600.
func expScaled(dh, dl, tau, kx float64) (e, eLo float64) {
	switch {
	case tau == 1:
		return expCore(dh, dl, kx)
	case dh >= -800:
		return expCore(2*dh, 2*dl, kx)
	}
	return 0, 0
}

// exact32 runs exact64's algorithm on the widened row, rounding its results
// once, directly to float32.
func exact32(dst, x, h []float32) float32 {
	x64 := make([]float64, len(x))
	h64 := make([]float64, len(x))
	g64 := make([]float64, len(x))
	for j := range x {
		x64[j], h64[j] = float64(x[j]), float64(h[j])
	}
	l := exactRow(g64, x64, h64, true)
	for j, g := range g64 {
		dst[j] = float32(g)
	}
	return float32(l)
}
