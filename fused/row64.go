package fused

import "math"

// The float64 fast path runs in three passes over the row, each a loop of
// eight independent lanes (element j goes to lane j mod 8) so that the
// pure-Go loops here and the vector loops of row_simd.go perform the same
// roundings in the same order and give bit-identical results. The last
// len mod 8 elements run as one padded block, and the lanes are reduced as
// a fixed tree (lane i with lane i+w, w = 4, 2, 1).

// scan64 is pass 1: m = max x, xmin = min x, nf (NaN iff some x_j is NaN
// or ±Inf, else negative iff some h_j < 0, else 0: each lane keeps
// min(h_j, nf + x_j·0) and the lanes are summed), S = Σ h_j as a double
// word (hi, lo) and hmax = max |h_j|. A row with nf ≠ 0 leaves the fast path.
type scan64 struct {
	m, xmin, nf, sHi, sLo, hmax float64
}

// lanes8 holds per-lane accumulators.
type lanes8 [8]float64

// twoSum returns (s, e) with s = fl(a+b) and s + e = a + b exactly
// (Knuth's TwoSum, 6 operations, no branch).
// Separate from the twoSum of ref and of props on purpose: an oracle does not share arithmetic with what it checks.
func twoSum(a, b float64) (s, e float64) {
	s = float64(a + b)
	bb := float64(s - a)
	e = float64(float64(a-float64(s-bb)) + float64(b-bb))
	return
}

// simdActive selects the vector loops (set at init when built with them
// and the CPU has AVX-512F). The passes are called directly, not through
// function values, so that a float32 row's scratch stays on the stack.
var simdActive = false

func scanRow64(x, h []float64) scan64 {
	if simdActive {
		return scanRow64SIMD(x, h)
	}
	return scanRow64Go(x, h)
}

func expRow64(dst, x, h []float64, m float64, k int) (sHi, sLo, pHi, pLo float64) {
	if simdActive {
		return expRow64SIMD(dst, x, h, m, k)
	}
	return expRow64Go(dst, x, h, m, k)
}

func gradRow64(dst, h []float64, inv, sHi, sLo float64) {
	if simdActive {
		gradRow64SIMD(dst, h, inv, sHi, sLo)
		return
	}
	gradRow64Go(dst, h, inv, sHi, sLo)
}

func maxRow32(x []float32) (m, nf float32) {
	if simdActive {
		return maxRow32SIMD(x)
	}
	return maxRow32Go(x)
}

func expRow32(e []float64, x, h []float32, m float32, k, jmax int) pass32 {
	if simdActive {
		return expRow32SIMD(e, x, h, m, k, jmax)
	}
	return expRow32Go(e, x, h, m, k, jmax)
}

func hRange32(h []float32) (hmax, hmin float32) {
	if simdActive {
		return hRange32SIMD(h)
	}
	return hRange32Go(h)
}

func gradRow32(dst []float32, e []float64, h []float32, inv, sHi, sLo float64) {
	if simdActive {
		gradRow32SIMD(dst, e, h, inv, sHi, sLo)
		return
	}
	gradRow32Go(dst, e, h, inv, sHi, sLo)
}

// firstIndex64 and firstIndex32 find k, the first index of the max.
func firstIndex64(x []float64, m float64) int {
	if simdActive {
		return firstIndex64SIMD(x, m)
	}
	return firstIndex(x, m)
}

func firstIndex32(x []float32, m float32) int {
	if simdActive {
		return firstIndex32SIMD(x, m)
	}
	return firstIndex(x, m)
}

// scanAcc64 holds the lanes of pass 1.
type scanAcc64 struct{ mx, mn, nf, shi, slo, hm lanes8 }

func newScanAcc64() scanAcc64 {
	var a scanAcc64
	for i := range a.mx {
		a.mx[i], a.mn[i] = math.Inf(-1), math.Inf(1)
	}
	return a
}

func scanRow64Go(x, h []float64) scan64 {
	a := newScanAcc64()
	a.from(x, h, 0)
	return a.reduce()
}

// from runs pass 1 over x[j0:], h[j0:] (j0 a multiple of 8). The last
// len(x) mod 8 elements run as one block padded with copies of the first
// of them and h = 0, as the vector loop does: a padded lane leaves the max,
// min, nf and S unchanged bitwise (it repeats a value already seen, or adds
// an exact +0 to an accumulator that is never −0; nf ≤ 0 and min(0, nf)
// is nf).
func (a *scanAcc64) from(x, h []float64, j0 int) {
	n := len(x)
	n8 := n &^ 7
	for j := j0; j < n8; j++ {
		a.lane(j&7, x[j], h[j])
	}
	if n8 < n {
		for l := 0; l < 8; l++ {
			v, hv := x[n8], 0.0
			if n8+l < n {
				v, hv = x[n8+l], h[n8+l]
			}
			a.lane(l, v, hv)
		}
	}
}

