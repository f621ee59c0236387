package ref

import (
	"math"
	"math/big"
	"sync"
)

// FuncErrULP bounds the error of Exp, Log and Log1p when z rounds to nearest
// (big.ToNearestEven, the default): the result differs from the exact value
// by less than FuncErrULP units in the last place of z's precision, so the
// relative error is below FuncErrULP·2^(1−prec). Inside, the value is
// computed to within 2^−8 ulp and then rounded once; in a directed rounding
// mode the error is therefore below 2·FuncErrULP ulp.
const FuncErrULP = 1

// Exp sets z to e^x, rounded to z's precision and rounding mode, and returns
// z. If z's precision is 0, it is set to x's precision (64 if that is 0 too).
//
// Special cases are:
//
//	Exp(±0) = 1
//	Exp(+Inf) = +Inf
//	Exp(−Inf) = +0
//	Exp(x) = +Inf if e^x overflows the exponent range of big.Float
//	Exp(x) = +0 if e^x underflows it
//
// The error is below FuncErrULP ulp. Exp is safe for concurrent use.
func Exp(z, x *big.Float) *big.Float {
	p := resultPrec(z, x)
	z.SetPrec(p)
	switch {
	case x.IsInf():
		if x.Signbit() {
			return z.SetInt64(0)
		}
		return z.SetInf(false)
	case x.Sign() == 0:
		return z.SetInt64(1)
	}
	// e^x leaves big.Float's exponent range (±2^31) for |x| ≳ 1.4885e9.
	if xf, _ := x.Float64(); math.Abs(xf) > 1.48e9 {
		if xf > 0 {
			return z.SetInf(false)
		}
		return z.SetInt64(0)
	}
	return z.Set(expCore(x, p))
}

// expCore returns e^x for |x| ≤ 1.48e9 at a working precision a little above
// p, with relative error below 2^−(p+8).
//
// Method: x = K·ln2 + r with K = round(x/ln2), |r| ≤ ln2/2 + tiny, computed
// at w+64 bits with ln 2 to w+64 bits (|K| < 2^32, so the absolute error of r
// is below 2^−(w+30)). Then r' = r·2^−j, e^r' by its Taylor series until a
// term falls below 2^−(w+4) of the sum, and j squarings. With N terms at w
// bits the series is within (2N+4)·2^−w relative; each squaring doubles the
// relative error and adds 2^−w, so the result is within 2^j·(2N+8)·2^−w.
// Taking w = p + j + 40 with N, j < 2^10 gives 2^−(p+8) with margin.
func expCore(x *big.Float, p uint) *big.Float {
	j := uint(math.Sqrt(float64(p)))/2 + 1
	w := p + j + 40
	xf, _ := x.Float64()
	K := math.Round(xf / math.Ln2)
	ln2 := ln2At(w + 64)
	r := new(big.Float).SetPrec(w + 64).SetFloat64(K)
	r.Mul(r, ln2)
	r.Sub(x, r)
	r.SetPrec(w)
	r.SetMantExp(r, -int(j))

	sum := new(big.Float).SetPrec(w).SetInt64(1)
	term := new(big.Float).SetPrec(w).SetInt64(1)
	if r.Sign() != 0 {
		for n := int64(1); ; n++ {
			term.Mul(term, r)
			term.Quo(term, new(big.Float).SetInt64(n))
			sum.Add(sum, term)
			if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(w)-4 {
				break
			}
		}
	}
	for i := uint(0); i < j; i++ {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(K))
}

// Log sets z to the natural logarithm of x, rounded to z's precision and
// rounding mode, and returns z. If z's precision is 0, it is set to x's
// precision (64 if that is 0 too).
//
// Special cases are:
//
//	Log(+Inf) = +Inf
//	Log(±0) = −Inf
//	Log(x < 0) panics
//
// The error is below FuncErrULP ulp. Log is safe for concurrent use.
func Log(z, x *big.Float) *big.Float {
	p := resultPrec(z, x)
	z.SetPrec(p)
	switch {
	case x.Sign() < 0:
		panic("ref: Log of a negative number")
	case x.Sign() == 0:
		return z.SetInf(true)
	case x.IsInf():
		return z.SetInf(false)
	}
	return z.Set(logCore(x, p))
}

// logCore returns log x for finite x > 0 at a working precision above p with
// relative error below 2^−(p+8).
//
// Method: x = m·2^E with m in [0.7071, 1.4143), so m − 1 in [−0.293, 0.415]
// is exact (Sterbenz); log x = E·ln2 + log1p(m − 1). When E ≠ 0 the two
// terms cannot cancel by more than a factor 2 (|E·ln2| ≥ 0.69 > 2·0.35).
func logCore(x *big.Float, p uint) *big.Float {
	w := p + 40
	m := new(big.Float).SetPrec(x.Prec() + 1)
	E := x.MantExp(m)
	if m.Cmp(big.NewFloat(0.7071)) < 0 {
		m.SetMantExp(m, 1)
		E--
	}
	m.Sub(m, big.NewFloat(1))
	l := log1pSeries(m, w)
	if E == 0 {
		return l
	}
	e := new(big.Float).SetPrec(w).SetInt64(int64(E))
	e.Mul(e, ln2At(w+40))
	return e.Add(e, l)
}

