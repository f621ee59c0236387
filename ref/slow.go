package ref

import (
	"fmt"
	"math"
	"math/big"
)

// Exact parts are held at fixed precisions large enough for any input:
// a difference of two float64 values spans at most 2^1024..2^−1074 (2099
// bits) and a sum of up to 2^24 of them or of the weights h adds 24 bits;
// a product h_j·(m − x_j) spans 2^2049..2^−2148, and their sum 24 bits more.
const (
	diffPrec = 2200
	sumPrec  = 4400
)

// Ziv's loop starts at startPrec bits and doubles up to maxPrec.
const (
	startPrec = 128
	maxPrec   = 1 << 16
)

// Non-tied terms far below the largest one only matter through their sign:
// with dmin the least positive d_j, a term with d_j > dmin + 2^19 is below
// 2^−(2^19) of s_rest and is dropped from it, which costs less than one
// unit of 2^−P for every P ≤ maxPrec; and when dmin > 2^19 itself, every
// non-tied term is below 2^−750000 absolutely, far below half the least
// subnormal and the last bit of any exact part, so only signs reach the
// outputs (roundNudged).
const negligibleGap = 1 << 19

// bigEval is the slow path: exact parts in big.Float, transcendental parts
// with Ziv's strategy.
//
// Method: with m = max x, d_j = m − x_j (exact), n_t logits tied at m
// (d_j = 0), s_r = Σ_{d_j>0} e^−d_j and T = n_t + s_r, the exact parts
// A = Σ h_j d_j, S = Σ h_j (extra included) and N_j = S − n_t·h_j:
//
//	L   = A + S·log T                 (log1p(s_r) when n_t = 1)
//	g_j = (N_j − S·s_r/T) / n_t       (tied j: p_j = 1/T)
//	g_j = −h_j + S·e^−d_j/T           (other j)
//
// Each output is an exact part plus a transcendental part t with no exact
// cancellation between them left to the working precision. Both ends of an
// enclosure [t̃ − δ|t̃|, t̃ + δ|t̃|] of t (δ in units of 2^−P at P bits,
// doubled for second-order terms; the regimes below give each δ) are
// combined with the exact part by rounding to odd (a quotient by n_t ≤ 2^24
// after a sum rounded to odd at 128 bits keeps every float64 midpoint on
// its side, since n_t·M has at most 80 bits) and rounded to nearest: if the
// ends agree the output is decided (rounding is monotone), else P doubles.
// No output is then an exact dyadic unless t = 0 (Lindemann–Weierstrass:
// S·s_r/T and e^−d_j/T are transcendental for S ≠ 0, s_r > 0), so exact
// ties occur only where they are computed exactly.
//
// The row falls in one of three regimes, each its own function:
// zeroSumEval (S = 0: no transcendental part at all), negligibleEval (the
// transcendental parts reach the gradient only through their sign) and
// zivEval (the general case).
func bigEval(dst, x, h, extra []float64, f format) (float64, Kind, string) {
	e := newExactParts(x, h, extra)
	switch {
	case e.S.Sign() == 0:
		return e.zeroSumEval(dst, f)
	case e.dmin == nil || e.dmin.Cmp(big.NewFloat(negligibleGap)) > 0:
		return e.negligibleEval(dst, f)
	default:
		return e.zivEval(dst, f)
	}
}

// exactParts are the parts of a row that big.Float holds exactly (at
// diffPrec or sumPrec bits, see above): d_j = m − x_j, n_t, the least
// positive d_j, S (extra included), Sact (finite logits only) and A.
type exactParts struct {
	h    []float64
	d    []*big.Float
	nt   int
	ntb  *big.Float // n_t as a big.Float
	dmin *big.Float // least positive d_j, nil when every logit is tied
	S    *big.Float
	Sact *big.Float
	A    *big.Float
}

func newExactParts(x, h, extra []float64) *exactParts {
	n := len(x)
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := new(big.Float).SetFloat64(x[k])
	e := &exactParts{h: h, d: make([]*big.Float, n)}
	for j, v := range x {
		e.d[j] = mustExact(new(big.Float).SetPrec(diffPrec).Sub(m, big.NewFloat(v)))
		switch {
		case e.d[j].Sign() == 0:
			e.nt++
		case e.dmin == nil || e.d[j].Cmp(e.dmin) < 0:
			e.dmin = e.d[j]
		}
	}
	e.S = new(big.Float).SetPrec(diffPrec)
	e.A = new(big.Float).SetPrec(sumPrec)
	t := new(big.Float).SetPrec(sumPrec)
	for j, v := range h {
		mustExact(e.S.Add(e.S, big.NewFloat(v)))
		mustExact(e.A.Add(e.A, mustExact(t.Mul(big.NewFloat(v), e.d[j]))))
	}
	for _, v := range extra {
		mustExact(e.S.Add(e.S, big.NewFloat(v)))
	}
	// The loss uses S over the finite logits; it differs from S only when
	// extra has a nonzero weight, and then the caller replaces the loss.
	e.Sact = new(big.Float).SetPrec(diffPrec)
	for _, v := range h {
		mustExact(e.Sact.Add(e.Sact, big.NewFloat(v)))
	}
	e.ntb = new(big.Float).SetInt64(int64(e.nt))
	return e
}

