package props

import (
	"fmt"
	"math"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"gonum.org/v1/gonum/diff/fd"

	"infogain/cases"
	"infogain/ulp"
)

// Property IDs: the subtest names of Check and the keys of Only.
const (
	IDReference   = "reference"
	IDIdentity    = "identity-H"
	IDSmoothing   = "smoothing-H"
	IDWeights     = "class-weight-H"
	IDShift       = "shift"
	IDLinearity   = "linearity-in-H"
	IDGradSum     = "gradient-sums-to-zero"
	IDPermutation = "permutation"
	IDFiniteDiff  = "finite-differences"
	IDFloat32     = "float32-vs-float64"
	IDIgnore      = "batch-ignore-label"
	IDNormalizer  = "batch-normalization"
	IDLossWeight  = "batch-loss-weight"
	IDLayout      = "batch-layout"
	IDNonFinite   = "non-finite"
	IDNoPanic     = "no-panic"
)

// IDs returns the property IDs in battery order.
func IDs() []string {
	var ids []string
	for _, p := range battery() {
		ids = append(ids, p.id)
	}
	return ids
}

// Name returns the sentence of the property with the given ID, or "".
func Name(id string) string {
	for _, p := range battery() {
		if p.id == id {
			return p.name
		}
	}
	return ""
}

func battery() []property {
	return []property{
		{IDReference, "It agrees with the certified reference within its declared bounds.", true, propReference},
		{IDIdentity, "With H = I it equals softmax cross-entropy computed directly.", false, propIdentity},
		{IDSmoothing, "With H = (1−ε)I + (ε/C)·11ᵀ it equals label smoothing computed directly.", false, propSmoothing},
		{IDWeights, "With H = diag(w) it equals w_l times softmax cross-entropy.", false, propWeights},
		{IDShift, "Adding one exact shift to every logit changes neither the loss nor the gradient.", false, propShift},
		{IDLinearity, "The loss and the gradient are linear in h: scaling h by 2^k scales them, splitting h adds them.", false, propLinearity},
		{IDGradSum, "The gradient sums to zero, relative to the scale of its terms.", false, propGradSum},
		{IDPermutation, "Permuting the classes permutes the gradient and keeps the loss.", false, propPermutation},
		{IDFiniteDiff, "Central finite differences agree with the gradient where the loss is well conditioned.", false, propFiniteDiff},
		{IDFloat32, "Float32 results agree with float64 results on the same inputs within the float32 bounds.", false, propFloat32},
		{IDIgnore, "A batch position with ignore_label contributes no loss and gets a zero gradient.", false, propIgnore},
		{IDNormalizer, "A batch loss is divided by its mode's normalizer max(1, n) (FULL, VALID, BATCH_SIZE, NONE).", false, propNormalizer},
		{IDLossWeight, "loss_weight scales the batch gradient and not the loss.", false, propLossWeight},
		{IDLayout, "A batch in (outer, C, inner) layout gives each position its per-sample result.", false, propLayout},
		{IDNonFinite, "NaN and +Inf logits give NaN, −Inf logits give the limit (DESIGN §7).", false, propNonFinite},
		{IDNoPanic, "No input makes it panic, and invalid input is an error.", false, propNoPanic},
	}
}

// The families whose h comes from a rule of their own (logits families)
// and those that vary h over moderate logits (H families).
var (
	logitFamilies = []string{"moderate", "wide", "huge", "tiny-diff", "dominant", "shared-offset", "many-classes", "masked"}
	hFamilies     = []string{"h-identity", "h-smoothing", "h-weights", "h-dense", "h-sparse", "h-rowsum", "h-zero", "h-signed", "h-huge"}
)

func familyNames() []string { return cases.FamilyNames() }

// dtypes returns the dtypes im can be run in, float64 first.
func (e *env) dtypes() []cases.DType {
	var out []cases.DType
	for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
		if has(e.im, dt) {
			out = append(out, dt)
		}
	}
	return out
}

// anyDType mixes a generator over the dtypes im supports.
func (e *env) anyDType(mk func(dt cases.DType) gopter.Gen) gopter.Gen {
	dts := e.dtypes()
	if len(dts) == 1 {
		return mk(dts[0])
	}
	gens := make([]gopter.Gen, len(dts))
	for i, dt := range dts {
		gens[i] = mk(dt)
	}
	return gen.OneGenOf(gens...)
}

func (e *env) filter(f filter) filter {
	if f.maxC == 0 {
		f.maxC = e.cfg.maxC
	}
	return f
}

func noDTypes(e *env) string {
	if len(e.dtypes()) == 0 {
		return "no per-sample function"
	}
	return ""
}

// --- agreement with the reference ---

func propReference(e *env) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	f := e.filter(filter{})
	g := familyCases(e.dtypes(), f, freeShape, nil)
	return prop.ForAll(func(c cases.Case) string {
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		want, d := eval(e.cfg.ref, &c)
		if d != "" {
			return "reference: " + d
		}
		return judge("against "+e.cfg.ref.Name, c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).plus(tolerance{}), false)
	}, g), ""
}

// --- special forms of H ---

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
			return ""
		}
		if w, ok := isOneHot(&c); !ok || w != 1 {
			return "" // a shrink that left the form
		}
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		loss, grad := crossEntropy(c.Logits, c.Label)
		want := outcome{roundTo(c.DType, loss), roundAll(c.DType, grad)}
		return judge("against −log softmax(x)_l", c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).plus(directTol(c.DType)), false)
	}, g), ""
}

