package reports

import (
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// TestSuiteMatchesRun: the cases Suite lists are the ones Run scores, in
// the same order, with the same ids, families and dtypes.
func TestSuiteMatchesRun(t *testing.T) {
	echo := &impls.Impl{Name: "zero",
		F64: func(dst, x, h []float64) float64 { return 0 },
		F32: func(dst, x, h []float32) float32 { return 0 }}
	cfg := Config{Impls: []*impls.Impl{echo}, Reference: echo, Size: SizeGate, Seed: DefaultSeed,
		Families: []string{"dominant", GridFamily}, DTypes: []cases.DType{cases.Float32, cases.Float64}}
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Suite(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(rep.Scores) || len(cs) == 0 {
		t.Fatalf("Suite has %d cases, Run scored %d", len(cs), len(rep.Scores))
	}
	for i := range cs {
		s := rep.Scores[i]
		if cs[i].ID != s.ID || cs[i].Family != s.Family || cs[i].DType != s.DType || cs[i].C() != s.C {
			t.Fatalf("case %d: Suite %s/%s/%s C=%d, Run %s/%s/%s C=%d", i, cs[i].ID, cs[i].Family, cs[i].DType, cs[i].C(), s.ID, s.Family, s.DType, s.C)
		}
	}
}
