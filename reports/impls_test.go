package reports

import (
	"math"

	"github.com/infogain-dev/infogain/impls"
)

// The implementations of this file exist only in the tests: they let the
// report machinery be tested without the registry, and let the gate test
// break an implementation on purpose without touching the real code.

// shiftLog1p is the textbook stable formula (docs/design.md §3.1): m = max x,
// s = Σ_{j≠k} exp(x_j − m), L = Σ_j h_j(m − x_j) + S·log1p(s),
// g_j = p_j·S − h_j, with the non-finite semantics of docs/design.md §7. log1p
// replaces log1p(s), so that the gate test can swap in log(1 + s).
func shiftLog1p(dst, x, h []float64, log1p func(float64) float64) float64 {
	m, k := math.Inf(-1), -1
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return fillNaN(dst)
		}
		if v > m {
			m, k = v, j
		}
	}
	if k < 0 {
		return fillNaN(dst) // every logit is −Inf
	}
	s, S := 0.0, 0.0
	for j, v := range x {
		S += h[j]
		if j != k {
			s += math.Exp(v - m)
		}
	}
	lse := log1p(s)
	loss := S * lse
	for j, v := range x {
		if h[j] != 0 {
			loss += h[j] * (m - v)
		}
		p := math.Exp(v-m) / (1 + s)
		dst[j] = p*S - h[j]
	}
	return loss
}

func fillNaN(dst []float64) float64 {
	for j := range dst {
		dst[j] = math.NaN()
	}
	return math.NaN()
}

// testImpl wraps a float64 formula as an Impl; its float32 path computes in
// float64 and rounds once at the end.
func testImpl(name string, f func(dst, x, h []float64) float64) *impls.Impl {
	return &impls.Impl{
		Name: name,
		Doc:  "test-only: " + name,
		F64:  f,
		F32: func(dst, x, h []float32) float32 {
			x64, h64, g64 := widen(x), widen(h), make([]float64, len(x))
			loss := f(g64, x64, h64)
			for j, g := range g64 {
				dst[j] = float32(g)
			}
			return float32(loss)
		},
	}
}

func widen(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

var (
	goodFused = testImpl("fused", func(dst, x, h []float64) float64 {
		return shiftLog1p(dst, x, h, math.Log1p)
	})
	// brokenFused is goodFused with log1p(s) replaced by log(1 + s): the
	// loss of a dominant class (s ≈ 1e-22) rounds to 0.
	brokenFused = testImpl("fused", func(dst, x, h []float64) float64 {
		return shiftLog1p(dst, x, h, func(s float64) float64 { return math.Log(1 + s) })
	})
	// testRef stands in for the certified reference in the machinery
	// tests; the integration tests use the registered one.
	testRef = testImpl("test-ref", func(dst, x, h []float64) float64 {
		return shiftLog1p(dst, x, h, math.Log1p)
	})
	// panicky panics on every case with C > 2.
	panicky = testImpl("panicky", func(dst, x, h []float64) float64 {
		if len(x) > 2 {
			panic("panicky: C > 2")
		}
		return shiftLog1p(dst, x, h, math.Log1p)
	})
)

// testFamilies is a small, fast selection: the dominant family is where
// log(1 + s) fails, nonfinite exercises the special-value path.
var testFamilies = []string{"moderate", "dominant", "nonfinite", GridFamily}

func testConfig(im ...*impls.Impl) Config {
	return Config{
		Impls:     im,
		Reference: testRef,
		Size:      SizeGate,
		Seed:      DefaultSeed,
		Families:  testFamilies,
		Command:   "go test infogain/reports",
	}
}
