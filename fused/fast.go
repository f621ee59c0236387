package fused

import (
	"math"
	"sync"
)

// The fast paths: the lane passes of row64.go and row32.go (vector loops
// in row_simd.go), then a scalar finish per row: 1/(1+s), log1p(s), the
// gradient of the max class from the complement q_k = s/(1+s), and the
// loss from double words. Names: S = Σ_j h_j is hs (hsHi + hsLo as a
// double word), s = Σ_{j≠k} e_j is es (esHi + esLo), P = Σ_j h_j (x_j − m)
// is p (pHi + pLo).

// fast64 is the float64 fast path, for rows fast64OK accepts; sc is pass 1.
func fast64(dst, x, h []float64, sc *scan64) float64 {
	k := firstIndex64(x, sc.m)
	esHi, esLo, pHi, pLo := expRow64(dst, x, h, sc.m, k)
	inv := inv1p(esHi, esLo)
	gradRow64(dst, h, inv, sc.hsHi, sc.hsLo)
	dst[k] = gradMax(h[k], inv, esHi, esLo, sc.hsHi, sc.hsLo)
	lgHi, lgLo := log1pDD(esHi, esLo)
	return combineLoss(lgHi, lgLo, sc.hsHi, sc.hsLo, pHi, pLo, 1)
}

// smallRow is the longest float32 row whose scratch lives on the stack.
const smallRow = 32

// scratch holds the float64 e_j of a longer float32 row between passes 2
// and 3.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// fast32 is the float32 fast path, for rows route32 sends to it; it
// returns the loss in float64 (S·lg − P rounded twice: within 0.5 ulp of
// float32 plus a few float64 ulps), which loss32 checks with
// nearOverflow32 before rounding it to float32.
func fast32(dst, x, h []float32, f *facts32) float64 {
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
	k := f.k
	sc := expRow32(e, x, h, f.m, k, f.jmax)
	es, p := sc.es, sc.p
	hsHi, hsLo := f.hsHi, f.hsLo
	if !f.signed {
		// S = TwoSum(hmax, R): exact enough for every S − h_j when h ≥ 0
		// (see row32.go).
		hsHi, hsLo = twoSum(float64(f.hmax), sc.r)
	}
	inv := float64(1 / float64(1+es))
	lg := math.Log1p(es)
	gradRow32(dst, e, h, inv, hsHi, hsLo)
	qk := float64(es * inv)
	hk := float64(h[k])
	t := float64(float64(hsHi-hk) + hsLo)
	dst[k] = float32(math.FMA(inv, t, -float64(hk*qk)))
	if bp != nil {
		scratch.Put(bp)
	}
	return float64(float64(float64(hsHi+hsLo)*lg) - p)
}

// combineLoss returns L = S·lg·f − P rounded once from double words
// (S, lg = log1p(s) and P each to 2^-56 or better; f a power of two): within
// 0.5 ulp plus the error of s itself (< 2^-55 relative from the exp
// kernel's double words).
func combineLoss(lgHi, lgLo, hsHi, hsLo, pHi, pLo, f float64) float64 {
	th := float64(hsHi * lgHi)
	tl := float64(math.FMA(hsHi, lgHi, -th) + float64(float64(hsHi*lgLo)+float64(hsLo*lgHi)))
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

// inv1p returns 1/(1+s) for s = esHi + esLo ≥ 0 (one Newton step on the
// double word 1 + s: within 0.5 + 2^-50 ulp).
func inv1p(esHi, esLo float64) (inv float64) {
	dHi, dLo := twoSum(1, esHi)
	dLo = float64(dLo + esLo)
	inv1 := float64(1 / dHi)
	r := math.FMA(-inv1, dHi, 1)
	r = float64(r - float64(inv1*dLo))
	return math.FMA(inv1, r, inv1)
}

// gradMax returns g_k for the max class: p_k = 1/(1+s) = inv, the
// complement q_k = s/(1+s) = s·inv, and (S − h_k) from the double word S.
func gradMax(hk, inv, esHi, esLo, hsHi, hsLo float64) float64 {
	qk := math.FMA(esHi, inv, float64(esLo*inv))
	t := float64(float64(hsHi-hk) + hsLo)
	return math.FMA(inv, t, -float64(hk*qk))
}
