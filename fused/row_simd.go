//go:build goexperiment.simd && amd64

package fused

import (
	"math"
	"simd/archsimd"
)

// The vector loops: the same operations as the pure-Go lanes of row64.go,
// row32.go and exp.go on Float64x4 (AVX2 + FMA), four lanes at a time; the
// tail of a row (len mod 4 elements) runs the pure-Go code on the stored
// lanes. TestSIMDMatchesGo checks the two bit for bit.

func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		scanRow64, expRow64, gradRow64 = scanRow64SIMD, expRow64SIMD, gradRow64SIMD
		scanRow32, expRow32, gradRow32 = scanRow32SIMD, expRow32SIMD, gradRow32SIMD
		simdActive = true
	}
}

// useSIMD switches to the pure-Go loops (on = false) or back to the vector
// loops when the CPU has them (for tests and benchmarks).
func useSIMD(on bool) {
	if on && archsimd.X86.AVX2() && archsimd.X86.FMA() {
		scanRow64, expRow64, gradRow64 = scanRow64SIMD, expRow64SIMD, gradRow64SIMD
		scanRow32, expRow32, gradRow32 = scanRow32SIMD, expRow32SIMD, gradRow32SIMD
		simdActive = true
		return
	}
	scanRow64, expRow64, gradRow64 = scanRow64Go, expRow64Go, gradRow64Go
	scanRow32, expRow32, gradRow32 = scanRow32Go, expRow32Go, gradRow32Go
	simdActive = false
}

type f64x4 = archsimd.Float64x4

func bc(v float64) f64x4 { return archsimd.BroadcastFloat64x4(v) }

func storeLanes(v f64x4, l *lanes4) { v.Store((*[4]float64)(l)) }

func loadLanes(l *lanes4) f64x4 { return archsimd.LoadFloat64x4((*[4]float64)(l)) }

// twoSumV is twoSum on four lanes.
func twoSumV(a, b f64x4) (s, e f64x4) {
	s = a.Add(b)
	bb := s.Sub(a)
	e = a.Sub(s.Sub(bb)).Add(b.Sub(bb))
	return
}

// expVec is expKernel on four lanes (see exp.go for the method and bound).
func expVec(hi, lo f64x4) f64x4 { y, _ := expVec2(hi, lo); return y }

// expVec2 is expKernel2 on four lanes.
func expVec2(hi, lo f64x4) (y, yLo f64x4) {
	shifter := bc(expShifter)
	hi = hi.Max(bc(expLow)).Min(bc(expHigh))
	kf := hi.MulAdd(bc(log2E), shifter).Sub(shifter)
	rh := kf.MulAdd(bc(-ln2Hi), hi)
	r := kf.MulAdd(bc(-ln2Lo), rh)
	c := kf.MulAdd(bc(-ln2Lo), rh.Sub(r)).Add(lo)

	q := r.MulAdd(bc(ec13), bc(ec12))
	q = q.MulAdd(r, bc(ec11))
	q = q.MulAdd(r, bc(ec10))
	q = q.MulAdd(r, bc(ec9))
	q = q.MulAdd(r, bc(ec8))
	q = q.MulAdd(r, bc(ec7))
	q = q.MulAdd(r, bc(ec6))
	q = q.MulAdd(r, bc(ec5))
	q = q.MulAdd(r, bc(ec4))
	q = q.MulAdd(r, bc(ec3))
	q = q.MulAdd(r, bc(ec2))
	tail := r.Mul(r).Mul(q)

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
	bias := archsimd.BroadcastInt64x4(1023)
	p1 := k1f.Add(shifter).AsInt64x4().Add(bias).ShiftAllLeft(52).AsFloat64x4()
	p2 := k2f.Add(shifter).AsInt64x4().Add(bias).ShiftAllLeft(52).AsFloat64x4()
	return y.Mul(p1).Mul(p2), yLo.Mul(p1).Mul(p2)
}

