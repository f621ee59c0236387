package reports

import (
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// Grade is the headline verdict on an implementation, from a fixed scale
// (best first). It is the worst grade of its cases, and "wrong" when the
// diagnosis finds a different function.
type Grade int

const (
	// CorrectlyRounded: every scored output equals the reference's
	// correctly rounded value (0 ulps), and the special values agree.
	CorrectlyRounded Grade = iota
	// Accurate: within the suite's standard (fused's declared bounds,
	// docs/design.md §6) on every case, special values included; errors
	// below the floor (floorScaled) are forgiven.
	Accurate
	// Acceptable: every scaled error within acceptableScaled(C), the
	// level a careful textbook evaluation reaches; or special values that
	// differ from docs/design.md §7 on inputs that are not finite.
	Acceptable
	// Unstable: some scaled error beyond acceptableScaled(C) (unbounded in
	// a regime), or NaN/±Inf from finite inputs of extreme magnitude
	// (beyond rangeLimit): an overflow.
	Unstable
	// Wrong: NaN/±Inf or an error from ordinary finite input (magnitudes
	// within rangeLimit), or a different function (docs/design.md §8).
	Wrong
)

var gradeNames = [...]string{"correctly rounded", "accurate", "acceptable", "unstable", "wrong"}

func (g Grade) String() string {
	if g < 0 || int(g) >= len(gradeNames) {
		return "unknown"
	}
	return gradeNames[g]
}

// MarshalText makes grades readable in report.json.
func (g Grade) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// The acceptable bound: a scaled error (loss or gradient) of at most
// acceptBase + acceptPerClass·C. A shift-by-max evaluation with sums in
// index order carries up to about C roundings per sum; naive's measured
// bounds on moderate rows are (2C + 5) for the loss and (3C + 14) for the
// gradient in the same units (naive/accuracy_test.go), inside this one.
const (
	acceptBase     = 16
	acceptPerClass = 4
)

// acceptableScaled is the acceptable bound for C classes.
func acceptableScaled(C int) float64 { return acceptBase + acceptPerClass*float64(C) }

// rangeExponent sets rangeLimit: inputs whose magnitudes are all at most
// 2^(emax/2) (the square root of the largest finite value: 1.3e154 in
// float64, 1.8e19 in float32) are ordinary; a NaN or ±Inf output from
// them is wrong, never an overflow.
func rangeLimit(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return 0x1p64
	}
	return 0x1p512
}

// The floor of the scaled errors: an absolute error at most the smallest
// normal number of the dtype counts as at most 1, whatever the scale of
// the exact value (a loss of −0 where the exact one is 3.7e-44 in float32
// is not a catastrophe).
func floorScale(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return 0x1p-126
	}
	return 0x1p-1022
}

// floorScaled returns the scaled error s of a value got against want,
// floored: min(s, |got − want| / λ), λ the smallest normal of dt. NaN and
// ±Inf keep s.
func floorScaled(s, got, want float64, dt cases.DType) float64 {
	if !finite(got) || !finite(want) {
		return s
	}
	return math.Min(s, math.Abs(got-want)/floorScale(dt))
}

// ordinaryInput reports whether every logit and every h_j of c is finite
// and within rangeLimit in magnitude.
func ordinaryInput(c *cases.Case) bool {
	lim := rangeLimit(c.DType)
	for _, v := range c.Logits {
		if !finite(v) || math.Abs(v) > lim {
			return false
		}
	}
	for _, v := range c.H {
		if !finite(v) || math.Abs(v) > lim {
			return false
		}
	}
	return true
}

func finiteInput(c *cases.Case) bool {
	for _, v := range c.Logits {
		if !finite(v) {
			return false
		}
	}
	for _, v := range c.H {
		if !finite(v) {
			return false
		}
	}
	return true
}

// caseGrade grades one case from its score: see Grade.
func caseGrade(s *CaseScore) Grade {
	switch {
	case s.Class == RefRejected:
		if s.Mismatch {
			return Acceptable
		}
		return CorrectlyRounded
	case s.Err != "":
		return Wrong
	case s.NonFinite && s.Graded.Input == InputOrdinary:
		return Wrong
	case s.NonFinite && s.Graded.Input == InputExtreme:
		return Unstable
	}
	g := CorrectlyRounded
	if s.NonFinite || s.Mismatch {
		g = Acceptable // a non-finite input handled otherwise than §7
	}
	bound := acceptableScaled(s.C)
	gr := &s.Graded
	// exceeds: a scored output beyond the bound; on non-finite input the
	// capped values (the NaN/±Inf outputs, counted as semantics) do not
	// count.
	exceeds := func(v float64) bool {
		return v > bound && !(gr.Input == InputSpecial && v >= math.MaxFloat64)
	}
	if (s.LossScored && exceeds(gr.Loss)) || (s.GradScored && exceeds(gr.Grad)) {
		return Unstable
	}
	if g == Acceptable {
		return g
	}
	if !gr.WithinStandard && ((s.LossScored && gr.Loss > standardLossScaled) || (s.GradScored && gr.Grad > standardGrad)) {
		return Acceptable
	}
	if (s.LossScored && s.LossULP > 0) || (s.GradScored && s.GradULP > 0) || s.Class == RefNonFinite && (s.LossULP > 0 || s.GradULP > 0) {
		return Accurate
	}
	return g
}

