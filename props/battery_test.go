package props

import (
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
)

// TestFailureReport checks what a failure carries: the seed, a shrunk case
// whose JSON line parses back to it bit for bit, a diagnostic, and replay
// commands naming the seed, the implementation and the property.
func TestFailureReport(t *testing.T) {
	im := perSample("no-max-shift", "test", withFlaw(flawNoMaxShift))
	rs := Run(im, Seed(42), Tests(ShortTests), Only(IDShift))
	if len(rs) != 1 || rs[0].Passed {
		t.Fatalf("Run = %+v, want one failed shift result", rs)
	}
	r := rs[0]
	if r.Seed != 42 || r.Case == nil || r.Detail == "" || r.CaseJSON == "" {
		t.Fatalf("incomplete failure report: %+v", r)
	}
	back, err := jsonl.ParseCase([]byte(r.CaseJSON))
	if err != nil {
		t.Fatalf("CaseJSON %s does not parse: %v", r.CaseJSON, err)
	}
	if !sameBits(back.Logits, r.Case.Logits) || !sameBits(back.H, r.Case.H) || back.Label != r.Case.Label || back.DType != r.Case.DType {
		t.Errorf("CaseJSON %s parses to %+v, want %+v", r.CaseJSON, back, *r.Case)
	}
	if len(r.Replay) != 2 || r.Replay[0] != `props.Run(im, props.Seed(42), props.Only("shift"))` ||
		!strings.Contains(r.Replay[1], "--impl no-max-shift") || !strings.Contains(r.Replay[1], r.CaseJSON) {
		t.Errorf("replay commands %q do not name the seed, the property and the case", r.Replay)
	}
	s := r.String()
	for _, want := range []string{"FAIL", r.Property, "seed 42", "shrunk case", "replay:"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestRunIsDeterministic: the same seed gives the same verdicts and the
// same shrunk counterexamples; that is what makes the replay command work.
func TestRunIsDeterministic(t *testing.T) {
	im := perSample("one-minus-p", "test", withFlaw(flawOneMinusP))
	a := Run(im, Seed(7), Tests(ShortTests))
	b := Run(im, Seed(7), Tests(ShortTests))
	if len(a) != len(b) {
		t.Fatalf("%d results, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Passed != b[i].Passed || a[i].CaseJSON != b[i].CaseJSON || a[i].Detail != b[i].Detail {
			t.Errorf("%s: two runs with seed 7 differ:\n%s\n%s", a[i].ID, a[i].String(), b[i].String())
		}
	}
}

// TestNoPanicCatchesPanics: an implementation that panics fails the no-panic
// property (and the battery itself does not panic).
func TestNoPanicCatchesPanics(t *testing.T) {
	im := &impls.Impl{Name: "panicky", F64: func(dst, x, h []float64) float64 {
		if len(x) == 3 {
			panic("three classes")
		}
		return careful(dst, x, h)
	}}
	rs := Run(im, Seed(1), Tests(ShortTests), Only(IDNoPanic, IDIdentity))
	for _, r := range rs {
		if r.Passed || !strings.Contains(r.Detail, "three classes") {
			t.Errorf("%s: want a failure naming the panic, got %s", r.ID, r.String())
		}
	}
}

// TestSkips: a property that cannot judge an implementation says why
// instead of passing silently.
func TestSkips(t *testing.T) {
	im := &impls.Impl{Name: "f64-only", F64: careful}
	rs := Run(im, Seed(1), Tests(5), Only(IDFloat32))
	if len(rs) != 1 || !rs[0].Passed || rs[0].Skipped == "" {
		t.Errorf("float32 property on a float64-only implementation: %+v, want skipped", rs)
	}
}

func TestOnlyUnknownIDPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "props: ") {
			t.Errorf("recover() = %v, want a props: panic", r)
		}
	}()
	Run(&impls.Impl{Name: "x", F64: careful}, Only("no-such-property"))
}

