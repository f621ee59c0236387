package fused

import "math"

// slow64 is the general scalar path for the rows routeScalar64 sends to it
// (pathSlow; see there): non-finite logits, signed h whose S does not
// cancel and whose terms cannot overflow, and rows whose intermediates
// could overflow or underflow, rescaled by powers of two (exact): x − m is
// formed halved (τ = f.tau = 1/2) when it could overflow; when some
// exp(x_j − m) could be subnormal (width > subnormalWidth) every e_j is kept
// as e'_j = e_j·ρ, ρ = 2^f.rhoExp = 2^600, so that p_j·S keeps full
// precision where p_j underflows but p_j·S does not (S ≤ slowScaledH there,
// so p_j·S below the range of e'_j is below the subnormals). The loss is
// accumulated in units of τ and scaled back once at the end. A term of P
// can overflow only for h ≥ 0, where every term of L is non-negative, so
// that the exact loss overflows too. S = f.hsHi + f.hsLo.
//
// set reports a loss set by docs/design.md §7 (±Inf or NaN from h_j ≠ 0 on
// −Inf logits, or an overflowing term), not computed: the router's
// nearOverflow64 check does not apply to it.
func slow64(dst, x, h []float64, f *scalarFacts) (l float64, set bool) {
	m, k, tau, rhoExp := f.m, f.k, f.tau, f.rhoExp
	rho := math.Ldexp(1, int(rhoExp))
	hsHi, hsLo := f.hsHi, f.hsLo
	var esHi, esLo, pHi, pLo float64
	posInf, negInf := false, false
	for j, v := range x {
		if v == math.Inf(-1) {
			dst[j] = 0
			posInf = posInf || h[j] > 0
			negInf = negInf || h[j] < 0
			continue
		}
		dh, dl := twoSum(float64(v*tau), float64(-m*tau))
		var ex, exLo float64
		switch {
		case tau == 1:
			ex, exLo = expCore(dh, dl, rhoExp)
		case dh >= -600:
			ex, exLo = expCore(2*dh, 2*dl, rhoExp)
		}
		dst[j] = ex
		var e float64
		if j != k {
			esHi, e = twoSum(esHi, ex)
			esLo = float64(esLo + float64(e+exLo))
		}
		ph := float64(h[j] * dh)
		pl := float64(math.FMA(h[j], dh, -ph) + float64(h[j]*dl))
		if math.IsInf(ph, 0) {
			// −ph ≥ 0 is a term of the loss, and it overflows with the
			// exact one.
			posInf = true
			continue
		}
		pHi, e = twoSum(pHi, ph)
		pLo = float64(pLo + float64(e+pl))
	}
	if !(math.Abs(pHi) <= math.MaxFloat64) {
		// τ·P overflowed in the sum: with h ≥ 0 every term has the sign
		// of the sum, so the exact loss −P/τ + S·log1p(s) overflows too.
		posInf = true
	}
	// s' = s·ρ. Unscaled, s is normal unless s < 2^-968; then 1 + s = 1
	// and log1p(s) = s to 2^-968, so the loss uses s' directly.
	esHiS, esLoS := esHi, esLo
	tiny := esHi < 0x1p-368*rho
	if rhoExp != 0 && !tiny {
		esHi, esLo = float64(esHi/rho), float64(esLo/rho)
	}
	inv := 1.0
	if !tiny {
		inv = inv1p(esHi, esLo)
	}
	unscale := float64(1 / rho)
	for j := range dst {
		if dst[j] == 0 {
			dst[j] = -h[j]
			continue
		}
		a := float64(dst[j] * inv) // p_j·ρ
		var qs float64             // q_j·ρ
		if j == k {
			qs = math.FMA(esHiS, inv, float64(esLoS*inv))
		} else {
			qs = float64(rho - a)
		}
		// |S − h_j| ≤ S ≤ 2^1000 (2^400 when ρ ≠ 1): no overflow.
		t := float64(float64(hsHi-h[j]) + hsLo)
		dst[j] = float64(math.FMA(a, t, -float64(h[j]*qs)) * unscale)
	}
	switch {
	case posInf && negInf:
		return math.NaN(), true
	case posInf:
		return math.Inf(1), true
	case negInf:
		return math.Inf(-1), true
	}
	// In units of τ: T = S·lg·τ, L = (T − P)/τ.
	var lgHi, lgLo float64
	scale := tau
	if tiny {
		lgHi, lgLo = esHiS, esLoS
		scale = tau / rho
	} else {
		lgHi, lgLo = log1pDD(esHi, esLo)
	}
	return float64(combineLoss(lgHi, lgLo, hsHi, hsLo, pHi, pLo, scale) / tau), false
}

// wide32 computes a float32 row off its fast path (route32's pathWide) as
// float64: the widened row through scalar64 (never the float64 fast path),
// each result rounded once to float32.
func wide32(dst, x, h []float32) float32 {
	x64 := make([]float64, len(x))
	h64 := make([]float64, len(x))
	g64 := make([]float64, len(x))
	for j := range x {
		x64[j], h64[j] = float64(x[j]), float64(h[j])
	}
	l := scalar64(g64, x64, h64)
	for j, g := range g64 {
		dst[j] = float32(g)
	}
	return float32(l)
}

func fillNaN[T float32 | float64](dst []T) T {
	nan := T(math.NaN())
	for j := range dst {
		dst[j] = nan
	}
	return nan
}
