package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
)

// TestAcceptableBound: the acceptable bound is γ_n/u with
// n = 5 + 3C + 2·min(spread, Λ) (the derivation in grade.go); the
// expected values are counted by hand from that derivation, Λ = −ln η
// from the smallest subnormals 2^-1074 and 2^-149.
func TestAcceptableBound(t *testing.T) {
	gamma := func(n, u float64) float64 { return n / (1 - n*u) }
	tests := []struct {
		why    string
		C      int
		spread float64
		dt     cases.DType
		want   float64
	}{
		{"C = 10, equal logits, float64: n = 5 + 30", 10, 0, cases.Float64, gamma(35, 0x1p-53)},
		{"C = 10, spread 50, float32: n = 35 + 100", 10, 50, cases.Float32, gamma(135, 0x1p-24)},
		{"spread beyond the float64 underflow gap 744.44 counts as 1074·ln 2", 2, 1e6, cases.Float64, gamma(11+2*1074*math.Ln2, 0x1p-53)},
		{"spread beyond the float32 underflow gap 103.28 counts as 149·ln 2", 2, 1e6, cases.Float32, gamma(11+2*149*math.Ln2, 0x1p-24)},
		{"C = 1e5 in float32: γ's denominator matters (n·u ≈ 0.018)", 100000, 0, cases.Float32, gamma(300005, 0x1p-24)},
	}
	for _, tt := range tests {
		if got := acceptableScaled(tt.C, tt.spread, tt.dt); math.Abs(got-tt.want) > 1e-12*tt.want {
			t.Errorf("%s: %v, want %v", tt.why, got, tt.want)
		}
	}
}