// directTol is the error of the direct formulas in the output type: their
// float64 bound, or one rounding to float32.
func directTol(dt cases.DType) tolerance {
	if dt == cases.Float32 {
		return tolerance{1, 1, 1}
	}
	return tolerance{maxDirectLossULP, maxDirectLossULP, maxDirectGradScaled}
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
			return ""
		}
		eps := c.H[(c.Label+1)%c.C()] * float64(c.C())
		got, d := eval(e.im, &c)
		if d != "" {
			return d
		}
		want := outcome{loss: roundTo(c.DType, labelSmoothing(c.Logits, c.Label, eps))}
		return judge(fmt.Sprintf("against label smoothing ε = %v", eps), c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).plus(directTol(c.DType)), true)
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
			return ""
		}
		w, ok := isOneHot(&c)
		if !ok {
			return ""
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
			e.bounds(c.DType).plus(directTol(c.DType)).plus(tolerance{1, 1, 1}), false)
	}, g), ""
}

func (t tolerance) plus(o tolerance) tolerance {
	return tolerance{t.lossULP + o.lossULP, t.lossScaled + o.lossScaled, t.gradScaled + o.gradScaled}
}

// --- exact invariances ---

// gridBits is how many significant bits the shift property keeps below the
// largest logit: the rest of the significand is room for exact shifts.
const (
	gridBits64 = 30
	gridBits32 = 12
)

// onGrid rounds the finite logits of c to multiples of q = 2^(E−gridBits),
// 2^E ≥ max|x_j|, so that every shift that is a multiple of q and keeps
// |x_j + t| < 2^(E+1+53−gridBits−1) is exact.
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
		for _, t := range shifts(&c) {
			s, _ := shifted(&c, t)
			moved, d := eval(e.im, &s)
			if d != "" {
				return d
			}
			if d := judge(fmt.Sprintf("shift t = %v", t), c.DType, c.Logits, c.H, moved, got, e.bounds(c.DType).twice(), false); d != "" {
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
			if d := judge(fmt.Sprintf("h scaled by %v", a), c.DType, c.Logits, hs, large, want, b.twice(), false); d != "" {
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
		tol := tolerance{math.Inf(1), 3*math.Max(b.LossScaled, 2*b.LossULP) + 2, 3*b.GradScaled + 2}
		return judgeScaled("h split in two exact parts", c.DType, c.Logits, c.H, got, sum, tol)
	}, g), ""
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

// judgeScaled is judge with the loss in the scaled metric whatever h.
func judgeScaled(what string, dt cases.DType, x, h []float64, got, want outcome, tol tolerance) string {
	if e := ulpLossScaled(got.loss, want.loss, x, h, dt); e > tol.lossScaled {
		return fmt.Sprintf("%s: loss %v (%x) against %v (%x): scaled error %.3g > %v",
			what, got.loss, got.loss, want.loss, want.loss, e, tol.lossScaled)
	}
	return judge(what, dt, x, h, got, want, tolerance{math.Inf(1), math.Inf(1), tol.gradScaled}, false)
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
				return ""
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
			if d := judge("classes permuted by "+name, c.DType, c.Logits, c.H, back, got, e.bounds(c.DType).twice(), false); d != "" {
				return d
			}
		}
		return ""
	}, g), ""
}

// --- finite differences ---

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
	if !has(e.im, cases.Float64) {
		return nil, "no float64 path"
	}
	f := e.filter(filter{finite: true})
	g := familyCases([]cases.DType{cases.Float64}, f, freeShape, func(c *cases.Case, _ *gopter.GenParameters) bool { return conditioned(c) })
	return prop.ForAll(func(c cases.Case) string {
		if !wellConditioned(&c) {
			return ""
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

// --- float32 against float64 ---

func propFloat32(e *env) (gopter.Prop, string) {
	if !has(e.im, cases.Float32) || !has(e.im, cases.Float64) {
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
			e.bounds(cases.Float32).plus(tolerance{1, 1, 1}), false)
	}, g), ""
}

// --- non-finite semantics ---

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

// classify names the non-finite situation of c, as DESIGN §7 orders it.
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
		return judge("masked case against the case without its masked classes", c.DType, red.Logits, red.H, kept, want, e.bounds(c.DType).twice(), false)
	}
	return ""
}

// --- no panic ---

// panicPool holds the values the no-panic property draws logits and h from.
var panicPool = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 3, -7.25, 37.42994775023705, 1e16, -1e16,
	709.78, -745.13, 88.72, -103.97, math.MaxFloat64, -math.MaxFloat64, 1.6e308, -1.6e308,
	0x1p-1074, 1e-310, 0x1p-149, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 0.1}

// rawCase is a case that may be invalid in any way.
func rawCase(p *gopter.GenParameters) cases.Case {
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
	c.DType = []cases.DType{cases.Float64, cases.Float32, cases.Float32, "", "float16"}[r.Intn(5)]
	for j := 0; j < C; j++ {
		c.Logits = append(c.Logits, pick())
	}
	for j := 0; j < nh; j++ {
		c.H = append(c.H, pick())
	}
	return c
}

func propNoPanic(e *env) (gopter.Prop, string) {
	g := func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(rawCase(p), gopter.NoShrinker)
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
		if valid && has(e.im, c.DType) && r.Err != "" {
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
		return ""
	}, gopter.Gen(g)), ""
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
		}
		e.im.F32(make([]float32, len(x)), x32, h32)
	}
}

// ulpLossScaled is ulp.LossScaled in dt's unit roundoff.
func ulpLossScaled(got, want float64, x, h []float64, dt cases.DType) float64 {
	return ulp.LossScaled(got, want, x, h, unit(dt))
}
