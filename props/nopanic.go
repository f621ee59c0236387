package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/ulp"
)

// panicPool holds the values the no-panic property draws logits and h from.
var panicPool = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 3, -7.25, 37.42994775023705, 1e16, -1e16,
	709.78, -745.13, 88.72, -103.97, math.MaxFloat64, -math.MaxFloat64, 1.6e308, -1.6e308,
	0x1p-1074, 1e-310, 0x1p-149, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 0.1}

// rawCase is a case that may be invalid in any way, in one of the dtypes
// dts the implementation has (or an unknown one).
func rawCase(p *gopter.GenParameters, dts []cases.DType) cases.Case {
	r := p.Rng
	C := r.Intn(6)
	nh := C
	if r.Intn(8) == 0 {
		nh = r.Intn(6)
	}
	pick := func() float64 {
		if r.Intn(4) == 0 {
			return (r.Float64() - 0.5) * math.Ldexp(1, r.Intn(80)-40)
		}
		return panicPool[r.Intn(len(panicPool))]
	}
	c := cases.Case{ID: "no-panic", Family: "no-panic", Label: r.Intn(C+4) - 2}
	if r.Intn(4) == 0 {
		c.DType = []cases.DType{"", "float16"}[r.Intn(2)]
	} else {
		c.DType = dts[r.Intn(len(dts))]
	}
	for j := 0; j < C; j++ {
		c.Logits = append(c.Logits, pick())
	}
	for j := 0; j < nh; j++ {
		c.H = append(c.H, pick())
	}
	return c
}

func propNoPanic(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	g := func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(rawCase(p, e.dtypes()), gopter.NoShrinker)
	}
	return prop.ForAll(func(c cases.Case) (diag string) {
		defer func() {
			if r := recover(); r != nil {
				diag = fmt.Sprintf("panic: %v", r)
			}
		}()
		r := e.im.Case(&c)
		valid := c.Validate() == nil
		if !valid && r.Err == "" {
			return "invalid input accepted: " + validity(&c)
		}
		if valid && e.im.Supports(c.DType) && r.Err != "" {
			return "valid input rejected: " + r.Err
		}
		// The per-sample functions themselves, on any values of a valid
		// shape (Case validates first, so call them directly too).
		if len(c.Logits) > 0 && len(c.H) == len(c.Logits) {
			h := make([]float64, len(c.H))
			for j, v := range c.H {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					h[j] = v
				}
			}
			callDirect(e, c.Logits, h)
		}
		// The batch path, on a one-position batch made of the same values.
		b := rawBatch(&c)
		_, _, err := e.im.Batch(&b)
		switch verr := b.Validate(); {
		case verr != nil && err == nil:
			return "invalid batch accepted: " + verr.Error()
		case verr == nil && err != nil:
			return "valid batch rejected: " + err.Error()
		}
		return ""
	}, gopter.Gen(g)), ""
}

// rawBatch makes a one-position batch of c, H's rows all c.H, options read
// off c too: the label's sign turns the ignore label on, its size picks the
// normalization (4 is no mode), the first logit is the loss weight.
func rawBatch(c *cases.Case) cases.Batch {
	b := cases.Batch{DType: c.DType, Outer: 1, C: len(c.Logits), Inner: 1, Logits: c.Logits, Labels: []int{c.Label}}
	for range c.H {
		b.H = append(b.H, c.H...)
	}
	b.Opts = cases.Options{HasIgnoreLabel: c.Label < 0, IgnoreLabel: c.Label, Normalization: cases.Normalization((c.Label + 2) % 5), LossWeight: 1}
	if len(c.Logits) > 0 {
		b.Opts.LossWeight = c.Logits[0]
	}
	return b
}

func validity(c *cases.Case) string {
	if err := c.Validate(); err != nil {
		return err.Error()
	}
	return "valid"
}

func callDirect(e *env, x, h []float64) {
	if e.im.F64 != nil {
		e.im.F64(make([]float64, len(x)), x, h)
	}
	if e.im.F32 != nil {
		x32, h32 := make([]float32, len(x)), make([]float32, len(h))
		for j := range x {
			x32[j], h32[j] = float32(x[j]), float32(h[j])
			if math.IsInf(float64(h32[j]), 0) {
				h32[j] = 0 // h must be finite; float32(h) may overflow
			}
		}
		e.im.F32(make([]float32, len(x)), x32, h32)
	}
}

// ulpLossScaled is ulp.LossScaled in dt's unit roundoff.
func ulpLossScaled(got, want float64, x, h []float64, dt cases.DType) float64 {
	return ulp.LossScaled(got, want, x, h, unit(dt))
}
