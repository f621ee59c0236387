package props

import (
	"math"
	"reflect"
	"sort"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"

	"github.com/infogain-dev/infogain/cases"
)

// caseType is the type of the values the per-case generators produce.
var caseType = reflect.TypeOf(cases.Case{})

// shape says what a shrunk case must keep so that the property that drew it
// still means what it says.
type shape int

const (
	// freeShape: any class may go and any h_j may simplify.
	freeShape shape = iota
	// rowShape: h is fixed by a rule of the property (e_l, w·e_l, …); a
	// class other than the label may go, h_j = 0 there.
	rowShape
	// fixedShape: only logits may simplify (h depends on C).
	fixedShape
)

// filter says which generated cases a property can use.
type filter struct {
	finite    bool // every logit finite
	limitOnly bool // no NaN or +Inf logit, and some logit finite
	nonNegH   bool // every h_j ≥ 0
	minC      int
	maxC      int
	families  []string // restrict to these families; nil for all
}

// familyWeight returns how often a family is drawn: the costly and the
// specialised families less often.
func familyWeight(name string) int {
	switch name {
	case "many-classes":
		return 1
	case "nonfinite":
		return 2
	}
	return 4
}

// familyCases mixes the families of package cases (gen.Frequency) over the
// dtypes dts: it draws one case from a family's deterministic generator
// with a seed from the gopter random source and keeps it if f accepts it
// (redrawing a few times otherwise). The case shrinks according to sh.
//
// Before drawing at random it walks a corpus: the first corpusPerFamily
// cases of every family (seeded by corpusSeed) in every dtype, so that each
// kind a family cycles through is checked on every run, however few random
// cases follow. The corpus is what makes a small run (-short) reliable.
//
// row, if not nil, then rewrites the drawn case (its h, label or logits) for
// the property, drawing from the gopter source; it returns false to reject.
// The filter applies to the drawn case, the rewritten one must be valid.
func familyCases(dts []cases.DType, f filter, sh shape, row func(c *cases.Case, p *gopter.GenParameters) bool) gopter.Gen {
	names := f.families
	if names == nil {
		names = familyNames()
	}
	if f.maxC < manyClassesMin {
		names = without(names, "many-classes")
	}
	names = append([]string(nil), names...)
	sort.Strings(names)
	var corpus []cases.Case
	for _, name := range names {
		for _, dt := range dts {
			cs, err := cases.Generate(name, corpusSeed, dt, corpusPerFamily)
			if err == nil {
				corpus = append(corpus, cs...)
			}
		}
	}
	// gen.Frequency keys generators by weight; give each family a distinct
	// key while keeping the relative weights.
	weighted := map[int]gopter.Gen{}
	total := 0
	for _, name := range names {
		for _, dt := range dts {
			total += familyWeight(name)
			weighted[total] = oneFamily(name, dt, f, sh, row)
		}
	}
	random := gen.Frequency(weighted)
	next := 0
	return func(p *gopter.GenParameters) *gopter.GenResult {
		for next < len(corpus) {
			c := cloneCase(corpus[next])
			next++
			if !f.accepts(&c) || row != nil && (!row(&c, p) || c.Validate() != nil) {
				continue
			}
			r := gopter.NewGenResult(c, caseShrinker(sh, f))
			r.Labels = []string{c.Family}
			return r
		}
		return random(p)
	}
}

// corpusSize bounds the number of corpus cases of a property.
func corpusSize() int { return 2 * corpusPerFamily * len(familyNames()) }

// The corpus: corpusPerFamily covers the four kinds most families cycle
// through by case index.
const (
	corpusSeed      = 1
	corpusPerFamily = 4
)

// manyClassesMin is the smallest C of the many-classes family: below that
// cap the family is not drawn at all.
const manyClassesMin = 1000

func without(names []string, drop string) []string {
	var out []string
	for _, n := range names {
		if n != drop {
			out = append(out, n)
		}
	}
	return out
}

