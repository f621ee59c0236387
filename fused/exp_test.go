package fused

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/ulp"
)

// bigExp returns e**x correctly rounded to float64, computed at prec bits
// independently of the kernel: exp(x) = exp(x/2^12)^(2^12) with the Taylor
// series for the reduced argument. The 12 squarings lose < 13 bits and the
// series is summed until its terms fall below 2^-prec, so 256 bits leave
// > 200 correct bits, far more than the rounding to 53 bits can need except
// for values within 2^-200 of a rounding boundary (none known for exp).
func bigExp(x float64) float64 {
	return bigExpOf(new(big.Float).SetPrec(256).SetFloat64(x))
}

// bigExpOf is bigExp for an argument given exactly as a big.Float.
func bigExpOf(x *big.Float) float64 {
	const prec = 256
	const halvings = 12
	r := new(big.Float).SetPrec(prec).Set(x)
	r.SetMantExp(r, -halvings)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -prec)
	for n := int64(1); n < 200; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for i := 0; i < halvings; i++ {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// TestExpSpecial checks the special cases of exp bit for bit.
func TestExpSpecial(t *testing.T) {
	tests := []struct {
		x, want float64
		why     string
	}{
		{math.Inf(1), math.Inf(1), "exp(+Inf) = +Inf"},
		{math.Inf(-1), 0, "exp(-Inf) = 0"},
		{math.NaN(), math.NaN(), "NaN propagates"},
		{0, 1, "exp(0) = 1 exactly"},
		{math.Copysign(0, -1), 1, "exp(-0) = 1 exactly"},
		{709.782712893384, 1.7976931348622732e308, "largest finite result (math.Exp)"},
		{709.7827128933841, math.Inf(1), "first overflow"},
		{710, math.Inf(1), "the clamp bound overflows"},
		{1e300, math.Inf(1), "far overflow, clamped"},
		{-745.1332191019411, 5e-324, "rounds up to the least subnormal"},
		{-745.1332191019412, 0, "rounds down to 0 (exp < 2^-1075)"},
		{-746, 0, "the clamp bound underflows to 0"},
		{-1e300, 0, "far underflow, clamped"},
		{math.MaxFloat64, math.Inf(1), "largest argument"},
	}
	for _, tt := range tests {
		got := exp(tt.x)
		if !(got == tt.want && math.Signbit(got) == math.Signbit(tt.want)) && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("exp(%v) = %v (%x), want %v: %s", tt.x, got, got, tt.want, tt.why)
		}
	}
}

// expSweep returns the arguments of the accuracy sweep: a dense random
// sweep of the whole domain plus the regions where kernels fail: near
// overflow, gradual underflow, tiny arguments and the reduction boundaries
// k·ln2 ± ln2/2.
func expSweep(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	var xs []float64
	for i := 0; i < n; i++ {
		xs = append(xs, -745.2+rng.Float64()*(709.79+745.2))
	}
	for i := 0; i < n/4; i++ {
		xs = append(xs, 709.0+rng.Float64()*0.783)   // near overflow
		xs = append(xs, -745.14+rng.Float64()*37.14) // subnormal results
		xs = append(xs, (rng.Float64()-0.5)*1e-6)    // tiny arguments
		k := float64(rng.IntN(2100) - 1075)
		xs = append(xs, (k+0.5)*math.Ln2*(1+(rng.Float64()-0.5)*1e-12)) // reduction boundary
		xs = append(xs, (rng.Float64()-0.5)*2*math.Ln2)                 // one reduction interval
	}
	return xs
}

// TestExpAccuracy checks exp against correctly rounded values from bigExp.
func TestExpAccuracy(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 4000
	}
	var worst uint64
	var worstX float64
	for _, x := range expSweep(n, 1) {
		want := bigExp(x)
		got := exp(x)
		d := ulp.Dist64(got, want)
		if d > worst {
			worst, worstX = d, x
		}
		if d > ExpMaxULP {
			t.Errorf("exp(%v [%x]) = %v, want %v (correctly rounded): %d ulps > ExpMaxULP", x, x, got, want, d)
		}
	}
	t.Logf("worst %d ulp at x = %v", worst, worstX)
}

