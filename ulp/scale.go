package ulp

import (
	"math"
	"math/big"
	"math/bits"
)

// Method. The scales of LossScaled and GradScaled are sums and products of
// non-negative terms, formed in xf (no overflow, no underflow), so their
// relative error is the sum of the relative errors of the terms plus n·u
// for a sum of n terms:
//
//	|m − x_j|        one rounding (halved first when it would overflow)
//	exp(x_j − m)     |x_j − m|·u ≤ 2^-37 from rounding x_j − m, plus < 1 ulp
//	                 (or 2^-35 below −708, see xfExp); 0 below −2^16, where it
//	                 is negligible against the floor
//	log1p(s)         < 1 ulp, or s itself for s < 2^-30 (relative error 2^-31)
//	q_k = s/(1+s)    a complement, never 1 − p_k; q_j = 1 − p_j for j ≠ k
//	                 where p_j ≤ 1/2, so one rounding
//	|S − h_j|        Σ_{i≠j} |h_i| for a row of one sign (prefix + suffix
//	                 sums, no cancellation, ≤ C·u); for a signed row the
//	                 exact sum rounded once, since it can cancel. Never
//	                 S − h_j in floating point: when h sits on one class,
//	                 S − h_k is the tail, lost in the rounding of S
//
// For C ≤ cases.MaxClasses = 2^24 the denominator u·scale + floor is within
// (2^24 + 16)·2^-53 + 2^-31 < 1e-8 of its exact value; ScaledRelErr claims
// 1e-6 to leave room.

// parts is what the scales need from the logits: k = argmax (first on
// ties), m = x_k, e_j = exp(x_j − m), s = Σ_{j≠k} e_j and 1 + s.
type parts struct {
	k        int
	m        float64
	e        []xf
	s        xf
	onePlusS xf
}

// analyze reports ok = false when the loss is undefined (docs/design.md §7): no
// logits, a NaN or +Inf logit, all logits −Inf, or a non-finite h (or
// len(h) ≠ len(x), which the exported functions reject first).
func analyze(x, h []float64) (p parts, ok bool) {
	if len(x) == 0 || len(x) != len(h) {
		return parts{}, false
	}
	p.k = -1
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 1) || math.IsNaN(h[j]) || math.IsInf(h[j], 0) {
			return parts{}, false
		}
		if !math.IsInf(v, -1) && (p.k < 0 || v > p.m) {
			p.k, p.m = j, v
		}
	}
	if p.k < 0 {
		return parts{}, false // all −Inf
	}
	p.e = make([]xf, len(x))
	for j, v := range x {
		p.e[j] = xfExp(v - p.m) // −Inf − m = −Inf → 0
		if j != p.k {
			p.s = p.s.add(p.e[j])
		}
	}
	p.onePlusS = xfOf(1).add(p.s)
	return p, true
}

// floorOf returns the underflow floor of the type whose unit roundoff is u:
// its smallest positive subnormal η. A correctly rounded result v has
// error ≤ max(u·|v|, η/2), so it scores ≤ 1 against u·scale + η.
func floorOf(u float64) float64 {
	switch u {
	case U64:
		return 0x1p-1074
	case U32:
		return 0x1p-149
	}
	panic("ulp: unit roundoff is neither U64 nor U32")
}

func log1pXf(s xf) xf {
	if s.e <= -30 { // s < 2^-30: log1p(s) = s(1 − s/2 + …)
		return s
	}
	return xfOf(math.Log1p(s.float64())) // s ≤ C − 1: representable
}

// lossDen returns u·D + η, D = lossScale(x, h).
func lossDen(x, h []float64, u float64) (den xf, ok bool) {
	eta := floorOf(u)
	d, ok := lossScale(x, h)
	return xfOf(u).mul(d).add(xfOf(eta)), ok
}

// lossScale returns D = Σ_j |h_j|(|m − x_j| + log1p(s)); ok is false when
// the loss is undefined or D is infinite (h_j ≠ 0 on a −Inf logit: the
// exact loss is then not finite).
func lossScale(x, h []float64) (d xf, ok bool) {
	p, ok := analyze(x, h)
	if !ok {
		return xf{}, false
	}
	var spread, sumH xf
	for j, hj := range h {
		if hj == 0 {
			continue // masking: h_j = 0 contributes 0, even at x_j = −Inf
		}
		if math.IsInf(x[j], -1) {
			return xf{}, false
		}
		ah := xfOf(math.Abs(hj))
		spread = spread.add(ah.mul(xfAbsDiff(p.m, x[j])))
		sumH = sumH.add(ah)
	}
	return spread.add(sumH.mul(log1pXf(p.s))), true
}

