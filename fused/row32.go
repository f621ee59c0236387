package fused

import "math"

// The float32 fast path widens every value to float64 and computes in
// float64: x_j − m rounds to 2^-53 relative (|x_j − m| < 2^129, so
// exp(x_j − m) is off by at most 745·2^-53 < 2^-43 relative where it is not
// 0 anyway), and the sums s and P = Σ h_j (x_j − m) are plain float64 lane
// sums (relative error ≤ C·2^-53 < 2^-29 for C ≤ 2^24, against float32's
// 2^-24). The exponential is expKernel32, accurate to exp32MaxRel = 2^-40
// (far below float32's 2^-24) and cheaper than the float64 kernel. Only S = Σ h_j stays a double word, because S − h_j must not lose
// the tail of a concentrated h.

func scanRow32Go(x, h []float32) scan64 {
	a := newScanAcc64()
	a.from32(x, h, 0)
	return a.reduce()
}

// from32 runs pass 1 of the float32 path over x[j0:]: max, nf and S only,
// with the padded last block of scanAcc64.from.
func (a *scanAcc64) from32(x, h []float32, j0 int) {
	n := len(x)
	n8 := n &^ 7
	for j := j0; j < n8; j++ {
		a.lane32(j&7, float64(x[j]), float64(h[j]))
	}
	if n8 < n {
		for l := 0; l < 8; l++ {
			v, hv := float64(x[n8]), 0.0
			if n8+l < n {
				v, hv = float64(x[n8+l]), float64(h[n8+l])
			}
			a.lane32(l, v, hv)
		}
	}
}

func (a *scanAcc64) lane32(l int, v, hv float64) {
	a.mx[l] = vmax(a.mx[l], v)
	a.nf[l] = float64(a.nf[l] + float64(v*0))
	var e float64
	a.shi[l], e = twoSum(a.shi[l], hv)
	a.slo[l] = float64(a.slo[l] + e)
}

// expRow32Go is pass 2 of the float32 path: e_j = exp(x_j − m) into e,
// s = Σ_{j≠k} e_j and P = Σ_j h_j·(x_j − m).
func expRow32Go(e []float64, x, h []float32, m float32, k int) (s, p float64) {
	var a expAcc32
	a.from(e, x, h, m, k, 0)
	return a.reduce()
}

// expAcc32 holds the lanes of pass 2 of the float32 path.
type expAcc32 struct{ s, p lanes8 }

func (a *expAcc32) from(e []float64, x, h []float32, m float32, k, j0 int) {
	mm := float64(m)
	for j := j0; j < len(x); j++ {
		l := j & 7
		d := float64(float64(x[j]) - mm)
		ex := expKernel32(d)
		e[j] = ex
		if j == k {
			ex = 0
		}
		a.s[l] = float64(a.s[l] + ex)
		a.p[l] = math.FMA(float64(h[j]), d, a.p[l])
	}
}

// reduce combines the lanes as a tree (see scanAcc64.reduce).
func (a *expAcc32) reduce() (s, p float64) { return a.reduceFrom(4) }

func (a *expAcc32) reduceFrom(w int) (s, p float64) {
	for ; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			a.s[i] = float64(a.s[i] + a.s[i+w])
			a.p[i] = float64(a.p[i] + a.p[i+w])
		}
	}
	return a.s[0], a.p[0]
}

// gradRow32Go is pass 3 of the float32 path (see gradTerm64), rounding each
// g_j once from float64 to float32.
func gradRow32Go(dst []float32, e []float64, h []float32, inv, sHi, sLo float64) {
	gradFrom32(dst, e, h, inv, sHi, sLo, 0)
}

func gradFrom32(dst []float32, e []float64, h []float32, inv, sHi, sLo float64, j0 int) {
	for j := j0; j < len(dst); j++ {
		dst[j] = float32(gradTerm64(e[j], float64(h[j]), inv, sHi, sLo))
	}
}