// expVec32 is expKernel32 on four lanes.
func expVec32(d f64x4) f64x4 {
	shifter := bc(expShifter)
	d = d.Max(bc(exp32Low))
	kf := d.MulAdd(bc(log2E), shifter).Sub(shifter)
	r := kf.MulAdd(bc(-math.Ln2), d)
	q := r.MulAdd(bc(ec11), bc(ec10))
	q = q.MulAdd(r, bc(ec9))
	q = q.MulAdd(r, bc(ec8))
	q = q.MulAdd(r, bc(ec7))
	q = q.MulAdd(r, bc(ec6))
	q = q.MulAdd(r, bc(ec5))
	q = q.MulAdd(r, bc(ec4))
	q = q.MulAdd(r, bc(ec3))
	q = q.MulAdd(r, bc(ec2))
	one := bc(1)
	q = q.MulAdd(r, one)
	q = q.MulAdd(r, one)
	p := kf.Add(shifter).AsInt64x4().Add(archsimd.BroadcastInt64x4(1023)).ShiftAllLeft(52).AsFloat64x4()
	return q.Mul(p)
}

// expSliceSIMD writes exp(x[j]) into dst[j] (len(x) multiple of 4), for tests.
func expSliceSIMD(dst, x []float64) {
	zero := bc(0)
	for j := 0; j+4 <= len(x); j += 4 {
		expVec(archsimd.LoadFloat64x4Slice(x[j:]), zero).StoreSlice(dst[j:])
	}
}

// exp32SliceSIMD writes expKernel32(x[j]) into dst[j] (len(x) multiple
// of 4), for tests.
func exp32SliceSIMD(dst, x []float64) {
	for j := 0; j+4 <= len(x); j += 4 {
		expVec32(archsimd.LoadFloat64x4Slice(x[j:])).StoreSlice(dst[j:])
	}
}

func scanRow64SIMD(x, h []float64) scan64 {
	a := newScanAcc64()
	n4 := len(x) &^ 3
	if n4 > 0 {
		mx, mn := loadLanes(&a.mx), loadLanes(&a.mn)
		zero := bc(0)
		nf, shi, slo, hm := zero, zero, zero, zero
		for j := 0; j < n4; j += 4 {
			v := archsimd.LoadFloat64x4Slice(x[j:])
			hv := archsimd.LoadFloat64x4Slice(h[j:])
			mx = mx.Max(v)
			mn = mn.Min(v)
			nf = nf.Add(v.Mul(zero))
			var e f64x4
			shi, e = twoSumV(shi, hv)
			slo = slo.Add(e)
			hm = hm.Max(hv.Max(zero.Sub(hv)))
		}
		storeLanes(mx, &a.mx)
		storeLanes(mn, &a.mn)
		storeLanes(nf, &a.nf)
		storeLanes(shi, &a.shi)
		storeLanes(slo, &a.slo)
		storeLanes(hm, &a.hm)
	}
	a.from(x, h, n4)
	return a.reduce()
}

// kMask returns 1 in every lane but lane k&3, which is 0.
func kMask(k int) f64x4 {
	var w [4]float64
	for i := range w {
		w[i] = 1
	}
	w[k&3] = 0
	return archsimd.LoadFloat64x4(&w)
}

func expRow64SIMD(dst, x, h []float64, m float64, k int) (sHi, sLo, pHi, pLo float64) {
	var a expAcc64
	n4 := len(x) &^ 3
	if n4 > 0 {
		zero := bc(0)
		shi, slo, phi, plo := zero, zero, zero, zero
		negm := bc(-m)
		kb, km := k&^3, kMask(k)
		for j := 0; j < n4; j += 4 {
			v := archsimd.LoadFloat64x4Slice(x[j:])
			hv := archsimd.LoadFloat64x4Slice(h[j:])
			dh, dl := twoSumV(v, negm)
			e, elo := expVec2(dh, dl)
			e.StoreSlice(dst[j:])
			if j == kb {
				e, elo = e.Mul(km), elo.Mul(km)
			}
			ph := hv.Mul(dh)
			pl := hv.MulAdd(dh, zero.Sub(ph)).Add(hv.Mul(dl))
			var err f64x4
			shi, err = twoSumV(shi, e)
			slo = slo.Add(err.Add(elo))
			phi, err = twoSumV(phi, ph)
			plo = plo.Add(err.Add(pl))
		}
		storeLanes(shi, &a.shi)
		storeLanes(slo, &a.slo)
		storeLanes(phi, &a.phi)
		storeLanes(plo, &a.plo)
	}
	a.from(dst, x, h, m, k, n4)
	return a.reduce()
}

