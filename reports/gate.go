package reports

import (
	"fmt"
	"runtime"
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
	return Compare(want, got), got, nil
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