// Input classifies a case's input for the grade.
type Input string

const (
	InputOrdinary Input = "ordinary" // finite, magnitudes ≤ rangeLimit
	InputExtreme  Input = "extreme"  // finite, some magnitude > rangeLimit
	InputSpecial  Input = "special"  // some NaN or ±Inf
)

func classifyInput(c *cases.Case) Input {
	switch {
	case ordinaryInput(c):
		return InputOrdinary
	case finiteInput(c):
		return InputExtreme
	}
	return InputSpecial
}

// Graded is what the grade of one case needs beyond the ulp distances.
type Graded struct {
	Input Input
	// Loss and Grad are the scaled errors of the loss and of the worst
	// gradient component, floored (floorScaled); 0 when not scored.
	Loss, Grad float64
	// WithinStandard is the standard's verdict on the case (the bounds
	// alone; special values are judged by the grade).
	WithinStandard bool
}

// grade computes the Graded of got against the reference's want on c: the
// one judge (impls.Contract.Judge) with the standard's bounds says whether
// it is within them, and the scaled errors of impls.Measure are floored
// per output (per gradient component: ulp.GradScaledEach).
func grade(c *cases.Case, want, got *cases.Result) Graded {
	gr := Graded{Input: classifyInput(c)}
	v := impls.Contract{Bounds: impls.Standard.Bounds}.Judge(c, got, want)
	gr.WithinStandard = v.OK
	if v.Class == impls.RefRejected {
		return gr
	}
	if v.Err != "" || len(got.Grad) != len(want.Grad) {
		if v.LossScored {
			gr.Loss = math.MaxFloat64
		}
		if v.GradScored {
			gr.Grad = math.MaxFloat64
		}
		return gr
	}
	if v.LossScored {
		gr.Loss = floorScaled(capFinite(v.LossScaled), got.Loss, want.Loss, c.DType)
	}
	if v.GradScored {
		each := ulp.GradScaledEach(make([]float64, len(want.Grad)), got.Grad, want.Grad, c.Logits, c.H, unitRoundoff(c.DType))
		for j, s := range each {
			gr.Grad = math.Max(gr.Grad, floorScaled(capFinite(s), got.Grad[j], want.Grad[j], c.DType))
		}
	}
	return gr
}

// The suite's standard in the units of the grade (docs/design.md §6).
var (
	standardLossScaled = impls.Standard.LossScaled
	standardGrad       = standardGradScaled
)

// ImplGrade is an implementation's row of the headline table.
type ImplGrade struct {
	Impl  string
	Grade Grade
	// The case that decides the grade (the worst case of the worst grade,
	// first in case order on ties): its id, family, dtype, spread, C and
	// floored scaled errors; Regime says it in words.
	WorstCase   string
	WorstFamily string
	WorstDType  cases.DType
	WorstSpread float64
	WorstC      int
	WorstLoss   float64
	WorstGrad   float64
	WorstNote   string
	Regime      string
	// Cause is the one-line cause: the finding that explains the worst
	// case, or what the grade rests on when no probe pinned a flaw.
	Cause    string
	Findings []Finding
}

// familyRegimes describes the regime of each case family in a few words.
var familyRegimes = map[string]string{
	"moderate":      "moderate logits (|x_j| ≤ 16)",
	"wide":          "logits spread over 1e2..1e5 (p_j underflows)",
	"huge":          "logits near the overflow threshold",
	"tiny-diff":     "logits a few ulps apart",
	"dominant":      "one logit 50..2000 above the rest (p_top rounds to 1)",
	"shared-offset": "near-equal logits at a shared offset 1e4..1e16",
	"many-classes":  "C = 1e3..1e5 classes",
	"h-identity":    "one-hot rows (H = I)",
	"h-smoothing":   "label-smoothed rows",
	"h-weights":     "class-weighted rows (S ≠ 1)",
	"h-dense":       "dense similarity rows (S up to C)",
	"h-sparse":      "sparse rows, p_j underflowing where h_j = 0",
	"h-rowsum":      "row sums S from 1e-30 to 1e15",
	"h-zero":        "all-zero rows",
	"h-signed":      "rows of mixed signs (distances fed as similarities)",
	"h-huge":        "h near the overflow threshold (S overflows)",
	"masked":        "logits masked to −Inf",
	"nonfinite":     "NaN or ±Inf logits",
	GridFamily:      "logit spread 10^(k/2), C 2..1000",
}

func regimeWords(family string) string {
	if w, ok := familyRegimes[family]; ok {
		return w
	}
	return "family " + family
}

