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
// cancellation between them left to the working precision. At P bits each t
// gets a relative error bound δ in units of 2^−P, doubled for second-order
// terms: e_j 4 (Exp is below 1 ulp = 2 units), s_r 4+n+3, T δ_s+1,
// log T 4 + 2δ_T (condition ≤ 1.5 for T ≥ 2), log1p(s_r) 4 + δ_s (condition
// s/((1+s)log1p(s)) ≤ 1), one more per product or quotient. Both ends of
// [t̃ − δ|t̃|, t̃ + δ|t̃|] are combined with the exact part by rounding to odd
// (a quotient by n_t ≤ 2^24 after a sum rounded to odd at 128 bits keeps
// every float64 midpoint on its side, since n_t·M has at most 80 bits) and
// rounded to nearest: if the ends agree the output is decided (rounding is
// monotone), else P doubles. No output is then an exact dyadic unless t = 0
// (Lindemann–Weierstrass: S·s_r/T and e^−d_j/T are transcendental for
// S ≠ 0, s_r > 0), so exact ties occur only where they are computed exactly.
func bigEval(dst, x, h, extra []float64, f format) (float64, Kind, string) {
	n := len(x)
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := new(big.Float).SetFloat64(x[k])
	d := make([]*big.Float, n)
	nt := 0
	var dmin *big.Float
	for j, v := range x {
		d[j] = mustExact(new(big.Float).SetPrec(diffPrec).Sub(m, big.NewFloat(v)))
		switch {
		case d[j].Sign() == 0:
			nt++
		case dmin == nil || d[j].Cmp(dmin) < 0:
			dmin = d[j]
		}
	}
	S := new(big.Float).SetPrec(diffPrec)
	A := new(big.Float).SetPrec(sumPrec)
	t := new(big.Float).SetPrec(sumPrec)
	for j, v := range h {
		mustExact(S.Add(S, big.NewFloat(v)))
		mustExact(A.Add(A, mustExact(t.Mul(big.NewFloat(v), d[j]))))
	}
	for _, v := range extra {
		mustExact(S.Add(S, big.NewFloat(v)))
	}
	// The loss uses S over the finite logits; it differs from S only when
	// extra has a nonzero weight, and then the caller replaces the loss.
	Sact := new(big.Float).SetPrec(diffPrec)
	for _, v := range h {
		mustExact(Sact.Add(Sact, big.NewFloat(v)))
	}
	ntb := new(big.Float).SetInt64(int64(nt))
	N := func(j int) *big.Float {
		z := new(big.Float).SetPrec(diffPrec+64).Mul(ntb, big.NewFloat(h[j]))
		return mustExact(z.Sub(S, mustExact(z)))
	}
	allExact := true

	// S = 0: every g_j = −h_j exactly, and L = A.
	if S.Sign() == 0 {
		for j, v := range h {
			dst[j] = 0 - v
		}
		loss := f.roundNudged(A, 0)
		return loss, kindOf(exactly(loss, A)), ""
	}
	sgnS := S.Sign()

	// No transcendental part reaches the gradient but through its sign:
	// all logits tied (g_j = S/n_t − h_j exactly), or every other term
	// below 2^−750000.
	if dmin == nil || dmin.Cmp(big.NewFloat(negligibleGap)) > 0 {
		sigma := 0
		if dmin != nil {
			sigma = sgnS
		}
		for j := range h {
			if d[j].Sign() != 0 {
				dst[j] = f.roundNudged(big.NewFloat(-h[j]), sigma)
				continue
			}
			v, exact := f.tiedRound(N(j), nil, ntb, -sigma)
			dst[j] = v
			allExact = allExact && exact
		}
		if Sact.Sign() == 0 {
			loss := f.roundNudged(A, 0)
			return loss, kindOf(allExact && exactly(loss, A)), ""
		}
		if nt == 1 {
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

	// General case: Ziv's loop over the undecided outputs.
	cut := new(big.Float).SetPrec(diffPrec+64).Add(dmin, big.NewFloat(negligibleGap))
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
	e := make([]*big.Float, n)
	for P := uint(startPrec); P <= maxPrec; P *= 2 {
		sr := new(big.Float).SetPrec(P)
		terms := 0
		for j := range d {
			if d[j].Sign() == 0 || d[j].Cmp(cut) > 0 {
				continue
			}
			negD.Neg(d[j])
			e[j] = Exp(new(big.Float).SetPrec(P), negD)
			sr.Add(sr, e[j])
			terms++
		}
		T := new(big.Float).SetPrec(P).Add(sr, ntb)
		ds := float64(4 + terms + 3)
		dT := ds + 1
		if !lossDone {
			var B *big.Float
			var dB float64
			if nt == 1 {
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
				a, _ = f.tiedRound(N(j), hi, ntb, 0)
				b, _ = f.tiedRound(N(j), lo, ntb, 0)
			} else {
				pS := new(big.Float).SetPrec(P).Quo(e[j], T)
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
