//go:build goexperiment.simd && amd64

package fused

import (
	"math"
	"math/bits"
	"simd/archsimd"
)

// The vector loops: the same operations as the pure-Go lanes of row64.go,
// row32.go, exp.go and exp32.go on Float64x8 (AVX-512F), eight lanes at a
// time, with the exp kernels written out inside the loops so that their
// constants stay in registers. The tail of a row (len mod 8 elements) runs
// as one more, padded vector, exactly as the pure-Go code pads it, and the
// lane reduction tree runs in registers.
// TestSIMDMatchesGo checks the two bit for bit. Without AVX-512F at run
// time the pure-Go loops run.

func init() { useSIMD(true) }

// useSIMD switches to the vector loops when on and the CPU has AVX-512F,
// else to the pure-Go loops (for tests and benchmarks).
func useSIMD(on bool) {
	simdActive = on && archsimd.X86.AVX512()
}

type f64x8 = archsimd.Float64x8

func bc(v float64) f64x8 { return archsimd.BroadcastFloat64x8(v) }

// twoSumV is twoSum on eight lanes.
func twoSumV(a, b f64x8) (s, e f64x8) {
	s = a.Add(b)
	bb := s.Sub(a)
	e = a.Sub(s.Sub(bb)).Add(b.Sub(bb))
	return
}

// expVec2 is expKernel2 on eight lanes (see exp.go for the method and
// bound); the loops of expRow64SIMD repeat its body.
func expVec2(hi, lo f64x8) (y, yLo f64x8) {
	shifter := bc(expShifter)
	hi = hi.Max(bc(expLow)).Min(bc(expHigh))
	lo = lo.Max(bc(-expLoMax)).Min(bc(expLoMax))
	kf := hi.MulAdd(bc(log2E), shifter).Sub(shifter)
	rh := kf.MulAdd(bc(-ln2Hi), hi)
	r := kf.MulAdd(bc(-ln2Lo), rh)
	c := kf.MulAdd(bc(-ln2Lo), rh.Sub(r)).Add(lo)
	r2 := r.Mul(r)
	r4 := r2.Mul(r2)
	r8 := r4.Mul(r4)
	a0 := r.MulAdd(bc(ec3), bc(ec2))
	a1 := r.MulAdd(bc(ec5), bc(ec4))
	a2 := r.MulAdd(bc(ec7), bc(ec6))
	a3 := r.MulAdd(bc(ec9), bc(ec8))
	a4 := r.MulAdd(bc(ec11), bc(ec10))
	a5 := r.MulAdd(bc(ec13), bc(ec12))
	b0 := a1.MulAdd(r2, a0)
	b1 := a3.MulAdd(r2, a2)
	b2 := a5.MulAdd(r2, a4)
	q := b2.MulAdd(r8, b1.MulAdd(r4, b0))
	tail := r2.Mul(q)
	one := bc(1)
	e0 := one.Add(r.Add(tail))
	v := c.MulAdd(e0, tail)
	s1 := one.Add(r)
	e1 := one.Sub(s1).Add(r)
	w := e1.Add(v)
	y = s1.Add(w)
	yLo = w.Sub(y.Sub(s1))
	k1f := kf.MulAdd(bc(0.5), shifter).Sub(shifter)
	k2f := kf.Sub(k1f)
	bias := archsimd.BroadcastInt64x8(1023)
	p1 := k1f.Add(shifter).AsInt64x8().Add(bias).ShiftAllLeft(52).AsFloat64x8()
	p2 := k2f.Add(shifter).AsInt64x8().Add(bias).ShiftAllLeft(52).AsFloat64x8()
	return y.Mul(p1).Mul(p2), yLo.Mul(p1).Mul(p2)
}

// expVec32 is expKernel32 on eight lanes; expRow32SIMD repeats its body.
func expVec32(d f64x8) f64x8 {
	shifter := bc(expShifter)
	d = d.Max(bc(exp32Low))
	t := d.MulAdd(bc(log2E), shifter)
	kf := t.Sub(shifter)
	r := kf.MulAdd(bc(-math.Ln2), d)
	q := r.MulAdd(bc(ec8), bc(ec7))
	q = q.MulAdd(r, bc(ec6))
	q = q.MulAdd(r, bc(ec5))
	q = q.MulAdd(r, bc(ec4))
	q = q.MulAdd(r, bc(ec3))
	q = q.MulAdd(r, bc(ec2))
	one := bc(1)
	q = q.MulAdd(r, one)
	q = q.MulAdd(r, one)
	p := t.AsInt64x8().Add(archsimd.BroadcastInt64x8(1023)).ShiftAllLeft(52).AsFloat64x8()
	return q.Mul(p)
}

