package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/infogain-dev/infogain/cases"
)

// GateToleranceULP is how far a worst-case ulp distance may grow before the
// gate fails. The sweep is deterministic: the same code on the same GOARCH
// gives the same bits, so the tolerance is 0. Go fuses x*y+z into an FMA
// only on some architectures (arm64, ppc64le, s390x, riscv64; never amd64),
// which can move a peer's result by an ulp or more: a baseline is only
// comparable on the GOARCH it records, and the gate refuses another one
// unless asked to compare anyway.
const GateToleranceULP = 0

// Baseline is the committed summary the gate compares a fresh gate-size
// report against: worst cases and failure counts per implementation,
// family and dtype, and the properties each implementation fails.
type Baseline struct {
	// Note says how the file is made and read; it is informational.
	Note             string
	Command          string
	Size             Size
	Seed             uint64
	GOARCH           string
	GateToleranceULP uint64
	Entries          []Entry
	Properties       []ImplProperties
}

// Entry is the baseline of one implementation, family and dtype.
type Entry struct {
	Impl   string
	Family string
	DType  cases.DType
	// LossWorstULP and GradWorstULP are the worst ulp distances over the
	// scored cases; WorstCase fields say where (informational: the gate
	// compares the numbers).
	LossWorstULP  uint64
	LossWorstCase string
	GradWorstULP  uint64
	GradWorstCase string
	// GradScaledWorst is the worst componentwise scaled gradient error,
	// LossScaledWorst the worst scaled loss error.
	GradScaledWorst float64
	LossScaledWorst float64
	// Violations counts the cases that break the implementation's own
	// declared contract (impls.Contract.Judge).
	Violations int
	NonFinite  int
	Errors     int
	Mismatches int
}

// ImplProperties lists the properties one implementation fails.
type ImplProperties struct {
	Impl    string
	Checked bool
	Failing []string
}

const baselineNote = "Written by `infogain gate --update` from the gate-size report; " +
	"the gate fails when a worst-case ulp distance grows by more than GateToleranceULP, " +
	"a count of non-finite outputs, errors or special-value mismatches grows, " +
	"a scaled error or the count of cases outside the declared contract grows, an entry disappears, or a property newly fails."

// Baseline returns the baseline of r: one entry per summary of a single
// family (the pooled AllFamilies rows are implied by them).
func (r *Report) Baseline() *Baseline {
	b := &Baseline{
		Note:             baselineNote,
		Command:          r.Meta.Command,
		Size:             r.Meta.Size,
		Seed:             r.Meta.Seed,
		GOARCH:           r.Meta.GOARCH,
		GateToleranceULP: GateToleranceULP,
	}
	for _, s := range r.Summaries {
		if s.Family == AllFamilies {
			continue
		}
		b.Entries = append(b.Entries, Entry{
			Impl: s.Impl, Family: s.Family, DType: s.DType,
			LossWorstULP: s.LossWorstULP, LossWorstCase: s.LossWorstCase,
			GradWorstULP: s.GradWorstULP, GradWorstCase: s.GradWorstCase,
			GradScaledWorst: s.GradScaledWorst, LossScaledWorst: s.LossScaledWorst,
			Violations: s.Violations,
			NonFinite:  s.NonFinite, Errors: s.Errors, Mismatches: s.Mismatches,
		})
	}
	for _, im := range r.Impls {
		b.Properties = append(b.Properties, ImplProperties{
			Impl: im.Name, Checked: im.PropertiesChecked, Failing: slices.Clone(im.FailingProperties),
		})
	}
	return b
}

// Marshal returns the baseline as indented JSON with a final newline.
func (b *Baseline) Marshal() ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("reports: %v", err)
	}
	return append(out, '\n'), nil
}

// ReadBaseline reads a baseline file; unknown fields are an error, so that a
// typo in a hand edit does not silently drop a check.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &b, nil
}

