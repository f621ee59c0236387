package impls

import (
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/ulp"
)

// Class says how a case is checked against the reference.
type Class string

const (
	// Scored: the reference's loss and gradient are all finite; every
	// output is measured.
	Scored Class = "scored"
	// RefRejected: the reference rejects the case as invalid input; the
	// implementation must reject it too.
	RefRejected Class = "ref-rejected"
	// RefNonFinite: some reference output is NaN or ±Inf (docs/design.md
	// §7); the implementation must give the same special values in the same
	// places, and its other outputs are still measured (an overflowing loss
	// leaves a finite gradient to score).
	RefNonFinite Class = "ref-nonfinite"
)

// Measurement is the one measurement of an implementation's result against
// the reference's result on a case (docs/design.md §5). Judge applies a
// contract to it; reports aggregate it.
type Measurement struct {
	Class Class
	// LossScored is set when the reference's loss is finite, GradScored
	// when every component of its gradient is: those outputs are measured
	// and enter the error statistics.
	LossScored bool
	GradScored bool
	// HNonNeg is set when every h_j ≥ 0: the loss is then judged in ulps,
	// otherwise by its scaled error.
	HNonNeg bool
	// LossULP is the ulp distance of the loss to the reference's in the
	// case's dtype (ulp.MaxDist for NaN against a number, or when the
	// implementation rejects a case the reference accepts); GradULP is the
	// largest over the components.
	LossULP uint64
	GradULP uint64
	// LossScaled is the scaled loss error and GradScaled the largest
	// componentwise scaled gradient error, at component GradAt (−1 when
	// the gradient is not scored). Both are capped at MaxFloat64 so that
	// they stay JSON numbers; 0 unless the output is scored.
	LossScaled float64
	GradScaled float64
	GradAt     int
	// NonFinite is set when some output is NaN or ±Inf where the
	// reference's is finite.
	NonFinite bool
	// Mismatch is set when the special values differ from the reference's:
	// the implementation accepts a case the reference rejects (or rejects
	// one whose reference output is not finite), or gives another value
	// where the reference's output is NaN or ±Inf.
	Mismatch bool
	// Err is the implementation's error on this case, if any.
	Err string
}

// Measure measures got against the reference's result want on case c.
// A result whose gradient has the wrong length is measured as an error.
func Measure(c *cases.Case, got, want *cases.Result) Measurement {
	m := Measurement{Err: got.Err, GradAt: -1, HNonNeg: nonNegative(c.H)}
	if want.Err != "" {
		m.Class = RefRejected
		m.Mismatch = got.Err == ""
		return m
	}
	m.LossScored = finite(want.Loss)
	m.GradScored = allFinite(want.Grad)
	m.Class = Scored
	if !m.LossScored || !m.GradScored {
		m.Class = RefNonFinite
	}
	if got.Err == "" && len(got.Grad) != len(want.Grad) {
		m.Err = "wrong gradient length"
	}
	if m.Err != "" {
		m.LossULP, m.GradULP = ulp.MaxDist, ulp.MaxDist
		if m.LossScored {
			m.LossScaled = math.MaxFloat64
		}
		if m.GradScored {
			m.GradScaled, m.GradAt = math.MaxFloat64, 0
		}
		m.Mismatch = m.Class == RefNonFinite
		return m
	}
	dt32 := c.DType == cases.Float32
	u := unitRoundoff(c.DType)
	// check compares one output: its ulp distance always, and its special
	// value where the reference's is not finite.
	check := func(g, w float64) uint64 {
		if finite(w) {
			m.NonFinite = m.NonFinite || !finite(g)
		} else if special(g) != special(w) {
			m.Mismatch = true
		}
		return ulp.Dist(g, w, dt32)
	}
	m.LossULP = check(got.Loss, want.Loss)
	for j := range want.Grad {
		m.GradULP = max(m.GradULP, check(got.Grad[j], want.Grad[j]))
	}
	if m.LossScored {
		m.LossScaled = capFinite(ulp.LossScaled(got.Loss, want.Loss, c.Logits, c.H, u))
	}
	if m.GradScored && len(want.Grad) > 0 {
		worst, at := ulp.GradScaled(got.Grad, want.Grad, c.Logits, c.H, u)
		m.GradScaled, m.GradAt = capFinite(worst), at
	}
	return m
}

// unitRoundoff is u of the dtype: 2^-53 for float64, 2^-24 for float32.
func unitRoundoff(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return ulp.U32
	}
	return ulp.U64
}

func nonNegative(h []float64) bool {
	for _, v := range h {
		if v < 0 {
			return false
		}
	}
	return true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}

// special classifies a value for the non-finite semantics check.
func special(v float64) int {
	switch {
	case math.IsNaN(v):
		return 1
	case math.IsInf(v, 1):
		return 2
	case math.IsInf(v, -1):
		return 3
	}
	return 0
}

func capFinite(v float64) float64 {
	if math.IsNaN(v) || v > math.MaxFloat64 {
		return math.MaxFloat64
	}
	return v
}
