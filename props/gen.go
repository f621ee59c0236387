package props

import (
	"math"
	"math/big"
	"math/rand"
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
	// Unrestricted properties (every family) also draw the generated hard
	// regimes, in the corpus and at random.
	hard := f.families == nil
	if hard {
		corpus = append(corpus, hardCorpus(dts)...)
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
	for _, hr := range hardRegimes {
		for _, dt := range dts {
			if hard {
				total += hardWeight
				weighted[total] = hardGen(hr.draw, hr.name, dt, f, sh, row)
			}
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
func corpusSize() int { return 2 * corpusPerFamily * (len(familyNames()) + len(hardRegimes)) }

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

// --- generated hard regimes (issue #17) ---
//
// The families of package cases sample each numerical hazard at a few
// hand-picked points. The regimes below draw random cases around the
// thresholds where a careful implementation must switch strategy, so that a
// threshold set one step off, or a test that is skipped, meets a generated
// case rather than only a hand-written one. They are floating-point facts,
// not any implementation's internals (docs/design.md §3, §5):
//
//   - hard-cancel: signed h whose S = Σ h_j or some S − h_j = Σ_{i≠j} h_i
//     cancels to 2^-k of max |h_j|, k from 8 to 110, at a random scale; or
//     one big h_k on the dominant class over entries that cancel among
//     themselves far below it; or pairs ±v that cancel exactly next to small entries spread over more
//     bits than a double word holds, often with a small entry's logit
//     dominant: the gradient p_j·(S − h_j) − h_j·q_j then needs S − h_j to
//     more bits than a plain or a double-word sum keeps.
//   - hard-tiny-h: max |h_j| = 2^E with E from the least subnormal up to
//     2^-300 (float32: 2^-149 to 2^-60): products h_j·(x_j − m) and p_j·S
//     are subnormal or near it and lose bits.
//   - hard-underflow: a logit spread m − min x_j around exp's underflow
//     threshold (float64: 680 to 760, float32: 80 to 110), h on the far
//     classes: p_j is subnormal, normal or 0 on either side.
//   - hard-overflow: Σ h_j (m − x_j) around the largest finite value
//     (2^-4 to 2^1 of it) with a few classes, h ≥ 0 or signed: the loss is
//     finite or +Inf on either side of the threshold; or a loss within
//     2^-j (j up to 110) of the rounding boundary max + ulp(max)/2, where
//     only an exact decision gets the side right (drawOverflowEdge).
var hardRegimes = []struct {
	name string
	draw func(r *rand.Rand, dt cases.DType) cases.Case
}{
	{"hard-cancel", drawCancel},
	{"hard-tiny-h", drawTinyH},
	{"hard-underflow", drawUnderflow},
	{"hard-overflow", drawOverflow},
}

// hardWeight is how often each hard regime is drawn, against familyWeight:
// twice a family's weight, as the regimes are where a careful
// implementation's thresholds live (about a third of the draws together).
const hardWeight = 8

// emax and emin are the largest and least normal binary exponents of dt
// (2^emax ≤ max < 2^(emax+1)); sub is the exponent of the least subnormal.
func expRange(dt cases.DType) (emax, emin, sub int) {
	if dt == cases.Float32 {
		return 127, -126, -149
	}
	return 1023, -1022, -1074
}

// drawLogits returns C logits uniform in [−s, s], rounded to dt.
func drawLogits(r *rand.Rand, dt cases.DType, C int, s float64) []float64 {
	x := make([]float64, C)
	for j := range x {
		x[j] = roundTo(dt, (2*r.Float64()-1)*s)
	}
	return x
}

func drawCancel(r *rand.Rand, dt cases.DType) cases.Case {
	switch r.Intn(4) {
	case 0, 1:
		return drawCancelPairs(r, dt)
	case 2:
		return drawCancelUnderBig(r, dt)
	}
	C := 3 + r.Intn(6)
	c := cases.Case{DType: dt, Label: r.Intn(C), Logits: drawLogits(r, dt, C, []float64{1, 8, 40}[r.Intn(3)])}
	emax, _, _ := expRange(dt)
	scale := math.Ldexp(1, r.Intn(2*emax/3)-emax/3) // 2^-341..2^341 (float32: 2^-42..2^42)
	h := make([]float64, C)
	for j := range h {
		h[j] = roundTo(dt, (0.5+r.Float64())*scale*math.Ldexp(1, r.Intn(9)-4))
		if r.Intn(2) == 0 {
			h[j] = -h[j]
		}
	}
	// Cancel S (skip = −1) or S − h_skip: the entry `last` absorbs the sum of
	// the others and leaves δ = ±2^-k·max|h| (to within its own rounding).
	skip := -1
	if r.Intn(2) == 0 {
		skip = r.Intn(C)
	}
	last := (skip + 1 + r.Intn(C-1)) % C
	if skip < 0 {
		last = r.Intn(C)
	}
	var others []float64
	hmax := 0.0
	for j, v := range h {
		hmax = math.Max(hmax, math.Abs(v))
		if j != skip && j != last {
			others = append(others, v)
		}
	}
	delta := math.Ldexp(hmax, -(8 + r.Intn(103)))
	if r.Intn(2) == 0 {
		delta = -delta
	}
	h[last] = roundTo(dt, -exactSum(others)+delta)
	c.H = h
	return c
}

// drawCancelUnderBig draws one big h_k on the dominant class and the rest
// 2^-k below it (k from 20 to 60), signed, cancelling among themselves to
// 2^-m of their size (m from 5 to 40): S does not cancel, but S − h_k =
// Σ_{i≠k} h_i is 2^-(k+m) of Σ|h_j|, so that a double word of S no longer
// holds it, while q_k is tiny and g_k = p_k(S − h_k) − h_k q_k is all
// S − h_k (the shape of fused's "S − h_0 = 5.7e-6 next to 1.35e16").
func drawCancelUnderBig(r *rand.Rand, dt cases.DType) cases.Case {
	C := 3 + r.Intn(4)
	big := math.Ldexp(1, r.Intn(80)-20)
	small := math.Ldexp(big, -(20 + r.Intn(41)))
	h := make([]float64, C)
	for j := 1; j < C-1; j++ {
		h[j] = roundTo(dt, (0.5+r.Float64())*small)
		if r.Intn(2) == 0 {
			h[j] = -h[j]
		}
	}
	others := append([]float64(nil), h[1:C-1]...)
	resid := math.Ldexp(small, -(5 + r.Intn(36)))
	if r.Intn(2) == 0 {
		resid = -resid
	}
	h[C-1] = roundTo(dt, -exactSum(others)+resid)
	h[0] = roundTo(dt, (0.5+r.Float64())*big)
	perm := r.Perm(C)
	c := cases.Case{DType: dt, H: make([]float64, C), Logits: drawLogits(r, dt, C, 4)}
	for i, j := range perm {
		c.H[j] = h[i]
	}
	k := perm[0]
	c.Logits[k] = roundTo(dt, 4+[]float64{20, 60, 300, 1e30}[r.Intn(4)]*(0.5+r.Float64()))
	c.Label = r.Intn(C)
	return c
}

// drawCancelPairs draws h as pairs ±v that cancel exactly plus a few small
// entries 2^-20 to 2^-125 below them, each 10 to 70 bits below the last (and zeros), so that S and the S − h_j
// of the small entries are sums of the small ones alone, spread over more
// bits than a double word holds; the logit of a small or zero entry is often
// dominant (p_j ≈ 1, q_j tiny), where g_j = p_j(S − h_j) − h_j q_j is all
// S − h_j and an inexact S shows in full.
func drawCancelPairs(r *rand.Rand, dt cases.DType) cases.Case {
	// float64: big in 2^-256..2^255, small entries down to 2^-125 below it;
	// float32: big in 2^-10..2^40, small entries down to 2^-120 below it
	// (within float32's range: the row is computed in float64, whose
	// double words a float32 row can still outrun).
	big := math.Ldexp(1, r.Intn(512)-256)
	lowest := 125
	if dt == cases.Float32 {
		big, lowest = math.Ldexp(1, r.Intn(51)-10), 120
	}
	var h []float64
	for n := 1 + r.Intn(2); n > 0; n-- {
		v := roundTo(dt, (0.5+r.Float64())*big)
		h = append(h, v, -v)
	}
	// Each small entry 10 to 70 bits below the previous one: two of them
	// already span more than a float64.
	at := 20 + r.Intn(40)
	for n := 2 + r.Intn(3); n > 0 && at <= lowest; n-- {
		v := roundTo(dt, (0.5+r.Float64())*math.Ldexp(big, -at))
		if r.Intn(2) == 0 {
			v = -v
		}
		h = append(h, v)
		at += 10 + r.Intn(61)
	}
	if r.Intn(2) == 0 {
		h = append(h, 0)
	}
	r.Shuffle(len(h), func(i, j int) { h[i], h[j] = h[j], h[i] })
	C := len(h)
	c := cases.Case{DType: dt, H: h, Label: r.Intn(C), Logits: drawLogits(r, dt, C, 4)}
	if r.Intn(4) != 0 {
		// Make a small or zero entry's class dominant.
		// Mostly the largest small entry: S − h_j is then the sum of the
		// smaller ones alone, which a double word of S loses.
		var small []int
		top := -1
		for j, v := range h {
			if math.Abs(v) < big/0x1p19 {
				small = append(small, j)
				if top < 0 || math.Abs(v) > math.Abs(h[top]) {
					top = j
				}
			}
		}
		j := small[r.Intn(len(small))]
		if r.Intn(4) != 0 {
			j = top
		}
		c.Logits[j] = roundTo(dt, 4+[]float64{10, 40, 100, 300}[r.Intn(4)]*(0.5+r.Float64()))
	}
	return c
}

func drawTinyH(r *rand.Rand, dt cases.DType) cases.Case {
	C := 2 + r.Intn(7)
	c := cases.Case{DType: dt, Label: r.Intn(C), Logits: drawLogits(r, dt, C, []float64{1, 8, 60}[r.Intn(3)])}
	_, _, sub := expRange(dt)
	hi := -300
	if dt == cases.Float32 {
		hi = -60
	}
	E := sub + r.Intn(hi-sub+1)
	c.H = make([]float64, C)
	signed := r.Intn(3) == 0
	for j := range c.H {
		if j != c.Label && r.Intn(2) == 0 {
			continue
		}
		v := roundTo(dt, math.Ldexp(0.5+r.Float64()/2, E-r.Intn(4)))
		if signed && r.Intn(2) == 0 {
			v = -v
		}
		c.H[j] = v
	}
	c.H[c.Label] = roundTo(dt, math.Ldexp(1, E))
	return c
}

func drawUnderflow(r *rand.Rand, dt cases.DType) cases.Case {
	C := 2 + r.Intn(6)
	lo, hi := 680.0, 760.0
	if dt == cases.Float32 {
		lo, hi = 80, 110
	}
	width := lo + r.Float64()*(hi-lo)
	m := (2*r.Float64() - 1) * 50
	c := cases.Case{DType: dt, Logits: make([]float64, C), H: make([]float64, C)}
	for j := range c.Logits {
		// Every class near the top or near the bottom of the spread.
		if j == 0 || r.Intn(2) == 0 {
			c.Logits[j] = roundTo(dt, m-r.Float64()*2)
		} else {
			c.Logits[j] = roundTo(dt, m-width+r.Float64()*2)
		}
	}
	c.Logits[C-1] = roundTo(dt, m-width)
	c.Label = C - 1 - r.Intn(2)
	for j := range c.H {
		if j == c.Label || r.Intn(3) == 0 {
			c.H[j] = roundTo(dt, math.Ldexp(0.5+r.Float64(), r.Intn(21)-10))
		}
	}
	if r.Intn(4) == 0 {
		c.H[r.Intn(C)] *= -1
	}
	return c
}

func drawOverflow(r *rand.Rand, dt cases.DType) cases.Case {
	if r.Intn(2) == 0 {
		return drawOverflowEdge(r, dt)
	}
	C := 2 + r.Intn(4)
	emax, _, _ := expRange(dt)
	c := cases.Case{DType: dt, Logits: make([]float64, C), H: make([]float64, C)}
	// The gap Δ = m − x_l of the label class and h_l with h_l·Δ = 2^(emax+1+t),
	// t in [−4, 1]: the loss h_l·Δ + S·log1p(s) straddles the overflow threshold.
	gap := math.Ldexp(1+r.Float64(), r.Intn(12))
	t := -4 + 5*r.Float64()
	hl := roundTo(dt, math.Ldexp(1, emax+1)*math.Exp2(t)/gap)
	if math.IsInf(hl, 0) {
		hl = roundTo(dt, math.Ldexp(1, emax))
	}
	c.Label = r.Intn(C)
	for j := range c.Logits {
		c.Logits[j] = roundTo(dt, (2*r.Float64()-1)*4)
	}
	c.Logits[c.Label] = roundTo(dt, -gap)
	c.Logits[(c.Label+1)%C] = 4 // the max
	c.H[c.Label] = hl
	for j := range c.H {
		if j != c.Label && r.Intn(2) == 0 {
			c.H[j] = roundTo(dt, hl*math.Ldexp(0.5+r.Float64()/2, -r.Intn(30)))
			if r.Intn(3) == 0 {
				c.H[j] = -c.H[j]
			}
		}
	}
	return c
}

// hardGen draws from one hard regime, redrawing (a few times) the cases f
// does not accept.
func hardGen(draw func(r *rand.Rand, dt cases.DType) cases.Case, name string, dt cases.DType, f filter, sh shape, row func(c *cases.Case, p *gopter.GenParameters) bool) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		for try := 0; try < 16; try++ {
			c := draw(p.Rng, dt)
			c.Family = name
			if !f.accepts(&c) || row != nil && (!row(&c, p) || c.Validate() != nil) {
				continue
			}
			r := gopter.NewGenResult(c, caseShrinker(sh, f))
			r.Labels = []string{name}
			return r
		}
		return gopter.NewEmptyResult(caseType)
	}
}

// hardCorpus returns the first corpusPerFamily cases of every hard regime in
// every dtype, from a source seeded by corpusSeed.
func hardCorpus(dts []cases.DType) []cases.Case {
	r := rand.New(rand.NewSource(corpusSeed))
	var out []cases.Case
	for _, hr := range hardRegimes {
		for _, dt := range dts {
			for i := 0; i < corpusPerFamily; i++ {
				c := hr.draw(r, dt)
				c.Family = hr.name
				out = append(out, c)
			}
		}
	}
	return out
}

// float32EdgeJMax is how close (2^-j of ulp(max)/2) float32 edge losses
// come to the overflow rounding boundary: up to float64's resolution and
// beyond. Both places that once rounded twice there now round once or
// allow for it: fused's exact32 rounds big.Float to float32 directly, and
// float32-vs-float64 treats a float64 result that overflows only in its
// float32 rounding as ±MaxFloat32 (clampOverflow32). At 28 the battery
// could not see exact32's double rounding (logits [0,-2048,-1024,-512],
// h [0,1.6615349e+35,9.90352e+27,1.18059106e+21]: +Inf for MaxFloat32).
const float32EdgeJMax = 70

// drawOverflowEdge draws a loss within a hair of the rounding boundary of
// the overflow threshold, max + ulp(max)/2 (float64: 2^1024 − 2^970,
// float32: 2^128 − 2^103): L = max + ulp(max)/2·(1 ± 2^-j), j from 1 to 110
// (float32: 28), so that the correctly rounded loss is max on one side and
// +Inf on the other, and an implementation that rounds an intermediate
// lands on the wrong side. (float32: j up to float32EdgeJMax.) The loss is built from exact products h_i·Δ_i,
// Δ_i = m − x_i a power of two ≥ 256 (so that S·log1p(s) < 2^-300 of the
// loss): the target is split greedily into up to four values of dt, t_i,
// and h_i = t_i/Δ_i. The max class has h = 0.
func drawOverflowEdge(r *rand.Rand, dt cases.DType) cases.Case {
	prec, jmax := uint(53), 110
	maxV := new(big.Float).SetFloat64(math.MaxFloat64)
	half := new(big.Float).SetMantExp(big.NewFloat(1), 970)
	if dt == cases.Float32 {
		prec, jmax = 24, float32EdgeJMax
		maxV.SetFloat64(math.MaxFloat32)
		half.SetMantExp(big.NewFloat(1), 103)
	}
	j := 1 + r.Intn(jmax)
	nudge := new(big.Float).SetPrec(2000).SetMantExp(big.NewFloat(1), -j)
	if r.Intn(2) == 0 {
		nudge.Neg(nudge)
	}
	nudge.Add(nudge, big.NewFloat(1))
	target := new(big.Float).SetPrec(2000).Mul(half, nudge)
	target.Add(target, maxV)
	c := cases.Case{DType: dt, Logits: []float64{0}, H: []float64{0}}
	far := r.Intn(2) == 0
	rest := target
	for i := 0; i < 5 && rest.Sign() > 0; i++ {
		t, _ := new(big.Float).SetPrec(prec).SetMode(big.ToZero).Set(rest).Float64()
		if t == 0 || math.IsInf(t, 0) {
			break
		}
		rest = new(big.Float).SetPrec(2000).Sub(rest, new(big.Float).SetFloat64(t))
		// Δ_i = 2^b: 256 to 2048 (h near the top of the range), or far
		// wider (h far below it, as paths that keep small h take them:
		// float64 2^624 to 2^700, h ≤ 2^400; float32 2^24 to 2^63).
		b := 8 + r.Intn(4)
		if far && dt == cases.Float32 {
			b = 24 + r.Intn(40)
		} else if far {
			b = 624 + r.Intn(77)
		}
		h := math.Ldexp(t, -b)
		if roundTo(dt, h) != h || h == 0 {
			break
		}
		c.Logits = append(c.Logits, -math.Ldexp(1, b))
		c.H = append(c.H, h)
	}
	c.Label = len(c.H) - 1
	return c
}
