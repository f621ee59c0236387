package fused_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/fused"
)

var (
	inf = math.Inf(1)
	nan = math.NaN()
)

// TestLossSpecial checks the special cases of Loss (docs/design.md §7) bit for bit,
// NaN equal to NaN and +0 to −0 in the gradient, in float64 and float32. Expected values are exact by
// the rules of the doc comment (and agree with ref, which certifies them
// Exact).
func TestLossSpecial(t *testing.T) {
	tests := []struct {
		x, h []float64
		loss float64
		grad []float64
		why  string
	}{
		{[]float64{nan, 0}, []float64{1, 0}, nan, []float64{nan, nan}, "a NaN logit: everything NaN"},
		{[]float64{inf, 0}, []float64{1, 0}, nan, []float64{nan, nan}, "a +Inf logit: everything NaN"},
		{[]float64{-inf, -inf}, []float64{1, 0}, nan, []float64{nan, nan}, "every logit −Inf: NaN"},
		{[]float64{-inf, 3}, []float64{0, 2}, 0, []float64{0, 0}, "masking: h = 0 on −Inf adds 0; g_j = −h_j = 0 there"},
		{[]float64{-inf, 3}, []float64{1, 2}, inf, []float64{-1, 1}, "h > 0 on −Inf: loss +Inf, g = −h there, p·S − h elsewhere"},
		{[]float64{-inf, 3}, []float64{-1, 2}, -inf, []float64{1, -1}, "h < 0 on −Inf: loss −Inf"},
		{[]float64{-inf, -inf, 3}, []float64{1, -1, 0}, nan, []float64{-1, 1, 0}, "both signs on −Inf logits: NaN loss, finite gradient"},
		{[]float64{7}, []float64{5}, 0, []float64{0}, "C = 1: p = 1, loss 0, gradient 0"},
		{[]float64{2, 2}, []float64{1, 0}, math.Ln2, []float64{-0.5, 0.5}, "a tie: exact halves"},
		{[]float64{0, 0}, []float64{0, 0}, 0, []float64{0, 0}, "zero row: loss 0, gradient 0"},
	}
	for _, tt := range tests {
		g := make([]float64, len(tt.x))
		l := fused.Loss(g, tt.x, tt.h)
		checkSpecial(t, tt.why+" (float64)", l, g, tt.loss, tt.grad)
		g32 := make([]float32, len(tt.x))
		l32 := fused.Loss(g32, narrow(tt.x), narrow(tt.h))
		want32 := make([]float64, len(tt.grad))
		got32 := make([]float64, len(tt.grad))
		for j := range tt.grad {
			want32[j] = float64(float32(tt.grad[j]))
			got32[j] = float64(g32[j])
		}
		checkSpecial(t, tt.why+" (float32)", float64(l32), got32, float64(float32(tt.loss)), want32)
	}
}

func checkSpecial(t *testing.T, why string, l float64, g []float64, wantL float64, wantG []float64) {
	t.Helper()
	if !sameBits(l, wantL) {
		t.Errorf("%s: loss %v [%x], want %v [%x]", why, l, l, wantL, wantL)
	}
	for j := range g {
		if !sameBits(g[j], wantG[j]) && !(g[j] == 0 && wantG[j] == 0) {
			t.Errorf("%s: g[%d] = %v [%x], want %v [%x]", why, j, g[j], g[j], wantG[j], wantG[j])
		}
	}
}

// TestLossPanics checks the programmer-error panics of Loss.
func TestLossPanics(t *testing.T) {
	tests := []struct {
		dst, x, h []float64
		why       string
	}{
		{nil, nil, nil, "no logits"},
		{make([]float64, 2), make([]float64, 2), make([]float64, 3), "len(h) ≠ len(x)"},
		{make([]float64, 1), make([]float64, 2), make([]float64, 2), "len(dst) ≠ len(x)"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.why)
				}
			}()
			fused.Loss(tt.dst, tt.x, tt.h)
		}()
	}
}
