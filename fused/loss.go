package fused

import (
	"math"
	"sync"
)

// Accuracy bounds of Loss against the exact loss and gradient (docs/design.md §5,
// measured against ref over the case families of docs/design.md §7, see
// accuracy_test.go and the package README note).
const (
	// LossMaxULP bounds the loss error in ulps of the result type when
	// every h_j ≥ 0.
	LossMaxULP = 2
	// LossMaxScaled bounds the scaled loss error
	// |ΔL| / (u·Σ_j |h_j|(|m − x_j| + log1p(s))) for any h.
	LossMaxScaled = 2
	// GradMaxScaled bounds the componentwise scaled gradient error
	// |Δg_j| / (u·(p_j|S − h_j| + |h_j|q_j)) (with ulp's underflow floor).
	GradMaxScaled = 8
)

// Loss returns the softmax-with-infogain loss of the logits x for the row
// h = H[label,:],
//
//	L = −Σ_j h_j log p_j,  p = softmax(x),
//
// and writes its gradient g_j = ∂L/∂x_j = p_j·S − h_j (S = Σ_j h_j) into
// dst. It computes, with m = max x, k its first index and
// s = Σ_{j≠k} exp(x_j − m),
//
//	L = S·log1p(s) + Σ_j h_j (m − x_j)
//	g_j = p_j·(S − h_j) − h_j·q_j,  q_k = s/(1+s), q_j = 1 − p_j (j ≠ k)
//
// Special cases are:
//
//	Loss(dst, x, h) = NaN, dst all NaN, if some x_j is NaN or +Inf
//	Loss(dst, x, h) = NaN, dst all NaN, if every x_j is −Inf
//	a −Inf logit has p_j = 0 and g_j = −h_j; it adds 0 to L when h_j = 0,
//	    +Inf when h_j > 0, −Inf when h_j < 0 (+Inf and −Inf give NaN)
//	L = ±Inf (or a gradient ±Inf) only when the exact value rounds there:
//	    no intermediate overflows spuriously (for h ≥ 0, x − m and the loss
//	    terms are rescaled by powers of two; signed, huge or tiny h take an
//	    exact path where S and Σ_j h_j (m − x_j) are summed without rounding;
//	    a value within the accuracy bounds of the overflow threshold
//	    MaxFloat64 + ulp/2 may still round to the other side of it)
//
// The exact path (big.Float sums, hundreds of ns per element, allocating)
// runs only for rows that need it: signed h where some S − h_j cancels
// (|S − h_j| < C·2^-40·Σ|h_j|, 2^-60 for float32), whose terms could overflow
// (max|h_j|·(m − min x)·C > 2^1000, −Inf logits left out), or, for
// float32, whose Σ_j |h_j (x_j − m)| exceeds 2^140; max|h_j|·C > 2^1000;
// 0 < max|h_j| < 2^-500; m − min x > 700 with max|h_j|·C > 2^400; and
// losses within a factor 2 of the overflow threshold off the float64 fast
// path (where they cannot occur).
// Other float64 rows with signed h run on the scalar slow path (tens of ns
// per element), not the vector loops.
//
// Accuracy: against the exact values, the loss is within LossMaxULP ulps
// when every h_j ≥ 0, its scaled error is at most LossMaxScaled for any h,
// and every gradient component's scaled error is at most GradMaxScaled
// (measured; see the constants). Float32 inputs are computed in float64 and
// rounded once.
//
// Loss panics if len(x) = 0 or len(h) or len(dst) differ from len(x).
func Loss[T float32 | float64](dst, x, h []T) T {
	if len(x) == 0 {
		panic("fused: Loss: no logits")
	}
	if len(h) != len(x) || len(dst) != len(x) {
		panic("fused: Loss: len(dst), len(x), len(h) differ")
	}
	switch dst := any(dst).(type) {
	case []float64:
		return T(loss64(dst, any(x).([]float64), any(h).([]float64)))
	case []float32:
		return T(loss32(dst, any(x).([]float32), any(h).([]float32)))
	}
	panic("unreachable")
}

// Fast-path limits: below them no intermediate of the fast path can
// overflow (|x_j − m| ≤ width, |S − h_j| ≤ 2·n·hmax, |h_j·(x_j − m)|
// summed ≤ n·hmax·width, S·log1p(s) ≤ n·hmax·17).
const fastLimit = 0x1p1000

// subnormalWidth bounds m − min x on the fast path: every e_j ≥ e^-700 is
// then normal (e^-708.4 is not), so p_j·S never loses bits to underflow.
const subnormalWidth = 700

