package ref

import (
	"math"
	"math/big"
	"sync"
)

// Double-double ("double-word") arithmetic: a value hi + lo with
// |lo| ≤ ulp(hi)/2. The error bounds are those proved by Joldes, Muller and
// Popescu, "Tight and rigorous error bounds for basic building blocks of
// double-word arithmetic", ACM TOMS 44(2), 2017, relative to the exact
// result, with u = 2^−53, barring underflow (the fast path adds an absolute
// term for it) and overflow (the fast path excludes it):
//
//	ddAdd   (their Alg. 6, AccurateDWPlusDW)  3u² + 13u³ ≤ 4u²
//	ddAddF  (Alg. 4, DWPlusFP)                2u²
//	ddMulF  (Alg. 9, DWTimesFP3)              2u²
//	ddMul   (Alg. 12, DWTimesDW3)             5u²
//	ddDiv   (Alg. 17, DWDivDW2)               15u² ≤ 16u²
//
// Every error-free transformation below is written with explicit float64
// conversions so that the compiler cannot fuse a product into an add;
// math.FMA is used where fusing is intended.
type dd struct{ hi, lo float64 }

// u2 is u² = 2^−106, the unit of the double-double bounds.
const u2 = 1.0 / (1 << 53) / (1 << 53)

const (
	addErrU2  = 4
	addFErrU2 = 2
	mulFErrU2 = 2
	mulErrU2  = 5
	divErrU2  = 16
)

// twoSum returns (s, e) with s = fl(a+b) and s + e = a + b exactly (Knuth's
// TwoSum). It is separate from the twoSum of fused and of props on purpose:
// an oracle does not share arithmetic with what it checks.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := float64(s - a)
	e = float64(a-float64(s-bb)) + float64(b-bb)
	return
}

func fastTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - float64(s-a)
	return
}

func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return
}

func ddAdd(x, y dd) dd {
	sh, sl := twoSum(x.hi, y.hi)
	th, tl := twoSum(x.lo, y.lo)
	c := sl + th
	vh, vl := fastTwoSum(sh, c)
	w := tl + vl
	zh, zl := fastTwoSum(vh, w)
	return dd{zh, zl}
}

func ddAddF(x dd, y float64) dd {
	sh, sl := twoSum(x.hi, y)
	v := x.lo + sl
	zh, zl := fastTwoSum(sh, v)
	return dd{zh, zl}
}

func ddMulF(x dd, y float64) dd {
	ch, cl1 := twoProd(x.hi, y)
	cl3 := math.FMA(x.lo, y, cl1)
	zh, zl := fastTwoSum(ch, cl3)
	return dd{zh, zl}
}

func ddMul(x, y dd) dd {
	ch, cl1 := twoProd(x.hi, y.hi)
	tl0 := x.lo * y.lo
	tl1 := math.FMA(x.hi, y.lo, tl0)
	cl2 := math.FMA(x.lo, y.hi, tl1)
	cl3 := cl1 + cl2
	zh, zl := fastTwoSum(ch, cl3)
	return dd{zh, zl}
}

func ddDiv(x, y dd) dd {
	th := x.hi / y.hi
	r := ddMulF(y, th)
	ph := x.hi - r.hi
	dl := x.lo - r.lo
	d := ph + dl
	tl := d / y.hi
	zh, zl := fastTwoSum(th, tl)
	return dd{zh, zl}
}

func (x dd) abs() float64 { return math.Abs(x.hi) * (1 + 0x1p-52) }
func (x dd) neg() dd      { return dd{-x.hi, -x.lo} }

// Tables for expNeg and ddLog1p, built once from the big.Float functions
// of this package: 2^(i/1024), 1/k! and 1/(2i+1) as double-doubles (each
// within u²/2 relative: hi is the nearest float64, lo the nearest to the
// rest), and ln2/1024 = c1 + c2 + c3 with c1 of 32 bits, so that N·c1 is
// exact for |N| < 2^21.
var ddTab struct {
	once       sync.Once
	pow2       [expTab]dd
	invFact    [9]dd
	invOdd     [12]dd // 1/(2i+1)
	c1, c2, c3 float64
}

// expTab is the number of table entries 2^(i/expTab) of expNeg.
const expTab = 1024

func toDD(v *big.Float) dd {
	hi, _ := v.Float64()
	r := new(big.Float).SetPrec(v.Prec()).Sub(v, big.NewFloat(hi))
	lo, _ := r.Float64()
	return dd{hi, lo}
}

func initDD() {
	const prec = 192
	ln2 := ln2At(prec)
	a := new(big.Float).SetPrec(prec)
	for i := range ddTab.pow2 {
		a.Mul(ln2, big.NewFloat(float64(i)/expTab))
		ddTab.pow2[i] = toDD(Exp(new(big.Float).SetPrec(prec), a))
	}
	f := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := range ddTab.invFact {
		if k > 0 {
			f.Quo(f, new(big.Float).SetInt64(int64(k)))
		}
		ddTab.invFact[k] = toDD(f)
	}
	for i := range ddTab.invOdd {
		ddTab.invOdd[i] = toDD(new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), big.NewFloat(float64(2*i+1))))
	}
	l := new(big.Float).SetPrec(prec).Quo(ln2, big.NewFloat(expTab))
	c1 := new(big.Float).SetPrec(32).Set(l)
	ddTab.c1, _ = c1.Float64()
	r := new(big.Float).SetPrec(prec).Sub(l, c1)
	ddTab.c2, _ = r.Float64()
	r.Sub(r, big.NewFloat(ddTab.c2))
	ddTab.c3, _ = r.Float64()
}