// expSliceSIMD writes exp(x[j]) into dst[j] (len(x) a multiple of 8), for
// tests; it falls back to the pure-Go kernel without AVX-512F.
func expSliceSIMD(dst, x []float64) {
	if !archsimd.X86.AVX512() {
		for j, v := range x {
			dst[j] = exp(v)
		}
		return
	}
	zero := bc(0)
	for j := 0; j+8 <= len(x); j += 8 {
		y, _ := expVec2(archsimd.LoadFloat64x8Slice(x[j:]), zero)
		y.StoreSlice(dst[j:])
	}
}

// exp32SliceSIMD is expSliceSIMD for expKernel32.
func exp32SliceSIMD(dst, x []float64) {
	if !archsimd.X86.AVX512() {
		for j, v := range x {
			dst[j] = expKernel32(v)
		}
		return
	}
	for j := 0; j+8 <= len(x); j += 8 {
		expVec32(archsimd.LoadFloat64x8Slice(x[j:])).StoreSlice(dst[j:])
	}
}

type f64x4 = archsimd.Float64x4

// twoSum4 is twoSum on four lanes.
func twoSum4(a, b f64x4) (s, e f64x4) {
	s = a.Add(b)
	bb := s.Sub(a)
	e = a.Sub(s.Sub(bb)).Add(b.Sub(bb))
	return
}

// The lane tree of maxTree8 etc. (lane i with lane i+w, w = 4, 2, 1) in
// registers: w = 4 on halves of the 8-lane vector, w = 2 on halves of the
// 4-lane one, w = 1 on the two elements.

func maxTree(v f64x8) float64 {
	v4 := v.GetLo().Max(v.GetHi())
	v2 := v4.GetLo().Max(v4.GetHi())
	return vmax(v2.GetElem(0), v2.GetElem(1))
}

func minTree(v f64x8) float64 {
	v4 := v.GetLo().Min(v.GetHi())
	v2 := v4.GetLo().Min(v4.GetHi())
	return vmin(v2.GetElem(0), v2.GetElem(1))
}

func sumTree(v f64x8) float64 {
	v4 := v.GetLo().Add(v.GetHi())
	v2 := v4.GetLo().Add(v4.GetHi())
	return float64(v2.GetElem(0) + v2.GetElem(1))
}

// ddTree reduces a double word (hi, lo) as ddTree8 does.
func ddTree(hi, lo f64x8) (float64, float64) {
	h4, e4 := twoSum4(hi.GetLo(), hi.GetHi())
	l4 := lo.GetLo().Add(e4.Add(lo.GetHi()))
	h2lo, h2hi := h4.GetLo(), h4.GetHi()
	h2 := h2lo.Add(h2hi)
	bb := h2.Sub(h2lo)
	e2 := h2lo.Sub(h2.Sub(bb)).Add(h2hi.Sub(bb))
	l2 := l4.GetLo().Add(e2.Add(l4.GetHi()))
	s, e := twoSum(h2.GetElem(0), h2.GetElem(1))
	return s, float64(l2.GetElem(0) + float64(e+l2.GetElem(1)))
}

