package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"gonum.org/v1/gonum/diff/fd"

	"github.com/infogain-dev/infogain/cases"
)

// fdStep and fdRelTol: a central difference with step δ has truncation error
// δ²/6·|∂³L| ≤ δ²·Σ|h_j| and rounding error ε_L/δ, where ε_L, the error of
// one loss evaluation, is below 1e-13·Σ|h_j| for the conditioned cases
// (|x_j − m| ≤ fdSpread, |h_j| ≤ 16, C ≤ fdMaxC) of any implementation
// within 1000 ulps. With δ = 1e-5 both are ≤ 1e-8·Σ|h_j|; fdRelTol leaves
// a factor of 1000 and still sees the gradient error (S − 1)·p_j of
// p − h, or any error above 1e-5 of the gradient's scale.
const (
	fdStep   = 1e-5
	fdRelTol = 1e-5
	fdSpread = 20
	fdMaxC   = 16
)

// conditioned maps c to a well-conditioned case: logits x_j − m scaled into
// [−fdSpread, 0], h scaled by a power of two to |h_j| ≤ 16, and at most
// fdMaxC classes.
func conditioned(c *cases.Case) bool {
	if c.C() > fdMaxC {
		c.Logits, c.H = c.Logits[:fdMaxC], c.H[:fdMaxC]
		if c.Label >= fdMaxC {
			c.Label = 0
		}
	}
	m := c.Logits[argmax(c.Logits)]
	lo := m
	for _, v := range c.Logits {
		lo = math.Min(lo, v)
	}
	r := 1.0
	if m-lo > fdSpread {
		r = fdSpread / (m - lo)
	}
	for j, v := range c.Logits {
		c.Logits[j] = float64(float32((v - m) * r))
	}
	big := 0.0
	for _, v := range c.H {
		big = math.Max(big, math.Abs(v))
	}
	if big > 16 {
		for j := range c.H {
			c.H[j] = math.Ldexp(c.H[j], 4-exponent(big))
		}
	}
	return c.Validate() == nil
}

func propFiniteDiff(e *env) (gopter.Prop, string) {
	if !e.im.Supports(cases.Float64) {
		return nil, "no float64 path"
	}
	f := e.filter(filter{finite: true})
	g := familyCases([]cases.DType{cases.Float64}, f, freeShape, func(c *cases.Case, _ *gopter.GenParameters) bool { return conditioned(c) })
	return prop.ForAll(func(c cases.Case) string {
		if !wellConditioned(&c) {
			return e.vacuous()
		}
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		var panicked string
		loss := func(x []float64) float64 {
			t := c
			t.Logits = x
			r, d := eval(e.im, &t)
			if d != "" {
				panicked = d
				return math.NaN()
			}
			return r.loss
		}
		num := fd.Gradient(nil, loss, c.Logits, &fd.Settings{Formula: fd.Central, Step: fdStep})
		if panicked != "" {
			return panicked
		}
		var sumAbsH float64
		for _, v := range c.H {
			sumAbsH += math.Abs(v)
		}
		allowed := fdRelTol * math.Max(1, sumAbsH)
		for j := range num {
			if !(math.Abs(got.grad[j]-num[j]) <= allowed) {
				return fmt.Sprintf("grad[%d] = %v (%x), central difference %v: |Δ| = %.3g > %.3g = fdRelTol·max(1, Σ|h_j|)",
					j, got.grad[j], got.grad[j], num[j], math.Abs(got.grad[j]-num[j]), allowed)
			}
		}
		return ""
	}, g), ""
}

// wellConditioned is what conditioned establishes; shrinks must keep it.
func wellConditioned(c *cases.Case) bool {
	if c.C() > fdMaxC {
		return false
	}
	m := c.Logits[argmax(c.Logits)]
	for _, v := range c.Logits {
		if math.IsInf(v, 0) || math.IsNaN(v) || m-v > fdSpread*1.01 || math.Abs(v) > 1e3 {
			return false
		}
	}
	for _, v := range c.H {
		if math.Abs(v) > 16 {
			return false
		}
	}
	return true
}
