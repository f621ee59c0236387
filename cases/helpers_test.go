package cases

import (
	"fmt"
	"math"
)

// sameBits reports whether a and b are the same float64 bits, any NaN
// matching any NaN (the format keeps NaN, not its payload).
func sameBits(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// diffCases returns "" if a and b are the same case bit for bit, else the
// first difference, values printed with %v and %x.
func diffCases(a, b *Case) string {
	switch {
	case a.ID != b.ID:
		return fmt.Sprintf("id %q != %q", a.ID, b.ID)
	case a.Family != b.Family:
		return fmt.Sprintf("family %q != %q", a.Family, b.Family)
	case a.DType != b.DType:
		return fmt.Sprintf("dtype %q != %q", a.DType, b.DType)
	case a.Label != b.Label:
		return fmt.Sprintf("label %d != %d", a.Label, b.Label)
	case len(a.Logits) != len(b.Logits) || len(a.H) != len(b.H):
		return fmt.Sprintf("lengths (%d, %d) != (%d, %d)", len(a.Logits), len(a.H), len(b.Logits), len(b.H))
	}
	for j := range a.Logits {
		if !sameBits(a.Logits[j], b.Logits[j]) {
			return fmt.Sprintf("logits[%d] = %v (%x) != %v (%x)", j, a.Logits[j], a.Logits[j], b.Logits[j], b.Logits[j])
		}
	}
	for j := range a.H {
		if !sameBits(a.H[j], b.H[j]) {
			return fmt.Sprintf("h[%d] = %v (%x) != %v (%x)", j, a.H[j], a.H[j], b.H[j], b.H[j])
		}
	}
	return ""
}

// DiffCases is diffCases for the external tests (golden_test.go).
var DiffCases = diffCases
