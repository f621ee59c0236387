package reports

import (
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// Class says how a case is checked (impls.Class).
type Class = impls.Class

// The classes of impls.Measure.
const (
	Scored       = impls.Scored
	RefRejected  = impls.RefRejected
	RefNonFinite = impls.RefNonFinite
)

// CaseScore is one implementation's result on one case, checked against
// the reference.
type CaseScore struct {
	Impl   string
	Family string
	DType  cases.DType
	ID     string
	// C is the number of classes; Spread is max − min over the finite
	// logits (0 with fewer than two, MaxFloat64 if the difference overflows).
	C      int
	Spread float64
	Class  Class
	// Uncertified is set when the reference could not certify its outputs.
	Uncertified bool
	// LossScored is set when the reference's loss is finite, GradScored
	// when every component of its gradient is: those outputs are measured
	// in ulps and enter the error statistics.
	LossScored bool
	GradScored bool
	// LossULP is the ulp distance of the loss to the reference's, in the
	// case's dtype; GradULP the largest over the gradient's components
	// (ulp.MaxDist for NaN against non-NaN, or when the implementation
	// errs on a case the reference accepts).
	LossULP uint64
	GradULP uint64
	// GradScaled is the largest componentwise scaled gradient error
	// (docs/design.md §5), capped at MaxFloat64 so that it stays JSON; 0 unless
	// GradScored. LossScaled is the scaled loss error, likewise; 0 unless
	// LossScored.
	GradScaled float64
	LossScaled float64
	// Violation is set when the result breaks the implementation's own
	// declared contract (impls.Contract.Judge).
	Violation bool
	// NonFinite is set when some output is NaN or ±Inf where the
	// reference's is finite.
	NonFinite bool
	// Mismatch is set when the implementation's special values differ from
	// the reference's: it accepts a case the reference rejects (or the
	// reverse, on a case with a non-finite reference output), or gives
	// another value where the reference's output is NaN or ±Inf.
	Mismatch bool
	// Err is the implementation's error on this case, if any.
	Err string
	// Unsupported is set when the implementation does not support the
	// case's dtype (impls.Impl.Supports): nothing else is measured, and the
	// case counts as not supported, never as an error.
	Unsupported bool `json:",omitempty"`
	// Graded holds what the grade needs: floored scaled errors, the input
	// class and the standard's verdict (grade.go).
	Graded Graded
}

// LossBits and GradBits are the bits of error, log2(ulps+1).
func (s *CaseScore) LossBits() float64 { return ulp.Bits(s.LossULP) }
func (s *CaseScore) GradBits() float64 { return ulp.Bits(s.GradULP) }

// spread returns max − min over the finite logits.
func spread(x []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		n++
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	if n < 2 {
		return 0
	}
	d := hi - lo
	if math.IsInf(d, 0) {
		return math.MaxFloat64
	}
	return d
}

// score measures got against the reference's result want on case c
// (impls.Measure) and judges it by im's declared contract.
func score(c *cases.Case, spr float64, want, got *cases.Result, im *impls.Impl) CaseScore {
	v := im.Declared().Judge(c, got, want)
	s := CaseScore{
		Impl:        im.Name,
		Family:      c.Family,
		DType:       c.DType,
		ID:          c.ID,
		C:           c.C(),
		Spread:      spr,
		Class:       v.Class,
		Uncertified: want.Err == "" && want.Certified != "" && want.Certified != "exact" && want.Certified != "rounded",
		LossScored:  v.LossScored,
		GradScored:  v.GradScored,
		LossULP:     v.LossULP,
		GradULP:     v.GradULP,
		GradScaled:  v.GradScaled,
		LossScaled:  v.LossScaled,
		Violation:   !v.OK,
		NonFinite:   v.NonFinite,
		Mismatch:    v.Mismatch,
		Err:         v.Err,
	}
	s.Graded = grade(c, want, got)
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func capFinite(v float64) float64 {
	if math.IsNaN(v) || v > math.MaxFloat64 {
		return math.MaxFloat64
	}
	return v
}
