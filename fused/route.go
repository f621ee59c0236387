package fused

import "math"

// The router: which path a row takes, every condition stated once, next to
// the error argument that justifies it (docs/design.md §3).
//
//	float64   pass 1 (lanes)  → fast64OK: fast path (fast.go)
//	          otherwise       → routeScalar64: NaN, exact64 (exact.go) or
//	                            slow64 (slow.go); a computed slow64 loss
//	                            (not one set to ±Inf or NaN by masked
//	                            logits) that is nearOverflow64 is redone
//	                            by exact64
//	float32   route32         → fast path (fast.go), whose loss, when
//	                            nearOverflow32, is redone by exact32;
//	                            pathExact: exact32; pathWide: the widened
//	                            row through routeScalar64 (wide32)
//
// The loss-near-overflow checks are the only decisions taken after a path
// has run: they need the loss itself.

// path is the computation a row takes.
type path uint8

const (
	pathFast  path = iota // fast64 / fast32: lane loops, no rescaling
	pathSlow              // slow64: scalar, power-of-two rescaling
	pathExact             // exact64 (exact32 for float32 rows)
	pathNaN               // a NaN or +Inf logit, or every logit −Inf: all NaN
	pathWide              // float32: the row widened to float64, then routeScalar64
)

// fastLimit bounds the magnitudes on the float64 fast path and slow64:
// below it no intermediate can overflow (|x_j − m| ≤ width,
// |S − h_j| ≤ 2·C·hmax, Σ|h_j·(x_j − m)| ≤ C·hmax·width,
// S·log1p(s) ≤ C·hmax·17, all ≤ 2^1005 < MaxFloat64).
const fastLimit = 0x1p1000

// subnormalWidth bounds m − min x on the fast path: every e_j ≥ e^-700 is
// then normal (e^-708.4 is not), so p_j·S never loses bits to underflow.
const subnormalWidth = 700

// tinyH is the least nonzero max |h_j| off the exact path: below it the
// products h_j·(x_j − m) could be subnormal and lose bits (issue 4 F8:
// 3 ulps).
const tinyH = 0x1p-500

// slowScaledH bounds max|h_j|·C on slow64 rows with width > subnormalWidth
// (e_j kept as e_j·2^600): with S ≤ 2^400, a p_j·S below the range of
// e_j·2^600 is below the subnormals (issue 4 F7: p_j underflows, p_j·S
// does not).
const slowScaledH = 0x1p400

// cancel64 and cancel32 are the cancellation thresholds c of cancels: a
// signed row whose min |S − h_j| is below C·c·Σ|h_j| takes the exact path.
// S as a double word is off by up to about C·2^-106·Σ|h_j|, so each
// S − h_j then keeps a relative error below 2^-66 (float64's gradient
// needs 2^-53) or 2^-46 (float32's needs 2^-24) (issue 4 F9).
const (
	cancel64 = 0x1p-40
	cancel32 = 0x1p-60
)

// p32Limit bounds Σ_j |h_j (x_j − m)| on float32 signed rows off the exact
// path: below it, the float64 errors of P (< 2^17·2^-53·2^140 = 2^104) are
// far below float32's overflow threshold 2^128, so they cannot move a
// cancelling loss across it (issue 4 F5).
const p32Limit = 0x1p140

// fast64OK reports whether a float64 row takes the fast path, from the
// lane statistics of pass 1 (no second look at the row):
//
//	sc.nf = 0            every x_j finite and every h_j ≥ 0 (signed h and
//	                     non-finite logits go to routeScalar64)
//	width ≤ subnormalWidth, hmax·C ≤ fastLimit, hmax·width·C ≤ fastLimit
//	                     no intermediate overflows or goes subnormal
//	hmax = 0 or ≥ tinyH  no product h_j·(x_j − m) is subnormal
//
// The fast path's loss is then at most C·hmax·(width + 17) < 2^1006 in
// magnitude: it is never near the overflow threshold.
func fast64OK(sc *scan64, n int) bool {
	c := float64(n)
	width := float64(sc.m - sc.xmin)
	return !(sc.nf != 0 || !(width <= subnormalWidth) || !(sc.hmax*c <= fastLimit) ||
		!(float64(sc.hmax*width)*c <= fastLimit) || (sc.hmax < tinyH && sc.hmax != 0))
}

// scalarFacts are what routeScalar64 learns of a row, for slow64: m = max x
// and k its first index, the rescaling of slow64 (tau = 1/2 when x − m
// could overflow, rhoExp = 600 when some e_j could be subnormal) and
// S = Σ h_j as a double word (sequential TwoSum).
type scalarFacts struct {
	m           float64
	k           int
	tau, rhoExp float64
	hsHi, hsLo  float64
}

