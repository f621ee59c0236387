package fused

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// TestSIMDMatchesGo checks that the vector loops (when built and supported)
// give the pure-Go results bit for bit, for the exp kernel and for Loss over
// every case family in both dtypes. Without the vector loops both sides are
// the pure-Go code and the test checks only determinism.
func TestSIMDMatchesGo(t *testing.T) {
	defer useSIMD(true)
	t.Logf("vector loops active: %v", simdActive)

	xs := expSweep(4000, 7)
	xs = append(xs, math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1e300, -1e300)
	xs = xs[:len(xs)&^7]
	got := make([]float64, len(xs))
	expSliceSIMD(got, xs)
	for j, x := range xs {
		if want := exp(x); math.Float64bits(got[j]) != math.Float64bits(want) {
			t.Errorf("vector exp(%v [%x]) = %v [%x], pure Go %v [%x]", x, x, got[j], got[j], want, want)
		}
	}

	got32 := make([]float64, len(xs))
	exp32SliceSIMD(got32, xs)
	for j, x := range xs {
		if want := expKernel32(x); math.Float64bits(got32[j]) != math.Float64bits(want) {
			t.Errorf("vector expKernel32(%v [%x]) = %v [%x], pure Go %v [%x]", x, x, got32[j], got32[j], want, want)
		}
	}

	// Every tail length and every position of the maximum, including the
	// tail block and ties.
	rng := rand.New(rand.NewPCG(12, 13))
	for C := 1; C <= 40; C++ {
		for k := 0; k < C; k++ {
			c := cases.Case{ID: fmt.Sprintf("tail/C=%d/k=%d", C, k), DType: cases.Float64}
			c.Logits, c.H = make([]float64, C), make([]float64, C)
			for j := range c.Logits {
				c.Logits[j] = float64(float32(rng.NormFloat64() * 3))
				c.H[j] = float64(float32(rng.Float64()))
			}
			c.Logits[k] = 20
			if k%3 == 0 && k+1 < C {
				c.Logits[k+1] = 20 // a tie after the first maximum
			}
			compareLoops(t, &c, c.Logits, c.H)
			c.DType = cases.Float32
			compareLoops(t, &c, to32(c.Logits), to32(c.H))
		}
	}

	n := 40
	if testing.Short() {
		n = 10
	}
	for _, fam := range cases.FamilyNames() {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			cs, err := cases.Generate(fam, 11, dt, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if dt == cases.Float64 {
					compareLoops(t, &c, c.Logits, c.H)
				} else {
					compareLoops(t, &c, to32(c.Logits), to32(c.H))
				}
			}
		}
	}
}

func to32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func compareLoops[T float32 | float64](t *testing.T, c *cases.Case, x, h []T) {
	t.Helper()
	gv, gg := make([]T, len(x)), make([]T, len(x))
	useSIMD(true)
	lv := Loss(gv, x, h)
	useSIMD(false)
	lg := Loss(gg, x, h)
	if !sameBits(float64(lv), float64(lg)) {
		t.Errorf("%s (%s): vector loss %v, pure-Go loss %v", c.ID, c.DType, lv, lg)
		return
	}
	for j := range gv {
		if !sameBits(float64(gv[j]), float64(gg[j])) {
			t.Errorf("%s (%s): vector g[%d] = %v, pure-Go %v", c.ID, c.DType, j, gv[j], gg[j])
			return
		}
	}
}

// sameBits reports bit equality, every NaN equal to every NaN.
func sameBits(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}
