package ref

import (
	"math"
)

// fastLimit bounds |x_j| and Σ|h_j| on the fast path, so that no
// double-double intermediate overflows: d_j ≤ 2^481, Σ|h_j|·d_j ≤ 2^961.
const fastLimit = 0x1p480

// decideMin and decideMax bound the magnitude of an output the fast path
// decides: above 2^−900 both words and the error bound are far from the
// subnormal range, below 2^900 (2^126 for float32) nothing overflows.
const (
	decideMin = 0x1p-900
	decideMax = 0x1p900
)

// fastEval is the double-double fast path. It returns ok = false, leaving
// dst in an unspecified state, when a row is outside its domain or when any
// output's rounding is undecided; bigEval then does the whole row.
//
// Method: the formulas of bigEval, with d_j = m − x_j exact as a twoSum
// pair, e^−d_j by expNeg, log1p by ddLog1p, S_k = Σ_{i≠k} h_i by ddAddF.
// Each quantity carries an absolute error bound propagated by first-order
// rules from the per-operation bounds of dd.go (|ã·b̃ − ab| ≤ |ã|·err_b +
// |b̃|·err_a + op·u²|ãb̃| etc.); the bounds are then multiplied by
// 1 + 2^−20, which covers both the second-order terms (each relative error
// is below 2^−80) and the float64 rounding of the bound arithmetic itself
// (fewer than 2^30 operations of relative error 2^−53). Underflow adds at
// most 2^−1074 per operation: eta = 16·(C+16)·2^−1074 absolute per output.
// Rows where an exact output can occur (S = 0, all logits equal, C = 1) are
// left to bigEval, so a decided fast-path row is always Rounded.
func fastEval(dst, x, h, extra []float64, f format) (float64, bool) {
	n := len(x)
	if n < 2 {
		return 0, false
	}
	k := 0
	allEqual := true
	for j, v := range x {
		if !(math.Abs(v) <= fastLimit) {
			return 0, false
		}
		if v > x[k] {
			k = j
		}
		if v != x[0] {
			allEqual = false
		}
	}
	if allEqual {
		return 0, false
	}
	m := x[k]

	var Sk dd
	sumAbsH := 0.0
	for j, v := range h {
		sumAbsH += math.Abs(v)
		if j != k {
			Sk = ddAddF(Sk, v)
		}
	}
	for _, v := range extra {
		sumAbsH += math.Abs(v)
		Sk = ddAddF(Sk, v)
	}
	if !(sumAbsH <= fastLimit) {
		return 0, false
	}
	nadd := float64(n + len(extra))
	errSk := nadd * addFErrU2 * u2 * sumAbsH
	S := ddAddF(Sk, h[k])
	errS := errSk + addFErrU2*u2*S.abs()
	if S.hi == 0 {
		return 0, false
	}

	if !(errS < math.Abs(S.hi)/2) {
		return 0, false // the sign of S is not certain
	}
	sgnS := 1
	if S.hi < 0 {
		sgnS = -1
	}

	e := make([]dd, n)
	var s, A dd
	sumHD := 0.0
	tinySum := 0.0 // bounds the terms e^−d_j with d_j > maxExpD
	aZero := true  // A is exactly 0: every h_j·d_j is 0
	for j, v := range x {
		dh, dl := twoSum(m, -v)
		D := dd{dh, dl}
		if h[j] != 0 && dh != 0 {
			A = ddAdd(A, ddMulF(D, h[j]))
			sumHD += math.Abs(h[j]) * dh
			aZero = false
		}
		if j == k {
			continue
		}
		if dh > maxExpD {
			tinySum += math.Ldexp(1, max(tinyExp2(dh), -1074))
			continue
		}
		e[j] = expNeg(D)
		s = ddAdd(s, e[j])
	}
	nf := float64(n)
	errA := (mulFErrU2 + addErrU2*nf) * u2 * sumHD
	sAbs := s.abs()
	errs := (expErrU2+addErrU2*nf)*u2*sAbs + tinySum
	T := ddAddF(s, 1)
	errT := errs + addFErrU2*u2*T.abs()
	inv := ddDiv(dd{1, 0}, T)
	errInv := inv.abs() * (errT/T.hi + divErrU2*u2)

	var lam dd
	errLam := tinySum // log1p(s) ≤ s
	if s.hi != 0 {
		var e0 float64
		lam, e0 = ddLog1p(s)
		errLam = e0 + errs/T.hi // |d log1p(s)/ds| = 1/T
	}
	B := ddMul(S, lam)
	errB := S.abs()*errLam + lam.abs()*errS + mulErrU2*u2*B.abs()
	L := ddAdd(A, B)
	errL := errA + errB + addErrU2*u2*L.abs()

	const slack = 1 + 0x1p-20
	eta := float64(16*(n+len(extra)+16)) * 0x1p-1074
	lossSign := 0 // L = S·log1p(s), s > 0, when A = 0
	if aZero {
		lossSign = sgnS
	}
	loss, ok := f.decideSigned(L, errL*slack+eta, lossSign)
	if !ok {
		return 0, false
	}
	W := ddMul(S, inv) // p_j·S = e_j·W
	errW := S.abs()*errInv + inv.abs()*errS + mulErrU2*u2*W.abs()
	for j := range x {
		var g dd
		var errg float64
		switch {
		case j == k:
			q := ddMul(s, inv)
			errq := sAbs*errInv + inv.abs()*errs + mulErrU2*u2*q.abs()
			y1 := ddMul(inv, Sk)
			err1 := inv.abs()*errSk + Sk.abs()*errInv + mulErrU2*u2*y1.abs()
			y2 := ddMulF(q, h[k])
			err2 := math.Abs(h[k])*errq + mulFErrU2*u2*y2.abs()
			g = ddAdd(y1, y2.neg())
			errg = err1 + err2 + addErrU2*u2*g.abs()
		case e[j].hi == 0: // d_j > maxExpD: p_j in (0, 2^b/T]
			b := tinyExp2(float64(m - x[j]))
			if h[j] == 0 {
				// g_j = p_j·S has the sign of S; it rounds to a zero when
				// 2^b·|S|/T is below half the least subnormal.
				if b+ilogbUp(S.abs()+errS)+ilogbUp(inv.abs()+errInv) < f.emin-f.mant-1 {
					dst[j] = math.Copysign(0, float64(sgnS))
					continue
				}
				return 0, false
			}
			g = dd{-h[j], 0}
			errg = math.Ldexp(1, max(b, -1074)) * (inv.abs() + errInv) * (S.abs() + errS)
		default:
			P := ddMul(e[j], W)
			errP := e[j].abs()*errW + W.abs()*expErrU2*u2*e[j].abs() + mulErrU2*u2*P.abs()
			g = ddAddF(P, -h[j])
			errg = errP + addFErrU2*u2*g.abs()
		}
		sign := 0
		if j != k && h[j] == 0 {
			sign = sgnS // g_j = p_j·S
		}
		v, ok := f.decideSigned(g, errg*slack+eta, sign)
		if !ok {
			return 0, false
		}
		dst[j] = v
	}
	return loss, true
}