// WriteBaseline writes b to path.
func WriteBaseline(path string, b *Baseline) error {
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// Verdict is the outcome of comparing a fresh baseline with the committed
// one.
type Verdict struct {
	// Regressions names each regression, one line each ("fused/dominant/
	// float64: loss worst 1 → 4503599627370496 ulps").
	Regressions []string
	// Diff is a go-cmp (-want +got) diff of the regressed entries, keyed
	// "impl/family/dtype", and of the regressed property lists.
	Diff string
	// Improvements counts entries that got better (the baseline could be
	// tightened with --update).
	Improvements int
	// New counts entries of got that the baseline does not have.
	New int
	// regressed holds, per regressed entry, the index of its line in
	// Regressions and the entry now; Gate appends to that line the input,
	// outputs and replay command of the cases that show the regression.
	regressed []regressedEntry
}

type regressedEntry struct {
	line  int
	got   Entry
	kinds []string
}

// OK reports whether the gate passes.
func (v *Verdict) OK() bool { return len(v.Regressions) == 0 }

func (e *Entry) key() string { return e.Impl + "/" + e.Family + "/" + string(e.DType) }

// Compare compares got with the committed baseline want. A regression is,
// per entry: a worst-case ulp distance grown by more than GateToleranceULP,
// a grown scaled gradient error, more non-finite outputs, errors or
// special-value mismatches, or the entry missing from got; per
// implementation: a property failing in got that did not fail in want (or
// was not checked there).
func Compare(want, got *Baseline) *Verdict {
	v := &Verdict{}
	gotBy := map[string]*Entry{}
	for i := range got.Entries {
		gotBy[got.Entries[i].key()] = &got.Entries[i]
	}
	wantBy := map[string]*Entry{}
	wantDiff, gotDiff := map[string]Entry{}, map[string]Entry{}
	for i := range want.Entries {
		w := &want.Entries[i]
		k := w.key()
		wantBy[k] = w
		g, ok := gotBy[k]
		if !ok {
			v.Regressions = append(v.Regressions, k+": missing from the new report")
			wantDiff[k] = *w
			continue
		}
		reasons, kinds := regressions(w, g)
		if len(reasons) > 0 {
			v.regressed = append(v.regressed, regressedEntry{line: len(v.Regressions), got: *g, kinds: kinds})
			v.Regressions = append(v.Regressions, k+": "+strings.Join(reasons, "; "))
			wantDiff[k], gotDiff[k] = *w, *g
		} else if *w != *g {
			v.Improvements++
		}
	}
	for i := range got.Entries {
		if _, ok := wantBy[got.Entries[i].key()]; !ok {
			v.New++
		}
	}
	wantProps, gotProps := map[string][]string{}, map[string][]string{}
	wantFailing := map[string][]string{}
	for _, p := range want.Properties {
		if p.Checked {
			wantFailing[p.Impl] = p.Failing
		}
	}
	for _, p := range got.Properties {
		old, checked := wantFailing[p.Impl]
		var fresh []string
		for _, name := range p.Failing {
			if !slices.Contains(old, name) {
				fresh = append(fresh, name)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if !checked {
			old = nil
		}
		v.Regressions = append(v.Regressions, fmt.Sprintf("%s: newly failing properties: %s", p.Impl, strings.Join(fresh, ", ")))
		wantProps[p.Impl], gotProps[p.Impl] = old, p.Failing
	}
	if len(v.Regressions) > 0 {
		type view struct {
			Entries           map[string]Entry
			FailingProperties map[string][]string
		}
		v.Diff = cmp.Diff(view{wantDiff, wantProps}, view{gotDiff, gotProps})
	}
	return v
}

// The kinds of regression of an entry, as regressions names them.
const (
	kindLossULP    = "loss-ulp"
	kindGradULP    = "grad-ulp"
	kindGradScaled = "grad-scaled"
	kindLossScaled = "loss-scaled"
	kindViolations = "violations"
	kindNonFinite  = "non-finite"
	kindErrors     = "errors"
	kindMismatches = "mismatches"
)

// regressions lists how g is worse than w, before → after, and the kind
// of each regression.
func regressions(w, g *Entry) (reasons, kinds []string) {
	add := func(kind, format string, args ...any) {
		reasons = append(reasons, fmt.Sprintf(format, args...))
		kinds = append(kinds, kind)
	}
	if g.LossWorstULP > w.LossWorstULP && g.LossWorstULP-w.LossWorstULP > GateToleranceULP {
		add(kindLossULP, "loss worst %d → %d ulps (case %s)", w.LossWorstULP, g.LossWorstULP, g.LossWorstCase)
	}
	if g.GradWorstULP > w.GradWorstULP && g.GradWorstULP-w.GradWorstULP > GateToleranceULP {
		add(kindGradULP, "gradient worst %d → %d ulps (case %s)", w.GradWorstULP, g.GradWorstULP, g.GradWorstCase)
	}
	if g.GradScaledWorst > w.GradScaledWorst {
		add(kindGradScaled, "scaled gradient error %g → %g", w.GradScaledWorst, g.GradScaledWorst)
	}
	if g.LossScaledWorst > w.LossScaledWorst {
		add(kindLossScaled, "scaled loss error %g → %g", w.LossScaledWorst, g.LossScaledWorst)
	}
	if g.Violations > w.Violations {
		add(kindViolations, "cases outside the declared contract %d → %d", w.Violations, g.Violations)
	}
	if g.NonFinite > w.NonFinite {
		add(kindNonFinite, "non-finite outputs %d → %d", w.NonFinite, g.NonFinite)
	}
	if g.Errors > w.Errors {
		add(kindErrors, "errors %d → %d", w.Errors, g.Errors)
	}
	if g.Mismatches > w.Mismatches {
		add(kindMismatches, "special-value mismatches %d → %d", w.Mismatches, g.Mismatches)
	}
	return reasons, kinds
}
