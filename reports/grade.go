package reports

import (
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// Grade is the headline verdict on an implementation, from a fixed scale
// (best first). It is the worst grade of its cases, and "wrong" when the
// diagnosis finds a different function (a probe of the catalogue or a
// failing batch property: Finding.Cause == DifferentFunction).
//
// Each case is graded by the first rule that applies (caseGrade); the
// report prints the same rules (gradeScale) and a test checks each from
// both sides. Input classes (classifyInput): ordinary (finite, every |x_j|
// and |h_j| at most rangeLimit = √max), extreme (finite, some magnitude
// above it), special (some NaN or ±Inf logit), invalid (the reference
// rejects the case: docs/design.md §7). A "semantic failure" is an error
// on a case the reference accepts, NaN/±Inf where the reference's output
// is finite, special values other than the reference's, or accepting a
// case the reference rejects.
//
//  1. a semantic failure on ordinary input: Wrong;
//  2. a semantic failure on extreme input: Unstable (an overflow);
//  3. a floored scaled error (floorScaled) above acceptableScaled:
//     Unstable (on special or invalid input, the capped values of the
//     NaN/±Inf outputs already counted by rule 4 are not errors);
//  4. a semantic failure on special or invalid input: Acceptable;
//  5. outside the standard by the one judge (impls.Standard.Judge, no
//     floor): Acceptable;
//  6. some scored output not 0 ulps from the reference's: Accurate;
//  7. otherwise CorrectlyRounded.
//
// The floor of the scaled errors enters rule 3 only: a result below the
// smallest normal scale is never a catastrophe (never unstable), but
// "accurate" is the judge's verdict, unfloored, as everywhere else.
type Grade int

const (
	// CorrectlyRounded: every scored output equals the reference's
	// correctly rounded value (0 ulps), and the special values and the
	// rejections agree.
	CorrectlyRounded Grade = iota
	// Accurate: within the suite's standard (impls.Standard, fused's
	// declared bounds, docs/design.md §6) on every case by the one judge
	// impls.Standard.Judge, special values included.
	Accurate
	// Acceptable: every floored scaled error within acceptableScaled, the
	// level a textbook evaluation of the shifted formula reaches; semantic
	// failures only on special or invalid input.
	Acceptable
	// Unstable: some floored scaled error beyond acceptableScaled
	// (unbounded in a regime), or a semantic failure on extreme finite
	// input (beyond rangeLimit): an overflow.
	Unstable
	// Wrong: a semantic failure on ordinary finite input (magnitudes
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

// The acceptable bound is derived, not calibrated: it is the first-order
// error bound of a textbook evaluation of the max-shifted formula of
// docs/design.md §3 (Higham, Accuracy and Stability of Numerical
// Algorithms, 2nd ed., §2.2 standard model, Lemma 3.1 and §3.4 for
// γ_n = n·u/(1 − n·u), §4.2 for recursive summation) in the units of the
// scaled errors (docs/design.md §5). The model: every +, −, ×, / rounds
// with relative error ≤ u; exp and log1p are within 1 ulp (relative
// error ≤ 2u); sums of n terms in index order err by at most
// γ_{n−1}·Σ|terms|; no compensated sum, no exact difference. With
// a_j = m − x_j ≥ 0, s = Σ_{j≠k} e^{−a_j}, p_j = e^{−a_j}/(1 + s):
//
//   - â_j = a_j(1 + δ), |δ| ≤ u; exp(−â_j) then carries a relative error
//     ≤ (2 + a_j)u (its own ulp and the argument's a_j·u);
//   - ŝ (C − 1 terms): relative error ≤ γ_{C−2} + (2 + A)u, A = max a_j
//     over the tail terms that do not underflow; since
//     s/(1 + s) ≤ log1p(s), log1p(ŝ) errs by at most
//     (γ_{C−2} + (4 + A)u)·log1p(s);
//   - loss L = Σ_j h_j a_j + S·log1p(s): terms h_j·â_j within 2u, S
//     within γ_{C−1}Σ|h_j|, the product u, the final sum of C + 1 terms
//     γ_C·Σ|terms| ≤ γ_C·D: in all ≤ (3C + 2 + A)·u·D, D the loss's
//     condition;
//   - gradient g_j = p_j(S − h_j) − h_j q_j (q_k = s/(1 + s) for the top
//     class, 1 − p_j ≥ 1/2 otherwise; S − h_j summed over the C − 1 other
//     terms): p̂_j within (C + 4 + a_j + A)u, S − h_j within γ_{C−2}
//     (h ≥ 0), q̂_j within (C + 4 + a_j + A)u, two products and the
//     difference: in all ≤ (2C + 5 + a_j + A)·u·G_j, G_j the component's
//     condition.
//
// With a_j, A ≤ min(spread, Λ), Λ = −ln η the gap beyond which e^{−a}
// underflows (η the smallest subnormal: Λ = 744.4 in float64, 103.3 in
// float32; a larger gap leaves nothing to round), both are within
// n = 3C + 5 + 2·min(spread, Λ) units, and the bound is γ_n/u =
// n/(1 − n·u), which absorbs the second-order terms (Lemma 3.3). Signed
// h leave the bound unchanged but the textbook evaluation's S − h_j then
// errs relative to Σ|h_i| instead of |S − h_j|: cancelling sums are the
// instability "s-cancels", which compensated sums remove.
const (
	acceptBase     = 5 // the ulps of exp, log1p, the products and the division
	acceptPerClass = 3 // γ_C of the final sum, γ_{C−1} of S, γ_{C−2} of s
	acceptPerGap   = 2 // a_j·u from rounding m − x_j, twice (own term and the tail A)
)

// underflowGap is Λ = −ln η, η the smallest positive subnormal of dt:
// beyond this logit gap e^{−a} underflows to 0.
func underflowGap(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return 149 * math.Ln2
	}
	return 1074 * math.Ln2
}

// acceptableScaled is the acceptable bound for C classes at logit spread
// spread in dtype dt: γ_n/u with n = 3C + 5 + 2·min(spread, Λ) (see above).
func acceptableScaled(C int, spread float64, dt cases.DType) float64 {
	n := acceptBase + acceptPerClass*float64(C) + acceptPerGap*math.Min(spread, underflowGap(dt))
	nu := n * unitRoundoff(dt)
	if nu >= 1 {
		return math.Inf(1)
	}
	return n / (1 - nu)
}

// acceptableBounds are the acceptable bound as impls.Bounds, for the
// probes' comparisons through impls.Within: only the scaled clauses bind
// (the grade's acceptable bound has no ulp clause).
func acceptableBounds(C int, spread float64, dt cases.DType) impls.Bounds {
	a := acceptableScaled(C, spread, dt)
	return impls.Bounds{LossULP: math.Inf(1), LossScaled: a, GradScaled: a}
}

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
// is not a catastrophe). It decides only between unstable and acceptable
// (rule 3 of Grade); the accurate grade is the judge's, unfloored.
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

// caseGrade grades one case from its score by the rules of Grade.
func caseGrade(s *CaseScore) Grade {
	gr := &s.Graded
	semantic := s.NonFinite || s.Mismatch || (s.Err != "" && s.Class != RefRejected)
	switch {
	case semantic && gr.Input == InputOrdinary:
		return Wrong // rule 1
	case semantic && gr.Input == InputExtreme:
		return Unstable // rule 2
	}
	bound := acceptableScaled(s.C, s.Spread, s.DType)
	// exceeds: a scored output beyond the bound; on special or invalid
	// input the capped values (NaN/±Inf outputs or an error, counted by
	// rule 4) do not count.
	exceeds := func(v float64) bool {
		return v > bound && !(semantic && v >= math.MaxFloat64)
	}
	switch {
	case (s.LossScored && exceeds(gr.Loss)) || (s.GradScored && exceeds(gr.Grad)):
		return Unstable // rule 3
	case semantic:
		return Acceptable // rule 4
	case !gr.WithinStandard:
		return Acceptable // rule 5
	case (s.LossScored && s.LossULP > 0) || (s.GradScored && s.GradULP > 0) || s.Class == RefNonFinite && (s.LossULP > 0 || s.GradULP > 0):
		return Accurate // rule 6
	}
	return CorrectlyRounded // rule 7
}

// Input classifies a case's input for the grade.
type Input string

const (
	InputOrdinary Input = "ordinary" // finite, magnitudes ≤ rangeLimit
	InputExtreme  Input = "extreme"  // finite, some magnitude > rangeLimit
	InputSpecial  Input = "special"  // some NaN or ±Inf
	InputInvalid  Input = "invalid"  // the reference rejects the case
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
	// WithinStandard is the one judge's verdict on the case:
	// impls.Standard.Judge(...).OK, bounds and special values, unfloored.
	WithinStandard bool
}

// grade computes the Graded of got against the reference's want on c: the
// one judge (impls.Standard.Judge) says whether it is within the standard,
// and the scaled errors of impls.Measure are floored per output (per
// gradient component: ulp.GradScaledEach) for the unstable/acceptable
// distinction.
func grade(c *cases.Case, want, got *cases.Result) Graded {
	gr := Graded{Input: classifyInput(c)}
	v := impls.Standard.Judge(c, got, want)
	gr.WithinStandard = v.OK
	if v.Class == impls.RefRejected {
		gr.Input = InputInvalid
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
	"h-tree":        "rows of class-tree infogain matrices (package hmat), C 10..1000",
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
		// different: the diagnosis found a different function, by a probe
		// (which names the family that shows it) or by a failing batch
		// property (which names none).
		different, diffFamily := false, ""
		for _, f := range g.Findings {
			if f.Cause == DifferentFunction && !different {
				different, diffFamily = true, f.Family
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
			if diffFamily != "" && s.Family != diffFamily {
				continue
			}
			key := caseKey{cg, s.Graded.Input == InputOrdinary, severity(s)}
			if worst == nil || key.beats(worstKey) {
				worst, worstKey = s, key
			}
		}
		if different {
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
		if worst != nil && (worst.Mismatch || worst.NonFinite || worst.Err != "") {
			return "special values or rejections differ from docs/design.md §7 on special or invalid input"
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
