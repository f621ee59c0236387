package reports

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// TestCaseGradeBoundaries checks every boundary of the grade scale from
// both sides, on hand-made scores (C = 10: acceptable bound 16 + 4·10 = 56).
func TestCaseGradeBoundaries(t *testing.T) {
	const C = 10
	accept := acceptableScaled(C)
	if accept != 56 {
		t.Fatalf("acceptableScaled(10) = %v, want 16 + 4·10 = 56", accept)
	}
	scored := func(lossULP, gradULP uint64, loss, grad float64, within bool) CaseScore {
		return CaseScore{C: C, Class: Scored, LossScored: true, GradScored: true, LossULP: lossULP, GradULP: gradULP,
			Graded: Graded{Input: InputOrdinary, Loss: loss, Grad: grad, WithinStandard: within}}
	}
	up := func(v float64) float64 { return math.Nextafter(v, math.Inf(1)) }
	nonFinite := func(in Input) CaseScore {
		s := scored(0, ulpMax, 0, math.MaxFloat64, false)
		s.NonFinite, s.Graded.Input = true, in
		return s
	}
	mismatch := scored(0, 0, 0, 0, true)
	mismatch.Class, mismatch.Mismatch = RefNonFinite, true
	rejectedOK := CaseScore{C: C, Class: RefRejected}
	rejectedBad := CaseScore{C: C, Class: RefRejected, Mismatch: true}
	errored := scored(ulpMax, ulpMax, math.MaxFloat64, math.MaxFloat64, false)
	errored.Err = "rejected"
	tests := []struct {
		why  string
		s    CaseScore
		want Grade
	}{
		{"0 ulps everywhere: correctly rounded", scored(0, 0, 0, 0, true), CorrectlyRounded},
		{"1 ulp in the loss, within the standard: accurate", scored(1, 0, 0.6, 0, true), Accurate},
		{"1 ulp in the gradient: accurate", scored(0, 1, 0, 0.6, true), Accurate},
		{"gradient exactly at the standard (8): accurate", scored(0, 40, 0, standardGrad, true), Accurate},
		{"gradient just above the standard: acceptable", scored(0, 40, 0, up(standardGrad), false), Acceptable},
		{"loss just above the standard's scaled bound: acceptable", scored(3, 0, up(standardLossScaled), 0, false), Acceptable},
		{"outside the standard in ulps but within it once floored (a subnormal result): accurate",
			scored(26, 0, 1e-6, 0, false), Accurate},
		{"gradient exactly at the acceptable bound: acceptable", scored(0, 1000, 0, accept, false), Acceptable},
		{"gradient just above the acceptable bound: unstable", scored(0, 1000, 0, up(accept), false), Unstable},
		{"loss just above the acceptable bound: unstable", scored(1000, 0, up(accept), 0, false), Unstable},
		{"NaN from input beyond √max: an overflow, unstable", nonFinite(InputExtreme), Unstable},
		{"NaN from ordinary finite input: wrong", nonFinite(InputOrdinary), Wrong},
		{"NaN from non-finite input where the reference is finite: semantics, acceptable", nonFinite(InputSpecial), Acceptable},
		{"special values differ where the reference is non-finite: acceptable", mismatch, Acceptable},
		{"both reject: correctly rounded", rejectedOK, CorrectlyRounded},
		{"accepts what the reference rejects: acceptable", rejectedBad, Acceptable},
		{"an error on a valid case: wrong", errored, Wrong},
	}
	for _, tt := range tests {
		s := tt.s
		if got := caseGrade(&s); got != tt.want {
			t.Errorf("%s: grade %s, want %s", tt.why, got, tt.want)
		}
	}
}

const ulpMax = math.MaxUint64

// TestImplGradeDifferentFunction: a different function makes the grade
// wrong even when every case is only unstable, and picks the worst case
// in the family that shows it.
func TestImplGradeDifferentFunction(t *testing.T) {
	r := &Report{Impls: []ImplInfo{{Name: "x"}}, Scores: []CaseScore{
		{ID: "a/0", Family: "a", C: 2, Class: Scored, LossScored: true, LossULP: 9, Graded: Graded{Input: InputOrdinary, Loss: 1e9}},
		{ID: "h-weights/0", Family: "h-weights", C: 2, Class: Scored, GradScored: true, GradULP: 9, Graded: Graded{Input: InputOrdinary, Grad: 1e3}},
	}}
	r.gradeImpls([][]Finding{nil})
	if g := r.Grades[0]; g.Grade != Unstable || g.WorstCase != "a/0" {
		t.Errorf("without findings: %s at %s, want unstable at a/0", g.Grade, g.WorstCase)
	}
	r.gradeImpls([][]Finding{{{Flaw: "p-minus-h", Cause: DifferentFunction, Family: "h-weights", What: "p − h"}}})
	if g := r.Grades[0]; g.Grade != Wrong || g.WorstCase != "h-weights/0" || g.Cause != "p − h" {
		t.Errorf("with p − h: %s at %s (%s), want wrong at h-weights/0 (p − h)", g.Grade, g.WorstCase, g.Cause)
	}
}

