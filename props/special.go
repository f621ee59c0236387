package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// withLabelRow draws finite-or-masked logits from the logits families and
// sets h by row; half of the time the label moves to the first argmax, where
// the loss is the tiny log1p(s).
func (e *env) withLabelRow(sh shape, row func(c *cases.Case, p *gopter.GenParameters) bool) gopter.Gen {
	f := e.filter(filter{limitOnly: true})
	return familyCases(e.dtypes(), f, sh, func(c *cases.Case, p *gopter.GenParameters) bool {
		if p.Rng.Intn(2) == 0 {
			c.Label = argmax(c.Logits)
		}
		if math.IsInf(c.Logits[c.Label], -1) {
			c.Label = argmax(c.Logits)
		}
		return directOK(c) && row(c, p)
	})
}

// directGapLimit bounds the gaps m − x_j of the cases the direct formulas
// judge: below it no sum of gaps they form overflows.
const directGapLimit = 0x1p1010

// directOK reports whether the direct formulas apply to c: finite gaps
// below directGapLimit (−Inf logits aside, which they handle), and none in
// [subnormalGapMin, subnormalGapMax], where exp(x_j − m) is subnormal and
// has lost the relative accuracy that maxDirectLossULP assumes.
func directOK(c *cases.Case) bool {
	m := c.Logits[argmax(c.Logits)]
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return false
	}
	for _, v := range c.Logits {
		if math.IsInf(v, -1) {
			continue
		}
		gap := m - v
		if !(gap <= directGapLimit) || gap >= subnormalGapMin && gap <= subnormalGapMax {
			return false
		}
	}
	return true
}

// exp(−gap) is subnormal for gap in (708.40, 745.13]; the direct formulas
// drop it beyond 746, which is harmless only where even w·exp(−gap), with
// the class weights up to 2^11 of propWeights, is below half the least
// subnormal: gap > 745.13 + 11·log 2 ≈ 752.8.
const (
	subnormalGapMin = 708
	subnormalGapMax = 760
)

func argmax(x []float64) int {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	return k
}

// isOneHot reports whether h = w·e_l for some w > 0, returning w.
func isOneHot(c *cases.Case) (float64, bool) {
	for j, v := range c.H {
		if (j == c.Label) != (v != 0) {
			return 0, false
		}
	}
	w := c.H[c.Label]
	return w, w > 0
}

func propIdentity(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	g := e.withLabelRow(rowShape, func(c *cases.Case, _ *gopter.GenParameters) bool {
		c.H = make([]float64, c.C())
		c.H[c.Label] = 1
		return true
	})
	return prop.ForAll(func(c cases.Case) string {
		if !directOK(&c) {
			return e.vacuous()
		}
		if w, ok := isOneHot(&c); !ok || w != 1 {
			return e.vacuous() // a shrink that left the form
		}
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		loss, grad := crossEntropy(c.Logits, c.Label)
		want := outcome{roundTo(c.DType, loss), roundAll(c.DType, grad)}
		return judge("against −log softmax(x)_l", c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).Plus(directTol(c.DType)), false)
	}, g), ""
}

// directTol is the error of the direct formulas in the output type: their
// float64 bound, or one rounding to float32.
func directTol(dt cases.DType) impls.Bounds {
	if dt == cases.Float32 {
		return impls.Bounds{LossULP: 1, LossScaled: 1, GradScaled: 1}
	}
	return impls.Bounds{LossULP: maxDirectLossULP, LossScaled: maxDirectLossULP, GradScaled: maxDirectGradScaled}
}

// smoothingEps are the ε of the smoothing property: dyadic, so that with C
// a power of two every h_j is exact in float32 and float64.
var smoothingEps = []float64{0.5, 0.25, 0.125, 0.0625, 0.375, 1}

func propSmoothing(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	g := e.withLabelRow(fixedShape, func(c *cases.Case, p *gopter.GenParameters) bool {
		C := 1
		for C*2 <= c.C() {
			C *= 2
		}
		if C < 2 {
			return false
		}
		c.Logits = c.Logits[:C]
		if c.Label >= C {
			c.Label = argmax(c.Logits)
		}
		if math.IsInf(c.Logits[c.Label], -1) {
			return false
		}
		eps := smoothingEps[p.Rng.Intn(len(smoothingEps))]
		c.H = make([]float64, C)
		for j := range c.H {
			c.H[j] = eps / float64(C)
		}
		c.H[c.Label] += 1 - eps
		return true
	})
	return prop.ForAll(func(c cases.Case) string {
		if !directOK(&c) {
			return e.vacuous()
		}
		eps := c.H[(c.Label+1)%c.C()] * float64(c.C())
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		want := outcome{loss: roundTo(c.DType, labelSmoothing(c.Logits, c.Label, eps))}
		return judge(fmt.Sprintf("against label smoothing ε = %v", eps), c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).Plus(directTol(c.DType)), true)
	}, g), ""
}

func propWeights(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	g := e.withLabelRow(rowShape, func(c *cases.Case, p *gopter.GenParameters) bool {
		// w = 2^k·(1 + f), f with 23 bits: a float32, not a power of two.
		w := math.Ldexp(1+float64(p.Rng.Intn(1<<23))/(1<<23), p.Rng.Intn(21)-10)
		c.H = make([]float64, c.C())
		c.H[c.Label] = w
		return true
	})
	return prop.ForAll(func(c cases.Case) string {
		if !directOK(&c) {
			return e.vacuous()
		}
		w, ok := isOneHot(&c)
		if !ok {
			return e.vacuous()
		}
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		loss, grad := crossEntropy(c.Logits, c.Label)
		for j := range grad {
			grad[j] *= w
		}
		want := outcome{roundTo(c.DType, w*loss), roundAll(c.DType, grad)}
		// The product by w adds one rounding to the direct formula.
		return judge(fmt.Sprintf("against w·(−log softmax(x)_l), w = %v", w), c.DType, c.Logits, c.H, got, want,
			e.bounds(c.DType).Plus(directTol(c.DType)).Plus(impls.Bounds{LossULP: 1, LossScaled: 1, GradScaled: 1}), false)
	}, g), ""
}
