package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
)

// nonFiniteKinds are the injections of the non-finite property.
var nonFiniteKinds = []string{"nan", "+inf", "all -inf", "masked", "hot -inf"}

// inject puts one kind of non-finite logit into c.
func inject(c *cases.Case, kind string, j int) bool {
	C := c.C()
	switch kind {
	case "nan":
		c.Logits[j] = math.NaN()
	case "+inf":
		c.Logits[j] = math.Inf(1)
	case "all -inf":
		for i := range c.Logits {
			c.Logits[i] = math.Inf(-1)
		}
	case "masked":
		if C < 2 || j == c.Label {
			j = (c.Label + 1) % C
		}
		if j == c.Label {
			return false
		}
		c.Logits[j] = math.Inf(-1)
		c.H[j] = 0
	case "hot -inf":
		if C < 2 {
			return false
		}
		for i, v := range c.H {
			c.H[i] = math.Abs(v)
		}
		if c.H[j] == 0 {
			c.H[j] = 1
		}
		if j == argmax(c.Logits) {
			j = (j + 1) % C
			if c.H[j] == 0 {
				c.H[j] = 1
			}
		}
		c.Logits[j] = math.Inf(-1)
	}
	return c.Validate() == nil
}

func propNonFinite(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{finite: true})
	g := familyCases(e.dtypes(), f, freeShape, func(c *cases.Case, p *gopter.GenParameters) bool {
		return inject(c, nonFiniteKinds[p.Rng.Intn(len(nonFiniteKinds))], p.Rng.Intn(c.C()))
	}).WithShrinker(nonFiniteShrinker(f))
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		return checkNonFinite(e, &c, got)
	}, g), ""
}

// nonFiniteShrinker shrinks like caseShrinker but may not drop a class that
// holds a non-finite logit, nor simplify one.
func nonFiniteShrinker(f filter) gopter.Shrinker {
	f.finite = false
	inner := caseShrinker(freeShape, f)
	return func(v interface{}) gopter.Shrink {
		c := v.(cases.Case)
		kind := classify(&c)
		return inner(v).Filter(func(w interface{}) bool {
			d := w.(cases.Case)
			return classify(&d) == kind
		})
	}
}

// classify names the non-finite situation of c, as docs/design.md §7 orders it.
func classify(c *cases.Case) string {
	finite, minusInf, hot, hotSigned := 0, 0, false, false
	for j, v := range c.Logits {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 1):
			return "nan-or-+inf"
		case math.IsInf(v, -1):
			minusInf++
			if c.H[j] != 0 {
				hot = true
			}
		default:
			finite++
		}
	}
	for _, v := range c.H {
		if v < 0 {
			hotSigned = true
		}
	}
	switch {
	case finite == 0:
		return "all -inf"
	case hot && !hotSigned:
		return "hot -inf"
	case hot:
		return "hot -inf, signed h"
	case minusInf > 0:
		return "masked"
	}
	return "finite"
}

func checkNonFinite(e *env, c *cases.Case, got outcome) string {
	allNaN := func(why string) string {
		if !math.IsNaN(got.loss) {
			return fmt.Sprintf("%s: loss %v, want NaN", why, got.loss)
		}
		for j, v := range got.grad {
			if !math.IsNaN(v) {
				return fmt.Sprintf("%s: grad[%d] = %v, want NaN", why, j, v)
			}
		}
		return ""
	}
	switch kind := classify(c); kind {
	case "nan-or-+inf":
		return allNaN("a NaN or +Inf logit")
	case "all -inf":
		return allNaN("all logits −Inf")
	case "hot -inf":
		if !math.IsInf(got.loss, 1) {
			return fmt.Sprintf("h_j > 0 on a −Inf logit: loss %v, want +Inf", got.loss)
		}
		// |g_j| ≤ G_j = p_j|S − h_j| + |h_j|q_j: where G_j is finite
		// (with room for its own rounding) so must g_j be.
		scales := gradScales(c.Logits, c.H)
		for j, v := range c.Logits {
			if math.IsInf(v, -1) {
				if got.grad[j] != roundTo(c.DType, -c.H[j]) {
					return fmt.Sprintf("−Inf logit %d: grad %v (%x), want −h_j = %v", j, got.grad[j], got.grad[j], -c.H[j])
				}
			} else if scales[j] < maxFinite(c.DType)/4 && (math.IsNaN(got.grad[j]) || math.IsInf(got.grad[j], 0)) {
				return fmt.Sprintf("finite logit %d: grad %v, want finite (|g_j| ≤ %v)", j, got.grad[j], scales[j])
			}
		}
		return ""
	case "masked":
		// The masked classes have p_j = 0 and h_j = 0: the case equals
		// the one without them, and their gradient is exactly 0.
		red := cloneCase(*c)
		red.Logits, red.H = nil, nil
		for j, v := range c.Logits {
			if math.IsInf(v, -1) {
				if got.grad[j] != 0 {
					return fmt.Sprintf("masked logit %d (h_j = 0): grad %v (%x), want 0", j, got.grad[j], got.grad[j])
				}
				if j < c.Label {
					red.Label--
				}
				continue
			}
			red.Logits = append(red.Logits, v)
			red.H = append(red.H, c.H[j])
		}
		want, d := eval(e.im, &red)
		if d != "" {
			return d
		}
		kept := outcome{loss: got.loss}
		for j, v := range c.Logits {
			if !math.IsInf(v, -1) {
				kept.grad = append(kept.grad, got.grad[j])
			}
		}
		return judge("masked case against the case without its masked classes", c.DType, red.Logits, red.H, kept, want, e.bounds(c.DType).Twice(), false)
	}
	// Finite logits, or h of both signs on −Inf logits (NaN by docs/design.md
	// §7, +Inf − Inf; the reference property's special-value clause checks
	// that): nothing to check here.
	return e.vacuous()
}
