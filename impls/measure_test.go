package impls

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/ulp"
)

// The expected values of ok are log(1 + e) and ∓e/(1 + e) correctly rounded
// (mpmath at 50 digits), as in the reports' tests before Measure moved here.
// TestMeasure checks the classification of a result against the reference's:
// which cases are scored in ulps, which are special-value checks, and how
// failures are counted.
func TestMeasure(t *testing.T) {
	c := &cases.Case{ID: "t/0", Family: "t", DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1, 0}}
	ok := cases.Result{Loss: 1.3132616875182228, Grad: []float64{-0.7310585786300049, 0.7310585786300049}}
	tests := []struct {
		why       string
		want, got cases.Result
		class     Class
		lossULP   uint64
		gradULP   uint64
		nonFinite bool
		mismatch  bool
	}{
		{"equal results score 0 ulps", ok, ok, Scored, 0, 0, false, false},
		{"one ulp off in the loss and in one gradient component",
			ok, cases.Result{Loss: math.Nextafter(ok.Loss, 2), Grad: []float64{ok.Grad[0], math.Nextafter(ok.Grad[1], 0)}},
			Scored, 1, 1, false, false},
		{"NaN where the reference is finite is non-finite and maximal",
			ok, cases.Result{Loss: nan, Grad: []float64{nan, nan}}, Scored, ulp.MaxDist, ulp.MaxDist, true, false},
		{"an error on a case the reference scores is maximal, not non-finite",
			ok, cases.Result{Err: "rejected"}, Scored, ulp.MaxDist, ulp.MaxDist, false, false},
		{"both reject: no mismatch",
			cases.Result{Err: "label out of range"}, cases.Result{Err: "bad label"}, RefRejected, 0, 0, false, false},
		{"the reference rejects, the implementation answers: mismatch",
			cases.Result{Err: "label out of range"}, ok, RefRejected, 0, 0, false, true},
		{"NaN where the reference is NaN: semantics agree",
			cases.Result{Loss: nan, Grad: []float64{nan, nan}}, cases.Result{Loss: nan, Grad: []float64{nan, nan}}, RefNonFinite, 0, 0, false, false},
		{"+Inf loss with g = −h (h on a −Inf logit) matched",
			cases.Result{Loss: inf, Grad: []float64{-1, 0}}, cases.Result{Loss: inf, Grad: []float64{-1, 0}}, RefNonFinite, 0, 0, false, false},
		{"NaN where the reference says +Inf: mismatch",
			cases.Result{Loss: inf, Grad: []float64{-1, 0}}, cases.Result{Loss: nan, Grad: []float64{-1, 0}}, RefNonFinite, ulp.MaxDist, 0, false, true},
		{"an overflowing loss (h-huge) leaves the gradient scored: NaN in it is non-finite, not a mismatch",
			cases.Result{Loss: inf, Grad: []float64{-1, 1}}, cases.Result{Loss: inf, Grad: []float64{nan, 1}}, RefNonFinite, 0, ulp.MaxDist, true, false},
		{"a finite gradient component where the reference's is NaN: mismatch",
			cases.Result{Loss: nan, Grad: []float64{nan, nan}}, cases.Result{Loss: nan, Grad: []float64{nan, 0}}, RefNonFinite, 0, ulp.MaxDist, false, true},
	}
	for _, tt := range tests {
		s := Measure(c, &tt.got, &tt.want)
		if s.Class != tt.class || s.LossULP != tt.lossULP || s.GradULP != tt.gradULP || s.NonFinite != tt.nonFinite || s.Mismatch != tt.mismatch {
			t.Errorf("%s: got class %s loss %d grad %d nonfinite %v mismatch %v; want %s %d %d %v %v",
				tt.why, s.Class, s.LossULP, s.GradULP, s.NonFinite, s.Mismatch,
				tt.class, tt.lossULP, tt.gradULP, tt.nonFinite, tt.mismatch)
		}
	}
}
