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
