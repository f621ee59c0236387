package fuzz

import (
	"fmt"
	"math"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Each check returns "" when the result passes and a diagnostic otherwise,
// as gopter conditions do, so that a target can add the case and the
// replay command before failing.

// undefinedLoss reports whether the loss of x is undefined (docs/design.md §7): a
// NaN or +Inf logit, or every logit −Inf.
func undefinedLoss(x []float64) bool {
	allNegInf := true
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return true
		}
		if !math.IsInf(v, -1) {
			allNegInf = false
		}
	}
	return allNegInf
}

// checkNaNRule checks the part of the non-finite semantics every
// implementation documents, the frameworks' ports included: an undefined
// loss (a NaN or +Inf logit, or all logits −Inf) is NaN.
func checkNaNRule(c *cases.Case, r *cases.Result) string {
	if undefinedLoss(c.Logits) && !math.IsNaN(r.Loss) {
		return fmt.Sprintf("loss = %v (%x), want NaN: a NaN or +Inf logit, or all logits −Inf (docs/design.md §7)", r.Loss, r.Loss)
	}
	return ""
}

// checkSemantics checks the whole non-finite semantics of docs/design.md §7, which
// the reference and fused promise:
//
//	a NaN or +Inf logit, or all logits −Inf: loss and every g_j NaN
//	otherwise a −Inf logit has g_j = −h_j and adds 0 to L when h_j = 0,
//	    +Inf when h_j > 0, −Inf when h_j < 0 (both signs: NaN)
//	otherwise no output is NaN
func checkSemantics(c *cases.Case, r *cases.Result) string {
	x, h := c.Logits, c.H
	if len(r.Grad) != len(x) {
		return fmt.Sprintf("len(grad) = %d, want C = %d", len(r.Grad), len(x))
	}
	if undefinedLoss(x) {
		if d := checkNaNRule(c, r); d != "" {
			return d
		}
		for j, g := range r.Grad {
			if !math.IsNaN(g) {
				return fmt.Sprintf("grad[%d] = %v (%x), want NaN: the loss is undefined (docs/design.md §7)", j, g, g)
			}
		}
		return ""
	}
	var pos, neg bool
	for j, v := range x {
		if !math.IsInf(v, -1) {
			continue
		}
		pos = pos || h[j] > 0
		neg = neg || h[j] < 0
		if r.Grad[j] != -h[j] {
			return fmt.Sprintf("grad[%d] = %v (%x) at a −Inf logit, want −h_j = %v (docs/design.md §7)", j, r.Grad[j], r.Grad[j], -h[j])
		}
	}
	switch {
	case pos && neg:
		if !math.IsNaN(r.Loss) {
			return fmt.Sprintf("loss = %v, want NaN: h_j > 0 and h_i < 0 on −Inf logits (+Inf − Inf)", r.Loss)
		}
	case pos:
		if !math.IsInf(r.Loss, 1) {
			return fmt.Sprintf("loss = %v (%x), want +Inf: h_j > 0 on a −Inf logit (docs/design.md §7)", r.Loss, r.Loss)
		}
	case neg:
		if !math.IsInf(r.Loss, -1) {
			return fmt.Sprintf("loss = %v (%x), want −Inf: h_j < 0 on a −Inf logit (docs/design.md §7)", r.Loss, r.Loss)
		}
	case math.IsNaN(r.Loss):
		return "loss = NaN on a defined case (finite h, a finite top logit, −Inf logits masked by h_j = 0)"
	}
	for j, g := range r.Grad {
		if math.IsNaN(g) {
			return fmt.Sprintf("grad[%d] = NaN on a defined case", j)
		}
	}
	return ""
}

// checkWithin checks got against want (the correctly rounded reference)
// with the suite's one judge, within the contract k.
func checkWithin(k impls.Contract, c *cases.Case, got, want *cases.Result) string {
	return strings.Join(k.Judge(c, got, want).Violations, "; ")
}

// sameResult reports whether a and b are equal bit for bit, every NaN
// alike: the agreement demanded of a batch fast path and its driver.
func sameResult(aLoss float64, aGrad []float64, bLoss float64, bGrad []float64) bool {
	return sameBits([]float64{aLoss}, []float64{bLoss}) && sameBits(aGrad, bGrad)
}

// sameBits reports whether a and b hold the same values bit for bit, every
// NaN alike (neither Decode nor the codec keeps NaN payloads).
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
