package reports

import (
	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/ulp"
)

// gradScaled returns the largest componentwise scaled gradient error of got
// against the reference's want (docs/design.md §5), in units of the case's dtype.
func gradScaled(c *cases.Case, got, want []float64) float64 {
	u := ulp.U64
	if c.DType == cases.Float32 {
		u = ulp.U32
	}
	worst, _ := ulp.GradScaled(got, want, c.Logits, c.H, u)
	return worst
}
