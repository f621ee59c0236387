package reports_test

import (
	"fmt"
	"math"
	"slices"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/reports"
)

// The gate's comparison: a worst case that grows fails, naming the
// implementation, the family and the dtype.
func ExampleCompare() {
	entry := func(lossULP uint64, at string) reports.Entry {
		return reports.Entry{Impl: "fused", Family: "dominant", DType: "float64", LossWorstULP: lossULP, LossWorstCase: at}
	}
	want := &reports.Baseline{Entries: []reports.Entry{entry(1, "dominant/0007")}}
	got := &reports.Baseline{Entries: []reports.Entry{entry(4503599627370496, "dominant/0012")}}
	v := reports.Compare(want, got)
	fmt.Println(v.Summary(len(want.Entries)))
	for _, r := range v.Regressions {
		fmt.Println(r)
	}
	// Output:
	// gate: FAIL: 1 regression(s) over 1 entries
	// fused/dominant/float64: loss worst 1 → 4503599627370496 ulps (case dominant/0012)
}

// A user's own implementation in a report, beside the reference: wrap the
// function (here a float64-only textbook formula, so float32 cases are
// "not supported", not errors), run the sweep, read the summaries or write
// the whole report with WriteDir. The props battery joins in through
// Config.Properties = props.Failing(n), as the CLI wires it.
//
// On the dominant family (one logit 50..2000 above the rest) the rounded
// softmax underflows to 0 for the other classes, so log p = −Inf: a loss of
// +Inf where the exact loss is finite, which the judge counts against the
// contract (non-finite) and the metrics as the maximal ulp distance.
func ExampleRun() {
	mine := impls.FromFunc64("mine", "textbook: log of a rounded softmax", func(dst, x, h []float64) float64 {
		m := slices.Max(x)
		var z, S, loss float64
		for _, v := range x {
			z += math.Exp(v - m)
		}
		for j := range x {
			S += h[j]
			loss -= h[j] * math.Log(math.Exp(x[j]-m)/z)
		}
		for j := range x {
			dst[j] = math.Exp(x[j]-m)/z*S - h[j]
		}
		return loss
	}, impls.Standard.Bounds)
	rep, err := reports.Run(reports.Config{
		Impls:     []*impls.Impl{mine},
		Reference: impls.Reference(),
		Size:      reports.SizeGate,
		Seed:      reports.DefaultSeed,
		Families:  []string{"dominant"},
		DTypes:    []cases.DType{cases.Float64},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.Summaries {
		if s.Family == "dominant" {
			fmt.Printf("%s %s %s: %d of %d cases outside the contract, %d non-finite\n",
				s.Impl, s.Family, s.DType, s.Violations, s.Cases, s.NonFinite)
		}
	}
	// Output:
	// mine dominant float64: 35 of 40 cases outside the contract, 15 non-finite
}