// TestCaseGradeBoundaries checks every rule of the grade scale (Grade's
// doc and the report's gradeScale) from both sides, on hand-made scores
// (C = 10, equal logits, float64: acceptable bound γ_35/u ≈ 35).
func TestCaseGradeBoundaries(t *testing.T) {
	const C = 10
	accept := acceptableScaled(C, 0, cases.Float64)
	scored := func(lossULP, gradULP uint64, loss, grad float64, within bool) CaseScore {
		return CaseScore{C: C, DType: cases.Float64, Class: Scored, LossScored: true, GradScored: true, LossULP: lossULP, GradULP: gradULP,
			Graded: Graded{Input: InputOrdinary, Loss: loss, Grad: grad, WithinStandard: within}}
	}
	in := func(s CaseScore, i Input) CaseScore { s.Graded.Input = i; return s }
	up := func(v float64) float64 { return math.Nextafter(v, math.Inf(1)) }
	nonFinite := func(i Input) CaseScore {
		s := scored(0, ulpMax, 0, math.MaxFloat64, false)
		s.NonFinite, s.Graded.Input = true, i
		return s
	}
	mismatch := func(i Input) CaseScore {
		s := scored(0, 0, 0, 0, false)
		s.Class, s.Mismatch, s.GradScored, s.Graded.Input = RefNonFinite, true, false, i
		return s
	}
	errored := func(i Input) CaseScore {
		s := scored(ulpMax, ulpMax, math.MaxFloat64, math.MaxFloat64, false)
		s.Err, s.Graded.Input = "rejected", i
		return s
	}
	rejectedOK := CaseScore{C: C, DType: cases.Float64, Class: RefRejected, Err: "len(h) = 1, want C = 10", Graded: Graded{Input: InputInvalid, WithinStandard: true}}
	rejectedBad := CaseScore{C: C, DType: cases.Float64, Class: RefRejected, Mismatch: true, Graded: Graded{Input: InputInvalid}}
	// Special input whose NaN output is semantics (rule 4) but whose
	// other, scored output is beyond the bound (rule 3 first).
	specialAndBad := nonFinite(InputSpecial)
	specialAndBad.LossScored, specialAndBad.Graded.Loss = true, up(accept)
	tests := []struct {
		why  string
		s    CaseScore
		want Grade
	}{
		// Rules 1, 2, 4: a semantic failure, by input class.
		{"rule 1: NaN from ordinary finite input: wrong", nonFinite(InputOrdinary), Wrong},
		{"rule 2: NaN from input beyond √max: an overflow, unstable", nonFinite(InputExtreme), Unstable},
		{"rule 4: NaN from non-finite input where the reference is finite: acceptable", nonFinite(InputSpecial), Acceptable},
		{"rule 1: an error on an ordinary valid case: wrong", errored(InputOrdinary), Wrong},
		{"rule 2: an error on an extreme valid case: unstable", errored(InputExtreme), Unstable},
		{"rule 4: an error on a special case the reference accepts: acceptable", errored(InputSpecial), Acceptable},
		{"rule 1: special values differ on ordinary input (the reference overflows): wrong", mismatch(InputOrdinary), Wrong},
		{"rule 2: special values differ on extreme input: unstable", mismatch(InputExtreme), Unstable},
		{"rule 4: special values differ on non-finite input: acceptable", mismatch(InputSpecial), Acceptable},
		{"rule 4: accepts what the reference rejects (invalid input): acceptable", rejectedBad, Acceptable},
		{"rule 7: both reject: correctly rounded", rejectedOK, CorrectlyRounded},
		// Rule 3: the acceptable bound, floored scaled errors.
		{"rule 3: gradient exactly at the acceptable bound: acceptable", scored(0, 1000, 0, accept, false), Acceptable},
		{"rule 3: gradient just above the acceptable bound: unstable", scored(0, 1000, 0, up(accept), false), Unstable},
		{"rule 3: loss exactly at the acceptable bound: acceptable", scored(1000, 0, accept, 0, false), Acceptable},
		{"rule 3: loss just above the acceptable bound: unstable", scored(1000, 0, up(accept), 0, false), Unstable},
		{"rule 3 before 4: a NaN on special input and a scored loss beyond the bound: unstable", specialAndBad, Unstable},
		{"rule 3 on special input without a semantic failure: a finite error beyond the bound is unstable", in(scored(0, 1000, 0, up(accept), false), InputSpecial), Unstable},
		// Rule 5: the judge's verdict, not a threshold of the grade's own.
		{"rule 5: outside the standard by the judge, tiny floored errors: acceptable", scored(26, 0, 1e-6, 0, false), Acceptable},
		{"rule 5/6: the judge says within, even at a large floored error: accurate", scored(0, 40, 0, 7.9, true), Accurate},
		// Rules 6, 7.
		{"rule 6: 1 ulp in the loss, within the standard: accurate", scored(1, 0, 0.6, 0, true), Accurate},
		{"rule 6: 1 ulp in the gradient: accurate", scored(0, 1, 0, 0.6, true), Accurate},
		{"rule 7: 0 ulps everywhere: correctly rounded", scored(0, 0, 0, 0, true), CorrectlyRounded},
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
	if gr.WithinStandard || impls.Standard.Judge(c, got, want).OK {
		t.Errorf("26 ulps within the standard's 2 ulps")
	}
	if w := want.Loss / 0x1p-126; gr.Loss != w {
		t.Errorf("floored loss error %v, want %v", gr.Loss, w)
	}
	// The floor keeps it from "unstable"; the judge (no floor) keeps it
	// from "accurate": a contract violation is never graded accurate.
	s := CaseScore{C: 2, DType: cases.Float32, Class: Scored, LossScored: true, GradScored: true, LossULP: 26, Graded: gr}
	if g := caseGrade(&s); g != Acceptable {
		t.Errorf("a subnormal loss's error below the floor, outside the standard, graded %s, want acceptable", g)
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

// TestImplGradePropertyDifferentFunction: a different function found by a
// failing batch property (no family) makes the grade wrong too. fused's
// real rows are accurate; the failing property batch-normalization (what
// props/broken_test.go's wrong-normalizer fails) must still make it wrong:
// docs/design.md §8, the Grade doc's "different function".
func TestImplGradePropertyDifferentFunction(t *testing.T) {
	f, err := builtin.Lookup("fused")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Impls: []*impls.Impl{f}, Reference: impls.Reference(), Size: SizeGate, Seed: DefaultSeed, Families: []string{"moderate"}}
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Impls: []ImplInfo{{Name: "fused"}}}
	for _, s := range rep.Scores {
		if s.Impl == "fused" {
			r.Scores = append(r.Scores, s)
		}
	}
	r.gradeImpls([][]Finding{nil})
	if g := r.Grades[0].Grade; g != Accurate {
		t.Fatalf("fused's moderate rows graded %s, want accurate (the control)", g)
	}
	findings := Diagnose(f, impls.Reference(), []string{"batch-normalization"})
	r.gradeImpls([][]Finding{findings})
	g := r.Grades[0]
	if g.Grade != Wrong {
		t.Errorf("fused's rows with failing batch-normalization graded %s, want wrong", g.Grade)
	}
	if !strings.Contains(g.Cause, "normalizer") {
		t.Errorf("cause %q does not name the normalizer", g.Cause)
	}
}

// TestFamilyRegimes: every family of cases.Families() (and the grid) has
// its regime in words, so the headline never falls back to "family X".
func TestFamilyRegimes(t *testing.T) {
	names := []string{GridFamily}
	for _, f := range cases.Families() {
		names = append(names, f.Name)
	}
	for _, n := range names {
		if w, ok := familyRegimes[n]; !ok || w == "" || strings.HasPrefix(regimeWords(n), "family ") {
			t.Errorf("family %s has no regime description", n)
		}
	}
}
