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

func unit(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return ulp.U32
	}
	return ulp.U64
}

// judge compares got with want on the case (x, h) in dt within tol and
// returns "" or a diagnostic naming the worst violation. The rule is
// impls.Within, the suite's one judge; skipGrad leaves the gradient out
// (a comparison that only constrains the loss).
func judge(what string, dt cases.DType, x, h []float64, got, want outcome, tol impls.Bounds, skipGrad bool) string {
	if skipGrad {
		got.grad, want.grad = nil, nil
	}
	c := &cases.Case{DType: dt, Logits: x, H: h}
	v := impls.Within(c, &cases.Result{Loss: got.loss, Grad: got.grad}, &cases.Result{Loss: want.loss, Grad: want.grad}, tol)
	if v.OK {
		return ""
	}
	return what + ": " + v.Violations[0]
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