// tinyH is the least max |h_j| of the fast path and of slow64: below it
// the products h_j·(x_j − m) could be subnormal and lose bits (exact64
// takes such rows).
const tinyH = 0x1p-500

// cancels reports whether some S − h_j of a signed row (S = sHi + sLo, the
// double word of a TwoSum on each element with a plain sum of the errors,
// off by up to about C·2^-106·Σ|h_j|) is below C·c·Σ_j |h_j|: S is then not
// accurate enough for it (c = 2^-40 keeps its error below 2^-66 relative
// for float64; c = 2^-60 below 2^-46 for float32's g_j), and the row goes
// to exact64. Rows with h ≥ 0 have no such cancellation and skip the test.
func cancels[T float32 | float64](h []T, sHi, sLo, c float64) bool {
	habs, tmin := 0.0, math.Inf(1)
	for _, v := range h {
		hv := float64(v)
		habs = float64(habs + math.Abs(hv))
		tmin = math.Min(tmin, math.Abs(float64(float64(sHi-hv)+sLo)))
	}
	return !(tmin >= float64(habs*float64(len(h)))*c)
}

func loss64(dst, x, h []float64) float64 {
	n := float64(len(x))
	sc := scanRow64(x, h)
	width := float64(sc.m - sc.xmin)
	if sc.nf != 0 || !(width <= subnormalWidth) || !(sc.hmax*n <= fastLimit) ||
		!(float64(sc.hmax*width)*n <= fastLimit) || (sc.hmax < tinyH && sc.hmax != 0) {
		return slow64(dst, x, h)
	}
	k := firstIndex64(x, sc.m)
	sHi, sLo, pHi, pLo := expRow64(dst, x, h, sc.m, k)
	inv := inv1p(sHi, sLo)
	gradRow64(dst, h, inv, sc.sHi, sc.sLo)
	dst[k] = gradMax(h[k], inv, sHi, sLo, sc.sHi, sc.sLo)
	lgHi, lgLo := log1pDD(sHi, sLo)
	return combineLoss(lgHi, lgLo, sc.sHi, sc.sLo, pHi, pLo, 1)
}

// combineLoss returns L = S·lg·f − P rounded once from double words
// (S, lg = log1p(s) and P each to 2^-56 or better; f a power of two): within
// 0.5 ulp plus the error of s itself (< 2^-55 relative from the exp
// kernel's double words).
func combineLoss(lgHi, lgLo, bigSHi, bigSLo, pHi, pLo, f float64) float64 {
	th := float64(bigSHi * lgHi)
	tl := float64(math.FMA(bigSHi, lgHi, -th) + float64(float64(bigSHi*lgLo)+float64(bigSLo*lgHi)))
	th, tl = float64(th*f), float64(tl*f)
	a, b := twoSum(th, -pHi)
	return float64(a + float64(float64(b+tl)-pLo))
}

func firstIndex[T float32 | float64](x []T, m T) int {
	for j, v := range x {
		if v == m {
			return j
		}
	}
	return -1 // only for a tail without the max (firstIndex*SIMD); Loss's m comes from x
}

// inv1p returns 1/(1+s) for s = sHi + sLo ≥ 0 (one Newton step on the
// double word 1 + s: within 0.5 + 2^-50 ulp).
func inv1p(sHi, sLo float64) (inv float64) {
	dHi, dLo := twoSum(1, sHi)
	dLo = float64(dLo + sLo)
	inv1 := float64(1 / dHi)
	r := math.FMA(-inv1, dHi, 1)
	r = float64(r - float64(inv1*dLo))
	return math.FMA(inv1, r, inv1)
}

// gradMax returns g_k for the max class: p_k = 1/(1+s) = inv, the
// complement q_k = s/(1+s) = s·inv, and (S − h_k) from the double word S.
func gradMax(hk, inv, sHi, sLo, bigSHi, bigSLo float64) float64 {
	qk := math.FMA(sHi, inv, float64(sLo*inv))
	t := float64(float64(bigSHi-hk) + bigSLo)
	return math.FMA(inv, t, -float64(hk*qk))
}

