package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// gridBits is how many significant bits the shift property keeps below the
// largest logit: the rest of the significand is room for exact shifts.
const (
	gridBits64 = 30
	gridBits32 = 12
)

// onGrid rounds the finite logits of c to multiples of q = 2^(E−gridBits),
// 2^E > max|x_j|, so that x_j + t is exact for every shift t that is a
// multiple of q with |x_j + t| < 2^53·q (2^24·q in float32): shifts up to
// about 2^(E+22) (float32: 2^(E+11)). It rejects a case whose rounding
// overflows.
func onGrid(c *cases.Case) bool {
	E, ok := topExponent(c.Logits)
	if !ok {
		return true
	}
	bits := gridBits64
	if c.DType == cases.Float32 {
		bits = gridBits32
	}
	for j, v := range c.Logits {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		c.Logits[j] = math.Ldexp(math.RoundToEven(math.Ldexp(v, bits-E)), E-bits)
		if math.IsInf(c.Logits[j], 0) {
			return false
		}
	}
	return c.Validate() == nil
}

// topExponent returns E with 2^(E−1) ≤ max|x_j| < 2^E over the finite,
// non-zero logits.
func topExponent(x []float64) (int, bool) {
	big := 0.0
	for _, v := range x {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			big = math.Max(big, math.Abs(v))
		}
	}
	if big == 0 {
		return 0, false
	}
	_, E := math.Frexp(big)
	return E, true
}

// shifts returns the exact shifts the shift property tries on c: −m (the
// max to zero) and ±2^(E+k) far above the logits, each kept only if every
// shifted logit is exact in c's dtype.
func shifts(c *cases.Case) []float64 {
	E, ok := topExponent(c.Logits)
	if !ok {
		E = 0
	}
	up := 20
	if c.DType == cases.Float32 {
		up = 10
	}
	var out []float64
	m := math.Inf(-1)
	for _, v := range c.Logits {
		if !math.IsNaN(v) && !math.IsInf(v, 1) {
			m = math.Max(m, v)
		}
	}
	cands := []float64{math.Ldexp(1, E+up), math.Ldexp(-1, E+up)}
	if !math.IsInf(m, 0) && m != 0 {
		cands = append([]float64{-m}, cands...)
	}
	for _, t := range cands {
		if math.IsInf(t, 0) || t == 0 {
			continue
		}
		if _, ok := shifted(c, t); ok {
			out = append(out, t)
		}
	}
	return out
}

// shifted returns c with t added to every logit and whether every sum is
// exact and finite in c's dtype.
func shifted(c *cases.Case, t float64) (cases.Case, bool) {
	d := cloneCase(*c)
	for j, v := range c.Logits {
		s := v + t
		if math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		if hi, lo := twoSum(v, t); lo != 0 || math.IsInf(hi, 0) {
			return d, false
		}
		if c.DType == cases.Float32 && !cases.IsFloat32(s) {
			return d, false
		}
		d.Logits[j] = s
	}
	return d, d.Validate() == nil
}

func propShift(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{})
	g := familyCases(e.dtypes(), f, freeShape, func(c *cases.Case, _ *gopter.GenParameters) bool { return onGrid(c) })
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		ts := shifts(&c)
		if len(ts) == 0 {
			return e.vacuous()
		}
		for _, t := range ts {
			s, _ := shifted(&c, t)
			moved, d := eval(e.im, &s)
			if d != "" {
				return d
			}
			if d := judge(fmt.Sprintf("shift t = %v", t), c.DType, c.Logits, c.H, moved, got, e.bounds(c.DType).Twice(), false); d != "" {
				return d
			}
		}
		return ""
	}, g), ""
}

// linearScales are the exact factors of the linearity property.
var linearScales = []float64{4, 0x1p-3}

func propLinearity(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{finite: true, families: hFamilies})
	g := familyCases(e.dtypes(), f, freeShape, nil)
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		b := e.bounds(c.DType)
		for _, a := range linearScales {
			s := cloneCase(c)
			for j := range s.H {
				s.H[j] *= a
			}
			if s.Validate() != nil || !exactlyScaled(c.H, s.H, a) {
				continue
			}
			r, d := eval(e.im, &s)
			if d != "" {
				return d
			}
			// Compare on the side of the larger h, scaling the other result
			// up by a power of two: exact, or an overflow that the exact
			// value shares (up to the bounds).
			small, large, hs, f := got, r, s.H, a
			if a < 1 {
				small, large, hs, f = r, got, c.H, 1/a
			}
			want := outcome{loss: roundTo(c.DType, f*small.loss), grad: make([]float64, len(small.grad))}
			for j, v := range small.grad {
				want.grad[j] = roundTo(c.DType, f*v)
			}
			// A subnormal output of the smaller side carries an absolute
			// error up to its bound times η (the least subnormal), which
			// the factor f magnifies: the floor term of the comparison
			// then grows from 2b·η to (1 + f)·b·η.
			tol := b.Twice()
			if anySubnormal(c.DType, small.loss) {
				tol.LossULP = (1 + f) * b.LossULP
			}
			if anySubnormal(c.DType, small.grad...) {
				tol.GradScaled = (1 + f) * b.GradScaled
			}
			if d := judge(fmt.Sprintf("h scaled by %v", a), c.DType, c.Logits, hs, large, want, tol, false); d != "" {
				return d
			}
		}
		// Split h = h1 + h2 exactly: h1 keeps 8 significant bits of each h_j.
		h1, h2 := cloneCase(c), cloneCase(c)
		for j, v := range c.H {
			h1.H[j] = math.Trunc(math.Ldexp(v, 8-exponent(v))) * math.Ldexp(1, exponent(v)-8)
			if v == 0 {
				h1.H[j] = 0
			}
			h2.H[j] = v - h1.H[j]
		}
		r1, d := eval(e.im, &h1)
		if d != "" {
			return d
		}
		r2, d := eval(e.im, &h2)
		if d != "" {
			return d
		}
		sum := outcome{loss: roundTo(c.DType, r1.loss+r2.loss), grad: make([]float64, c.C())}
		for j := range sum.grad {
			sum.grad[j] = roundTo(c.DType, r1.grad[j]+r2.grad[j])
		}
		// Each of the three outputs is within b of its exact value and
		// the parts' scales do not exceed the whole's by much (h1 ≈ h,
		// h2 small); the sums add one rounding. Compared in the scaled
		// metric, whatever the signs.
		tol := impls.Bounds{LossULP: math.Inf(1), LossScaled: 3*math.Max(b.LossScaled, 2*b.LossULP) + 2, GradScaled: 3*b.GradScaled + 2}
		return judgeScaled("h split in two exact parts", c.DType, c.Logits, c.H, got, sum, tol)
	}, g), ""
}

