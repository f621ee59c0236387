package ulp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// extremeRow draws logits and a row across the regimes where the scales
// overflow or underflow float64 if formed naively: logits to ±MaxFloat64,
// ties, −Inf, subnormals; h of one sign or signed, subnormal to 2^1000.
func extremeRow(rng *rand.Rand) (x, h []float64) {
	c := 1 + rng.IntN(6)
	x, h = make([]float64, c), make([]float64, c)
	scaleX := []float64{1, 1e3, 1e300, math.MaxFloat64, 0x1p-1074}[rng.IntN(5)]
	scaleH := []float64{1, 0x1p-1000, 0x1p600, 0x1p-1074}[rng.IntN(4)]
	signed := rng.IntN(2) == 0
	for j := range c {
		switch rng.IntN(8) {
		case 0:
			x[j] = math.Inf(-1)
		case 1:
			x[j] = x[0] // a tie (or x[0] itself)
		default:
			x[j] = (2*rng.Float64() - 1) * scaleX
		}
		if rng.IntN(4) > 0 {
			h[j] = rng.Float64() * scaleH
			if signed && rng.IntN(2) == 0 {
				h[j] = -h[j]
			}
		}
	}
	return x, h
}

// TestScalesInvariances checks, bit for bit, two exact laws of the scales:
// D and G_j are homogeneous in h (D(x, 2^k·h) = 2^k·D(x, h)) and
// invariant under an exact shift of the logits. Every step of xf commutes
// with a power-of-two scaling and sees the same differences x_j − m after
// an exact shift, so any overflow, underflow or premature rounding of a
// scale breaks the equality: the laws hold in the regimes where the naive
// formula fails, which is what they test.
func TestScalesInvariances(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(RunSeed(t)), 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		x, h := extremeRow(rng)
		d, ok := lossScale(x, h)
		g := make([]xf, len(x))
		gok := gradScales(g, x, h)

		k := rng.IntN(2001) - 1000
		hk := make([]float64, len(h))
		exact := true
		for j, v := range h {
			hk[j] = math.Ldexp(v, k)
			exact = exact && math.Ldexp(hk[j], -k) == v && !math.IsInf(hk[j], 0)
		}
		if exact {
			dk, okk := lossScale(x, hk)
			gk := make([]xf, len(x))
			gokk := gradScales(gk, x, hk)
			if okk != ok || gokk != gok || (ok && dk != scaled(d, k)) {
				t.Fatalf("D(x, 2^%d·h) = %v (ok %v), want 2^%d·%v (ok %v)\nx = %v\nh = %v", k, dk, okk, k, d, ok, x, h)
			}
			for j := range g {
				if gok && gk[j] != scaled(g[j], k) {
					t.Fatalf("G_%d(x, 2^%d·h) = %v, want 2^%d·%v\nx = %v\nh = %v", j, k, gk[j], k, g[j], x, h)
				}
			}
		}

		// Shift by a multiple of the coarsest ulp among the logits, small
		// enough that every x_j + t stays exact (x − m is then unchanged).
		t0 := 0.0
		for _, v := range x {
			if !math.IsInf(v, 0) {
				_, e := math.Frexp(v)
				t0 = max(t0, math.Ldexp(1, e-53), 0x1p-1074)
			}
		}
		shift := float64(rng.IntN(2001)-1000) * t0
		xs := make([]float64, len(x))
		exact = true
		for j, v := range x {
			xs[j] = v + shift
			exact = exact && (math.IsInf(v, 0) || (twoSumErr(v, shift) == 0 && !math.IsInf(xs[j], 0)))
		}
		if !exact {
			continue
		}
		ds, oks := lossScale(xs, h)
		gs := make([]xf, len(x))
		goks := gradScales(gs, xs, h)
		if oks != ok || goks != gok || (ok && ds != d) {
			t.Fatalf("D(x + %v, h) = %v, want %v\nx = %v\nh = %v", shift, ds, d, x, h)
		}
		for j := range g {
			if gok && gs[j] != g[j] {
				t.Fatalf("G_%d(x + %v, h) = %v, want %v\nx = %v\nh = %v", j, shift, gs[j], g[j], x, h)
			}
		}
	}
}

func scaled(a xf, k int) xf {
	if a.isZero() {
		return a
	}
	return xf{a.f, a.e + k}
}

// twoSumErr returns the rounding error of a + b (Knuth's TwoSum; exact when
// a + b does not overflow): 0 iff the sum is exact.
func twoSumErr(a, b float64) float64 {
	s := a + b
	bb := s - a
	return (a - (s - bb)) + (b - bb)
}