func (a *scanAcc64) lane(l int, v, hv float64) {
	a.mx[l] = vmax(a.mx[l], v)
	a.mn[l] = vmin(a.mn[l], v)
	a.nf[l] = vmin(hv, float64(a.nf[l]+float64(v*0)))
	var e float64
	a.shi[l], e = twoSum(a.shi[l], hv)
	a.slo[l] = float64(a.slo[l] + e)
	a.hm[l] = vmax(a.hm[l], vmax(hv, float64(0-hv)))
}

// vmax and vmin are VMAXPD/VMINPD: (a > b) ? a : b, the second operand when
// the comparison is false (equal, or either NaN).
func vmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func vmin(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// reduce combines the lanes as a tree, lane i with lane i+w for w = 4, 2,
// 1 (the vector loops do the w = 4 level in registers, then call reduceFrom(2)).
func (a *scanAcc64) reduce() scan64 { return a.reduceFrom(4) }

func (a *scanAcc64) reduceFrom(w int) scan64 {
	for ; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			a.mx[i] = vmax(a.mx[i], a.mx[i+w])
			a.mn[i] = vmin(a.mn[i], a.mn[i+w])
			a.nf[i] = float64(a.nf[i] + a.nf[i+w])
			var e float64
			a.shi[i], e = twoSum(a.shi[i], a.shi[i+w])
			a.slo[i] = float64(a.slo[i] + float64(e+a.slo[i+w]))
			a.hm[i] = vmax(a.hm[i], a.hm[i+w])
		}
	}
	return scan64{m: a.mx[0], xmin: a.mn[0], nf: a.nf[0], sHi: a.shi[0], sLo: a.slo[0], hmax: a.hm[0]}
}

// expRow64Go is pass 2: for every j, d_j = x_j − m exactly as (dh, dl),
// e_j = exp(d_j) into dst, s = Σ_{j≠k} e_j and P = Σ_j h_j·d_j, both as
// double words.
func expRow64Go(dst, x, h []float64, m float64, k int) (sHi, sLo, pHi, pLo float64) {
	var a expAcc64
	a.from(dst, x, h, m, k, 0)
	return a.reduce()
}

// expAcc64 holds the lanes of pass 2.
type expAcc64 struct{ shi, slo, phi, plo lanes8 }

// from runs pass 2 over x[j0:]; j0 is a multiple of 8.
func (a *expAcc64) from(dst, x, h []float64, m float64, k, j0 int) {
	for j := j0; j < len(x); j++ {
		l := j & 7
		e, elo, ph, pl := expTerm64(x[j], h[j], m)
		dst[j] = e
		if j == k {
			e, elo = 0, 0
		}
		var err float64
		a.shi[l], err = twoSum(a.shi[l], e)
		a.slo[l] = float64(a.slo[l] + float64(err+elo))
		a.phi[l], err = twoSum(a.phi[l], ph)
		a.plo[l] = float64(a.plo[l] + float64(err+pl))
	}
}

// expTerm64 returns e = exp(x − m) (and the low word elo of expKernel2)
// and h·(x − m) as ph + pl (to 2^-100 relative), with x − m formed exactly
// by TwoSum.
func expTerm64(x, h, m float64) (e, elo, ph, pl float64) {
	dh, dl := twoSum(x, -m)
	e, elo = expKernel2(dh, dl)
	ph = float64(h * dh)
	pl = float64(math.FMA(h, dh, -ph) + float64(h*dl))
	return
}

// reduce combines the lanes as scanAcc64.reduce does.
func (a *expAcc64) reduce() (sHi, sLo, pHi, pLo float64) { return a.reduceFrom(4) }

func (a *expAcc64) reduceFrom(w int) (sHi, sLo, pHi, pLo float64) {
	for ; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			var e float64
			a.shi[i], e = twoSum(a.shi[i], a.shi[i+w])
			a.slo[i] = float64(a.slo[i] + float64(e+a.slo[i+w]))
			a.phi[i], e = twoSum(a.phi[i], a.phi[i+w])
			a.plo[i] = float64(a.plo[i] + float64(e+a.plo[i+w]))
		}
	}
	return a.shi[0], a.slo[0], a.phi[0], a.plo[0]
}

// gradRow64Go is pass 3: with e_j in dst, p_j = e_j·inv, q_j = 1 − p_j,
// t_j = S − h_j and g_j = p_j·t_j − h_j·q_j (one FMA). The caller redoes
// j = k with the complement q_k = s/(1+s).
func gradRow64Go(dst, h []float64, inv, sHi, sLo float64) {
	gradFrom64(dst, h, inv, sHi, sLo, 0)
}

func gradFrom64(dst, h []float64, inv, sHi, sLo float64, j0 int) {
	for j := j0; j < len(dst); j++ {
		dst[j] = gradTerm64(dst[j], h[j], inv, sHi, sLo)
	}
}

func gradTerm64(e, h, inv, sHi, sLo float64) float64 {
	p := float64(e * inv)
	q := float64(1 - p)
	t := float64(float64(sHi-h) + sLo)
	hq := float64(h * q)
	return math.FMA(p, t, -hq)
}
