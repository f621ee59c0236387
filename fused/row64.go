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
	m, xmin, nf, hsHi, hsLo, hmax float64
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

// asmOverSIMD is the least row length from which the float64 passes 1 and
// 2 prefer the AVX2 assembly to the AVX-512F vector loops when both are
// available: on the AMD EPYC this was measured on (AVX-512 executed as two
// 256-bit halves) the assembly is 20–30% faster at C = 1000 and 32000
// (same CPU time run, simd and pure-Go binaries interleaved); the results
// are the same bit for bit either way.
const asmOverSIMD = 64

func scanRow64(x, h []float64) scan64 {
	if simdActive && !(asm64 && len(x) >= asmOverSIMD) {
		return scanRow64SIMD(x, h)
	}
	return scanRow64Go(x, h)
}

func expRow64(dst, x, h []float64, m float64, k int) (esHi, esLo, pHi, pLo float64) {
	if simdActive && !(asm64 && len(x) >= asmOverSIMD) {
		return expRow64SIMD(dst, x, h, m, k)
	}
	return expRow64Go(dst, x, h, m, k)
}

func gradRow64(dst, h []float64, inv, hsHi, hsLo float64) {
	if simdActive {
		gradRow64SIMD(dst, h, inv, hsHi, hsLo)
		return
	}
	gradRow64Go(dst, h, inv, hsHi, hsLo)
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

func gradRow32(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64) {
	if simdActive {
		gradRow32SIMD(dst, e, h, inv, hsHi, hsLo)
		return
	}
	gradRow32Go(dst, e, h, inv, hsHi, hsLo)
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
type scanAcc64 struct{ mx, mn, nf, hshi, hslo, hm lanes8 }

func newScanAcc64() scanAcc64 {
	var a scanAcc64
	for i := range a.mx {
		a.mx[i], a.mn[i] = math.Inf(-1), math.Inf(1)
	}
	return a
}

// laneChunk is the block of a row the pure-Go passes run lane by lane
// (a multiple of 8): lane l takes elements l, l+8, … of the block with its
// accumulators in registers, and the block (a few KB of x, h and dst) stays
// in L1 across its eight lanes. Each lane sees its elements in the same
// order as the vector loops, so the results are the same bit for bit.
const laneChunk = 512

// scanRow64Go is pass 1 in pure Go. The last len(x) mod 8 elements run as
// one block padded with copies of the first of them and h = 0, as the
// vector loop does: a padded lane leaves the max, min, nf and S unchanged
// bitwise (it repeats a value already seen, or adds an exact +0 to an
// accumulator that is never −0; nf ≤ 0 and min(0, nf) is nf).
func scanRow64Go(x, h []float64) scan64 {
	a := newScanAcc64()
	n := len(x)
	h = h[:n]
	n8 := n &^ 7
	// The whole blocks of 8 in assembly where the CPU allows
	// (asm_amd64.go), the rest here.
	for c0 := scanBlocks64(x, h, &a); c0 < n8; c0 += laneChunk {
		xs := x[c0:min(c0+laneChunk, n8)]
		hs := h[c0:][:len(xs)]
		for l := 0; l < 8; l++ {
			mx, mn, nf, shi, slo, hm := a.mx[l], a.mn[l], a.nf[l], a.hshi[l], a.hslo[l], a.hm[l]
			for j := l; j < len(xs); j += 8 {
				v, hv := xs[j], hs[j]
				mx = vmax(mx, v)
				mn = vmin(mn, v)
				nf = vmin(hv, float64(nf+float64(v*0)))
				var e float64
				shi, e = twoSum(shi, hv)
				slo = float64(slo + e)
				hm = vmax(hm, vmax(hv, float64(0-hv)))
			}
			a.mx[l], a.mn[l], a.nf[l], a.hshi[l], a.hslo[l], a.hm[l] = mx, mn, nf, shi, slo, hm
		}
	}
	if n8 < n {
		xt, ht := x[n8:], h[n8:n]
		for l := 0; l < 8; l++ {
			v, hv := xt[0], 0.0
			if l < len(xt) {
				v, hv = xt[l], ht[l]
			}
			mx, mn, nf, shi, slo, hm := a.mx[l], a.mn[l], a.nf[l], a.hshi[l], a.hslo[l], a.hm[l]
			mx = vmax(mx, v)
			mn = vmin(mn, v)
			nf = vmin(hv, float64(nf+float64(v*0)))
			var e float64
			shi, e = twoSum(shi, hv)
			slo = float64(slo + e)
			hm = vmax(hm, vmax(hv, float64(0-hv)))
			a.mx[l], a.mn[l], a.nf[l], a.hshi[l], a.hslo[l], a.hm[l] = mx, mn, nf, shi, slo, hm
		}
	}
	return a.reduce()
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
// 1 (the vector loops do the same tree in registers), written out so that
// every index is a constant.
func (a *scanAcc64) reduce() scan64 {
	hsHi, hsLo := ddTree8(&a.hshi, &a.hslo)
	return scan64{m: maxTree8(&a.mx), xmin: minTree8(&a.mn), nf: sumTree8(&a.nf), hsHi: hsHi, hsLo: hsLo, hmax: maxTree8(&a.hm)}
}

// maxTree8, minTree8, sumTree8 and ddTree8 reduce eight lanes by the tree
// lane i with lane i+w, w = 4, 2, 1.
func maxTree8(v *lanes8) float64 {
	a0, a1, a2, a3 := vmax(v[0], v[4]), vmax(v[1], v[5]), vmax(v[2], v[6]), vmax(v[3], v[7])
	return vmax(vmax(a0, a2), vmax(a1, a3))
}

func minTree8(v *lanes8) float64 {
	a0, a1, a2, a3 := vmin(v[0], v[4]), vmin(v[1], v[5]), vmin(v[2], v[6]), vmin(v[3], v[7])
	return vmin(vmin(a0, a2), vmin(a1, a3))
}

func sumTree8(v *lanes8) float64 {
	a0, a1 := float64(v[0]+v[4]), float64(v[1]+v[5])
	a2, a3 := float64(v[2]+v[6]), float64(v[3]+v[7])
	return float64(float64(a0+a2) + float64(a1+a3))
}

// ddTree8 sums double words: at each node (hi_i, lo_i) + (hi_j, lo_j) is
// s, e = TwoSum(hi_i, hi_j), lo = lo_i + (e + lo_j).
func ddTree8(hi, lo *lanes8) (float64, float64) {
	h0, l0 := ddAdd(hi[0], lo[0], hi[4], lo[4])
	h1, l1 := ddAdd(hi[1], lo[1], hi[5], lo[5])
	h2, l2 := ddAdd(hi[2], lo[2], hi[6], lo[6])
	h3, l3 := ddAdd(hi[3], lo[3], hi[7], lo[7])
	h0, l0 = ddAdd(h0, l0, h2, l2)
	h1, l1 = ddAdd(h1, l1, h3, l3)
	return ddAdd(h0, l0, h1, l1)
}

func ddAdd(ah, al, bh, bl float64) (float64, float64) {
	s, e := twoSum(ah, bh)
	return s, float64(al + float64(e+bl))
}

// expRow64Go is pass 2: for every j, d_j = x_j − m exactly as (dh, dl),
// e_j = exp(d_j) into dst, s = Σ_{j≠k} e_j and P = Σ_j h_j·d_j, both as
// double words, element j in lane j mod 8 (lane by lane, see laneChunk).
// The exponential is expCore's body with kx = 0 (expKernel2), written out
// so that the compiler keeps its constants in registers and makes no call
// per element; TestGoldenOutputs and TestExpRowMatchesKernel pin it to
// expKernel2 bit for bit.
func expRow64Go(dst, x, h []float64, m float64, k int) (esHi, esLo, pHi, pLo float64) {
	var a expAcc64
	n := len(x)
	h = h[:n]
	dst = dst[:n]
	// The whole blocks of 8 in assembly where the CPU allows
	// (asm_amd64.go), the rest here.
	j0 := expBlocks64(dst, x, h, m, k, &a)
	for c0 := j0; c0 < n; c0 += laneChunk {
		xs := x[c0:min(c0+laneChunk, n)]
		hs := h[c0:][:len(xs)]
		ds := dst[c0:][:len(xs)]
		kc := k - c0
		for l := 0; l < 8; l++ {
			shi, slo, phi, plo := a.eshi[l], a.eslo[l], a.phi[l], a.plo[l]
			for j := l; j < len(xs); j += 8 {
				hv := hs[j]
				hi, lo := twoSum(xs[j], -m)
				dh, dl := hi, lo
				// expCore(hi, lo, 0): the clamps (expLow − 0·ln 2 = expLow).
				if hi < expLow {
					hi = expLow
				}
				if hi > expHigh {
					hi = expHigh
				}
				if lo < -expLoMax {
					lo = -expLoMax
				}
				if lo > expLoMax {
					lo = expLoMax
				}
				t := math.FMA(hi, log2E, expShifter)
				kf := float64(t - expShifter)
				rh := math.FMA(kf, -ln2Hi, hi)
				r := math.FMA(kf, -ln2Lo, rh)
				c := float64(math.FMA(kf, -ln2Lo, float64(rh-r)) + lo)
				r2 := float64(r * r)
				r4 := float64(r2 * r2)
				r8 := float64(r4 * r4)
				a0 := math.FMA(r, ec3, ec2)
				a1 := math.FMA(r, ec5, ec4)
				a2 := math.FMA(r, ec7, ec6)
				a3 := math.FMA(r, ec9, ec8)
				a4 := math.FMA(r, ec11, ec10)
				a5 := math.FMA(r, ec13, ec12)
				b0 := math.FMA(a1, r2, a0)
				b1 := math.FMA(a3, r2, a2)
				b2 := math.FMA(a5, r2, a4)
				q := math.FMA(b2, r8, math.FMA(b1, r4, b0))
				tail := float64(r2 * q)
				e0 := float64(1 + float64(r+tail))
				v := math.FMA(c, e0, tail)
				s1 := float64(1 + r)
				e1 := float64(float64(1-s1) + r)
				w := float64(e1 + v)
				y := float64(s1 + w)
				yLo := float64(w - float64(y-s1))
				// ks = kf + 0 = kf: kf = t − expShifter is never −0.
				k1f := float64(math.FMA(kf, 0.5, expShifter) - expShifter)
				k2f := float64(kf - k1f)
				p1 := math.Float64frombits((math.Float64bits(float64(k1f+expShifter)) + 1023) << 52)
				p2 := math.Float64frombits((math.Float64bits(float64(k2f+expShifter)) + 1023) << 52)
				e, elo := float64(float64(y*p1)*p2), float64(float64(yLo*p1)*p2)
				ds[j] = e
				if j == kc {
					e, elo = 0, 0
				}
				ph := float64(hv * dh)
				pl := float64(math.FMA(hv, dh, -ph) + float64(hv*dl))
				var err float64
				shi, err = twoSum(shi, e)
				slo = float64(slo + float64(err+elo))
				phi, err = twoSum(phi, ph)
				plo = float64(plo + float64(err+pl))
			}
			a.eshi[l], a.eslo[l], a.phi[l], a.plo[l] = shi, slo, phi, plo
		}
	}
	return a.reduce()
}

// expAcc64 holds the lanes of pass 2.
type expAcc64 struct{ eshi, eslo, phi, plo lanes8 }

// reduce combines the lanes as scanAcc64.reduce does.
func (a *expAcc64) reduce() (esHi, esLo, pHi, pLo float64) {
	esHi, esLo = ddTree8(&a.eshi, &a.eslo)
	pHi, pLo = ddTree8(&a.phi, &a.plo)
	return
}

// gradRow64Go is pass 3: with e_j in dst, p_j = e_j·inv, q_j = 1 − p_j,
// t_j = S − h_j and g_j = p_j·t_j − h_j·q_j (one FMA). The caller redoes
// j = k with the complement q_k = s/(1+s).
func gradRow64Go(dst, h []float64, inv, hsHi, hsLo float64) {
	gradFrom64(dst, h, inv, hsHi, hsLo, 0)
}

func gradFrom64(dst, h []float64, inv, hsHi, hsLo float64, j0 int) {
	d := dst[j0:]
	hh := h[j0:][:len(d)]
	for j, e := range d {
		d[j] = gradTerm64(e, hh[j], inv, hsHi, hsLo)
	}
}

func gradTerm64(e, h, inv, hsHi, hsLo float64) float64 {
	p := float64(e * inv)
	q := float64(1 - p)
	t := float64(float64(hsHi-h) + hsLo)
	hq := float64(h * q)
	return math.FMA(p, t, -hq)
}
