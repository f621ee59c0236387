package reports

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// DefaultSeed is the seed of `infogain report` and of a new baseline.
const DefaultSeed = 1

// DefaultBaseline is the committed baseline, relative to the repository root.
const DefaultBaseline = "reports/baseline.json"

// Gate recomputes the gate-size report for cfg (its Size is ignored, and
// its Seed replaced by the baseline's when want is not nil) and compares it
// with want. It returns the verdict (nil when want is nil: nothing to
// compare) and the fresh baseline, which `--update` writes.
//
// Gate errors when the report cannot run, or when want was recorded on
// another GOARCH and anyArch is false (see GateToleranceULP).
func Gate(cfg Config, want *Baseline, anyArch bool) (*Verdict, *Baseline, error) {
	cfg.Size = SizeGate
	if want != nil {
		if want.Size != SizeGate {
			return nil, nil, fmt.Errorf("reports: baseline size is %q, want %q", want.Size, SizeGate)
		}
		if want.GOARCH != runtime.GOARCH && !anyArch {
			return nil, nil, fmt.Errorf("reports: baseline recorded on GOARCH %s, running on %s: "+
				"results may differ by FMA fusion; regenerate the baseline here or compare anyway",
				want.GOARCH, runtime.GOARCH)
		}
		cfg.Seed = want.Seed
	}
	rep, err := Run(cfg)
	if err != nil {
		return nil, nil, err
	}
	got := rep.Baseline()
	if want == nil {
		return nil, got, nil
	}
	v := Compare(want, got)
	v.annotate(cfg, rep)
	return v, got, nil
}

// maxShownCases bounds the cases shown per regressed entry.
const maxShownCases = 3

// maxShownClasses is the largest C whose logits and h a regression prints
// in full; larger cases print with `infogain cases`.
const maxShownClasses = 8

// annotate appends to each regressed entry's line the cases that show the
// regression (the new worst cases; for a grown count, the first case of
// the kind): each with its input, the implementation's outputs now, the
// reference's, and the commands that print and replay it.
func (v *Verdict) annotate(cfg Config, rep *Report) {
	for _, re := range v.regressed {
		e := &re.got
		var ids []string
		add := func(id string) {
			if id != "" && !slices.Contains(ids, id) && len(ids) < maxShownCases {
				ids = append(ids, id)
			}
		}
		s := rep.find(e.Impl, e.Family, e.DType)
		for _, kind := range re.kinds {
			switch kind {
			case kindLossULP:
				add(e.LossWorstCase)
			case kindGradULP:
				add(e.GradWorstCase)
			case kindGradScaled:
				if s != nil {
					add(s.GradScaledCase)
				}
			case kindLossScaled:
				if s != nil {
					add(s.LossScaledCase)
				}
			default:
				add(rep.firstCase(e.Impl, e.Family, e.DType, kind))
			}
		}
		var b strings.Builder
		for _, id := range ids {
			b.WriteString(caseDetail(cfg, rep.Meta.Seed, e, id))
		}
		v.Regressions[re.line] += b.String()
	}
}

// firstCase returns the first case, in case order, of an implementation,
// family and dtype that counts towards a regression of the given kind.
func (r *Report) firstCase(impl, family string, dt cases.DType, kind string) string {
	for i := range r.Scores {
		s := &r.Scores[i]
		if s.Impl != impl || s.Family != family || s.DType != dt {
			continue
		}
		switch {
		case kind == kindNonFinite && s.NonFinite,
			kind == kindErrors && s.Err != "" && s.Class != RefRejected,
			kind == kindMismatches && s.Mismatch,
			kind == kindViolations && s.Violation:
			return s.ID
		}
	}
	return ""
}

// caseDetail prints one case of a regression: its input (in full up to
// maxShownClasses classes), the implementation's outputs now and the
// reference's, and the commands that print and replay it.
func caseDetail(cfg Config, seed uint64, e *Entry, id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n    case %s (%s, seed %d):", id, e.DType, seed)
	c := regenerate(seed, e.Family, e.DType, id)
	var im *impls.Impl
	for _, x := range cfg.Impls {
		if x.Name == e.Impl {
			im = x
		}
	}
	if c != nil && im != nil && cfg.Reference != nil {
		if c.C() <= maxShownClasses {
			fmt.Fprintf(&b, " x = %s, h = %s", fmtVecFull(c.Logits), fmtVecFull(c.H))
		} else {
			fmt.Fprintf(&b, " C = %d (print it with the command below)", c.C())
		}
		got, want := safeCase(im, c), safeCase(cfg.Reference, c)
		fmt.Fprintf(&b, "\n      %s now: %s\n      exact (%s): %s", e.Impl, fmtOutputs(got, c.C()), cfg.Reference.Name, fmtOutputs(want, c.C()))
	}
	fmt.Fprintf(&b, "\n      input:  %s\n      replay: %s", casesCommand(id), replayCommand(id, e.Impl))
	return b.String()
}

// regenerate rebuilds the gate-size case id of a family and dtype from the
// seed (nil if it is not found).
func regenerate(seed uint64, family string, dt cases.DType, id string) *cases.Case {
	var cs []cases.Case
	if family == GridFamily {
		cs = gridCases(seed, dt, gateGridReps)
	} else {
		var err error
		if cs, err = cases.Generate(family, seed, dt, gatePerFamily); err != nil {
			return nil
		}
	}
	for i := range cs {
		if cs[i].ID == id {
			if cs[i].Family == "" {
				cs[i].Family = family
			}
			return &cs[i]
		}
	}
	return nil
}

// fmtVecFull prints a vector in shortest round-trip form.
func fmtVecFull(v []float64) string {
	s := make([]string, len(v))
	for j, e := range v {
		s[j] = strconv.FormatFloat(e, 'g', -1, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// fmtOutputs prints a result: the loss and the gradient (in full up to
// maxShownClasses classes).
func fmtOutputs(r cases.Result, C int) string {
	if r.Err != "" {
		return "error " + strconv.Quote(r.Err)
	}
	if C <= maxShownClasses {
		return fmt.Sprintf("loss %s, gradient %s", strconv.FormatFloat(r.Loss, 'g', -1, 64), fmtVecFull(r.Grad))
	}
	return fmt.Sprintf("loss %s", strconv.FormatFloat(r.Loss, 'g', -1, 64))
}

// Summary returns the one-line summary of a verdict.
func (v *Verdict) Summary(entries int) string {
	if !v.OK() {
		return fmt.Sprintf("gate: FAIL: %d regression(s) over %d entries", len(v.Regressions), entries)
	}
	s := fmt.Sprintf("gate: ok: %d entries, no worst-case growth, no new non-finite output, no newly failing property", entries)
	if v.Improvements > 0 {
		s += fmt.Sprintf(" (%d improved: tighten with --update)", v.Improvements)
	}
	if v.New > 0 {
		s += fmt.Sprintf(" (%d new entries not in the baseline: add with --update)", v.New)
	}
	return s
}