func scanRow64SIMD(x, h []float64) scan64 {
	n := len(x)
	n8 := n &^ 7
	tailBits := uint8(1)<<(n-n8) - 1
	mx, mn := bc(math.Inf(-1)), bc(math.Inf(1)) // newScanAcc64's lanes
	zero := bc(0)
	nf, hshi, hslo, hm := zero, zero, zero, zero
	for j := 0; j < n; j += 8 {
		var v, hv f64x8
		if j == n8 {
			v = archsimd.LoadFloat64x8SlicePart(x[j:]).Merge(bc(x[n8]), archsimd.Mask64x8FromBits(tailBits))
			hv = archsimd.LoadFloat64x8SlicePart(h[j:])
		} else {
			v, hv = archsimd.LoadFloat64x8Slice(x[j:]), archsimd.LoadFloat64x8Slice(h[j:])
		}
		mx = mx.Max(v)
		mn = mn.Min(v)
		nf = hv.Min(nf.Add(v.Mul(zero)))
		var e f64x8
		hshi, e = twoSumV(hshi, hv)
		hslo = hslo.Add(e)
		hm = hm.Max(hv.Max(zero.Sub(hv)))
	}
	r := scan64{m: maxTree(mx), xmin: minTree(mn), nf: sumTree(nf), hmax: maxTree(hm)}
	r.hsHi, r.hsLo = ddTree(hshi, hslo)
	return r
}

// firstIndex64SIMD is firstIndex, eight elements per comparison.
func firstIndex64SIMD(x []float64, m float64) int {
	n8 := len(x) &^ 7
	mm := bc(m)
	for j := 0; j < n8; j += 8 {
		if b := archsimd.LoadFloat64x8Slice(x[j:]).Equal(mm).ToBits(); b != 0 {
			return j + bits.TrailingZeros8(b)
		}
	}
	return n8 + firstIndex(x[n8:], m)
}

// firstIndex32SIMD is firstIndex, sixteen elements per comparison.
func firstIndex32SIMD(x []float32, m float32) int {
	n16 := len(x) &^ 15
	mm := archsimd.BroadcastFloat32x16(m)
	for j := 0; j < n16; j += 16 {
		if b := archsimd.LoadFloat32x16Slice(x[j:]).Equal(mm).ToBits(); b != 0 {
			return j + bits.TrailingZeros16(b)
		}
	}
	return n16 + firstIndex(x[n16:], m)
}

// The exp passes run their last len mod 8 elements as one more vector,
// padded with x = m and h = 0, with the padded lanes and lane k of the max
// masked to +0 before the sums: a padded or masked lane adds exact zeros to
// every accumulator, which leaves it bitwise unchanged (accumulators start
// at +0, and x + (−x) = +0), so the result equals the pure-Go lanes'.