// tinyExp2 returns b with e^−d ≤ 2^b, for d > 0: d·log2(e) is computed
// within a relative 2^−52, so shrinking it by 2^−40 before the floor keeps
// the bound on the safe side.
func tinyExp2(d float64) int {
	if d > 1e15 {
		return -1e15
	}
	return -int(math.Floor(d*math.Log2E*(1-0x1p-40))) + 1
}

// ilogbUp returns b with a ≤ 2^b for a > 0.
func ilogbUp(a float64) int {
	_, e := math.Frexp(a) // a < 2^e
	return e
}

// decideSigned is decide, and when the sign of the exact value is known
// (sign ≠ 0) it also decides values whose whole interval lies below half
// the least subnormal: they round to the zero of that sign.
func (f format) decideSigned(v dd, err float64, sign int) (float64, bool) {
	if sign != 0 {
		half := math.Ldexp(1, f.emin-f.mant) // half the least subnormal
		if (math.Abs(v.hi)+math.Abs(v.lo)+err)*(1+0x1p-50) < half {
			return math.Copysign(0, float64(sign)), true
		}
	}
	return f.decide(v, err)
}

// decide returns the rounding to nearest in f of every value in
// [v − err, v + err] (v = hi + lo, |lo| ≤ ulp(hi)/2), or ok = false when
// they may differ (Ziv's test) or v is outside the fast path's range.
func (f format) decide(v dd, err float64) (float64, bool) {
	a := math.Abs(v.hi)
	max := decideMax
	if f.mant < 53 {
		max = 0x1p126
	}
	if !(a >= decideMin && a <= max) {
		return 0, false
	}
	// The interval keeps hi's sign and stays within a factor 2 of it.
	if !((err+math.Abs(v.lo))*(1+0x1p-50) < a/2) {
		return 0, false
	}
	if f.mant == 53 {
		fr, exp := math.Frexp(a) // a = fr·2^exp, fr in [0.5, 1)
		half := math.Ldexp(1, exp-54)
		if fr == 0.5 {
			half /= 2 // the spacing below a power of two is half as wide
		}
		if (math.Abs(v.lo)+err)*(1+0x1p-50) < half {
			return v.hi, true
		}
		return 0, false
	}
	// float32: the float64 midpoints md < fv < mu around fv = float32(hi)
	// are exact; require v − err > md and v + err < mu. X and Y below are
	// within 3u relative of v − md and mu − v (twoSum is exact and the two
	// remaining additions cannot cancel: |b + lo| ≪ |a| unless b = 0).
	f32 := float32(v.hi)
	fv := float64(f32)
	mu := (fv + float64(math.Nextafter32(f32, float32(math.Inf(1))))) / 2
	md := (fv + float64(math.Nextafter32(f32, float32(math.Inf(-1))))) / 2
	a1, b1 := twoSum(v.hi, -md)
	X := a1 + float64(b1+v.lo)
	a2, b2 := twoSum(mu, -v.hi)
	Y := a2 + float64(b2-v.lo)
	if X*(1-0x1p-50) > err && Y*(1-0x1p-50) > err {
		return fv, true
	}
	return 0, false
}