// slow64 is the general scalar path for moderate h (see the dispatch to
// exact64 below; signed h only when S does not cancel and no term
// h_j (x_j − m) can overflow): non-finite logits, and rows whose
// intermediates could overflow or underflow, rescaled by powers of two
// (exact): x − m is formed halved (τ = 1/2) when it could overflow; when
// some exp(x_j − m) could be subnormal (width > 700) every e_j is kept as
// e'_j = e_j·ρ, ρ = 2^600, so that p_j·S keeps full precision where p_j
// underflows but p_j·S does not (S ≤ 2^400 there, so p_j·S below the
// range of e'_j is below the subnormals). The loss is accumulated in units
// of τ and scaled back once at the end. A term of P can overflow only for
// h ≥ 0, where every term of L is non-negative, so that the exact loss
// overflows too.
func slow64(dst, x, h []float64) float64 {
	m, k := math.Inf(-1), -1
	xmin := math.Inf(1)
	for j, v := range x {
		if v != v || v == math.Inf(1) {
			return fillNaN(dst)
		}
		if v > m {
			m, k = v, j
		}
		if v < xmin && v != math.Inf(-1) {
			xmin = v
		}
	}
	if k < 0 {
		return fillNaN(dst)
	}
	tau, rhoExp := 1.0, 0.0
	width := float64(m - xmin)
	if !(width <= fastLimit) {
		tau = 0.5
	}
	if !(width <= subnormalWidth) {
		rhoExp = 600
	}
	rho := math.Ldexp(1, int(rhoExp))
	hmax, signed := 0.0, false
	var s0, s0Lo float64 // S as a double word, for the cancellation test
	for _, v := range h {
		hmax = math.Max(hmax, math.Abs(v))
		signed = signed || !(v >= 0)
		var e float64
		s0, e = twoSum(s0, v)
		s0Lo = float64(s0Lo + e)
	}
	// The rows power-of-two rescaling does not serve go to exact64: signed
	// h whose S cancels (S − h_j needs more than a double word) or whose
	// terms h_j (x_j − m) could overflow (and cancel), h so large that S
	// could overflow (scaling h down would flush its subnormal entries), h
	// so small that its products are subnormal, and wide rows with
	// S > 2^400 (p_j·S needs p_j below the range of e'_j).
	hn := float64(hmax * float64(len(h)))
	if signed && (!(float64(hn*width) <= fastLimit) || cancels(h, s0, s0Lo, 0x1p-40)) ||
		!(hn <= fastLimit) || (hmax != 0 && hmax < tinyH) ||
		(rhoExp != 0 && !(hn <= 0x1p400)) {
		return exact64(dst, x, h)
	}
	var sHi, sLo, SHi, SLo, pHi, pLo float64
	posInf, negInf := false, false
	for j, v := range x {
		var e float64
		SHi, e = twoSum(SHi, h[j])
		SLo = float64(SLo + e)
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
		if j != k {
			sHi, e = twoSum(sHi, ex)
			sLo = float64(sLo + float64(e+exLo))
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
	sHiS, sLoS := sHi, sLo
	tiny := sHi < 0x1p-368*rho
	if rhoExp != 0 && !tiny {
		sHi, sLo = float64(sHi/rho), float64(sLo/rho)
	}
	inv := 1.0
	if !tiny {
		inv = inv1p(sHi, sLo)
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
			qs = math.FMA(sHiS, inv, float64(sLoS*inv))
		} else {
			qs = float64(rho - a)
		}
		// |S − h_j| ≤ S ≤ 2^1000 (2^400 when ρ ≠ 1): no overflow.
		t := float64(float64(SHi-h[j]) + SLo)
		dst[j] = float64(math.FMA(a, t, -float64(h[j]*qs)) * unscale)
	}
	switch {
	case posInf && negInf:
		return math.NaN()
	case posInf:
		return math.Inf(1)
	case negInf:
		return math.Inf(-1)
	}
	// In units of τ: T = S·lg·τ, L = (T − P)/τ.
	var lgHi, lgLo float64
	f := tau
	if tiny {
		lgHi, lgLo = sHiS, sLoS
		f = tau / rho
	} else {
		lgHi, lgLo = log1pDD(sHi, sLo)
	}
	l := float64(combineLoss(lgHi, lgLo, SHi, SLo, pHi, pLo, f) / tau)
	if !(math.Abs(l) < 0x1p1023) {
		// Within a factor 2 of the overflow threshold: exact64 decides
		// the side (its S·log1p(s) − P is exact where log1p(s) rounds to
		// an exact 0, as when the other logits are 2^1000 below m).
		return exact64(dst, x, h)
	}
	return l
}

func fillNaN[T float32 | float64](dst []T) T {
	nan := T(math.NaN())
	for j := range dst {
		dst[j] = nan
	}
	return nan
}

// smallRow is the longest float32 row whose scratch lives on the stack.
const smallRow = 32

// scratch holds the float64 e_j of a longer float32 row between passes 2
// and 3.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// p32Limit bounds Σ_j |h_j (x_j − m)| on the float32 fast path for signed
// h: below it, the float64 errors of P (< 2^17·2^-53·2^140 = 2^104) are far
// below float32's overflow threshold 2^128.
const p32Limit = 0x1p140

func loss32(dst, x, h []float32) float32 {
	m, nf := maxRow32(x)
	if m != m || math.IsInf(float64(m), 0) || (nf-nf != 0 && hasNonFinite32(x)) {
		return slow32(dst, x, h)
	}
	k := firstIndex32(x, m)
	hmax, hmin := hRange32(h)
	jmax := firstIndex32(h, hmax)
	signed := hmin < 0 || jmax < 0
	var sHi, sLo float64
	if signed {
		jmax = -1
		// A cancelling S − h_j needs more than a double word, and a P whose
		// terms reach p32Limit may cancel to a loss near float32's
		// overflow threshold that P's float64 rounding errors (up to
		// C·2^-53·Σ|h_j (x_j − m)|) would move across it: exact64
		// (through slow32) takes such rows.
		var pabs float64
		sHi, sLo, pabs = sumDD32(x, h, m)
		if !(pabs <= p32Limit) || cancels(h, sHi, sLo, 0x1p-60) {
			return slow32(dst, x, h)
		}
	}
	// e_j in float64 between passes 2 and 3: on the stack for short rows.
	var small [smallRow]float64
	var bp *[]float64
	var e []float64
	if len(x) <= smallRow {
		e = small[:len(x)]
	} else {
		bp = scratch.Get().(*[]float64)
		if cap(*bp) < len(x) {
			*bp = make([]float64, len(x))
		}
		e = (*bp)[:len(x)]
	}
	sc := expRow32(e, x, h, m, k, jmax)
	s, p := sc.s, sc.p
	if !signed {
		sHi, sLo = twoSum(float64(hmax), sc.r)
	}
	inv := float64(1 / float64(1+s))
	lg := math.Log1p(s)
	gradRow32(dst, e, h, inv, sHi, sLo)
	qk := float64(s * inv)
	hk := float64(h[k])
	t := float64(float64(sHi-hk) + sLo)
	dst[k] = float32(math.FMA(inv, t, -float64(hk*qk)))
	if bp != nil {
		scratch.Put(bp)
	}
	// S·lg − P rounds twice (float64, then float32): within 0.5 ulp of
	// float32 plus a few float64 ulps. Within a factor 2 of float32's
	// overflow threshold, exact64 decides the side.
	l := float64(float64(float64(sHi+sLo)*lg) - p)
	if math.Abs(l) >= 0x1p127 {
		return exact32(dst, x, h)
	}
	return float32(l)
}

// exact32 runs exact64 on the widened row and rounds its results to float32.
func exact32(dst, x, h []float32) float32 {
	x64 := make([]float64, len(x))
	h64 := make([]float64, len(x))
	g64 := make([]float64, len(x))
	for j := range x {
		x64[j], h64[j] = float64(x[j]), float64(h[j])
	}
	l := exact64(g64, x64, h64)
	for j, g := range g64 {
		dst[j] = float32(g)
	}
	return float32(l)
}

// slow32 runs slow64 on the widened row and rounds once; exact64 instead
// for signed h with Σ_j |h_j (x_j − m)| > p32Limit (finite x_j), whose P
// slow64 would sum with errors that matter near float32's overflow
// threshold (see loss32).
func slow32(dst, x, h []float32) float32 {
	x64 := make([]float64, len(x))
	h64 := make([]float64, len(x))
	g64 := make([]float64, len(x))
	m, signed := math.Inf(-1), false
	for j := range x {
		x64[j], h64[j] = float64(x[j]), float64(h[j])
		m = math.Max(m, x64[j])
		signed = signed || h[j] < 0
	}
	pabs := 0.0
	if signed && !math.IsInf(m, 0) {
		for j, v := range x64 {
			if v != math.Inf(-1) {
				pabs = math.FMA(math.Abs(h64[j]), float64(m-v), pabs)
			}
		}
	}
	var l float64
	if pabs > p32Limit {
		l = exact64(g64, x64, h64)
	} else {
		l = slow64(g64, x64, h64)
	}
	for j, g := range g64 {
		dst[j] = float32(g)
	}
	return float32(l)
}