func gradRow64SIMD(dst, h []float64, inv, sHi, sLo float64) {
	n4 := len(dst) &^ 3
	vinv, vsHi, vsLo, one, zero := bc(inv), bc(sHi), bc(sLo), bc(1), bc(0)
	for j := 0; j < n4; j += 4 {
		e := archsimd.LoadFloat64x4Slice(dst[j:])
		hv := archsimd.LoadFloat64x4Slice(h[j:])
		p := e.Mul(vinv)
		q := one.Sub(p)
		t := vsHi.Sub(hv).Add(vsLo)
		hq := hv.Mul(q)
		p.MulAdd(t, zero.Sub(hq)).StoreSlice(dst[j:])
	}
	gradFrom64(dst, h, inv, sHi, sLo, n4)
}

func scanRow32SIMD(x, h []float32) scan64 {
	a := newScanAcc64()
	n4 := len(x) &^ 3
	if n4 > 0 {
		mx := loadLanes(&a.mx)
		zero := bc(0)
		nf, shi, slo := zero, zero, zero
		for j := 0; j < n4; j += 4 {
			v := archsimd.LoadFloat32x4Slice(x[j:]).ConvertToFloat64()
			hv := archsimd.LoadFloat32x4Slice(h[j:]).ConvertToFloat64()
			mx = mx.Max(v)
			nf = nf.Add(v.Mul(zero))
			var e f64x4
			shi, e = twoSumV(shi, hv)
			slo = slo.Add(e)
		}
		storeLanes(mx, &a.mx)
		storeLanes(nf, &a.nf)
		storeLanes(shi, &a.shi)
		storeLanes(slo, &a.slo)
	}
	a.from32(x, h, n4)
	return a.reduce()
}

func expRow32SIMD(e []float64, x, h []float32, m float32, k int) (s, p float64) {
	var a expAcc32
	n4 := len(x) &^ 3
	if n4 > 0 {
		zero := bc(0)
		vs, vp := zero, zero
		mm := bc(float64(m))
		kb, km := k&^3, kMask(k)
		for j := 0; j < n4; j += 4 {
			v := archsimd.LoadFloat32x4Slice(x[j:]).ConvertToFloat64()
			hv := archsimd.LoadFloat32x4Slice(h[j:]).ConvertToFloat64()
			d := v.Sub(mm)
			ex := expVec32(d)
			ex.StoreSlice(e[j:])
			if j == kb {
				ex = ex.Mul(km)
			}
			vs = vs.Add(ex)
			vp = hv.MulAdd(d, vp)
		}
		storeLanes(vs, &a.s)
		storeLanes(vp, &a.p)
	}
	a.from(e, x, h, m, k, n4)
	return a.reduce()
}

func gradRow32SIMD(dst []float32, e []float64, h []float32, inv, sHi, sLo float64) {
	n4 := len(dst) &^ 3
	vinv, vsHi, vsLo, one, zero := bc(inv), bc(sHi), bc(sLo), bc(1), bc(0)
	for j := 0; j < n4; j += 4 {
		ev := archsimd.LoadFloat64x4Slice(e[j:])
		hv := archsimd.LoadFloat32x4Slice(h[j:]).ConvertToFloat64()
		p := ev.Mul(vinv)
		q := one.Sub(p)
		t := vsHi.Sub(hv).Add(vsLo)
		hq := hv.Mul(q)
		p.MulAdd(t, zero.Sub(hq)).ConvertToFloat32().StoreSlice(dst[j:])
	}
	gradFrom32(dst, e, h, inv, sHi, sLo, n4)
}