func oneFamily(name string, dt cases.DType, f filter, sh shape, row func(c *cases.Case, p *gopter.GenParameters) bool) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		for try := 0; try < 16; try++ {
			// Families cycle through kinds by case index: draw a short
			// run and keep its last case.
			n := 1 + p.Rng.Intn(8)
			cs, err := cases.Generate(name, p.Rng.Uint64(), dt, n)
			if err != nil || len(cs) != n {
				break
			}
			c := cs[n-1]
			if !f.accepts(&c) {
				continue
			}
			if row != nil && (!row(&c, p) || c.Validate() != nil) {
				continue
			}
			{
				r := gopter.NewGenResult(c, caseShrinker(sh, f))
				r.Labels = []string{name}
				return r
			}
		}
		return gopter.NewEmptyResult(caseType)
	}
}

func (f filter) accepts(c *cases.Case) bool {
	if c.Validate() != nil {
		return false
	}
	if f.minC > 0 && c.C() < f.minC || f.maxC > 0 && c.C() > f.maxC {
		return false
	}
	finite := 0
	for _, v := range c.Logits {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 1):
			if f.finite || f.limitOnly {
				return false
			}
		case math.IsInf(v, -1):
			if f.finite {
				return false
			}
		default:
			finite++
		}
	}
	if f.limitOnly && finite == 0 {
		return false
	}
	if f.nonNegH {
		for _, v := range c.H {
			if v < 0 {
				return false
			}
		}
	}
	return true
}

func cloneCase(c cases.Case) cases.Case {
	c.Logits = append([]float64(nil), c.Logits...)
	c.H = append([]float64(nil), c.H...)
	return c
}

// caseShrinker simplifies a failing case: fewer classes first, then simpler
// logits (0, integers, fewer significant bits), then simpler h entries.
// Every candidate is strictly simpler than the case it came from, so the
// stream and the shrinking both end.
func caseShrinker(sh shape, f filter) gopter.Shrinker {
	return func(v interface{}) gopter.Shrink {
		c := v.(cases.Case)
		var out []cases.Case
		minC := max(f.minC, 1)
		if sh != fixedShape && c.C() > minC {
			for j := c.C() - 1; j >= 0; j-- {
				if j == c.Label {
					continue
				}
				if d, ok := dropClass(c, j); ok {
					out = append(out, d)
				}
			}
		}
		for j := range c.Logits {
			for _, s := range simpler(c.Logits[j]) {
				d := cloneCase(c)
				d.Logits[j] = s
				out = append(out, d)
			}
		}
		if sh == freeShape {
			for j := range c.H {
				for _, s := range simpler(c.H[j]) {
					d := cloneCase(c)
					d.H[j] = s
					out = append(out, d)
				}
			}
		}
		i := 0
		return func() (interface{}, bool) {
			for i < len(out) {
				d := out[i]
				i++
				if f.accepts(&d) {
					return d, true
				}
			}
			return nil, false
		}
	}
}

// dropClass removes class j (not the label) from c.
func dropClass(c cases.Case, j int) (cases.Case, bool) {
	if j == c.Label || c.C() < 2 {
		return c, false
	}
	d := c
	d.Logits = append(append([]float64(nil), c.Logits[:j]...), c.Logits[j+1:]...)
	d.H = append(append([]float64(nil), c.H[:j]...), c.H[j+1:]...)
	if j < c.Label {
		d.Label--
	}
	return d, true
}

// simpler returns values strictly simpler than v: 0, then v truncated to an
// integer, then v rounded to 1, 2, 4, 8 and 16 significant bits. Non-finite
// values stay.
func simpler(v float64) []float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	out := []float64{0}
	bits := sigBits(v)
	if t := math.Trunc(v); t != v && sigBits(t) < bits {
		out = append(out, t)
	}
	for _, n := range []int{1, 2, 4, 8, 16} {
		if n >= bits {
			break
		}
		if r := roundBits(v, n); r != v && !math.IsInf(r, 0) && sigBits(r) < bits {
			out = append(out, r)
		}
	}
	return out
}

// sigBits returns the number of significant bits of v's significand.
func sigBits(v float64) int {
	if v == 0 {
		return 0
	}
	frac, _ := math.Frexp(math.Abs(v))
	m := uint64(math.Ldexp(frac, 53))
	n := 53
	for m&1 == 0 {
		m >>= 1
		n--
	}
	return n
}

// roundBits rounds v to n significant bits (to nearest).
func roundBits(v float64, n int) float64 {
	frac, exp := math.Frexp(v)
	return math.Ldexp(math.RoundToEven(math.Ldexp(frac, n)), exp-n)
}
