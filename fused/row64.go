package fused

import "math"

// The float64 fast path runs in three passes over the row, each a loop of
// eight independent lanes (element j goes to lane j mod 8) so that the
// pure-Go loops here and the vector loops of row_simd.go perform the same
// roundings in the same order and give bit-identical results. The lanes are
// reduced in the fixed order 0, 1, …, 7.

// scan64 is pass 1: m = max x, xmin = min x, nf = Σ x_j·0 (NaN iff some
// x_j is NaN or ±Inf), S = Σ h_j as a double word (hi, lo) and hmax = max |h_j|.
type scan64 struct {
	m, xmin, nf, sHi, sLo, hmax float64
}

// lanes8 holds per-lane accumulators.
type lanes8 [8]float64

// twoSum returns (s, e) with s = fl(a+b) and s + e = a + b exactly
// (Knuth's TwoSum, 6 operations, no branch).
func twoSum(a, b float64) (s, e float64) {
	s = float64(a + b)
	bb := float64(s - a)
	e = float64(float64(a-float64(s-bb)) + float64(b-bb))
	return
}

var (
	scanRow64  = scanRow64Go
	expRow64   = expRow64Go
	gradRow64  = gradRow64Go
	scanRow32  = scanRow32Go
	expRow32   = expRow32Go
	gradRow32  = gradRow32Go
	simdActive = false
)

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

// from runs pass 1 over x[j0:], h[j0:]; j0 is a multiple of 8.
func (a *scanAcc64) from(x, h []float64, j0 int) {
	for j := j0; j < len(x); j++ {
		l := j & 7
		v, hv := x[j], h[j]
		a.mx[l] = vmax(a.mx[l], v)
		a.mn[l] = vmin(a.mn[l], v)
		a.nf[l] = float64(a.nf[l] + float64(v*0))
		var e float64
		a.shi[l], e = twoSum(a.shi[l], hv)
		a.slo[l] = float64(a.slo[l] + e)
		a.hm[l] = vmax(a.hm[l], vmax(hv, float64(0-hv)))
	}
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

func (a *scanAcc64) reduce() scan64 {
	mx, mn, nf, shi, slo, hm := &a.mx, &a.mn, &a.nf, &a.shi, &a.slo, &a.hm
	r := scan64{m: mx[0], xmin: mn[0], nf: nf[0], sHi: shi[0], sLo: slo[0], hmax: hm[0]}
	for l := 1; l < 8; l++ {
		r.m = vmax(r.m, mx[l])
		r.xmin = vmin(r.xmin, mn[l])
		r.nf = float64(r.nf + nf[l])
		var e float64
		r.sHi, e = twoSum(r.sHi, shi[l])
		r.sLo = float64(r.sLo + float64(e+slo[l]))
		r.hmax = vmax(r.hmax, hm[l])
	}
	return r
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

func (a *expAcc64) reduce() (sHi, sLo, pHi, pLo float64) {
	shi, slo, phi, plo := &a.shi, &a.slo, &a.phi, &a.plo
	sHi, sLo, pHi, pLo = shi[0], slo[0], phi[0], plo[0]
	for l := 1; l < 8; l++ {
		var e float64
		sHi, e = twoSum(sHi, shi[l])
		sLo = float64(sLo + float64(e+slo[l]))
		pHi, e = twoSum(pHi, phi[l])
		pLo = float64(pLo + float64(e+plo[l]))
	}
	return
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
