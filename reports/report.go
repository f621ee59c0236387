package reports

import (
	"math"
	"runtime"
	"slices"

	"github.com/infogain-dev/infogain/cases"
)

// AllFamilies is the Family of the summaries that pool every family.
const AllFamilies = "all"

// Report is the outcome of a sweep.
type Report struct {
	Meta  Meta
	Impls []ImplInfo
	// Summaries has one row per implementation × family × dtype, in the
	// order implementation, dtype, family (families in Meta.Families order),
	// followed for each implementation and dtype by a row with Family
	// AllFamilies pooling every family.
	Summaries []Summary
	// Grades is the headline: one row per implementation, in report order
	// (grade.go).
	Grades []ImplGrade
	// Scores holds every case's score, case-major (see cases.csv); it is
	// not part of report.json.
	Scores []CaseScore `json:"-"`
}

// Meta says what was run: everything needed to run it again, and nothing
// that changes between two runs of the same command on the same machine.
type Meta struct {
	Command   string
	Seed      uint64
	Size      Size
	PerFamily int
	GridReps  int
	GoVersion string
	GOARCH    string
	Reference string
	Families  []string
	DTypes    []cases.DType
	Cases     int
}

func newMeta(cfg Config, families []string, dtypes []cases.DType, sz sizing, n int) Meta {
	return Meta{
		Command:   cfg.Command,
		Seed:      cfg.Seed,
		Size:      cfg.Size,
		PerFamily: sz.perFamily,
		GridReps:  sz.gridReps,
		GoVersion: runtime.Version(),
		GOARCH:    runtime.GOARCH,
		Reference: cfg.Reference.Name,
		Families:  families,
		DTypes:    dtypes,
		Cases:     n,
	}
}

// ImplInfo describes one implementation of the report.
type ImplInfo struct {
	Name string
	Doc  string
	// PropertiesChecked is set when the property battery ran (Config.
	// Properties); FailingProperties then lists, sorted, the properties
	// the implementation fails.
	PropertiesChecked bool
	FailingProperties []string
	// Findings are the flaws the diagnosis probes detect (Diagnose); nil
	// for the reference. They travel with the implementation so that a
	// sharded run (the shard that owns the implementation) and a merge
	// grade it alike.
	Findings []Finding `json:",omitempty"`
}

// Quantiles are order statistics of bits of error (nearest rank: the
// median and p99 are values that occur, never interpolated).
type Quantiles struct {
	Worst  float64
	Median float64
	P99    float64
}

// Summary pools the cases of one implementation, family and dtype.
type Summary struct {
	Impl   string
	Family string
	DType  cases.DType
	// Cases counts every case of the group; LossScored those whose
	// reference loss is finite, GradScored those whose reference gradient
	// is: the loss and gradient statistics are taken over them.
	Cases      int
	LossScored int
	GradScored int
	// LossBits and GradBits: bits of error, log2(ulps+1), of the loss and
	// of the gradient's worst component.
	LossBits Quantiles
	GradBits Quantiles
	// The worst ulp distances and the cases where they occur (first in
	// case order on ties).
	LossWorstULP  uint64
	GradWorstULP  uint64
	LossWorstCase string
	GradWorstCase string
	// GradScaledWorst is the largest componentwise scaled gradient error
	// (docs/design.md §5), floored (grade.go) and capped at MaxFloat64;
	// LossScaledWorst the largest scaled loss error, likewise; the cases
	// where they occur (first in case order on ties).
	GradScaledWorst float64
	LossScaledWorst float64
	GradScaledCase  string
	LossScaledCase  string
	// Violations counts the cases whose result breaks the implementation's
	// own declared contract (impls.Contract.Judge).
	Violations int
	// Counts of scored cases: loss (or every gradient component) correctly
	// rounded (0 ulps) and within 1 ulp.
	LossCorrectlyRounded int
	LossWithin1ULP       int
	GradCorrectlyRounded int
	GradWithin1ULP       int
	// NonFinite counts cases with a NaN or ±Inf output where the
	// reference's is finite; Errors the cases the reference accepts and the
	// implementation rejected or panicked on.
	NonFinite int
	Errors    int
	// Cases the reference rejects, cases with a non-finite reference
	// output, and how many cases of either kind the implementation handled
	// differently from the reference (Mismatches: see CaseScore.Mismatch).
	RefRejected  int
	RefNonFinite int
	Mismatches   int
	// Uncertified counts cases whose reference outputs are not certified.
	Uncertified int
	// Unsupported counts the cases of a dtype the implementation does not
	// support; they enter no other count.
	Unsupported int `json:",omitempty"`
}

