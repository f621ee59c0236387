package props

import (
	"fmt"
	"math"
	"math/big"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// outcome is an implementation's answer on one case, widened to float64.
type outcome struct {
	loss float64
	grad []float64
}

// eval runs im on c, turning a panic or an error into a diagnostic.
func eval(im *impls.Impl, c *cases.Case) (out outcome, diag string) {
	defer func() {
		if r := recover(); r != nil {
			diag = fmt.Sprintf("%s panicked on %s: %v", im.Name, caseJSON(c), r)
		}
	}()
	r := im.Case(c)
	if r.Err != "" {
		return outcome{}, fmt.Sprintf("%s rejected a valid case: %s", im.Name, r.Err)
	}
	if len(r.Grad) != c.C() {
		return outcome{}, fmt.Sprintf("%s returned %d gradient components for C = %d", im.Name, len(r.Grad), c.C())
	}
	return outcome{loss: r.Loss, grad: r.Grad}, ""
}

// has reports whether im has a per-sample path for dt.
func has(im *impls.Impl, dt cases.DType) bool {
	if dt == cases.Float32 {
		return im.F32 != nil || im.C32 != nil
	}
	return im.F64 != nil || im.C64 != nil
}

func unit(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return ulp.U32
	}
	return ulp.U64
}

// tolerance is what a comparison allows: the loss in ulps of the output
// type when every h_j ≥ 0, else scaled (docs/design.md §5); the gradient scaled
// componentwise.
type tolerance struct {
	lossULP, lossScaled, gradScaled float64
}

// plus returns the tolerance of a comparison between an output within b and
// a value within extra of the same exact result (the triangle inequality
// holds for both the ulp distance and the scaled errors).
func (b Bounds) plus(extra tolerance) tolerance {
	return tolerance{b.LossULP + extra.lossULP, b.LossScaled + extra.lossScaled, b.GradScaled + extra.gradScaled}
}

// twice is the tolerance between two outputs of one implementation whose
// exact values are equal.
func (b Bounds) twice() tolerance {
	return tolerance{2 * b.LossULP, 2 * b.LossScaled, 2 * b.GradScaled}
}

func nonNegative(h []float64) bool {
	for _, v := range h {
		if v < 0 {
			return false
		}
	}
	return true
}

// judge compares got with want on the case (x, h) in dt and returns "" or a
// diagnostic naming the worst violation, with values printed in %v and %x.
func judge(what string, dt cases.DType, x, h []float64, got, want outcome, tol tolerance, skipGrad bool) string {
	u := unit(dt)
	if nonNegative(h) {
		d := ulp.Dist(got.loss, want.loss, dt == cases.Float32)
		if float64(d) > tol.lossULP {
			return fmt.Sprintf("%s: loss %v (%x) against %v (%x): %d ulps > %v",
				what, got.loss, got.loss, want.loss, want.loss, d, tol.lossULP)
		}
	} else {
		e := ulp.LossScaled(got.loss, want.loss, x, h, u)
		if e > tol.lossScaled {
			return fmt.Sprintf("%s: loss %v (%x) against %v (%x): scaled error %.3g > %v",
				what, got.loss, got.loss, want.loss, want.loss, e, tol.lossScaled)
		}
	}
	if skipGrad {
		return ""
	}
	each := ulp.GradScaledEach(make([]float64, len(x)), got.grad, want.grad, x, h, u)
	worst, at := 0.0, -1
	for j, e := range each {
		if at < 0 || e > worst {
			worst, at = e, j
		}
	}
	if at >= 0 && worst > tol.gradScaled {
		return fmt.Sprintf("%s: grad[%d] %v (%x) against %v (%x): scaled error %.3g > %v",
			what, at, got.grad[at], got.grad[at], want.grad[at], want.grad[at], worst, tol.gradScaled)
	}
	return ""
}

// exactSum returns Σ v rounded once to float64 (big.Float with enough bits
// to hold any sum of float64 values exactly).
func exactSum(v []float64) float64 {
	acc := new(big.Float).SetPrec(2200)
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			var s float64
			for _, y := range v {
				s += y
			}
			return s
		}
		acc.Add(acc, new(big.Float).SetFloat64(x))
	}
	f, _ := acc.Float64()
	return f
}

// roundTo rounds v to dt (float32 results are compared in float32 ulps).
func roundTo(dt cases.DType, v float64) float64 {
	if dt == cases.Float32 {
		return float64(float32(v))
	}
	return v
}

func roundAll(dt cases.DType, v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = roundTo(dt, x)
	}
	return out
}
