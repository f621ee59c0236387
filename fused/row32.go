package fused

import "math"

// The float32 fast path widens every value to float64 and computes in
// float64: x_j − m rounds to 2^-53 relative (|x_j − m| < 2^129, so
// exp(x_j − m) is off by at most 745·2^-53 < 2^-43 relative where it is not
// 0 anyway), and the sums s and P = Σ h_j (x_j − m) are plain float64 lane
// sums (relative error ≤ C·2^-53 < 2^-29 for C ≤ 2^24, against float32's
// 2^-24). The exponential is expKernel32, accurate to exp32MaxRel = 2^-30
// (1/64 of float32's unit roundoff) and much cheaper than the float64 kernel. Only S = Σ h_j stays a double word,
// because S − h_j must not lose the tail of a concentrated h.
//
// Pass 1 only finds m = max x, in float32 (exact, any order), and a float32
// sum of x that is not finite if some x_j is NaN or ±Inf (or, rarely, if
// finite values overflow it; hasNonFinite32 then decides exactly), and
// hRange32 finds max h and min h. Pass 2 also sums R = Σ_{j≠jmax} h_j,
// jmax the first index of max h. For h ≥ 0 the double word S = TwoSum(hmax,
// R) is then accurate enough for every S − h_j: S − h_jmax = R up to one
// rounding of a sum of non-negative terms, and every other h_j ≤ S/2 leaves
// no cancellation. A row with a negative h_j takes S from sumDD32 instead
// (a separate pass with TwoSum on every element, which also sums
// |h_j (x_j − m)|), and goes to the exact path when S cancels or P's terms
// are large (see loss32).

// maxRow32Go is pass 1 of the float32 path: the max m and the sum nf. A
// zero maximum is returned as +0, so that the sign of zero does not depend
// on the order of comparison.
func maxRow32Go(x []float32) (m, nf float32) {
	m = float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
		nf += v
	}
	if m == 0 {
		m = 0
	}
	return m, nf
}

// hRange32Go returns max h (a zero as +0) and min h. A NaN in h (invalid
// input) may or may not be seen; the outputs are NaN either way.
func hRange32Go(h []float32) (hmax, hmin float32) {
	hmax, hmin = float32(math.Inf(-1)), float32(math.Inf(1))
	for _, v := range h {
		if v > hmax {
			hmax = v
		}
		if v < hmin {
			hmin = v
		}
	}
	if hmax == 0 {
		hmax = 0
	}
	return
}

// sumDD32 returns S = Σ h_j as a double word (TwoSum on every element) and
// pabs = Σ_j |h_j·(x_j − m)|, for rows with signed h.
func sumDD32(x, h []float32, m float32) (hsHi, hsLo, pabs float64) {
	mm := float64(m)
	for j, v := range h {
		var e float64
		hsHi, e = twoSum(hsHi, float64(v))
		hsLo = float64(hsLo + e)
		pabs = math.FMA(math.Abs(float64(v)), float64(mm-float64(x[j])), pabs)
	}
	return
}

// hasNonFinite32 reports whether some x_j is NaN or ±Inf.
func hasNonFinite32(x []float32) bool {
	for _, v := range x {
		if v != v || math.IsInf(float64(v), 0) {
			return true
		}
	}
	return false
}

func expRow32Go(e []float64, x, h []float32, m float32, k, jmax int) (r pass32) {
	var a expAcc32
	a.from(e, x, h, m, k, jmax, 0)
	return a.reduce()
}

// pass32 is the result of pass 2 of the float32 path: s = Σ_{j≠k} e_j,
// P = Σ_j h_j (x_j − m) and R = Σ_{j≠jmax} h_j.
type pass32 struct{ es, p, r float64 }

// expAcc32 holds the lanes of pass 2 of the float32 path.
type expAcc32 struct{ es, p, r lanes8 }

func (a *expAcc32) from(e []float64, x, h []float32, m float32, k, jmax, j0 int) {
	mm := float64(m)
	for j := j0; j < len(x); j++ {
		l := j & 7
		v, hv := float64(x[j]), float64(h[j])
		d := float64(v - mm)
		ex := expKernel32(d)
		e[j] = ex
		if j == k {
			ex = 0
		}
		a.es[l] = float64(a.es[l] + ex)
		a.p[l] = math.FMA(hv, d, a.p[l])
		if j == jmax {
			hv = 0
		}
		a.r[l] = float64(a.r[l] + hv)
	}
}

// reduce combines the lanes as a tree (see scanAcc64.reduce).
func (a *expAcc32) reduce() pass32 {
	for w := 4; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			a.es[i] = float64(a.es[i] + a.es[i+w])
			a.p[i] = float64(a.p[i] + a.p[i+w])
			a.r[i] = float64(a.r[i] + a.r[i+w])
		}
	}
	return pass32{es: a.es[0], p: a.p[0], r: a.r[0]}
}

// gradRow32Go is pass 3 of the float32 path (see gradTerm64), rounding each
// g_j once from float64 to float32.
func gradRow32Go(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64) {
	gradFrom32(dst, e, h, inv, hsHi, hsLo, 0)
}

func gradFrom32(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64, j0 int) {
	for j := j0; j < len(dst); j++ {
		dst[j] = float32(gradTerm64(e[j], float64(h[j]), inv, hsHi, hsLo))
	}
}