func (r *Report) summarize(families []string, dtypes []cases.DType) {
	nImpl := len(r.Impls)
	type key struct {
		impl   int
		family string
		dtype  cases.DType
	}
	groups := make(map[key][]*CaseScore)
	for i := range r.Scores {
		s := &r.Scores[i]
		k := key{i % nImpl, s.Family, s.DType}
		groups[k] = append(groups[k], s)
		all := key{i % nImpl, AllFamilies, s.DType}
		groups[all] = append(groups[all], s)
	}
	for k, im := range r.Impls {
		for _, dt := range dtypes {
			for _, fam := range append(slices.Clone(families), AllFamilies) {
				g := groups[key{k, fam, dt}]
				if len(g) == 0 {
					continue
				}
				r.Summaries = append(r.Summaries, summarize(im.Name, fam, dt, g))
			}
		}
	}
}

func summarize(impl, family string, dt cases.DType, g []*CaseScore) Summary {
	s := Summary{Impl: impl, Family: family, DType: dt, Cases: len(g)}
	var lossBits, gradBits []float64
	for _, c := range g {
		if c.Unsupported {
			s.Unsupported++
			continue
		}
		if c.Uncertified {
			s.Uncertified++
		}
		if c.Mismatch {
			s.Mismatches++
		}
		if c.Violation {
			s.Violations++
		}
		switch c.Class {
		case RefRejected:
			s.RefRejected++
			continue
		case RefNonFinite:
			s.RefNonFinite++
		}
		if c.Err != "" {
			s.Errors++
		}
		if c.NonFinite {
			s.NonFinite++
		}
		if c.LossScored {
			s.LossScored++
			if c.LossULP > s.LossWorstULP || s.LossWorstCase == "" {
				s.LossWorstULP, s.LossWorstCase = c.LossULP, c.ID
			}
			if c.LossULP == 0 {
				s.LossCorrectlyRounded++
			}
			if c.LossULP <= 1 {
				s.LossWithin1ULP++
			}
			if c.Graded.Loss > s.LossScaledWorst || s.LossScaledCase == "" {
				s.LossScaledWorst, s.LossScaledCase = c.Graded.Loss, c.ID
			}
			lossBits = append(lossBits, c.LossBits())
		}
		if c.GradScored {
			s.GradScored++
			if c.GradULP > s.GradWorstULP || s.GradWorstCase == "" {
				s.GradWorstULP, s.GradWorstCase = c.GradULP, c.ID
			}
			if c.Graded.Grad > s.GradScaledWorst || s.GradScaledCase == "" {
				s.GradScaledWorst, s.GradScaledCase = c.Graded.Grad, c.ID
			}
			if c.GradULP == 0 {
				s.GradCorrectlyRounded++
			}
			if c.GradULP <= 1 {
				s.GradWithin1ULP++
			}
			gradBits = append(gradBits, c.GradBits())
		}
	}
	s.LossBits = quantiles(lossBits)
	s.GradBits = quantiles(gradBits)
	return s
}

// quantiles sorts v in place and returns its nearest-rank order statistics
// (all zero for an empty v).
func quantiles(v []float64) Quantiles {
	if len(v) == 0 {
		return Quantiles{}
	}
	slices.Sort(v)
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(v)))) - 1
		return v[max(0, min(i, len(v)-1))]
	}
	return Quantiles{Worst: v[len(v)-1], Median: rank(0.5), P99: rank(0.99)}
}
