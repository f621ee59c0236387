package reports_test

import (
	"fmt"

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