// gradDens writes u·G_j + η into dst[j], G_j from gradScales.
func gradDens(dst []xf, x, h []float64, u float64) (ok bool) {
	eta, uu := xfOf(floorOf(u)), xfOf(u)
	if !gradScales(dst, x, h) {
		return false
	}
	for j := range dst {
		dst[j] = uu.mul(dst[j]).add(eta)
	}
	return true
}

// gradScales writes G_j = p_j|S − h_j| + |h_j|q_j into dst[j]; ok is false
// when the loss is undefined. A −Inf logit has p_j = 0 and q_j = 1, so G_j
// stays finite there.
func gradScales(dst []xf, x, h []float64) (ok bool) {
	p, ok := analyze(x, h)
	if !ok {
		return false
	}
	var rest tailSums
	rest.init(h)
	for j, hj := range h {
		var pj, qj xf
		if j == p.k {
			pj = xfOf(1).quo(p.onePlusS)
			qj = p.s.quo(p.onePlusS)
		} else {
			pj = p.e[j].quo(p.onePlusS)
			qj = xfOf(1 - pj.float64()) // p_j ≤ 1/2
		}
		dst[j] = pj.mul(rest.absWithout(j)).add(xfOf(math.Abs(hj)).mul(qj))
	}
	return true
}

// tailSums gives |S − h_j| = |Σ_{i≠j} h_i|. For a row of one sign there
// is no cancellation: prefix and suffix sums in xf give it with relative
// error ≤ C·u. A signed row can cancel, so S is summed exactly in a
// big.Float wide enough for every bit of every h_i, and S − h_j is rounded
// once.
type tailSums struct {
	h []float64

	oneSign        bool
	prefix, suffix []xf // Σ_{i<j} |h_i|, Σ_{i>j} |h_i|

	sum, t, hj big.Float
	mant       big.Float
}

func (ts *tailSums) init(h []float64) {
	ts.h = h
	pos, neg := false, false
	for _, v := range h {
		pos = pos || v > 0
		neg = neg || v < 0
	}
	if !(pos && neg) {
		ts.oneSign = true
		n := len(h)
		ts.prefix, ts.suffix = make([]xf, n), make([]xf, n)
		for j := 1; j < n; j++ {
			ts.prefix[j] = ts.prefix[j-1].add(xfOf(math.Abs(h[j-1])))
			ts.suffix[n-1-j] = ts.suffix[n-j].add(xfOf(math.Abs(h[n-j])))
		}
		return
	}
	emax, emin := math.MinInt, math.MaxInt
	for _, v := range h {
		if v == 0 {
			continue
		}
		_, e := math.Frexp(v) // |v| < 2^e, v is a multiple of 2^(e−53)
		emax, emin = max(emax, e), min(emin, e)
	}
	// |Σ| < C·2^emax, and every partial sum is a multiple of 2^(emin−53).
	prec := uint(emax-emin+53+bits.Len(uint(len(h)))) + 2
	ts.sum.SetPrec(prec)
	ts.t.SetPrec(prec)
	for _, v := range h {
		ts.hj.SetFloat64(v)
		ts.sum.Add(&ts.sum, &ts.hj) // exact at this precision
	}
}

func (ts *tailSums) absWithout(j int) xf {
	if ts.oneSign {
		return ts.prefix[j].add(ts.suffix[j])
	}
	ts.hj.SetFloat64(ts.h[j])
	ts.t.Sub(&ts.sum, &ts.hj) // exact
	if ts.t.Sign() == 0 {
		return xf{}
	}
	ts.t.Abs(&ts.t)
	e := ts.t.MantExp(&ts.mant) // mant in [0.5, 1)
	f, _ := ts.mant.Float64()   // one rounding, may round up to 1
	ff, fe := math.Frexp(f)
	return xf{ff, e + fe}
}
