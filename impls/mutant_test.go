package impls_test

import (
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Tests that kill survivors of `make mutate` in impls (docs/mutation.md);
// each names the mutant it was written for.

// TestMeasureNoScoredComponent kills impls/measure.go:68:41
// INVERT_NEGATIVES (`GradAt: −1` → `1`): when the reference rejects the
// case no component is measured, and GradAt must say so (−1) rather than
// point at component 1.
func TestMeasureNoScoredComponent(t *testing.T) {
	c := &cases.Case{DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1, 0}}
	got := &cases.Result{Loss: 1.3, Grad: []float64{-0.7, 0.7}}
	want := &cases.Result{Err: "rejected"}
	if m := impls.Measure(c, got, want); m.GradAt != -1 {
		t.Errorf("Measure with a rejecting reference: GradAt = %d, want -1 (no component measured)", m.GradAt)
	}
}

// TestCaseUsesCertifiedPath kills impls/impl.go:89:8 CONDITIONALS_NEGATION
// (`cf != nil` → `cf == nil`): an Impl with a certified function must be
// evaluated by it, so that its certification is reported, not by its plain
// function.
func TestCaseUsesCertifiedPath(t *testing.T) {
	im := &impls.Impl{
		Name: "two-paths",
		F64:  func(dst, x, h []float64) float64 { return 1 },
		C64:  func(dst, x, h []float64) (float64, string) { return 2, "exact" },
	}
	r := im.Case(&cases.Case{DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1, 0}})
	if r.Loss != 2 || r.Certified != "exact" {
		t.Errorf("Case = loss %v, certified %q; want the certified path's 2, \"exact\"", r.Loss, r.Certified)
	}
}

// TestSupportsPaths kills impls/contract.go:89:16, 89:33 and 91:33
// CONDITIONALS_NEGATION (`!= nil` → `== nil` in Supports): an Impl has a
// dtype when it has a plain or a certified function for it, and only then.
func TestSupportsPaths(t *testing.T) {
	f32 := func(dst, x, h []float32) float32 { return 0 }
	c32 := func(dst, x, h []float32) (float32, string) { return 0, "" }
	c64 := func(dst, x, h []float64) (float64, string) { return 0, "" }
	for _, tt := range []struct {
		im   impls.Impl
		dt   cases.DType
		want bool
		why  string
	}{
		{impls.Impl{F32: f32}, cases.Float32, true, "plain float32 function"},
		{impls.Impl{C32: c32}, cases.Float32, true, "certified float32 function only"},
		{impls.Impl{C64: c64}, cases.Float64, true, "certified float64 function only"},
		{impls.Impl{C64: c64}, cases.Float32, false, "no float32 function"},
	} {
		if got := tt.im.Supports(tt.dt); got != tt.want {
			t.Errorf("%s: Supports(%s) = %v, want %v", tt.why, tt.dt, got, tt.want)
		}
	}
}

// TestJudgeAtZeroBound kills impls/judge.go:64:20 CONDITIONALS_BOUNDARY
// (`LossScaled > bound` → `>=`): a bound is inclusive — an exact loss
// (scaled error 0) meets a LossScaled bound of 0.
func TestJudgeAtZeroBound(t *testing.T) {
	c := &cases.Case{DType: cases.Float64, Logits: []float64{0, 0}, H: []float64{1, -1}}
	// Equal logits: p = (1/2, 1/2), L = −log(1/2) + log(1/2) = 0 and g = (−1, 1)·... exactly:
	// g_j = p_j·S − h_j with S = 0: g = (−1, 1).
	r := &cases.Result{Loss: 0, Grad: []float64{-1, 1}}
	k := impls.Contract{Bounds: impls.Bounds{LossULP: 0, LossScaled: 0, GradScaled: 0}}
	if v := k.Judge(c, r, r); !v.OK {
		t.Errorf("an exact result against itself at zero bounds: %v", v.Violations)
	}
}