// anySubnormal reports whether some v is a non-zero value below the
// smallest normal number of dt.
func anySubnormal(dt cases.DType, v ...float64) bool {
	tiny := 0x1p-1022
	if dt == cases.Float32 {
		tiny = 0x1p-126
	}
	for _, x := range v {
		if x != 0 && math.Abs(x) < tiny {
			return true
		}
	}
	return false
}

func exponent(v float64) int {
	_, e := math.Frexp(v)
	return e
}

func exactlyScaled(h, s []float64, a float64) bool {
	for j := range h {
		if s[j]/a != h[j] {
			return false
		}
	}
	return true
}

// judgeScaled is judge with the loss in the scaled metric whatever the
// signs of h: an infinite LossULP voids the ulp clause (impls.Bounds).
func judgeScaled(what string, dt cases.DType, x, h []float64, got, want outcome, tol impls.Bounds) string {
	tol.LossULP = math.Inf(1)
	return judge(what, dt, x, h, got, want, tol, false)
}

func propGradSum(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{limitOnly: true})
	g := familyCases(e.dtypes(), f, freeShape, nil)
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		// Σ_j g_j = S − S = 0 exactly, and each g_j may be off by
		// GradScaled·u·G_j plus the floor η, so |Σ g_j| ≤ that sum. Where
		// a scale G_j ≥ |g_j| overflows, a component may rightly round to
		// ±Inf and the sum says nothing: such cases pass.
		scales := gradScales(c.Logits, c.H)
		for _, v := range scales {
			if !(v < maxFinite(c.DType)/4) {
				return e.vacuous()
			}
		}
		for j, v := range got.grad {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("grad[%d] = %v where every |g_j| ≤ p_j|S−h_j| + |h_j|q_j is finite", j, v)
			}
		}
		sum := exactSum(got.grad)
		scale := neumaier(scales)
		b := e.bounds(c.DType)
		u := unit(c.DType)
		eta := 0x1p-1074
		if c.DType == cases.Float32 {
			eta = 0x1p-149
		}
		// The scales are computed in float64 to a few ulps: 1% room.
		allowed := 1.01*b.GradScaled*u*scale + float64(c.C())*eta
		if math.Abs(sum) > allowed {
			return fmt.Sprintf("Σ_j g_j = %v (%x), allowed %v = GradScaled·u·Σ_j(p_j|S−h_j| + |h_j|q_j) + C·η; grad %v",
				sum, sum, allowed, short(got.grad))
		}
		return ""
	}, g), ""
}

// maxFinite returns the largest finite value of dt.
func maxFinite(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return math.MaxFloat32
	}
	return math.MaxFloat64
}

// short formats a vector, eliding the middle of long ones.
func short(v []float64) string {
	if len(v) <= 8 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%v … %v (%d values)", v[:4], v[len(v)-2:], len(v))
}

func propPermutation(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{minC: 2})
	g := familyCases(e.dtypes(), f, freeShape, nil)
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		C := c.C()
		perms := map[string]func(j int) int{
			"reversal": func(j int) int { return C - 1 - j },
			"rotation": func(j int) int { return (j + 1) % C },
		}
		for _, name := range []string{"reversal", "rotation"} {
			pi := perms[name]
			pc := cloneCase(c)
			for j := range c.Logits {
				pc.Logits[pi(j)] = c.Logits[j]
				pc.H[pi(j)] = c.H[j]
			}
			pc.Label = pi(c.Label)
			r, d := eval(e.im, &pc)
			if d != "" {
				return d
			}
			back := outcome{loss: r.loss, grad: make([]float64, C)}
			for j := range c.Logits {
				back.grad[j] = r.grad[pi(j)]
			}
			if d := judge("classes permuted by "+name, c.DType, c.Logits, c.H, back, got, e.bounds(c.DType).Twice(), false); d != "" {
				return d
			}
		}
		return ""
	}, g), ""
}
