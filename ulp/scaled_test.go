package ulp_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/ulp"
)

// TestLossScaledSpecial: results fixed by the special cases of LossScaled
// (compared bit for bit), plus hand-derived finite values (compared within
// ScaledRelErr).
func TestLossScaledSpecial(t *testing.T) {
	ln2 := math.Ln2
	tests := []struct {
		got, want float64
		x, h      []float64
		u         float64
		score     float64
		why       string
	}{
		{nan, nan, []float64{1, 2}, []float64{1, 0}, ulp.U64, 0, "both NaN"},
		{0, negZ, []float64{1, 2}, []float64{1, 0}, ulp.U64, 0, "±0 equal"},
		{inf, inf, []float64{1, 2}, []float64{1, 0}, ulp.U64, 0, "same infinity"},
		{-inf, inf, []float64{1, 2}, []float64{1, 0}, ulp.U64, inf, "opposite infinities"},
		{1, nan, []float64{1, 2}, []float64{1, 0}, ulp.U64, inf, "NaN exact, number got"},
		{nan, 1, []float64{1, 2}, []float64{1, 0}, ulp.U64, inf, "NaN got where the exact loss is finite"},
		{inf, 1, []float64{1, 2}, []float64{1, 0}, ulp.U64, inf, "overflow where the exact loss is finite"},
		{math.MaxFloat64, inf, []float64{1, 2}, []float64{1, 0}, ulp.U64, inf, "finite got, infinite exact"},
		{1, 2, []float64{nan, 0}, []float64{1, 0}, ulp.U64, inf, "NaN logit: loss undefined"},
		{1, 1, []float64{nan, 0}, []float64{1, 0}, ulp.U64, 0, "equal values decide before the domain"},
		{1, 2, []float64{inf, 0}, []float64{1, 0}, ulp.U64, inf, "+Inf logit: loss undefined"},
		{1, 2, []float64{-inf, -inf}, []float64{1, 0}, ulp.U64, inf, "all logits −Inf: loss undefined"},
		{1, 2, []float64{}, []float64{}, ulp.U64, inf, "no logits"},
		{1, 2, []float64{1, 0}, []float64{inf, 0}, ulp.U64, inf, "non-finite h"},
		{1, 2, []float64{1, -inf}, []float64{0, 1}, ulp.U64, inf, "h ≠ 0 on a −Inf logit: the exact loss is +Inf, not finite"},
		{1, 2, []float64{1, -inf}, []float64{1, 0}, ulp.U64, math.MaxFloat64,
			"masked −Inf logit: D = 0, floor η only, 1/2^-1074 saturates"},
		{math.MaxFloat64, -math.MaxFloat64, []float64{0, 0}, []float64{1, 0}, ulp.U64, math.MaxFloat64,
			"got − want overflows float64: still finite, saturated"},
		{0x1p-1074, 0, []float64{7}, []float64{3}, ulp.U64, 1, "one class: D = 0, one subnormal step is one floor"},
		{0x1p-149, 0, []float64{7}, []float64{3}, ulp.U32, 1, "float32 floor is 2^-149"},
		{1 + 0x1p-52, 1, []float64{0, 0}, []float64{1, 0}, ulp.U64, 2 / ln2,
			"D = log 2: one ulp of 1 is 2^-52/(2^-53·ln 2) = 2/ln 2 = 2.8853900817779268 (mpmath)"},
		{1 + 0x1p-23, 1, []float64{0, 0}, []float64{1, 0}, ulp.U32, 2 / ln2, "the same in float32 units"},
		{1 + 0x1p-52, 1, []float64{0, 0}, []float64{-1, 0}, ulp.U64, 2 / ln2, "the scale takes |h|"},
		{5, 3, []float64{0, 2}, []float64{0.5, 0}, ulp.U64, 2 / (0x1p-53 * 0.5 * (2 + math.Log1p(math.Exp(-2)))),
			"D = |h_0|(|m − x_0| + log1p(e^-2)): the spread term"},
	}
	for _, tt := range tests {
		got := ulp.LossScaled(tt.got, tt.want, tt.x, tt.h, tt.u)
		if !closeScore(got, tt.score) {
			t.Errorf("LossScaled(%v, %v, %v, %v, %g) = %v [%x], want %v: %s",
				tt.got, tt.want, tt.x, tt.h, tt.u, got, got, tt.score, tt.why)
		}
	}
}