// N returns N_j = S − n_t·h_j exactly.
func (e *exactParts) N(j int) *big.Float {
	z := new(big.Float).SetPrec(diffPrec+64).Mul(e.ntb, big.NewFloat(e.h[j]))
	return mustExact(z.Sub(e.S, mustExact(z)))
}

// zeroSumEval is the regime S = 0: every g_j = p_j·0 − h_j = −h_j exactly,
// and L = A + 0·log T = A.
//
// Error: none but the final rounding of the exact A (roundNudged with no
// nudge is round to nearest): 0 ulps, Exact when A is representable.
func (e *exactParts) zeroSumEval(dst []float64, f format) (float64, Kind, string) {
	for j, v := range e.h {
		dst[j] = 0 - v
	}
	loss := f.roundNudged(e.A, 0)
	return loss, kindOf(exactly(loss, e.A)), ""
}

// negligibleEval is the regime where no transcendental part reaches the
// gradient but through its sign: all logits tied (s_r = 0, g_j = S/n_t − h_j
// exactly), or dmin > 2^19, so that every non-tied term is below
// 2^−750000 (see negligibleGap).
//
// Error: a non-tied g_j = −h_j + S·p_j with 0 < S·p_j/|S| < 2^−750000, far
// below half the least subnormal and the last bit of −h_j: −h_j rounded
// with a nudge toward the sign of S is correctly rounded (roundNudged). A
// tied g_j = (N_j − S·s_r/T)/n_t likewise is N_j/n_t nudged against that
// sign (tiedRound). The loss is A when Sact = 0; A + Sact·log1p(s_r) with
// s_r < 2^−750000 (or 0) when n_t = 1, rounded from A nudged by the sign of
// Sact; else A + Sact·log T with T = n_t + s_r, enclosed with δ = 4 for
// Log(n_t) (below 1 ulp), 1 for the product by Sact and 1 for the dropped
// s_r (log T − log n_t ≤ s_r/n_t < 2^−750000, far below one unit 2^−P for
// every P ≤ maxPrec), in Ziv's loop.
func (e *exactParts) negligibleEval(dst []float64, f format) (float64, Kind, string) {
	A, Sact, ntb := e.A, e.Sact, e.ntb
	allExact := true
	sigma := 0
	if e.dmin != nil {
		sigma = e.S.Sign()
	}
	for j := range e.h {
		if e.d[j].Sign() != 0 {
			dst[j] = f.roundNudged(big.NewFloat(-e.h[j]), sigma)
			continue
		}
		v, exact := f.tiedRound(e.N(j), nil, ntb, -sigma)
		dst[j] = v
		allExact = allExact && exact
	}
	if Sact.Sign() == 0 {
		loss := f.roundNudged(A, 0)
		return loss, kindOf(allExact && exactly(loss, A)), ""
	}
	if e.nt == 1 {
		// L = A + Sact·log1p(s) with 0 < s < 2^−750000, or s = 0.
		if sigma == 0 {
			loss := f.roundNudged(A, 0)
			return loss, kindOf(allExact && exactly(loss, A)), ""
		}
		return f.roundNudged(A, Sact.Sign()), Rounded, ""
	}
	for P := uint(startPrec); P <= maxPrec; P *= 2 {
		B := Log(new(big.Float).SetPrec(P), ntb)
		B.Mul(B, Sact)
		lo, hi := widen(B, 4+1+1, P)
		if a, b := f.round(addOdd(A, lo)), f.round(addOdd(A, hi)); sameBits(a, b) {
			return a, Rounded, ""
		}
	}
	return math.NaN(), Uncertified, fmt.Sprintf("loss undecided at %d bits", maxPrec)
}