// TestGradedFloor: the floor of the scaled errors, on real values.
func TestGradedFloor(t *testing.T) {
	// float32: the exact loss 3.7e-44 (a subnormal, 26 subnormal ulps) and
	// a computed −0: 26 ulps, a huge unfloored scaled error (its condition
	// is the loss itself), but an absolute error far below the smallest
	// normal 2^-126: floored to 3.7e-44 / 2^-126 ≈ 3.1e-6.
	x, h := []float64{0, -100}, []float64{1, 0}
	c := &cases.Case{ID: "t", DType: cases.Float32, Logits: x, H: h}
	want := &cases.Result{Loss: float64(float32(3.7e-44)), Grad: []float64{0, 0}}
	got := &cases.Result{Loss: math.Copysign(0, -1), Grad: []float64{0, 0}}
	gr := grade(c, want, got)
	if gr.WithinStandard {
		t.Errorf("26 ulps within the standard's 2 ulps")
	}
	if w := want.Loss / 0x1p-126; gr.Loss != w {
		t.Errorf("floored loss error %v, want %v", gr.Loss, w)
	}
	s := CaseScore{C: 2, Class: Scored, LossScored: true, GradScored: true, LossULP: 26, Graded: gr}
	if g := caseGrade(&s); g != Accurate {
		t.Errorf("a subnormal loss's error below the floor graded %s, want accurate", g)
	}
	// Above the floor the scaled error stands: 2^-40 off the exact log 2
	// of x = [0, 0], h = [1, 0] (condition log 2): about 1.2e4.
	want64 := &cases.Result{Loss: math.Ln2, Grad: []float64{-0.5, 0.5}}
	got64 := &cases.Result{Loss: math.Ln2 + 0x1p-40, Grad: []float64{-0.5, 0.5}}
	c64 := &cases.Case{ID: "t", DType: cases.Float64, Logits: []float64{0, 0}, H: []float64{1, 0}}
	if gr := grade(c64, want64, got64); gr.Loss < 1e4 {
		t.Errorf("an error of 2^-40 on a loss of 1 floored to %v", gr.Loss)
	}
	if v := floorScaled(5, math.NaN(), 1, cases.Float64); v != 5 {
		t.Errorf("floorScaled keeps the scaled error of a NaN: got %v", v)
	}
}

// TestInputClasses: the range limit √max from both sides.
func TestInputClasses(t *testing.T) {
	lim64, lim32 := rangeLimit(cases.Float64), rangeLimit(cases.Float32)
	tests := []struct {
		why  string
		dt   cases.DType
		x, h []float64
		want Input
	}{
		{"float64 logit at √max: ordinary", cases.Float64, []float64{lim64, 0}, []float64{1, 0}, InputOrdinary},
		{"float64 logit just above √max: extreme", cases.Float64, []float64{math.Nextafter(lim64, math.Inf(1)), 0}, []float64{1, 0}, InputExtreme},
		{"float64 h at −√max: ordinary", cases.Float64, []float64{0, 0}, []float64{-lim64, 0}, InputOrdinary},
		{"float32 h just above √max: extreme", cases.Float32, []float64{0, 0}, []float64{float64(math.Nextafter32(float32(lim32), float32(math.Inf(1)))), 0}, InputExtreme},
		{"a −Inf logit: special", cases.Float64, []float64{math.Inf(-1), 0}, []float64{0, 1}, InputSpecial},
		{"a NaN logit: special", cases.Float32, []float64{math.NaN(), 0}, []float64{0, 1}, InputSpecial},
	}
	for _, tt := range tests {
		c := &cases.Case{DType: tt.dt, Logits: tt.x, H: tt.h}
		if got := classifyInput(c); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.why, got, tt.want)
		}
	}
}