func expRow64SIMD(dst, x, h []float64, m float64, k int) (esHi, esLo, pHi, pLo float64) {
	n := len(x)
	n8 := n &^ 7
	tailBits := uint8(1)<<(n-n8) - 1
	{
		zero := bc(0)
		eshi, eslo, phi, plo := zero, zero, zero, zero
		negm := bc(-m)
		kb, km := k&^7, archsimd.Mask64x8FromBits(^(uint8(1) << (k & 7)))
		shifter, low, high, l2e := bc(expShifter), bc(expLow), bc(expHigh), bc(log2E)
		loMin, loMax := bc(-expLoMax), bc(expLoMax)
		nl2hi, nl2lo, half, one := bc(-ln2Hi), bc(-ln2Lo), bc(0.5), bc(1)
		c13, c12, c11, c10, c9, c8 := bc(ec13), bc(ec12), bc(ec11), bc(ec10), bc(ec9), bc(ec8)
		c7, c6, c5, c4, c3, c2 := bc(ec7), bc(ec6), bc(ec5), bc(ec4), bc(ec3), bc(ec2)
		bias := archsimd.BroadcastInt64x8(1023)
		for j := 0; j < n; j += 8 {
			var v, hv f64x8
			isTail := j == n8
			if isTail {
				v = archsimd.LoadFloat64x8SlicePart(x[j:]).Merge(bc(m), archsimd.Mask64x8FromBits(tailBits))
				hv = archsimd.LoadFloat64x8SlicePart(h[j:])
			} else {
				v, hv = archsimd.LoadFloat64x8Slice(x[j:]), archsimd.LoadFloat64x8Slice(h[j:])
			}
			dh, dl := twoSumV(v, negm)

			// expVec2(dh, dl), written out.
			hi := dh.Max(low).Min(high)
			dl = dl.Max(loMin).Min(loMax)
			kf := hi.MulAdd(l2e, shifter).Sub(shifter)
			rh := kf.MulAdd(nl2hi, hi)
			r := kf.MulAdd(nl2lo, rh)
			c := kf.MulAdd(nl2lo, rh.Sub(r)).Add(dl)
			r2 := r.Mul(r)
			r4 := r2.Mul(r2)
			r8 := r4.Mul(r4)
			a0 := r.MulAdd(c3, c2)
			a1 := r.MulAdd(c5, c4)
			a2 := r.MulAdd(c7, c6)
			a3 := r.MulAdd(c9, c8)
			a4 := r.MulAdd(c11, c10)
			a5 := r.MulAdd(c13, c12)
			b0 := a1.MulAdd(r2, a0)
			b1 := a3.MulAdd(r2, a2)
			b2 := a5.MulAdd(r2, a4)
			q := b2.MulAdd(r8, b1.MulAdd(r4, b0))
			tail := r2.Mul(q)
			e0 := one.Add(r.Add(tail))
			vv := c.MulAdd(e0, tail)
			s1 := one.Add(r)
			e1 := one.Sub(s1).Add(r)
			w := e1.Add(vv)
			y := s1.Add(w)
			yLo := w.Sub(y.Sub(s1))
			k1f := kf.MulAdd(half, shifter).Sub(shifter)
			k2f := kf.Sub(k1f)
			p1 := k1f.Add(shifter).AsInt64x8().Add(bias).ShiftAllLeft(52).AsFloat64x8()
			p2 := k2f.Add(shifter).AsInt64x8().Add(bias).ShiftAllLeft(52).AsFloat64x8()
			e, elo := y.Mul(p1).Mul(p2), yLo.Mul(p1).Mul(p2)

			if isTail {
				e.StoreSlicePart(dst[j:])
				tm := archsimd.Mask64x8FromBits(tailBits)
				e, elo = e.Masked(tm), elo.Masked(tm)
			} else {
				e.StoreSlice(dst[j:])
			}
			if j == kb {
				e, elo = e.Masked(km), elo.Masked(km)
			}
			ph := hv.Mul(dh)
			pl := hv.MulAdd(dh, zero.Sub(ph)).Add(hv.Mul(dl))
			var err f64x8
			eshi, err = twoSumV(eshi, e)
			eslo = eslo.Add(err.Add(elo))
			phi, err = twoSumV(phi, ph)
			plo = plo.Add(err.Add(pl))
		}
		esHi, esLo = ddTree(eshi, eslo)
		pHi, pLo = ddTree(phi, plo)
	}
	return
}

func gradRow64SIMD(dst, h []float64, inv, hsHi, hsLo float64) {
	n8 := len(dst) &^ 7
	vinv, vhsHi, vhsLo, one := bc(inv), bc(hsHi), bc(hsLo), bc(1)
	for j := 0; j < n8; j += 8 {
		e := archsimd.LoadFloat64x8Slice(dst[j:])
		hv := archsimd.LoadFloat64x8Slice(h[j:])
		p := e.Mul(vinv)
		t := vhsHi.Sub(hv).Add(vhsLo)
		// h·(p − 1) = −h·(1 − p) exactly: gradTerm64's −h·q in one operation.
		p.MulAdd(t, hv.Mul(p.Sub(one))).StoreSlice(dst[j:])
	}
	gradFrom64(dst, h, inv, hsHi, hsLo, n8)
}