// zivEval is the general regime: Ziv's loop over the outputs still
// undecided, doubling P from startPrec to maxPrec. Terms with d_j beyond
// dmin + 2^19 are dropped from s_r and their g_j rounded from −h_j nudged
// by the sign of S (negligibleGap: below one unit 2^−P of s_r for every
// P ≤ maxPrec, and below the last bit of −h_j).
//
// Error, δ in units of 2^−P: each e_j 4 (Exp is below 1 ulp = 2 units,
// doubled); s_r 4 + n + 3 for a sum of n terms; T = s_r + n_t one more;
// log T 4 + 2δ_T (condition ≤ 1.5 for T ≥ 2) or log1p(s_r) 4 + δ_s
// (condition s/((1+s)·log1p(s)) ≤ 1) when n_t = 1; one more per product or
// quotient: the loss's S·log T, a tied g_j's S·s_r/T (δ_s + δ_T + 2), a
// non-tied g_j's S·e_j/T (4 + δ_T + 2).
func (e *exactParts) zivEval(dst []float64, f format) (float64, Kind, string) {
	h, d, A, S, Sact, ntb := e.h, e.d, e.A, e.S, e.Sact, e.ntb
	n := len(d)
	sgnS := S.Sign()
	cut := new(big.Float).SetPrec(diffPrec+64).Add(e.dmin, big.NewFloat(negligibleGap))
	decided := make([]bool, n)
	lossDone := false
	var loss float64
	if Sact.Sign() == 0 {
		loss, lossDone = f.roundNudged(A, 0), true
	}
	for j := range h {
		if d[j].Cmp(cut) > 0 {
			dst[j] = f.roundNudged(big.NewFloat(-h[j]), sgnS)
			decided[j] = true
		}
	}
	negD := new(big.Float)
	ex := make([]*big.Float, n)
	for P := uint(startPrec); P <= maxPrec; P *= 2 {
		sr := new(big.Float).SetPrec(P)
		terms := 0
		for j := range d {
			if d[j].Sign() == 0 || d[j].Cmp(cut) > 0 {
				continue
			}
			negD.Neg(d[j])
			ex[j] = Exp(new(big.Float).SetPrec(P), negD)
			sr.Add(sr, ex[j])
			terms++
		}
		T := new(big.Float).SetPrec(P).Add(sr, ntb)
		ds := float64(4 + terms + 3)
		dT := ds + 1
		if !lossDone {
			var B *big.Float
			var dB float64
			if e.nt == 1 {
				B, dB = Log1p(new(big.Float).SetPrec(P), sr), 4+ds+1
			} else {
				B, dB = Log(new(big.Float).SetPrec(P), T), 4+2*dT+1
			}
			B.Mul(B, Sact)
			lo, hi := widen(B, dB, P)
			if a, b := f.round(addOdd(A, lo)), f.round(addOdd(A, hi)); sameBits(a, b) {
				loss, lossDone = a, true
			}
		}
		all := lossDone
		for j := range h {
			if decided[j] {
				continue
			}
			var a, b float64
			if d[j].Sign() == 0 {
				// t = S·s_r/T; g_j = (N_j − t)/n_t.
				tt := new(big.Float).SetPrec(P).Quo(sr, T)
				tt.Mul(tt, S)
				lo, hi := widen(tt, ds+dT+2, P)
				a, _ = f.tiedRound(e.N(j), hi, ntb, 0)
				b, _ = f.tiedRound(e.N(j), lo, ntb, 0)
			} else {
				pS := new(big.Float).SetPrec(P).Quo(ex[j], T)
				pS.Mul(pS, S)
				lo, hi := widen(pS, 4+dT+2, P)
				negH := big.NewFloat(-h[j])
				a, b = f.round(addOdd(negH, lo)), f.round(addOdd(negH, hi))
			}
			if sameBits(a, b) {
				dst[j] = a
				decided[j] = true
			} else {
				all = false
			}
		}
		if all {
			return loss, Rounded, ""
		}
	}
	for j := range h {
		if !decided[j] {
			dst[j] = math.NaN()
		}
	}
	if !lossDone {
		loss = math.NaN()
	}
	return loss, Uncertified, fmt.Sprintf("undecided at %d bits", maxPrec)
}

// tiedRound rounds (num − t)/n + σ·ε to nearest in f, for an exact num, a
// transcendental t (nil for 0) and a positive integer n ≤ 2^24; ε is a
// positive infinitesimal. It reports whether the result is exact (t = nil,
// σ = 0 and no rounding).
func (f format) tiedRound(num, t, n *big.Float, sigma int) (float64, bool) {
	z := num
	if t != nil {
		z = new(big.Float).SetPrec(2*oddPrec).SetMode(big.ToZero).Sub(num, t)
		z = sticky(z, z.Acc())
	}
	q := new(big.Float).SetPrec(oddPrec).SetMode(big.ToZero).Quo(z, n)
	acc := q.Acc()
	if acc != big.Exact || t != nil {
		return f.round(sticky(q, acc)), false
	}
	if sigma != 0 {
		return f.roundNudged(q, sigma), false
	}
	v := f.round(q)
	if q.Sign() == 0 {
		v = 0
	}
	return v, exactly(v, q)
}

// widen returns t(1 − 2δ·2^−P) and t(1 + 2δ·2^−P) rounded outward, δ in
// units of 2^−P (doubled to cover second-order terms).
func widen(t *big.Float, delta float64, P uint) (lo, hi *big.Float) {
	w := absBound(t, 2*delta, P)
	lo = new(big.Float).SetPrec(P+8).SetMode(big.ToNegativeInf).Sub(t, w)
	hi = new(big.Float).SetPrec(P+8).SetMode(big.ToPositiveInf).Add(t, w)
	return lo, hi
}

// absBound returns |t|·c·2^−P rounded up.
func absBound(t *big.Float, c float64, P uint) *big.Float {
	w := new(big.Float).SetPrec(64).SetMode(big.AwayFromZero).Abs(t)
	w.Mul(w, big.NewFloat(c))
	return w.SetMantExp(w, -int(P))
}

func mustExact(z *big.Float) *big.Float {
	if z.Acc() != big.Exact {
		panic("ref: internal error: an exact part was rounded")
	}
	return z
}

func kindOf(exact bool) Kind {
	if exact {
		return Exact
	}
	return Rounded
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b)
}
