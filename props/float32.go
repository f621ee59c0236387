package props

import (
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

func propFloat32(e *env) (gopter.Prop, string) {
	if !e.im.Supports(cases.Float32) || !e.im.Supports(cases.Float64) {
		return nil, "needs both float32 and float64 paths"
	}
	f := e.filter(filter{})
	g := familyCases([]cases.DType{cases.Float32}, f, freeShape, nil)
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		c64 := cloneCase(c)
		c64.DType = cases.Float64
		wide, d := eval(e.im, &c64)
		if d != "" {
			return d
		}
		// The float64 output is within the float64 bounds of the exact
		// value, far below one float32 ulp; rounding it to float32 adds
		// half an ulp: the float32 bounds plus one.
		want := outcome{loss: roundTo(cases.Float32, wide.loss), grad: roundAll(cases.Float32, wide.grad)}
		return judge("float32 against float64 rounded to float32", cases.Float32, c.Logits, c.H, got, want,
			e.bounds(cases.Float32).Plus(impls.Bounds{LossULP: 1, LossScaled: 1, GradScaled: 1}), false)
	}, g), ""
}
