//go:build goexperiment.simd && amd64

package fused

import (
	"math"
	"simd/archsimd"
)

// maxTileC is the longest row tile64SIMD takes.
const maxTileC = 32

// tileBuf is the scratch of tile64SIMD: the transposed tiles of x, h and
// the gradient (column j holds element j of the 8 rows) and the lane
// accumulators of passes 1 and 2. It is reused from tile to tile (a
// zeroed stack frame of this size cost 10% of a tile of C = 10).
type tileBuf struct {
	xt, ht, gt               [maxTileC][8]float64
	mx, mn, nf, shi, slo, hm [8]f64x8
	eshi, eslo, phi, plo     [8]f64x8
	isK, isJ                 [maxTileC]uint8
}

// tile64SIMD computes Loss on 8 float64 rows of c ≤ maxTileC classes at
// once (row r is x[r·c:(r+1)·c]), the vector lanes running across the rows:
// the per-row fixed cost of the row path (three lane-reduction trees,
// 1/(1+s), log1p(s), the loss from double words, all on one row's latency
// chain) is paid once per 8 rows. It performs, for every row, the
// operations of the pure-Go fast path in the same order: "lane l" of the
// row path (elements l, l+8, …) becomes an accumulator vector acc[l], the
// lane trees become trees over acc, and the padded tail of pass 1 is
// repeated; so each row's results equal Loss's bit for bit
// (TestLossRowsMatchesLoss). It returns the bits of the rows it computed:
// those fast64OK accepts; the caller runs the others through Loss.
func tile64SIMD(tb *tileBuf, loss, dst, x, h []float64, c int) uint8 {
	xt, ht, gt := &tb.xt, &tb.ht, &tb.gt
	x, h, dst = x[:8*c], h[:8*c], dst[:8*c]
	for r := 0; r < 8; r++ {
		xr, hr := x[r*c:][:c], h[r*c:][:c]
		for j := range xr {
			xt[j][r], ht[j][r] = xr[j], hr[j]
		}
	}
	zero, one, neg := bc(0), bc(1), bc(-1)
	n8 := c &^ 7
	nb := (c + 7) / 8

	// Pass 1 (scanRow64): per lane l, then the tree.
	mx, mn, nf, shi, slo, hm := &tb.mx, &tb.mn, &tb.nf, &tb.shi, &tb.slo, &tb.hm
	for l := 0; l < 8; l++ {
		amx, amn := bc(math.Inf(-1)), bc(math.Inf(1))
		anf, ashi, aslo, ahm := zero, zero, zero, zero
		for b := 0; b < nb; b++ {
			j := 8*b + l
			var v, hv f64x8
			if j < c {
				v, hv = archsimd.LoadFloat64x8(&xt[j]), archsimd.LoadFloat64x8(&ht[j])
			} else { // the padded tail: x[n8], h = 0
				v, hv = archsimd.LoadFloat64x8(&xt[n8]), zero
			}
			amx = amx.Max(v)
			amn = amn.Min(v)
			anf = hv.Min(anf.Add(v.Mul(zero)))
			var e f64x8
			ashi, e = twoSumV(ashi, hv)
			aslo = aslo.Add(e)
			ahm = ahm.Max(hv.Max(zero.Sub(hv)))
		}
		mx[l], mn[l], nf[l], shi[l], slo[l], hm[l] = amx, amn, anf, ashi, aslo, ahm
	}
	for w := 4; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			mx[i] = mx[i].Max(mx[i+w])
			mn[i] = mn[i].Min(mn[i+w])
			nf[i] = nf[i].Add(nf[i+w])
			var e f64x8
			shi[i], e = twoSumV(shi[i], shi[i+w])
			slo[i] = slo[i].Add(e.Add(slo[i+w]))
			hm[i] = hm[i].Max(hm[i+w])
		}
	}
	m, hsHi, hsLo, hmax := mx[0], shi[0], slo[0], hm[0]

	// The router's fast64OK, per row.
	cv := bc(float64(c))
	width := m.Sub(mn[0])
	lim := bc(fastLimit)
	ok := nf[0].Equal(zero).ToBits() & width.LessEqual(bc(subnormalWidth)).ToBits() &
		hmax.Mul(cv).LessEqual(lim).ToBits() & hmax.Mul(width).Mul(cv).LessEqual(lim).ToBits() &^
		(hmax.Less(bc(tinyH)).ToBits() &^ hmax.Equal(zero).ToBits())
	if ok == 0 {
		return 0
	}

	// k: the first index of the max, per row, as a mask per column.
	isK := &tb.isK
	var found uint8
	for j := 0; j < c; j++ {
		eq := archsimd.LoadFloat64x8(&xt[j]).Equal(m).ToBits() &^ found
		isK[j] = eq
		found |= eq
	}

	// Pass 2 (expRow64): e_j into gt, s and P as double words.
	negm := m.Mul(neg)
	shifter, low, high, l2e := bc(expShifter), bc(expLow), bc(expHigh), bc(log2E)
	loMin, loMax := bc(-expLoMax), bc(expLoMax)
	nl2hi, nl2lo, half := bc(-ln2Hi), bc(-ln2Lo), bc(0.5)
	c13, c12, c11, c10, c9, c8 := bc(ec13), bc(ec12), bc(ec11), bc(ec10), bc(ec9), bc(ec8)
	c7, c6, c5, c4, c3, c2 := bc(ec7), bc(ec6), bc(ec5), bc(ec4), bc(ec3), bc(ec2)
	bias := archsimd.BroadcastInt64x8(1023)
	eshi, eslo, phi, plo := &tb.eshi, &tb.eslo, &tb.phi, &tb.plo
	for l := 0; l < 8; l++ {
		ashi, aslo, aphi, aplo := zero, zero, zero, zero
		for j := l; j < c; j += 8 {
			v, hv := archsimd.LoadFloat64x8(&xt[j]), archsimd.LoadFloat64x8(&ht[j])
			dh, dl := twoSumV(v, negm)
			hi := dh.Max(low).Min(high)
			lo := dl.Max(loMin).Min(loMax)
			kf := hi.MulAdd(l2e, shifter).Sub(shifter)
			rh := kf.MulAdd(nl2hi, hi)
			r := kf.MulAdd(nl2lo, rh)
			cc := kf.MulAdd(nl2lo, rh.Sub(r)).Add(lo)
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
			vv := cc.MulAdd(e0, tail)
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
			e.Store(&gt[j])
			if isK[j] != 0 {
				nk := archsimd.Mask64x8FromBits(^isK[j])
				e, elo = e.Masked(nk), elo.Masked(nk)
			}
			ph := hv.Mul(dh)
			pl := hv.MulAdd(dh, ph.Mul(neg)).Add(hv.Mul(dl))
			var err f64x8
			ashi, err = twoSumV(ashi, e)
			aslo = aslo.Add(err.Add(elo))
			aphi, err = twoSumV(aphi, ph)
			aplo = aplo.Add(err.Add(pl))
		}
		eshi[l], eslo[l], phi[l], plo[l] = ashi, aslo, aphi, aplo
	}
	for w := 4; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			var e f64x8
			eshi[i], e = twoSumV(eshi[i], eshi[i+w])
			eslo[i] = eslo[i].Add(e.Add(eslo[i+w]))
			phi[i], e = twoSumV(phi[i], phi[i+w])
			plo[i] = plo[i].Add(e.Add(plo[i+w]))
		}
	}
	esHi, esLo, pHi, pLo := eshi[0], eslo[0], phi[0], plo[0]

	// inv1p.
	dHi, dLo := twoSumV(one, esHi)
	dLo = dLo.Add(esLo)
	inv1 := one.Div(dHi)
	rr := inv1.Mul(neg).MulAdd(dHi, one)
	rr = rr.Sub(inv1.Mul(dLo))
	inv := inv1.MulAdd(rr, inv1)

	// Pass 3 (gradRow64) and g_k (gradMax).
	qk := esHi.MulAdd(inv, esLo.Mul(inv))
	for j := 0; j < c; j++ {
		e, hv := archsimd.LoadFloat64x8(&gt[j]), archsimd.LoadFloat64x8(&ht[j])
		p := e.Mul(inv)
		t := hsHi.Sub(hv).Add(hsLo)
		g := p.MulAdd(t, hv.Mul(p.Sub(one)))
		if isK[j] != 0 {
			gk := inv.MulAdd(t, hv.Mul(qk).Mul(neg))
			g = gk.Merge(g, archsimd.Mask64x8FromBits(isK[j]))
		}
		g.Store(&gt[j])
	}

	// The loss: log1pDD(s), then combineLoss.
	lgHi, lgLo := log1pDDV(esHi, esLo)
	th := hsHi.Mul(lgHi)
	tl := hsHi.MulAdd(lgHi, th.Mul(neg)).Add(hsHi.Mul(lgLo).Add(hsLo.Mul(lgHi)))
	a, b := twoSumV(th, pHi.Mul(neg))
	lv := a.Add(b.Add(tl).Sub(pLo))
	var ls [8]float64
	lv.Store(&ls)
	for r := 0; r < 8; r++ {
		if ok&(1<<r) == 0 {
			continue
		}
		loss[r] = ls[r]
		dr := dst[r*c:][:c]
		for j := range dr {
			dr[j] = gt[j][r]
		}
	}
	return ok
}

