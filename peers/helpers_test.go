package peers_test

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"
)

// seed fixes every random draw in this package's tests; -seed=0 picks one
// from the clock (it is printed) so that a failure can be replayed.
var seed = flag.Uint64("seed", 1701, "random seed for generated rows (0: random, printed)")

func newRand(t *testing.T) *rand.Rand {
	s := *seed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("seed %d (replay: go test ./peers -run '^%s$' -seed=%d)", s, t.Name(), s)
	return rand.New(rand.NewPCG(s, 0))
}

// fn is a per-sample function of this package in one element type.
type fn[T float32 | float64] func(dst, x, h []T) T

// eval runs f on float64 inputs converted to T and widens the results.
func eval[T float32 | float64](f fn[T], x, h []float64) (float64, []float64) {
	xt := make([]T, len(x))
	ht := make([]T, len(h))
	for i := range x {
		xt[i] = T(x[i])
		ht[i] = T(h[i])
	}
	g := make([]T, len(x))
	l := f(g, xt, ht)
	out := make([]float64, len(g))
	for i, v := range g {
		out[i] = float64(v)
	}
	return float64(l), out
}

// sameBits reports whether a and b are the same float64, NaNs alike and
// the sign of zero significant.
func sameBits(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// ulps64 is the number of float64 values strictly between a and b plus
// one (0 when equal, ±0 equal); NaN against anything is maximal.
func ulps64(a, b float64) uint64 {
	if a == b {
		return 0
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.MaxUint64
	}
	return dist(ordered64(a), ordered64(b))
}

// ulps32 is ulps64 for float32 values.
func ulps32(a, b float32) uint64 {
	if a == b {
		return 0
	}
	if a != a || b != b {
		return math.MaxUint64
	}
	return dist(ordered32(a), ordered32(b))
}

func ordered64(v float64) int64 {
	b := int64(math.Float64bits(v))
	if b < 0 {
		b = math.MinInt64 - b
	}
	return b
}

func ordered32(v float32) int64 {
	b := int64(int32(math.Float32bits(v)))
	if b < 0 {
		b = math.MinInt32 - b
	}
	return b
}

func dist(a, b int64) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

func TestULPHelpers(t *testing.T) {
	tests := []struct {
		a, b float64
		want uint64
		why  string
	}{
		{0, math.Copysign(0, -1), 0, "±0 are equal"},
		{1, math.Nextafter(1, 2), 1, "adjacent above 1"},
		{math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 2, "across zero through ±0"},
		{math.NaN(), 1, math.MaxUint64, "NaN against a number is maximal"},
		{math.Inf(1), math.MaxFloat64, 1, "Inf is one past MaxFloat64"},
	}
	for _, tt := range tests {
		if got := ulps64(tt.a, tt.b); got != tt.want {
			t.Errorf("ulps64(%v, %v) = %d, want %d (%s)", tt.a, tt.b, got, tt.want, tt.why)
		}
	}
	if got := ulps32(1, math.Nextafter32(1, 0)); got != 1 {
		t.Errorf("ulps32 below 1 = %d, want 1", got)
	}
	if got := ulps32(float32(math.SmallestNonzeroFloat32), -float32(math.SmallestNonzeroFloat32)); got != 2 {
		t.Errorf("ulps32 across zero = %d, want 2", got)
	}
}

// reference evaluates the infogain loss and gradient for moderate float64
// inputs by a route none of the ports takes: L = Σ_j h_j (m − x_j) +
// S·log1p(s), s = Σ_{j≠k} exp(x_j − m), p_j = exp(x_j − m)/(1 + s),
// g_j = p_j·S − h_j. Its error is a few float64 ulps of the quantities the
// bounds in accuracy_test.go scale by, negligible against float32 ulps.
func reference(x, h []float64) (float64, []float64) {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := x[k]
	var s float64
	for j, v := range x {
		if j != k {
			s += math.Exp(v - m)
		}
	}
	var S, exact float64
	for j, v := range x {
		S += h[j]
		exact += h[j] * (m - v)
	}
	loss := exact + S*math.Log1p(s)
	g := make([]float64, len(x))
	for j, v := range x {
		g[j] = math.Exp(v-m)/(1+s)*S - h[j]
	}
	return loss, g
}

// moderateRow draws logits U[−0.5, 2] and an infogain row U[0.1, 2], the
// ranges of Caffe's own InfogainLoss test (test_infogain_loss_layer.cpp).
func moderateRow(r *rand.Rand, C int) (x, h []float64) {
	x = make([]float64, C)
	h = make([]float64, C)
	for j := range x {
		x[j] = -0.5 + 2.5*r.Float64()
		h[j] = 0.1 + 1.9*r.Float64()
	}
	return x, h
}

// float32Row rounds a row to float32 values, so that float32 and float64
// evaluations see the same inputs.
func float32Row(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(float32(x))
	}
	return out
}