// closeScore compares special results (0, +Inf, MaxFloat64) exactly and
// others within ScaledRelErr.
func closeScore(got, want float64) bool {
	if want == 0 || math.IsInf(want, 0) || want == math.MaxFloat64 || math.IsNaN(got) {
		return got == want
	}
	return math.Abs(got-want) <= ulp.ScaledRelErr*want
}

func TestGradScaledSpecial(t *testing.T) {
	tests := []struct {
		got, want, x, h []float64
		u               float64
		each            []float64
		worst           float64
		at              int
		why             string
	}{
		{nil, nil, nil, nil, ulp.U64, []float64{}, 0, -1, "empty"},
		{[]float64{nan, 0.5}, []float64{nan, 0.5}, []float64{0, 0}, []float64{1, 0}, ulp.U64,
			[]float64{0, 0}, 0, 0, "NaN matches NaN; a tie in worst reports the first"},
		{[]float64{0, 1}, []float64{0, nan}, []float64{0, 0}, []float64{1, 0}, ulp.U64,
			[]float64{0, inf}, inf, 1, "a number where the exact is NaN"},
		{[]float64{1, 2}, []float64{1, 3}, []float64{nan, 0}, []float64{1, 0}, ulp.U64,
			[]float64{0, inf}, inf, 1, "NaN logit: every unequal component +Inf"},
		// x = [0, −Inf], h = [1, 1]: p = [1, 0], S = 2, q = [0, 1];
		// G = [1·|2 − 1| + 1·0, 0 + 1·1] = [1, 1], g = [1, −1].
		{[]float64{1 + 0x1p-52, -1}, []float64{1, -1}, []float64{0, -inf}, []float64{1, 1}, ulp.U64,
			[]float64{2, 0}, 2, 0, "h ≠ 0 on a −Inf logit: G stays finite (G_1 = |h_1|)"},
		{[]float64{1, -1 - 0x1p-52}, []float64{1, -1}, []float64{0, -inf}, []float64{1, 1}, ulp.U64,
			[]float64{0, 2}, 2, 1, "the same error on the −Inf logit's component"},
		// x = [0, 0], h = [1, 1]: p = [½, ½], G_j = ½·1 + 1·½ = 1, g = 0.
		{[]float64{math.MaxFloat64, 0}, []float64{-math.MaxFloat64, 0}, []float64{0, 0}, []float64{1, 1}, ulp.U64,
			[]float64{math.MaxFloat64, 0}, math.MaxFloat64, 0, "2^1025/2^-53 saturates, finite"},
		{[]float64{0x1p-149, 0}, []float64{0, 0}, []float64{0, 0}, []float64{1, 1}, ulp.U32,
			[]float64{0x1p-149 / (0x1p-24 + 0x1p-149), 0}, 0x1p-149 / (0x1p-24 + 0x1p-149), 0,
			"float32 units: a subnormal error against G = 1"},
		// x = [0], h = [3]: p = [1], S − h = 0, q = 0: G = 0, floor only.
		{[]float64{0x1p-1074}, []float64{0}, []float64{0}, []float64{3}, ulp.U64,
			[]float64{1}, 1, 0, "one class: G = 0, one subnormal step is one floor"},
	}
	for _, tt := range tests {
		each := ulp.GradScaledEach(make([]float64, len(tt.x)), tt.got, tt.want, tt.x, tt.h, tt.u)
		for j := range each {
			if !closeScore(each[j], tt.each[j]) {
				t.Errorf("GradScaledEach(%v, %v, %v, %v)[%d] = %v, want %v: %s",
					tt.got, tt.want, tt.x, tt.h, j, each[j], tt.each[j], tt.why)
			}
		}
		worst, at := ulp.GradScaled(tt.got, tt.want, tt.x, tt.h, tt.u)
		if !closeScore(worst, tt.worst) || at != tt.at {
			t.Errorf("GradScaled(%v, %v, %v, %v) = %v at %d, want %v at %d: %s",
				tt.got, tt.want, tt.x, tt.h, worst, at, tt.worst, tt.at, tt.why)
		}
	}
}