// maxRow32SIMD is maxRow32Go, sixteen float32 lanes at a time, the last
// len mod 16 elements in scalar code (nf is summed in another order, which
// changes only whether finite values overflow it).
func maxRow32SIMD(x []float32) (m, nf float32) {
	n16 := len(x) &^ 15
	m = float32(math.Inf(-1))
	if n16 > 0 {
		vm := archsimd.LoadFloat32x16Slice(x)
		vs := vm
		for j := 16; j < n16; j += 16 {
			v := archsimd.LoadFloat32x16Slice(x[j:])
			vm = vm.Max(v)
			vs = vs.Add(v)
		}
		var a, b [16]float32
		vm.Store(&a)
		vs.Store(&b)
		for i, v := range a {
			if v > m {
				m = v
			}
			nf += b[i]
		}
	}
	for _, v := range x[n16:] {
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

// hRange32SIMD is hRange32Go, sixteen lanes at a time.
func hRange32SIMD(h []float32) (hmax, hmin float32) {
	n16 := len(h) &^ 15
	hmax, hmin = float32(math.Inf(-1)), float32(math.Inf(1))
	if n16 > 0 {
		vmax := archsimd.LoadFloat32x16Slice(h)
		vmin := vmax
		for j := 16; j < n16; j += 16 {
			v := archsimd.LoadFloat32x16Slice(h[j:])
			vmax = vmax.Max(v)
			vmin = vmin.Min(v)
		}
		var a, b [16]float32
		vmax.Store(&a)
		vmin.Store(&b)
		for i := range a {
			if a[i] > hmax {
				hmax = a[i]
			}
			if b[i] < hmin {
				hmin = b[i]
			}
		}
	}
	for _, v := range h[n16:] {
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

func expRow32SIMD(e []float64, x, h []float32, m float32, k, jmax int) (r pass32) {
	n := len(x)
	n8 := n &^ 7
	tailBits := uint8(1)<<(n-n8) - 1
	{
		zero := bc(0)
		ves, vp, vr := zero, zero, zero
		jb, jm := jmax&^7, archsimd.Mask64x8FromBits(^(uint8(1) << (jmax & 7)))
		if jmax < 0 {
			jb = -8 // no block
		}
		mm := bc(float64(m))
		kb, km := k&^7, archsimd.Mask64x8FromBits(^(uint8(1) << (k & 7)))
		shifter, low, l2e, nl2 := bc(expShifter), bc(exp32Low), bc(log2E), bc(-math.Ln2)
		c8, c7, c6 := bc(ec8), bc(ec7), bc(ec6)
		c5, c4, c3, c2, one := bc(ec5), bc(ec4), bc(ec3), bc(ec2), bc(1)
		bias := archsimd.BroadcastInt64x8(1023)
		for j := 0; j < n; j += 8 {
			var v, hv f64x8
			isTail := j == n8
			if isTail {
				v = archsimd.LoadFloat32x8SlicePart(x[j:]).ConvertToFloat64().Merge(mm, archsimd.Mask64x8FromBits(tailBits))
				hv = archsimd.LoadFloat32x8SlicePart(h[j:]).ConvertToFloat64()
			} else {
				v = archsimd.LoadFloat32x8Slice(x[j:]).ConvertToFloat64()
				hv = archsimd.LoadFloat32x8Slice(h[j:]).ConvertToFloat64()
			}
			d := v.Sub(mm)

			// expVec32(d), written out.
			dc := d.Max(low)
			tt := dc.MulAdd(l2e, shifter)
			kf := tt.Sub(shifter)
			r := kf.MulAdd(nl2, dc)
			q := r.MulAdd(c8, c7)
			q = q.MulAdd(r, c6)
			q = q.MulAdd(r, c5)
			q = q.MulAdd(r, c4)
			q = q.MulAdd(r, c3)
			q = q.MulAdd(r, c2)
			q = q.MulAdd(r, one)
			q = q.MulAdd(r, one)
			ex := q.Mul(tt.AsInt64x8().Add(bias).ShiftAllLeft(52).AsFloat64x8())

			if isTail {
				ex.StoreSlicePart(e[j:])
				ex = ex.Masked(archsimd.Mask64x8FromBits(tailBits))
			} else {
				ex.StoreSlice(e[j:])
			}
			if j == kb {
				ex = ex.Masked(km)
			}
			ves = ves.Add(ex)
			vp = hv.MulAdd(d, vp)
			if j == jb {
				hv = hv.Masked(jm)
			}
			vr = vr.Add(hv)
		}
		r.es, r.p, r.r = sumTree(ves), sumTree(vp), sumTree(vr)
	}
	return
}

func gradRow32SIMD(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64) {
	n8 := len(dst) &^ 7
	vinv, vhsHi, vhsLo, one := bc(inv), bc(hsHi), bc(hsLo), bc(1)
	for j := 0; j < n8; j += 8 {
		ev := archsimd.LoadFloat64x8Slice(e[j:])
		hv := archsimd.LoadFloat32x8Slice(h[j:]).ConvertToFloat64()
		p := ev.Mul(vinv)
		t := vhsHi.Sub(hv).Add(vhsLo)
		p.MulAdd(t, hv.Mul(p.Sub(one))).ConvertToFloat32().StoreSlice(dst[j:])
	}
	gradFrom32(dst, e, h, inv, hsHi, hsLo, n8)
}