// log1pDDV is log1pDD on eight lanes: both of its branches, merged by
// s < 1/16.
func log1pDDV(sHi, sLo f64x8) (hi, lo f64x8) {
	one := bc(1)
	// s < 1/16: the series.
	s := sHi
	q := s.MulAdd(bc(-1.0/16), bc(1.0/15))
	q = q.MulAdd(s, bc(-1.0/14))
	q = q.MulAdd(s, bc(1.0/13))
	q = q.MulAdd(s, bc(-1.0/12))
	q = q.MulAdd(s, bc(1.0/11))
	q = q.MulAdd(s, bc(-1.0/10))
	q = q.MulAdd(s, bc(1.0/9))
	q = q.MulAdd(s, bc(-1.0/8))
	q = q.MulAdd(s, bc(1.0/7))
	q = q.MulAdd(s, bc(-1.0/6))
	q = q.MulAdd(s, bc(1.0/5))
	q = q.MulAdd(s, bc(-1.0/4))
	q = q.MulAdd(s, bc(1.0/3))
	q = q.MulAdd(s, bc(-1.0/2))
	t := s.Mul(s).Mul(q)
	hiA, e := twoSumV(s, t)
	loA := e.Add(sLo.Sub(sLo.Mul(s)))

	// Otherwise: 1 + s = 2^k·f.
	dHi, dLo := twoSumV(one, sHi)
	dLo = dLo.Add(sLo)
	bits := dHi.AsInt64x8()
	k := bits.ShiftAllRight(52).Sub(archsimd.BroadcastInt64x8(1023))
	// (Not AndNot: in Go 1.26.8, Int64x8.AndNot computes ^x & y, the
	// operand order of VPANDNQ, not the x &^ y of its documentation.)
	fHi := bits.And(archsimd.BroadcastInt64x8(^(0x7ff << 52))).Or(archsimd.BroadcastInt64x8(1023 << 52)).AsFloat64x8()
	big := fHi.Greater(bc(math.Sqrt2))
	fHi = fHi.Mul(bc(0.5)).Merge(fHi, big)
	k = k.Add(archsimd.BroadcastInt64x8(1)).Merge(k, big)
	fLo := dLo.Mul(archsimd.BroadcastInt64x8(1023).Sub(k).ShiftAllLeft(52).AsFloat64x8())
	numHi, numLo := twoSumV(fHi.Sub(one), fLo)
	denHi, denLo := twoSumV(one, fHi)
	denLo = denLo.Add(fLo)
	zHi := numHi.Div(denHi)
	rem := zHi.Mul(bc(-1)).MulAdd(denHi, numHi).Add(numLo).Sub(zHi.Mul(denLo))
	zLo := rem.Div(denHi)
	z2 := zHi.Mul(zHi)
	y2 := z2.Mul(z2)
	y4 := y2.Mul(y2)
	y8 := y4.Mul(y4)
	a0 := z2.MulAdd(bc(1.0/5), bc(1.0/3))
	a1 := z2.MulAdd(bc(1.0/9), bc(1.0/7))
	a2 := z2.MulAdd(bc(1.0/13), bc(1.0/11))
	a3 := z2.MulAdd(bc(1.0/17), bc(1.0/15))
	a4 := z2.MulAdd(bc(1.0/21), bc(1.0/19))
	a5 := z2.MulAdd(bc(1.0/25), bc(1.0/23))
	b0 := a1.MulAdd(y2, a0)
	b1 := a3.MulAdd(y2, a2)
	b2 := a5.MulAdd(y2, a4)
	p := b2.MulAdd(y8, b1.MulAdd(y4, b0))
	two := bc(2)
	tail := two.Mul(zHi).Mul(z2).Mul(p)
	// float64(k) for 0 ≤ k < 2^52, exactly: the integer in the low
	// mantissa bits of 2^52.
	kf := k.Add(bc(0x1p52).AsInt64x8()).AsFloat64x8().Sub(bc(0x1p52))
	h1, e1 := twoSumV(kf.Mul(bc(ln2Hi)), two.Mul(zHi))
	loB := e1.Add(two.Mul(zLo)).Add(tail).Add(kf.Mul(bc(ln2Lo)))
	hiB, loB := twoSumV(h1, loB)

	small := sHi.Less(bc(0x1p-4))
	return hiA.Merge(hiB, small), loA.Merge(loB, small)
}