// expErrU2 bounds the relative error of expNeg in units of u²:
//
// Method: z = −d = N·ln2/1024 + r, N = round(z·1024/ln2) = 1024K + i, i
// in [0, 1024); r is formed from the exact twoSum(z.hi, −N·c1), then z.lo,
// −N·c2 (twoProd, exact) and −N·c3 are added (each ddAdd/ddAddF within
// 4u²|r|, the dropped tail of ln2/1024 and the rounding of N·c3 below
// 2^−128 absolute), so |r| ≤ ln2/2048 + tiny < 3.4e−4 and its error moves
// e^r by less than 0.01u². e^r = Σ_{k≤8} r^k/k!: truncation below
// |r|^9/9! < 2^−122; the tail Σ_{k=5..8} r^(k−5)/k! is summed in float64
// from r.hi (within 4u relative, which reaches the result times
// r^5/120 < 2^−64: below 0.01u²), then five ddMul+ddAdd Horner steps on
// partial sums near 1/k! contribute (5 + 4)u²·(1 + Σ|r|^k) < 9.1u², the
// 1/k! tables u². The product with 2^(i/1024) adds 5u² + u²/2; the scaling
// by 2^K is exact. Total below 16u²; we claim 32u².
const expErrU2 = 32

// maxExpD is the largest d for which expNeg is used: e^−600 ≈ 2^−866 keeps
// both words of the result normal. Larger d are handled as an interval
// (0, 2^tinyExp2(d)].
const maxExpD = 600

// expNeg returns e^−d for a double-double 0 ≤ d ≤ maxExpD with relative
// error below expErrU2·u².
func expNeg(d dd) dd {
	ddTab.once.Do(initDD)
	z := d.neg()
	N := math.Round(z.hi * (expTab / math.Ln2))
	K := math.Floor(N / expTab)
	i := int(N - expTab*K)
	h, l := twoSum(z.hi, -float64(N*ddTab.c1))
	r := dd{h, l}
	r = ddAddF(r, z.lo)
	p2, e2 := twoProd(N, ddTab.c2)
	r = ddAdd(r, dd{-p2, -e2})
	r = ddAddF(r, -float64(N*ddTab.c3))
	x := r.hi
	tail := float64(1.0/5040) + float64(x*(1.0/40320))
	tail = float64(1.0/720) + float64(x*tail)
	tail = float64(1.0/120) + float64(x*tail)
	acc := dd{tail, 0}
	for k := 4; k >= 0; k-- {
		acc = ddAdd(ddMul(acc, r), ddTab.invFact[k])
	}
	acc = ddMul(acc, ddTab.pow2[i])
	// 2^K with K in [−866, 0] is normal and so is hi·2^K ≥ 2^−867: exact.
	// lo·2^K is exact too unless it falls below 2^−1022, and then within
	// 2^−1075 of it, less than 2^−200 relative to the result.
	scale := math.Float64frombits(uint64(int64(K)+1023) << 52)
	return dd{acc.hi * scale, acc.lo * scale}
}

// log1pErrU2 bounds the method error of ddLog1p (relative, units of u²)
// for s < 1/16: w = s/(2+s) (ddAddF, ddDiv: 18u²), w² (5u² + 36u²), the
// Horner sum Σ_{i≤11} w^(2i)/(2i+1) on partial sums near 1/(2i+1)
// (10u², plus w²'s error times ≤ 1/3·w² ≤ 0.02u²), the product 2w·poly
// (5u²); truncation (1/33)^24/25 < 2^−121. Total below 40u²; we claim 64u².
const log1pErrU2 = 64

// ddLog1p returns log1p(s) for a double-double s ≥ 0 and an absolute
// error bound of the method (the propagated error of s is the caller's).
//
// For s < 1/16, 2·atanh(s/(2+s)) by series. Otherwise one Newton step on
// y0 = math.Log1p(s) (error below 1 ulp, so |y − y0| < 2^−40):
// y = y0 + (T·e^−y0 − 1) with T = 1 + s. Writing η = log T − y0,
// T·e^−y0 − 1 = e^η − 1 = η + η²/2 + …, so y − log T = e^η − 1 − η,
// below 0.6·δ² where δ = T·e^−y0 − 1 as computed (plus its error). The
// computed δ carries (expErrU2 + mulErrU2)u²·|T·e^−y0| + addFErrU2·u²|δ|,
// and the final sum addFErrU2·u²|y|.
func ddLog1p(s dd) (dd, float64) {
	if s.hi < 1.0/16 {
		w := ddDiv(s, ddAddF(s, 2))
		w2 := ddMul(w, w)
		ddTab.once.Do(initDD)
		acc := ddTab.invOdd[11]
		for i := 10; i >= 0; i-- {
			acc = ddAdd(ddMul(acc, w2), ddTab.invOdd[i])
		}
		y := ddMul(w, acc)
		y = dd{2 * y.hi, 2 * y.lo}
		return y, log1pErrU2 * u2 * y.abs()
	}
	T := ddAddF(s, 1)
	y0 := math.Log1p(s.hi + s.lo)
	E := ddMul(T, expNeg(dd{y0, 0}))
	delta := ddAddF(E, -1)
	y := ddAddF(delta, y0)
	dh := delta.abs() + (expErrU2+mulErrU2+2)*u2*E.abs()
	err := 0.6*dh*dh + (expErrU2+mulErrU2)*u2*E.abs() + addFErrU2*u2*delta.abs() + addFErrU2*u2*y.abs()
	return y, err
}