// Log1p sets z to log(1 + x), rounded to z's precision and rounding mode,
// and returns z: accurate also when x is tiny. If z's precision is 0, it is
// set to x's precision (64 if that is 0 too).
//
// Special cases are:
//
//	Log1p(±0) = ±0
//	Log1p(−1) = −Inf
//	Log1p(+Inf) = +Inf
//	Log1p(x < −1) panics
//
// The error is below FuncErrULP ulp. Log1p is safe for concurrent use.
func Log1p(z, x *big.Float) *big.Float {
	p := resultPrec(z, x)
	z.SetPrec(p)
	minusOne := big.NewFloat(-1)
	switch c := x.Cmp(minusOne); {
	case c < 0:
		panic("ref: Log1p of a number below −1")
	case c == 0:
		return z.SetInf(true)
	case x.IsInf():
		return z.SetInf(false)
	case x.Sign() == 0:
		return z.Set(x)
	}
	w := p + 40
	if x.Cmp(big.NewFloat(-0.3)) >= 0 && x.Cmp(big.NewFloat(0.45)) <= 0 {
		return z.Set(log1pSeries(x, w))
	}
	// Away from 0, 1 + x rounded to w+64 bits moves log1p by a relative
	// 2^−(w+64) times the condition number 1/|log(1+x)| ≤ 3.
	u := new(big.Float).SetPrec(w+64).Add(x, big.NewFloat(1))
	return z.Set(logCore(u, p))
}

// log1pSeries returns log1p(x) for x in [−0.3, 0.45] at w bits with
// relative error below 2^−(w−32).
//
// Method: k halvings y ← y/(1 + sqrt(1 + y)) (log1p(y) halves each time; the
// quotient has no cancellation since 1 + sqrt(1+y) is in [1.8, 2.3]) give
// |y| ≤ 0.45·2^−k; then log1p(y) = 2·atanh(t) = 2·Σ t^(2i+1)/(2i+1) with
// t = y/(2 + y), all terms of one sign. Each halving costs at most 4 roundings
// of 2^−w relative (condition ≤ 1), the series at most 2N+4 for N terms, so
// the total stays below (4k + 2N + 8)·2^−w < 2^−(w−32).
func log1pSeries(x *big.Float, w uint) *big.Float {
	k := uint(math.Sqrt(float64(w)))/2 + 1
	one := big.NewFloat(1)
	y := new(big.Float).SetPrec(w).Set(x)
	r := new(big.Float).SetPrec(w)
	for i := uint(0); i < k; i++ {
		r.Add(y, one)
		r.Sqrt(r)
		r.Add(r, one)
		y.Quo(y, r)
	}
	t := new(big.Float).SetPrec(w).Add(y, big.NewFloat(2))
	t.Quo(y, t)
	t2 := new(big.Float).SetPrec(w).Mul(t, t)
	sum := new(big.Float).SetPrec(w).Set(t)
	term := new(big.Float).SetPrec(w).Set(t)
	q := new(big.Float).SetPrec(w)
	if t.Sign() != 0 {
		for i := int64(1); ; i++ {
			term.Mul(term, t2)
			q.Quo(term, new(big.Float).SetInt64(2*i+1))
			sum.Add(sum, q)
			if q.Sign() == 0 || q.MantExp(nil) < sum.MantExp(nil)-int(w)-4 {
				break
			}
		}
	}
	return sum.SetMantExp(sum, int(k)+1)
}

func resultPrec(z, x *big.Float) uint {
	if p := z.Prec(); p != 0 {
		return p
	}
	if p := x.Prec(); p != 0 {
		return p
	}
	return 64
}

// ln2 is cached at the highest precision asked for so far; a request for
// fewer bits rounds a copy (one rounding of the value correct to more bits).
var ln2Cache struct {
	sync.Mutex
	v *big.Float
}

// ln2At returns ln 2 with relative error below 2^−(prec−1). The caller must
// not modify the result.
func ln2At(prec uint) *big.Float {
	ln2Cache.Lock()
	defer ln2Cache.Unlock()
	if ln2Cache.v == nil || ln2Cache.v.Prec() < prec {
		ln2Cache.v = computeLn2(prec + 64)
	}
	return new(big.Float).SetPrec(prec).Set(ln2Cache.v)
}

// computeLn2 returns ln 2 = 2·atanh(1/3) = Σ_{i≥0} 2/((2i+1)·3^(2i+1)),
// summed at w+32 bits until the terms fall below 2^−(w+8); each of the
// N ≈ w/3.17 terms costs two roundings, far inside the 32 guard bits.
func computeLn2(w uint) *big.Float {
	wp := w + 32
	sum := new(big.Float).SetPrec(wp)
	pow := new(big.Float).SetPrec(wp).Quo(big.NewFloat(2), big.NewFloat(3)) // 2/3^(2i+1)
	q := new(big.Float).SetPrec(wp)
	nine := big.NewFloat(9)
	for i := int64(0); ; i++ {
		q.Quo(pow, new(big.Float).SetInt64(2*i+1))
		sum.Add(sum, q)
		if q.MantExp(nil) < -int(w)-8 {
			break
		}
		pow.Quo(pow, nine)
	}
	return sum.SetPrec(w)
}