// routeScalar64 is the router for float64 rows off the fast path (and for
// widened float32 rows). It returns pathNaN for a NaN or +Inf logit or
// when every logit is −Inf (docs/design.md §7), and pathExact for the rows
// power-of-two rescaling does not serve:
//
//	signed h with hmax·C·width > fastLimit   terms h_j (x_j − m) could
//	                                         overflow and cancel (issue 4 F2)
//	signed h that cancels(cancel64)          S − h_j needs more than a
//	                                         double word (issue 4 F9)
//	hmax·C > fastLimit                       S could overflow, and scaling h
//	                                         down would flush its subnormal
//	                                         entries (issue 4 F6)
//	0 < hmax < tinyH                         subnormal products (issue 4 F8)
//	width > subnormalWidth and hmax·C > slowScaledH  p_j underflows, p_j·S
//	                                         does not (issue 4 F7)
//
// Otherwise pathSlow, with f filled for slow64. Width is m − min x over
// the finite logits.
func routeScalar64(x, h []float64, f *scalarFacts) path {
	m, k := math.Inf(-1), -1
	xmin := math.Inf(1)
	for j, v := range x {
		if v != v || v == math.Inf(1) {
			return pathNaN
		}
		if v > m {
			m, k = v, j
		}
		if v < xmin && v != math.Inf(-1) {
			xmin = v
		}
	}
	if k < 0 {
		return pathNaN
	}
	f.m, f.k = m, k
	width := float64(m - xmin)
	f.tau, f.rhoExp = 1, 0
	if !(width <= fastLimit) {
		f.tau = 0.5 // x − m could overflow: formed halved
	}
	if !(width <= subnormalWidth) {
		f.rhoExp = 600 // some e_j could be subnormal: kept as e_j·2^600
	}
	hmax, signed := 0.0, false
	var hsHi, hsLo float64
	for _, v := range h {
		hmax = math.Max(hmax, math.Abs(v))
		signed = signed || !(v >= 0)
		var e float64
		hsHi, e = twoSum(hsHi, v)
		hsLo = float64(hsLo + e)
	}
	f.hsHi, f.hsLo = hsHi, hsLo
	hn := float64(hmax * float64(len(h)))
	if signed && (!(float64(hn*width) <= fastLimit) || cancels(h, hsHi, hsLo, cancel64)) ||
		!(hn <= fastLimit) || (hmax != 0 && hmax < tinyH) ||
		(f.rhoExp != 0 && !(hn <= slowScaledH)) {
		return pathExact
	}
	return pathSlow
}

// nearOverflow64 reports whether a slow64 loss lies within a factor 2 of
// the overflow threshold (or is not finite): exact64 then decides the side
// (its S·log1p(s) − P is exact where log1p(s) rounds to an exact 0, as
// when the other logits are 2^1000 below m; a fuzz.sh find whose loss
// MaxFloat64·(1 + 2^-54) lay 2^-107 below the threshold came out +Inf).
func nearOverflow64(l float64) bool { return !(math.Abs(l) < 0x1p1023) }

// nearOverflow32 is nearOverflow64 for the float64 loss of the float32
// fast path, which rounds twice (float64, then float32): within a factor 2
// of float32's overflow threshold, exact32 decides the side.
func nearOverflow32(l float64) bool { return math.Abs(l) >= 0x1p127 }

// cancels reports whether some S − h_j of a signed row (S = hsHi + hsLo,
// the double word of a TwoSum on each element with a plain sum of the
// errors, off by up to about C·2^-106·Σ|h_j|) is below C·c·Σ_j |h_j| (see
// cancel64, cancel32). Rows with h ≥ 0 have no such cancellation and skip
// the test.
func cancels[T float32 | float64](h []T, hsHi, hsLo, c float64) bool {
	habs, tmin := 0.0, math.Inf(1)
	for _, v := range h {
		hv := float64(v)
		habs = float64(habs + math.Abs(hv))
		tmin = math.Min(tmin, math.Abs(float64(float64(hsHi-hv)+hsLo)))
	}
	return !(tmin >= float64(habs*float64(len(h)))*c)
}

// facts32 are what route32 learns of a float32 row on the fast path: m =
// max x, k its first index, max h and jmax its first index (−1 for signed
// h), and for signed h S = Σ h_j as a double word.
type facts32 struct {
	m          float32
	k, jmax    int
	hmax       float32
	signed     bool
	hsHi, hsLo float64
}

// route32 is the router of float32 rows. The fast path computes in float64
// (see row32.go); it takes every row with finite logits except
//
//	signed h with Σ|h_j (x_j − m)| > p32Limit   pathExact
//	signed h that cancels(cancel32)             pathWide (issue 4 F9)
//
// Rows with a non-finite logit (NaN, ±Inf, found by a float32 sum of x
// that is not finite, confirmed by hasNonFinite32) take pathWide, or
// pathExact when h is signed, the largest logit finite and
// Σ|h_j (x_j − m)| over the finite logits exceeds p32Limit. Invalid h
// (NaN) takes pathWide.
func route32(x, h []float32, f *facts32) path {
	m, nf := maxRow32(x)
	if m != m || math.IsInf(float64(m), 0) || (nf-nf != 0 && hasNonFinite32(x)) {
		if pabsMasked32(x, h) > p32Limit {
			return pathExact
		}
		return pathWide
	}
	f.m = m
	f.k = firstIndex32(x, m)
	hmax, hmin := hRange32(h)
	f.hmax = hmax
	f.jmax = firstIndex32(h, hmax)
	f.signed = hmin < 0 || f.jmax < 0
	if f.signed {
		f.jmax = -1
		var pabs float64
		f.hsHi, f.hsLo, pabs = sumDD32(x, h, m)
		if pabs > p32Limit {
			return pathExact
		}
		if !(pabs <= p32Limit) || cancels(h, f.hsHi, f.hsLo, cancel32) {
			return pathWide // cancelling S, or NaN in h
		}
	}
	return pathFast
}

// pabsMasked32 is Σ_j |h_j (x_j − m)| over the finite logits of a row with
// some non-finite logit, in float64, for signed h when m = max x is finite
// (0 otherwise; NaN when some x_j is NaN).
func pabsMasked32(x, h []float32) float64 {
	m, signed := math.Inf(-1), false
	for j := range x {
		m = math.Max(m, float64(x[j]))
		signed = signed || h[j] < 0
	}
	pabs := 0.0
	if signed && !math.IsInf(m, 0) {
		for j, v := range x {
			if v64 := float64(v); v64 != math.Inf(-1) {
				pabs = math.FMA(math.Abs(float64(h[j])), float64(m-v64), pabs)
			}
		}
	}
	return pabs
}
