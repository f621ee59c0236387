package fused

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/ref"
)

// log1pMaxRel is the bound claimed for log1pDD, relative to log1p(s).
const log1pMaxRel = 0x1p-56

// TestLog1pDD checks log1pDD against ref.Log1p at 200 bits over a sweep of
// s from 2^-1074 to 2^24 (the largest s of a row of 2^24 classes), with
// both signs of the low word, and the method's boundaries 1/16 and √2 − 1.
func TestLog1pDD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type arg struct{ hi, lo float64 }
	var args []arg
	n := 20000
	if testing.Short() {
		n = 3000
	}
	for i := 0; i < n; i++ {
		hi := math.Ldexp(1+rng.Float64(), rng.IntN(1100)-1075)
		if hi > 0x1p24 {
			hi = math.Ldexp(1+rng.Float64(), rng.IntN(25))
		}
		lo := (rng.Float64() - 0.5) * (math.Nextafter(hi, math.Inf(1)) - hi)
		args = append(args, arg{hi, lo})
	}
	for _, v := range []float64{0x1p-4, math.Nextafter(0x1p-4, 0), math.Sqrt2 - 1, math.Nextafter(math.Sqrt2-1, 0), 1, 0x1p24, 5e-324, 1e-300} {
		args = append(args, arg{v, 0})
	}
	var worst float64
	for _, a := range args {
		hi, lo := log1pDD(a.hi, a.lo)
		s := new(big.Float).SetPrec(200).SetFloat64(a.hi)
		s.Add(s, new(big.Float).SetFloat64(a.lo))
		want := ref.Log1p(new(big.Float).SetPrec(200), s)
		got := new(big.Float).SetPrec(200).SetFloat64(hi)
		got.Add(got, new(big.Float).SetFloat64(lo))
		diff := new(big.Float).SetPrec(200).Sub(got, want)
		rel, _ := new(big.Float).Quo(diff, want).Float64()
		rel = math.Abs(rel)
		worst = math.Max(worst, rel)
		if rel > log1pMaxRel {
			t.Errorf("log1pDD(%v [%x], %v) = %v + %v: relative error %.3g > log1pMaxRel", a.hi, a.hi, a.lo, hi, lo, rel)
		}
	}
	t.Logf("worst relative error %.3g = 2^%.1f over %d arguments", worst, math.Log2(worst), len(args))
}