// tile32SIMD is tile64SIMD for float32 rows: the float32 fast path of
// fast32 (computed in float64, see row32.go) on 8 rows at once, for the
// rows with finite logits and h ≥ 0 (route32's common case) whose loss is
// not nearOverflow32; it returns their bits and leaves the others to Loss.
// log1p(s) is math.Log1p per row, as in fast32.
func tile32SIMD(tb *tileBuf, loss, dst, x, h []float32, c int) uint8 {
	xt, ht, gt := &tb.xt, &tb.ht, &tb.gt
	x, h, dst = x[:8*c], h[:8*c], dst[:8*c]
	for r := 0; r < 8; r++ {
		xr, hr := x[r*c:][:c], h[r*c:][:c]
		for j := range xr {
			xt[j][r], ht[j][r] = float64(xr[j]), float64(hr[j])
		}
	}
	zero, one := bc(0), bc(1)
	// m = max x and hmax = max h (exact in any order; a zero as +0), and
	// the rows route32 does not send to the fast path: a non-finite
	// logit, a negative or NaN h_j.
	m, hmax := bc(math.Inf(-1)), bc(math.Inf(-1))
	var bad uint8
	for j := 0; j < c; j++ {
		v, hv := archsimd.LoadFloat64x8(&xt[j]), archsimd.LoadFloat64x8(&ht[j])
		m = m.Max(v)
		hmax = hmax.Max(hv)
		bad |= v.Sub(v).NotEqual(zero).ToBits() | hv.Less(zero).ToBits() | hv.NotEqual(hv).ToBits()
	}
	m = zero.Merge(m, m.Equal(zero))
	hmax = zero.Merge(hmax, hmax.Equal(zero))
	ok := ^bad
	if ok == 0 {
		return 0
	}
	// k and jmax: the first indices of m and hmax, per row.
	isK, isJ := &tb.isK, &tb.isJ
	var foundK, foundJ uint8
	for j := 0; j < c; j++ {
		eq := archsimd.LoadFloat64x8(&xt[j]).Equal(m).ToBits() &^ foundK
		isK[j], foundK = eq, foundK|eq
		eq = archsimd.LoadFloat64x8(&ht[j]).Equal(hmax).ToBits() &^ foundJ
		isJ[j], foundJ = eq, foundJ|eq
	}
	// Pass 2 (expRow32): e_j into gt; s, P and R = Σ_{j≠jmax} h_j.
	es, ps, rs := &tb.shi, &tb.phi, &tb.slo
	for l := 0; l < 8; l++ {
		as, ap, ar := zero, zero, zero
		for j := l; j < c; j += 8 {
			v, hv := archsimd.LoadFloat64x8(&xt[j]), archsimd.LoadFloat64x8(&ht[j])
			d := v.Sub(m)
			ex := expVec32(d)
			ex.Store(&gt[j])
			if isK[j] != 0 {
				ex = ex.Masked(archsimd.Mask64x8FromBits(^isK[j]))
			}
			as = as.Add(ex)
			ap = hv.MulAdd(d, ap)
			if isJ[j] != 0 {
				hv = hv.Masked(archsimd.Mask64x8FromBits(^isJ[j]))
			}
			ar = ar.Add(hv)
		}
		es[l], ps[l], rs[l] = as, ap, ar
	}
	for w := 4; w >= 1; w /= 2 {
		for i := 0; i < w; i++ {
			es[i] = es[i].Add(es[i+w])
			ps[i] = ps[i].Add(ps[i+w])
			rs[i] = rs[i].Add(rs[i+w])
		}
	}
	s, p := es[0], ps[0]
	hsHi, hsLo := twoSumV(hmax, rs[0])
	inv := one.Div(one.Add(s))
	var sv, lgv [8]float64
	s.Store(&sv)
	for r := range sv {
		lgv[r] = math.Log1p(sv[r])
	}
	lg := archsimd.LoadFloat64x8(&lgv)
	// The loss in float64; rows near float32's overflow threshold go to Loss.
	lv := hsHi.Add(hsLo).Mul(lg).Sub(p)
	neg := bc(-1)
	ok &^= lv.Max(lv.Mul(neg)).GreaterEqual(bc(0x1p127)).ToBits() | lv.NotEqual(lv).ToBits()
	if ok == 0 {
		return 0
	}
	// Pass 3 (gradRow32) and g_k.
	qk := s.Mul(inv)
	for j := 0; j < c; j++ {
		e, hv := archsimd.LoadFloat64x8(&gt[j]), archsimd.LoadFloat64x8(&ht[j])
		pj := e.Mul(inv)
		t := hsHi.Sub(hv).Add(hsLo)
		g := pj.MulAdd(t, hv.Mul(pj.Sub(one)))
		if isK[j] != 0 {
			gk := inv.MulAdd(t, hv.Mul(qk).Mul(neg))
			g = gk.Merge(g, archsimd.Mask64x8FromBits(isK[j]))
		}
		g.Store(&gt[j])
	}
	var ls [8]float64
	lv.Store(&ls)
	for r := 0; r < 8; r++ {
		if ok&(1<<r) == 0 {
			continue
		}
		loss[r] = float32(ls[r])
		dr := dst[r*c:][:c]
		for j := range dr {
			dr[j] = float32(gt[j][r])
		}
	}
	return ok
}
