package props

import (
	"math"

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
		tol := e.bounds(cases.Float32).Plus(impls.Bounds{LossULP: 1, LossScaled: 1, GradScaled: 1})
		const what = "float32 against float64 rounded to float32"
		// A finite float64 output that rounds to ±Inf in float32 lies
		// within half a float32 ulp of the overflow boundary, where the
		// exact value may round to either side: the float32 result may be
		// ±MaxFloat32 or ±Inf there, and neither is a special value the
		// other must match. Both sides take ±MaxFloat32 at such a place,
		// one ulp further off.
		if clampOverflow32(&want, &got, wide) {
			tol = tol.Plus(impls.Bounds{LossULP: 1, LossScaled: 1, GradScaled: 1})
		}
		return judge(what, cases.Float32, c.Logits, c.H, got, want, tol, false)
	}, g), ""
}

// clampOverflow32 replaces by ±MaxFloat32 every ±Inf of want that comes
// from rounding a finite float64 value of wide to float32 (want holds
// wide's values rounded to float32, so an infinity there is wide's own or
// an overflow of the rounding), and got's ±Inf of the same sign at the same
// place. It reports whether it replaced anything.
func clampOverflow32(want, got *outcome, wide outcome) bool {
	clamped := false
	fix := func(w, g *float64, wv float64) {
		if math.IsInf(*w, 0) && !math.IsInf(wv, 0) && !math.IsNaN(wv) {
			*w = math.Copysign(math.MaxFloat32, wv)
			if math.IsInf(*g, 0) && math.Signbit(*g) == math.Signbit(wv) {
				*g = *w
			}
			clamped = true
		}
	}
	fix(&want.loss, &got.loss, wide.loss)
	for j := range want.grad {
		if j < len(got.grad) {
			fix(&want.grad[j], &got.grad[j], wide.grad[j])
		}
	}
	return clamped
}
