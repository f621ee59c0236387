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

// maxRow32Go is pass 1 of the float32 path: the max m and a sum nf that is
// finite unless some x_j is NaN or ±Inf (or finite values overflow it;
// hasNonFinite32 then decides exactly). Only nf's finiteness is used, and
// that does not depend on the order of the sum: four independent partial
// sums, so that the loop is not bound by the latency of one. The max is
// exact in any order; a zero maximum is returned as +0, so that the sign
// of zero does not depend on the order of comparison.
func maxRow32Go(x []float32) (m, nf float32) {
	m0, m1 := float32(math.Inf(-1)), float32(math.Inf(-1))
	var n0, n1, n2, n3 float32
	n4 := len(x) &^ 3
	for j := 0; j < n4; j += 4 {
		v := x[j : j+4 : j+4]
		n0 += v[0]
		n1 += v[1]
		n2 += v[2]
		n3 += v[3]
		m0 = max32(max32(m0, v[0]), v[2])
		m1 = max32(max32(m1, v[1]), v[3])
	}
	for _, v := range x[n4:] {
		n0 += v
		m0 = max32(m0, v)
	}
	m = max32(m0, m1)
	if m == 0 {
		m = 0
	}
	return m, float32(float32(n0+n1) + float32(n2+n3))
}

// max32 is the larger of a and b, ignoring a NaN b, as `if b > a { a = b }`
// does. NaN logits are found by nf.
func max32(a, b float32) float32 {
	if b > a {
		return b
	}
	return a
}

// hRange32Go returns max h (a zero as +0) and min h. A NaN in h (invalid
// input) may or may not be seen; the outputs are NaN either way.
func hRange32Go(h []float32) (hmax, hmin float32) {
	x0, x1 := float32(math.Inf(-1)), float32(math.Inf(-1))
	n0, n1 := float32(math.Inf(1)), float32(math.Inf(1))
	n2 := len(h) &^ 1
	for j := 0; j < n2; j += 2 {
		v := h[j : j+2 : j+2]
		x0, n0 = max32(x0, v[0]), min32(n0, v[0])
		x1, n1 = max32(x1, v[1]), min32(n1, v[1])
	}
	if n2 < len(h) {
		v := h[n2]
		x0, n0 = max32(x0, v), min32(n0, v)
	}
	hmax, hmin = max32(x0, x1), min32(n0, n1)
	if hmax == 0 {
		hmax = 0
	}
	return
}

// min32 is the smaller of a and b, ignoring a NaN b.
func min32(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
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

// expRow32Go is pass 2 of the float32 path in pure Go, element j in lane
// j mod 8, lane by lane (see laneChunk), with expKernel32's body written
// out (no call per element; TestGoldenOutputs pins it bit for bit).
func expRow32Go(e []float64, x, h []float32, m float32, k, jmax int) (r pass32) {
	var a expAcc32
	mm := float64(m)
	n := len(x)
	h = h[:n]
	e = e[:n]
	// The whole blocks of 8 in assembly where the CPU allows
	// (asm_amd64.go), the rest here.
	j0 := expBlocks32(e, x, h, m, k, jmax, &a)
	for c0 := j0; c0 < n; c0 += laneChunk {
		xs := x[c0:min(c0+laneChunk, n)]
		hs := h[c0:][:len(xs)]
		es := e[c0:][:len(xs)]
		kc, jc := k-c0, jmax-c0
		for l := 0; l < 8; l++ {
			as, ap, ar := a.es[l], a.p[l], a.r[l]
			for j := l; j < len(xs); j += 8 {
				v, hv := float64(xs[j]), float64(hs[j])
				d := float64(v - mm)
				// expKernel32(d)
				dc := d
				if dc < exp32Low {
					dc = exp32Low
				}
				t := math.FMA(dc, log2E, expShifter)
				kf := float64(t - expShifter)
				rr := math.FMA(kf, -math.Ln2, dc)
				q := math.FMA(rr, ec8, ec7)
				q = math.FMA(q, rr, ec6)
				q = math.FMA(q, rr, ec5)
				q = math.FMA(q, rr, ec4)
				q = math.FMA(q, rr, ec3)
				q = math.FMA(q, rr, ec2)
				q = math.FMA(q, rr, 1)
				q = math.FMA(q, rr, 1)
				ex := float64(q * math.Float64frombits((math.Float64bits(t)+1023)<<52))
				es[j] = ex
				if j == kc {
					ex = 0
				}
				as = float64(as + ex)
				ap = math.FMA(hv, d, ap)
				if j == jc {
					hv = 0
				}
				ar = float64(ar + hv)
			}
			a.es[l], a.p[l], a.r[l] = as, ap, ar
		}
	}
	return a.reduce()
}

// pass32 is the result of pass 2 of the float32 path: s = Σ_{j≠k} e_j,
// P = Σ_j h_j (x_j − m) and R = Σ_{j≠jmax} h_j.
type pass32 struct{ es, p, r float64 }

// expAcc32 holds the lanes of pass 2 of the float32 path.
type expAcc32 struct{ es, p, r lanes8 }

// reduce combines the lanes as a tree (see scanAcc64.reduce).
func (a *expAcc32) reduce() pass32 {
	return pass32{es: sumTree8(&a.es), p: sumTree8(&a.p), r: sumTree8(&a.r)}
}

// gradRow32Go is pass 3 of the float32 path (see gradTerm64), rounding each
// g_j once from float64 to float32.
func gradRow32Go(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64) {
	gradFrom32(dst, e, h, inv, hsHi, hsLo, 0)
}

func gradFrom32(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64, j0 int) {
	d := dst[j0:]
	ee, hh := e[j0:][:len(d)], h[j0:][:len(d)]
	for j := range d {
		d[j] = float32(gradTerm64(ee[j], float64(hh[j]), inv, hsHi, hsLo))
	}
}