// TestExpKernel32 checks expKernel32 against bigExp on [−700, 0] with the
// bound exp32MaxRel, and its clamp below −700.
func TestExpKernel32(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	n := 20000
	if testing.Short() {
		n = 3000
	}
	var worst float64
	for i := 0; i < n; i++ {
		d := -700 * rng.Float64()
		if i%4 == 0 {
			d = -rng.Float64() * 1e-3
		}
		want := bigExp(d)
		rel := math.Abs(expKernel32(d)-want) / want
		worst = math.Max(worst, rel)
		if rel > exp32MaxRel {
			t.Errorf("expKernel32(%v) = %v, want %v: relative error %.3g > exp32MaxRel", d, expKernel32(d), want, rel)
		}
	}
	if got, want := expKernel32(-1e30), expKernel32(exp32Low); got != want {
		t.Errorf("expKernel32(-1e30) = %v, want the clamped e^-700 = %v", got, want)
	}
	t.Logf("worst relative error %.3g = 2^%.1f", worst, math.Log2(worst))
}

// TestExpKernel2DoubleWord checks expKernel2(hi, lo) against the correctly
// rounded exp(hi + lo) (the exact sum, from bigExpOf) for the double-word
// arguments of the loss, x_j − m = hi + lo with |lo| ≤ ulp(hi)/2, and that
// y + yLo is within 2^-55 of exp(hi + lo) relative where yLo is normal
// (results above 2^-969; below, yLo's absolute error 2^-1075 is what the
// sum s sees), the precision the sum s relies on.
func TestExpKernel2DoubleWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	n := 10000
	if testing.Short() {
		n = 2000
	}
	const loRel = 0x1p-55
	var worstULP uint64
	var worstRel float64
	for i := 0; i < n; i++ {
		hi := -745 * rng.Float64()
		if i%3 == 0 {
			hi = -30 * rng.Float64()
		}
		half := (math.Nextafter(hi, math.Inf(1)) - hi) / 2
		lo := (2*rng.Float64() - 1) * half
		arg := new(big.Float).SetPrec(256).SetFloat64(hi)
		arg.Add(arg, new(big.Float).SetFloat64(lo))
		want := bigExpOf(arg)
		y, yLo := expKernel2(hi, lo)
		d := ulp.Dist64(y, want)
		worstULP = max(worstULP, d)
		if d > ExpMaxULP {
			t.Errorf("expKernel2(%v, %v) = %v, want %v: %d ulps > ExpMaxULP", hi, lo, y, want, d)
		}
		if want >= 0x1p-969 {
			got := new(big.Float).SetPrec(256).SetFloat64(y)
			got.Add(got, new(big.Float).SetFloat64(yLo))
			// exact reference at 256 bits for the relative error of y + yLo
			ex := exactExp(arg)
			diff := new(big.Float).Sub(got, ex)
			rel, _ := new(big.Float).Quo(diff, ex).Float64()
			rel = math.Abs(rel)
			worstRel = math.Max(worstRel, rel)
			if rel > loRel {
				t.Errorf("expKernel2(%v, %v): y + yLo off by %.3g relative > 2^-55", hi, lo, rel)
			}
		}
	}
	t.Logf("worst %d ulp; y + yLo worst relative error %.3g = 2^%.1f", worstULP, worstRel, math.Log2(worstRel))
}

// exactExp returns exp(x) at 256 bits (bigExpOf before the final rounding).
func exactExp(x *big.Float) *big.Float {
	const prec = 256
	const halvings = 12
	r := new(big.Float).SetPrec(prec).Set(x)
	r.SetMantExp(r, -halvings)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	eps := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -prec)
	for n := int64(1); n < 200; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	for i := 0; i < halvings; i++ {
		sum.Mul(sum, sum)
	}
	return sum
}
