package impls

import (
	"fmt"
	"math"

	"github.com/infogain-dev/infogain/cases"
)

// Verdict is the judge's answer on one case: the measurement, whether it
// is within the contract, and every violated clause.
type Verdict struct {
	Measurement
	OK bool
	// Violations names each violated clause with the measured value, the
	// bound, and got and want in %v and %x; empty when OK.
	Violations []string
}

// Judge applies the contract to got against the reference's result want
// on case c. It is the only place the rule "within the declared bounds" is
// written; the battery, the fuzz targets, the reports, the gate and
// infogain check all ask it.
//
// The rule, in the units of docs/design.md §5:
//
//   - the loss's scaled error within LossScaled, and when every h_j ≥ 0
//     also within LossULP ulps of the output type (a loss that may cancel
//     has no ulp bound; +Inf voids the ulp clause); only when the
//     reference's loss is finite;
//   - every gradient component's scaled error within GradScaled, when every
//     reference component is finite;
//   - with SpecialValues: no NaN or ±Inf where the reference's output is
//     finite, the reference's special values where its output is not, and
//     a rejection exactly where the reference rejects;
//   - a valid case the reference accepts is never rejected (an error is a
//     violation whatever the contract).
//
// A result for a dtype the implementation does not support is the
// caller's to skip (Impl.Supports); Judge does not see the Impl.
func (k Contract) Judge(c *cases.Case, got, want *cases.Result) Verdict {
	m := Measure(c, got, want)
	v := Verdict{Measurement: m}
	fail := func(format string, args ...any) { v.Violations = append(v.Violations, fmt.Sprintf(format, args...)) }
	switch {
	case m.Class == RefRejected:
		if k.SpecialValues && m.Mismatch {
			fail("accepted a case the reference rejects (%s)", want.Err)
		}
	case m.Err != "":
		fail("rejected a case the reference accepts: %s", m.Err)
	default:
		if k.SpecialValues && m.NonFinite {
			fail("non-finite output where the reference's is finite: loss %v, reference %v", got.Loss, want.Loss)
		}
		if k.SpecialValues && m.Mismatch {
			fail("special values differ from the reference's (docs/design.md §7): loss %v, reference %v", got.Loss, want.Loss)
		}
		if m.LossScored {
			ulps := m.HNonNeg && !math.IsInf(k.LossULP, 1)
			if ulps && float64(m.LossULP) > k.LossULP {
				fail("loss %v (%x) against %v (%x): %d ulps > %v", got.Loss, got.Loss, want.Loss, want.Loss, m.LossULP, k.LossULP)
			}
			if m.LossScaled > k.LossScaled {
				fail("loss %v (%x) against %v (%x): scaled error %.3g > %v", got.Loss, got.Loss, want.Loss, want.Loss, m.LossScaled, k.LossScaled)
			}
		}
		if m.GradScored && m.GradAt >= 0 && m.GradScaled > k.GradScaled {
			j := m.GradAt
			fail("grad[%d] %v (%x) against %v (%x): scaled error %.3g > %v",
				j, got.Grad[j], got.Grad[j], want.Grad[j], want.Grad[j], m.GradScaled, k.GradScaled)
		}
	}
	v.OK = len(v.Violations) == 0
	return v
}

// Within judges got against want with bounds b and the special-value
// clause: Contract{Bounds: b, SpecialValues: true}.Judge, for comparisons
// between two computed results (invariances, float32 against float64)
// where b is a derived tolerance rather than a declared contract.
func Within(c *cases.Case, got, want *cases.Result, b Bounds) Verdict {
	return Contract{Bounds: b, SpecialValues: true}.Judge(c, got, want)
}