func TestGradNormwiseSpecial(t *testing.T) {
	tests := []struct {
		got, want []float64
		norm      float64
		why       string
	}{
		{nil, nil, 0, "empty"},
		{[]float64{1, 2}, []float64{1, 2}, 0, "equal"},
		{[]float64{1, 2}, []float64{1, 2.5}, 0.2, "0.5/2.5"},
		{[]float64{nan, 1}, []float64{nan, 1.5}, 0.5 / 1.5, "a NaN pair contributes nothing"},
		{[]float64{inf, 1}, []float64{inf, 2}, 0.5, "an equal infinite pair contributes to neither norm"},
		{[]float64{nan, 1}, []float64{0, 1}, inf, "NaN where the exact is a number"},
		{[]float64{1, 1}, []float64{inf, 1}, inf, "a number where the exact is infinite"},
		{[]float64{0, 1e-300}, []float64{0, 0}, math.MaxFloat64, "nonzero error against a zero gradient: saturated"},
		{[]float64{0, negZ}, []float64{negZ, 0}, 0, "zero gradient, signed zeros equal"},
		{[]float64{math.MaxFloat64}, []float64{-math.MaxFloat64}, 2, "‖Δg‖ overflows float64 but the ratio is 2"},
		{[]float64{0x1p-1074, 0}, []float64{0x1p-1073, 0}, 0.5, "subnormal norms: exact ratio"},
	}
	for _, tt := range tests {
		// tt.norm is itself rounded once: one more U64.
		if got := ulp.GradNormwise(tt.got, tt.want); !(got == tt.norm || math.Abs(got-tt.norm) <= (ulp.NormwiseRelErr+ulp.U64)*tt.norm) {
			t.Errorf("GradNormwise(%v, %v) = %v, want %v: %s", tt.got, tt.want, got, tt.norm, tt.why)
		}
	}
}

func TestPanics(t *testing.T) {
	one, two := []float64{1}, []float64{1, 2}
	tests := []struct {
		call func()
		msg  string
		why  string
	}{
		{func() { ulp.LossScaled(1, 2, one, two, ulp.U64) }, "ulp: LossScaled: len(x) != len(h)", "shapes"},
		{func() { ulp.LossScaled(1, 1, one, one, 0x1p-52) }, "ulp: unit roundoff is neither U64 nor U32",
			"machine epsilon is not the unit roundoff; checked even when the values decide"},
		{func() { ulp.GradScaledEach(make([]float64, 1), one, one, one, two, ulp.U32) }, "ulp: GradScaledEach: lengths differ", "h"},
		{func() { ulp.GradScaledEach(make([]float64, 2), one, one, one, one, ulp.U32) }, "ulp: GradScaledEach: lengths differ", "dst"},
		{func() { ulp.GradScaled(one, two, one, one, ulp.U64) }, "ulp: GradScaledEach: lengths differ", "want"},
		{func() { ulp.GradScaled(one, one, one, one, 1) }, "ulp: unit roundoff is neither U64 nor U32", "u"},
		{func() { ulp.GradNormwise(one, two) }, "ulp: GradNormwise: len(got) != len(want)", "shapes"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r != tt.msg {
					t.Errorf("recovered %v, want %q: %s", r, tt.msg, tt.why)
				}
			}()
			tt.call()
		}()
	}
}
