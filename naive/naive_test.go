package naive_test

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/naive"
)

// seed fixes every random draw in this package's tests; -seed=0 picks one
// (printed) so that a failure can be replayed with -seed=N.
var seed = flag.Uint64("seed", 1701, "random seed (0: random, printed)")

func newRand(t *testing.T) *rand.Rand {
	s := *seed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("seed %d (replay: go test ./naive -run '^%s$' -seed=%d)", s, t.Name(), s)
	return rand.New(rand.NewPCG(s, 0))
}

// eval runs naive.Loss in T on float64 inputs and widens the results.
func eval[T float32 | float64](x, h []float64) (float64, []float64) {
	xt := make([]T, len(x))
	ht := make([]T, len(h))
	for i := range x {
		xt[i] = T(x[i])
		ht[i] = T(h[i])
	}
	g := make([]T, len(x))
	l := naive.Loss(g, xt, ht)
	out := make([]float64, len(g))
	for i, v := range g {
		out[i] = float64(v)
	}
	return float64(l), out
}

func sameBits(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// kLogThreshold64 is Caffe's `const float kLOG_THRESHOLD = 1e-20;` as
// Dtype(kLOG_THRESHOLD) widens it in double.
var kLogThreshold64 = float64(float32(1e-20))

// TestClampedLoss is the acceptance value: logits [0, 100], label 0,
// h = [1, 0]. p_0 = e^-100 ≈ 3.7e-44 is clamped to the float 1e-20f, so the
// loss is −log(9.999999682655225e-21) = 46.051701891615394 where the exact
// loss is 100, and the gradient, p_0·(−1/1e-20f − ⟨dp, p⟩) ≈ −e^-100·1e20,
// vanishes where the exact one is [−1, 1].
func TestClampedLoss(t *testing.T) {
	if kLogThreshold64 != 9.999999682655225e-21 {
		t.Fatalf("float64(float32(1e-20)) = %v, want 9.999999682655225e-21", kLogThreshold64)
	}
	loss, g := eval[float64]([]float64{0, 100}, []float64{1, 0})
	if want := 46.051701891615394; !sameBits(loss, want) {
		t.Errorf("float64 loss = %v (%x), want %v (%x)", loss, loss, want, want)
	}
	if want := -math.Log(kLogThreshold64); !sameBits(loss, want) {
		t.Errorf("float64 loss = %v, want −log(float64(1e-20f)) = %v", loss, want)
	}
	// The vanishing gradient, derived by hand: p_0 = e^-100 (1 + e^-100
	// rounds to 1), ∂L/∂p_0 = −1/thr, ⟨dp, p⟩ = −p_0/thr, so
	// g_0 = (−1/thr + p_0/thr)·p_0 = −p_0/thr to float64 rounding, g_1 = −g_0.
	want0 := -math.Exp(-100) / kLogThreshold64
	if math.Abs(g[0]-want0) > 4*0x1p-53*math.Abs(want0) || g[1] != -g[0] {
		t.Errorf("float64 gradient = %v, want [%v, %v]", g, want0, -want0)
	}

	loss32, g32 := eval[float32]([]float64{0, 100}, []float64{1, 0})
	if want := float64(-float32(math.Log(kLogThreshold64))); !sameBits(loss32, want) {
		t.Errorf("float32 loss = %v, want −logf(1e-20f) = %v", loss32, want)
	}
	// In float32, p_0 = e^-100 is subnormal (3.78e-44, 6 significant bits),
	// so the gradient is −float32(e^-100)/1e-20f rather than −e^-100·1e20.
	want32 := -float64(float32(math.Exp(-100))) / kLogThreshold64
	if math.Abs(g32[0]-want32) > 4*0x1p-24*math.Abs(want32) || g32[1] != -g32[0] {
		t.Errorf("float32 gradient = %v, want [%v, %v]", g32, want32, -want32)
	}
}

// TestSpecialCases checks the documented special cases bit for bit (NaN
// alike, the sign of zero included).
func TestSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	clamp := -math.Log(kLogThreshold64)
	tests := []struct {
		x, h []float64
		loss float64
		grad []float64
		why  string
	}{
		{[]float64{nan, 1, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "NaN first: the running max is NaN"},
		{[]float64{1, nan, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "NaN later: skipped by std::max, but exp(NaN) poisons the sum"},
		{[]float64{1, inf, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "+Inf: Inf − Inf"},
		{[]float64{-inf, -inf}, []float64{1, 0}, nan, []float64{nan, nan}, "all −Inf: −Inf − (−Inf)"},
		{[]float64{-inf, 1}, []float64{1, 0}, clamp, []float64{negZero, negZero}, "h on a −Inf logit: the clamp gives 46.05, not +Inf, and no gradient at all"},
		{[]float64{-inf, 1}, []float64{0, 1}, 0, []float64{0, 0}, "a −Inf logit with h = 0 is harmless"},
		{[]float64{0, 0}, []float64{2, 0}, 2 * math.Ln2, []float64{-1, 1}, "the chain rule keeps S: g = p ⊙ (−h/p + S) = p·S − h exactly here"},
		{[]float64{7}, []float64{3}, 0, []float64{0}, "C = 1: p = 1, loss −3·log 1 = 0, gradient (−3 + 3)·1"},
	}
	for _, tt := range tests {
		loss, g := eval[float64](tt.x, tt.h)
		ok := sameBits(loss, tt.loss)
		for j := range g {
			ok = ok && sameBits(g[j], tt.grad[j])
		}
		if !ok {
			t.Errorf("Loss(x=%v, h=%v) = %v, %v; want %v, %v (%s)", tt.x, tt.h, loss, g, tt.loss, tt.grad, tt.why)
		}
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		dst, x, h []float64
		msg       string
	}{
		{nil, nil, nil, "naive: no classes"},
		{make([]float64, 2), []float64{1, 2}, []float64{1}, "naive: length mismatch"},
		{make([]float64, 1), []float64{1, 2}, []float64{1, 0}, "naive: length mismatch"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != tt.msg {
					t.Errorf("Loss(len %d, %d, %d) panicked with %v, want %q", len(tt.dst), len(tt.x), len(tt.h), r, tt.msg)
				}
			}()
			naive.Loss(tt.dst, tt.x, tt.h)
		}()
	}
}