// severity orders the cases of one grade: the larger floored scaled error
// (non-finite and errors are infinite).
func severity(s *CaseScore) float64 {
	if s.NonFinite || s.Err != "" {
		return math.Inf(1)
	}
	v := 0.0
	if s.LossScored {
		v = math.Max(v, s.Graded.Loss)
	}
	if s.GradScored {
		v = math.Max(v, s.Graded.Grad)
	}
	if s.Mismatch {
		v = math.Max(v, 1)
	}
	return v
}

// gradeImpls fills r.Grades: one row per implementation, from its case
// scores and its findings (findings[k] for implementation k).
func (r *Report) gradeImpls(findings [][]Finding) {
	nImpl := len(r.Impls)
	r.Grades = nil
	for k, im := range r.Impls {
		g := ImplGrade{Impl: im.Name, Grade: CorrectlyRounded}
		if k < len(findings) {
			g.Findings = findings[k]
		}
		different := ""
		for _, f := range g.Findings {
			if f.Cause == DifferentFunction && different == "" {
				different = f.Family
			}
		}
		// The worst case: the highest grade; within it ordinary input
		// before extreme input (an error on everyday rows matters more
		// than an overflow near the largest float), then the largest
		// floored scaled error, first in case order on ties. A grade set
		// by a different function takes its worst case in the family
		// that shows it.
		var worst *CaseScore
		var worstKey caseKey
		for i := k; i < len(r.Scores); i += nImpl {
			s := &r.Scores[i]
			if s.Unsupported {
				continue
			}
			cg := caseGrade(s)
			g.Grade = max(g.Grade, cg)
			if different != "" && s.Family != different {
				continue
			}
			key := caseKey{cg, s.Graded.Input == InputOrdinary, severity(s)}
			if worst == nil || key.beats(worstKey) {
				worst, worstKey = s, key
			}
		}
		if different != "" {
			g.Grade = Wrong
		}
		if worst != nil && (worst.Graded.Loss > 0 || worst.Graded.Grad > 0 || worst.NonFinite || worst.Mismatch || worst.Err != "") {
			g.WorstCase, g.WorstFamily, g.WorstDType = worst.ID, worst.Family, worst.DType
			g.WorstSpread, g.WorstC = worst.Spread, worst.C
			g.WorstLoss, g.WorstGrad = worst.Graded.Loss, worst.Graded.Grad
			switch {
			case worst.Err != "":
				g.WorstNote = "error: " + worst.Err
			case worst.NonFinite:
				g.WorstNote = "NaN or ±Inf where the exact result is finite"
			case worst.Mismatch:
				g.WorstNote = "special values differ from docs/design.md §7"
			}
			g.Regime = regimeWords(worst.Family)
		}
		g.Cause = r.causeLine(&g, worst)
		r.Grades = append(r.Grades, g)
	}
}

// causeLine picks the one-line cause of a headline row.
func (r *Report) causeLine(g *ImplGrade, worst *CaseScore) string {
	if g.Grade == Wrong {
		for _, f := range g.Findings {
			if f.Cause == DifferentFunction {
				return f.What
			}
		}
	}
	if worst != nil {
		for _, f := range g.Findings {
			if contains(f.Regimes, worst.Family) {
				return f.What
			}
		}
	}
	if len(g.Findings) > 0 {
		return g.Findings[0].What
	}
	switch g.Grade {
	case CorrectlyRounded:
		return "exact: the reference's own outputs"
	case Accurate:
		return "rounding within the standard"
	case Acceptable:
		if worst != nil && (worst.Mismatch || worst.NonFinite) {
			return "special values differ from docs/design.md §7 on non-finite input"
		}
		return string(RoundingNoise) + ": errors within the acceptable multiple of u·condition"
	case Unstable:
		return "error beyond the acceptable bound in this regime; no probe of the catalogue pinned the formula"
	}
	if worst != nil && worst.Err != "" {
		return "rejects or fails on valid input"
	}
	return "NaN or ±Inf from ordinary finite input"
}

// diagnoseImpls runs the probes of the catalogue on the implementations
// of cfg but the reference, after their properties (a finding names the
// property that catches it), and keeps the findings in infos.
func diagnoseImpls(cfg Config, infos []ImplInfo) {
	for k, im := range cfg.Impls {
		if im != cfg.Reference {
			infos[k].Findings = Diagnose(im, cfg.Reference, infos[k].FailingProperties)
		}
	}
}

// grade grades every implementation (r.Grades) from the scores, the
// summaries and the findings kept in r.Impls.
func (r *Report) grade() {
	findings := make([][]Finding, len(r.Impls))
	for k := range r.Impls {
		findings[k] = r.Impls[k].Findings
	}
	r.gradeImpls(findings)
}

// caseKey orders the candidates for an implementation's worst case.
type caseKey struct {
	grade    Grade
	ordinary bool
	severity float64
}

func (a caseKey) beats(b caseKey) bool {
	if a.grade != b.grade {
		return a.grade > b.grade
	}
	if a.ordinary != b.ordinary {
		return a.ordinary
	}
	return a.severity > b.severity
}