// TestSimpler checks the shrinking step on values: every candidate is
// strictly simpler (zero, or fewer significant bits), and float32 values
// shrink to float32 values.
func TestSimpler(t *testing.T) {
	tests := []struct {
		v   float64
		why string
	}{
		{37.42994775023705, "a full 53-bit significand"},
		{-1e16, "a large integer"},
		{0x1p-1074, "the least subnormal: only 0 is simpler"},
		{float64(float32(0.1)), "a float32"},
		{1.5, "two bits"},
		{math.MaxFloat64, "rounding up would overflow"},
	}
	for _, tc := range tests {
		for _, s := range simpler(tc.v) {
			if s != 0 && sigBits(s) >= sigBits(tc.v) {
				t.Errorf("simpler(%v) gives %v with %d ≥ %d bits (%s)", tc.v, s, sigBits(s), sigBits(tc.v), tc.why)
			}
			if math.IsInf(s, 0) || math.IsNaN(s) {
				t.Errorf("simpler(%v) gives %v (%s)", tc.v, s, tc.why)
			}
			if cases.IsFloat32(tc.v) && !cases.IsFloat32(s) {
				t.Errorf("simpler(%v) gives %v, not a float32 (%s)", tc.v, s, tc.why)
			}
		}
	}
	for _, v := range []float64{0, math.Inf(1), math.NaN()} {
		if s := simpler(v); len(s) != 0 {
			t.Errorf("simpler(%v) = %v, want nothing", v, s)
		}
	}
}

// TestShrinkerKeepsShape: a row-shaped case keeps its label's class and
// h = e_l; a fixed-shape case keeps C; every candidate is valid.
func TestShrinkerKeepsShape(t *testing.T) {
	c := cases.Case{DType: cases.Float64, Logits: []float64{1.25, -3.5, 7.125, 0.1}, H: []float64{0, 0, 1, 0}, Label: 2}
	for _, tc := range []struct {
		sh  shape
		why string
	}{{rowShape, "h = e_l"}, {fixedShape, "C fixed"}, {freeShape, "anything valid"}} {
		next := caseShrinker(tc.sh, filter{})(c)
		for v, ok := next(); ok; v, ok = next() {
			d := v.(cases.Case)
			if err := d.Validate(); err != nil {
				t.Errorf("%s: invalid shrink %+v: %v", tc.why, d, err)
			}
			if tc.sh == rowShape {
				if w, ok := isOneHot(&d); !ok || w != 1 {
					t.Errorf("%s: shrink %+v left the form", tc.why, d)
				}
			}
			if tc.sh == fixedShape && d.C() != c.C() {
				t.Errorf("%s: shrink %+v changed C", tc.why, d)
			}
		}
	}
}

// TestBatchShrinkerValid: every shrunk batch is valid input.
func TestBatchShrinkerValid(t *testing.T) {
	b := cases.Batch{DType: cases.Float64, Outer: 2, C: 2, Inner: 2,
		Logits: []float64{0.5, 1.5, -2.5, 3.25, 4.75, -5.5, 6.125, 7.5}, Labels: []int{0, 1, -1, 1},
		H: []float64{1, 0.5, 0, 1}, Opts: cases.Options{HasIgnoreLabel: true, IgnoreLabel: -1, Normalization: cases.Valid, LossWeight: 1}}
	next := batchShrinker(batchInput{b})
	n := 0
	for v, ok := next(); ok; v, ok = next() {
		d := v.(batchInput).b
		if err := d.Validate(); err != nil {
			t.Errorf("invalid shrink %s: %v", formatBatch(&d), err)
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d shrinks, want 6 (two outer, two inner, the diagonal of H, one rounding)", n)
	}
}

// maxVacuousFraction bounds the share of cases a property may pass without
// judging them (directOK, conditioning, overflowing scales): a property
// that judges nothing cannot fail.
const maxVacuousFraction = 0.2

func TestPropertiesJudge(t *testing.T) {
	im := subject0("fused")
	for _, r := range Run(im, Seed(3), Tests(ShortTests), Reference(refImpl())) {
		if r.Skipped != "" {
			t.Errorf("%s skipped on %s: %s", r.ID, im.Name, r.Skipped)
			continue
		}
		if float64(r.Vacuous) > maxVacuousFraction*float64(r.Tests) {
			t.Errorf("%s judged only %d of %d cases", r.ID, r.Tests-r.Vacuous, r.Tests)
		}
	}
}

// TestReferenceHasTeeth: at zero tolerance the reference property fails
// fused, which is accurate but not correctly rounded; the property does
// compare outputs.
func TestReferenceHasTeeth(t *testing.T) {
	im := subject0("fused")
	rs := Run(im, Seed(1), Tests(ShortTests), Reference(refImpl()), WithBounds(impls.Bounds{}), Only(IDReference))
	if len(rs) != 1 || rs[0].Passed {
		t.Errorf("fused at zero tolerance: %+v, want a failure", rs)
	} else {
		t.Logf("as expected:\n%s", rs[0].String())
	}
}

// subject0 returns the subject called name.
func subject0(name string) *impls.Impl {
	for _, s := range subjects() {
		if s.im.Name == name {
			return s.im
		}
	}
	panic("props: no subject " + name)
}
