package cases

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
)

// A Family is a deterministic generator of cases that provoke one class of
// numerical failure (docs/design.md §7).
type Family struct {
	// Name is stable: it is part of every generated id ("name/0007") and
	// of committed reports.
	Name string
	// Doc says what the cases look like, which failure class they provoke
	// and where that class was reported.
	Doc string
	// Gen returns n cases in dtype dt, drawing only from r. The cases carry
	// their ids, family and dtype. Use Generate for a seeded, validated run.
	Gen func(r *rand.Rand, dt DType, n int) []Case
}

// caseGen makes the i-th case of a family (logits, h and label only).
type caseGen func(g *gen, i int) Case

func family(name, doc string, one caseGen) Family {
	return Family{Name: name, Doc: doc, Gen: func(r *rand.Rand, dt DType, n int) []Case {
		g := &gen{r: r, l: limitsOf(dt)}
		out := make([]Case, n)
		for i := range out {
			c := one(g, i)
			c.ID = fmt.Sprintf("%s/%04d", name, i)
			c.Family = name
			c.DType = dt
			out[i] = c
		}
		return out
	}}
}

// Families returns every family of docs/design.md §7 in a stable order.
func Families() []Family {
	return []Family{
		family("moderate",
			"Logits uniform in [−s, s], s ∈ {1, 4, 16}, C from 2 to 256, one-hot or soft h. "+
				"Provokes the rounding of a separate softmax followed by log p and −h/p (Caffe InfogainLoss "+
				"before BVLC/caffe#3855); the example report measures thousands of ulps of loss error for the naive and torch formulas on such logits (docs/design.md §6.3).",
			genModerate),
		family("wide",
			"Logits spread over a range R in 1e2..1e5, the extremes ±R/2 always present. "+
				"Provokes exp underflow of p_j, hence log(0) or the 1e-20 clamp of Caffe's kLOG_THRESHOLD "+
				"(BVLC/caffe#3855), and wrong or infinite soft-label losses at spreads of thousands "+
				"(tensorflow/tensorflow#21271, keras-team/keras#17634).",
			genWide),
		family("huge",
			"Four kinds: logits of both signs up to ±1.6e308 (float32: ±3e38) so that x_j − m overflows; "+
				"logits around exp's overflow threshold 709.78 (float32: 88.72); differences x_j − m around "+
				"exp's underflow threshold −745.13 (float32: −103.97); all logits huge and of one sign. "+
				"Provokes overflow of an unshifted exp or of x_j − m into Inf and NaN (scipy/scipy#23225, "+
				"intel/ipex-llm#1576 for float32 at 88.72) and subnormal p_j.",
			genHuge),
		family("tiny-diff",
			"Exact ties, logits 1 to 4 ulps apart (at magnitudes 1e-3..1e6), and subnormal logits. "+
				"Provokes the first-on-ties choice of the max class k and the complement q_k = s/(1+s) with "+
				"s close to C−1, where 1 − p_k and the tail gradient cancel (docs/design.md §3.3). No public report "+
				"of this class was found; it guards the fused implementation's tie handling.",
			genTinyDiff),
		family("dominant",
			"One or two tied logits 50..2000 above the rest, the label on or off them; case 0 is "+
				"[37.42994775023705, 0] with h = [1, 0], where exp(−x) = 2^−54 and p_0 rounds to 1. "+
				"Provokes 1 − p_k = 0, which loses the tail gradient (−5.55e-17 becomes 0, docs/design.md §3.3), and "+
				"the 1e-20 clamp of log p when the label is off the dominant class (loss 46.05 instead of "+
				"the gap; BVLC/caffe#3855).",
			genDominant),
		family("shared-offset",
			"Near-uniform logits (all equal, or offsets of at most ±3) at a shared offset of magnitude "+
				"1e4..1e16, either sign. Provokes LSE(x) − x_l formed at the logits' scale: loss 0 for "+
				"[1e8, 1e8] in float32 (pytorch/pytorch#11752, ml-explore/mlx#4169 and #4188), 2 instead of "+
				"log 3 at 1e16 in float64, and quantized normalizers (google-deepmind/optax#1020).",
			genSharedOffset),
		family("many-classes",
			"C in 1e3..1e5 (the largest family; keep n small). Near-equal logits (spread 0, 1e-6, 1e-2 "+
				"or 1) with one-hot or smoothed h, or a vocabulary masked to −Inf but for 1 to 4 classes. "+
				"Provokes error growth of long uncompensated sums (p_j ≈ 1/C, s ≈ C−1) and NaN from "+
				"tiled reductions over mostly −Inf rows (Dao-AILab/flash-attention#1930).",
			genManyClasses),
		family("h-identity",
			"H = I: h = e_label with moderate logits, the control every formula should pass. Provokes "+
				"nothing new: the infogain loss must equal softmax cross-entropy here (the equivalence "+
				"stated in BVLC/caffe#5991), so a failure is a plain bug, not a conditioning issue.",
			hFamily(func(g *gen, C, l int, x []float64) []float64 { return oneHot(C, l) })),
		family("h-smoothing",
			"H = (1−ε)I + (ε/C)·11ᵀ (PyTorch's convention), ε ∈ {0.01, 0.05, 0.1, 0.2, 0.5, 0.9, 1}. "+
				"Provokes Inf or NaN from the weight on every log p_j when one logit is very negative "+
				"(candle-org/MindAct#1633: cross_entropy NaN with inf logits under label smoothing).",
			hFamily(hSmoothing)),
		family("h-weights",
			"H = diag(w), w in 1e-3..1e3: class-weighted cross-entropy, S = w ≠ 1. Provokes the "+
				"`softmax − labels` gradient, right only when S = 1 (kvark/meganeura#102: gradient for "+
				"non-probability label weights).",
			hFamily(hWeights)),
		family("h-dense",
			"Dense similarity rows h_j = 1/(1 + d_j²) from random class positions, h_label = 1, so S is "+
				"between 1 and C. Provokes the S ≠ 1 gradient error and the naive −h_j/p_j chain on small "+
				"p_j (Caffe InfogainLoss's intended use, BVLC/caffe#3855).",
			hFamily(hDense)),
		family("h-sparse",
			"Rows with the label and 1 to 3 other non-zero entries, exact zeros elsewhere, logits spread "+
				"up to ±500 so that p_j underflows where h_j = 0. Provokes 0·log 0 = NaN "+
				"(OpenBMB/ModelCenter#14; google-deepmind/optax#896, fixed by #898 with xlogy).",
			hFamily(hSparse)),
		family("h-rowsum",
			"Probability rows scaled so that S = Σ h_j is 1e-30..1e15. Provokes gradients that assume "+
				"S = 1 and losses that lose the scale; TensorFlow documents rows as probability "+
				"distributions but accepts others (tensorflow/tensorflow#1234).",
			hFamily(hRowSum)),
		family("h-zero",
			"All-zero rows (unlabelled samples) with moderate or wide logits: the loss and the gradient "+
				"must be exactly 0. Provokes 0·log 0 = NaN and unstable gradients for weakly labelled rows "+
				"(tensorflow/tensorflow#2327, tensorflow/tensorflow#1234).",
			hFamily(hZero)),
		family("h-signed",
			"Rows with negative entries, as when a distance matrix is used where Caffe expects "+
				"similarities: h_j = 1 − d_j with d_j in [0, 2] (mixed signs), or h_j = −d_j (S < 0). "+
				"Provokes cancellation in the loss, whose terms no longer share a sign, and S close to 0 "+
				"(docs/design.md §5: scaled loss error). No public report of this misuse was found.",
			hFamily(hSigned)),
		family("h-huge",
			"2 to 4 entries (the label's included) of 0.6..1 times the largest finite value, so that S overflows while every "+
				"g_j = p_j S − h_j is finite. Provokes Inf − Inf = NaN, or an infinite gradient where g is finite "+
				"(docs/design.md §3.4; the torch port's non-finite outputs in §6.3); no public report was found.",
			hFamily(hHuge)),
		family("masked",
			"1 to C−1 logits at −Inf with h = 0 there, the rest moderate. The masked terms must "+
				"contribute exactly 0. Provokes 0·(−Inf) = NaN (google-deepmind/optax#896, fixed in "+
				"google-deepmind/optax#898; OpenBMB/ModelCenter#14).",
			genMasked),
		family("nonfinite",
			"A NaN logit; a +Inf logit; all logits −Inf; −Inf logits with h > 0 on them. The semantics "+
				"of docs/design.md §7 apply: NaN, NaN, NaN, and loss +Inf with g_j = −h_j. Provokes Inf − Inf "+
				"and 0·Inf in the max shift (pytorch/pytorch#6864: softmax NaN when one Inf is present).",
			genNonfinite),
	}
}

// lookupFamily returns the family called name.
func lookupFamily(name string) (Family, bool) {
	for _, f := range Families() {
		if f.Name == name {
			return f, true
		}
	}
	return Family{}, false
}

// FamilyNames returns the names of Families() in order.
func FamilyNames() []string {
	fs := Families()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// Generate returns n cases of the named family in dtype dt, seeded by seed:
// the same arguments give the same cases, bit for bit, on every platform.
// Ids are "family/0000", "family/0001", …. Each family draws from its own
// PCG stream (seed, FNV-1a hash of the name), so families with the same seed
// are independent. It errors for an unknown family or dtype or n < 0, and
// panics if a generator produced an invalid case (a bug in this package).
func Generate(family string, seed uint64, dt DType, n int) ([]Case, error) {
	f, ok := lookupFamily(family)
	if !ok {
		return nil, fmt.Errorf("unknown family %q (want one of %s)", family, strings.Join(FamilyNames(), ", "))
	}
	if dt != Float64 && dt != Float32 {
		return nil, fmt.Errorf("unknown dtype %q (want float64 or float32)", string(dt))
	}
	if n < 0 {
		return nil, fmt.Errorf("n = %d < 0", n)
	}
	h := fnv.New64a()
	h.Write([]byte(family))
	cs := f.Gen(rand.New(rand.NewPCG(seed, h.Sum64())), dt, n)
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			panic(fmt.Sprintf("cases: family %s generated an invalid case %s: %v", family, cs[i].ID, err))
		}
	}
	return cs, nil
}

func genModerate(g *gen, i int) Case {
	C := g.classes()
	s := [...]float64{1, 4, 16}[g.intn(3)]
	l := g.intn(C)
	return Case{Logits: g.uniformRow(C, -s, s), H: g.targetRow(C, l), Label: l}
}

func genWide(g *gen, i int) Case {
	C := g.classes()
	half := g.decades(2, 5) / 2
	x := g.uniformRow(C, -half, half)
	ends := g.distinct(C, 2)
	x[ends[0]], x[ends[1]] = g.fit(-half), g.fit(half)
	l := g.intn(C)
	return Case{Logits: x, H: g.targetRow(C, l), Label: l}
}

func genHuge(g *gen, i int) Case {
	C := g.classes()
	L := g.l
	var x []float64
	switch i % 4 {
	case 0: // both signs near ±huge: x_j − m overflows
		x = make([]float64, C)
		for j := range x {
			v := g.uniform(0.5, 1) * L.huge
			if g.coin() {
				v = -v
			}
			x[j] = g.fit(v)
		}
		// Two ends of opposite signs, each ≥ 0.6·huge: their difference
		// exceeds 1.2·huge > max in both dtypes.
		ends := g.distinct(C, 2)
		x[ends[0]] = g.fit(g.uniform(0.6, 1) * L.huge)
		x[ends[1]] = g.fit(-g.uniform(0.6, 1) * L.huge)
	case 1: // around exp's overflow threshold: an unshifted exp overflows
		x = g.uniformRow(C, L.expOver-2, L.expOver+2)
	case 2: // differences around exp's underflow threshold: subnormal p_j
		m := g.uniform(-5, 5)
		x = make([]float64, C)
		for j := range x {
			x[j] = g.fit(m + L.expUnder + g.uniform(-3, 3))
		}
		x[g.intn(C)] = g.fit(m)
	default: // every logit huge and of one sign
		sign := 1.0
		if g.coin() {
			sign = -1
		}
		x = g.uniformRow(C, sign*L.huge/2, sign*L.max)
	}
	l := g.intn(C)
	return Case{Logits: x, H: g.targetRow(C, l), Label: l}
}

func genTinyDiff(g *gen, i int) Case {
	C := g.classes()
	x := make([]float64, C)
	base := g.fit(g.decades(-3, 6))
	if g.coin() {
		base = -base
	}
	switch i % 4 {
	case 0: // exact ties
		for j := range x {
			x[j] = base
		}
	case 1: // 0 to 4 ulps apart
		for j := range x {
			x[j] = g.ulpsUp(base, g.intn(5))
		}
		// Pin the extremes: one at base, one 1–4 ulps above it.
		ends := g.distinct(C, 2)
		x[ends[0]], x[ends[1]] = base, g.ulpsUp(base, 1+g.intn(4))
	case 2: // small multiples of the least subnormal, either sign
		for j := range x {
			x[j] = float64(g.intn(17)-8) * g.l.minSub
		}
	default: // random subnormals (float32 subnormals in float32)
		for j := range x {
			if g.l.dt == Float32 {
				x[j] = float64(math.Float32frombits(uint32(g.r.Uint64()) & (1<<23 - 1)))
			} else {
				x[j] = math.Float64frombits(g.r.Uint64() & (1<<52 - 1))
			}
			if g.coin() {
				x[j] = -x[j]
			}
		}
	}
	l := g.intn(C)
	return Case{Logits: x, H: g.targetRow(C, l), Label: l}
}

func genDominant(g *gen, i int) Case {
	if i == 0 {
		// exp(−37.42994775023705) = 5.5511151231257644e-17 ≈ 2^−54
		// (python3-mpmath, 50 digits): p_0 = 1/(1 + 2^−54) rounds to 1.
		return Case{Logits: []float64{g.fit(37.42994775023705), 0}, H: []float64{1, 0}, Label: 0}
	}
	C := g.classes()
	base := g.uniform(-4, 4)
	x := make([]float64, C)
	for j := range x {
		x[j] = g.fit(base - g.uniform(0, 4))
	}
	var gap float64
	if g.coin() {
		gap = g.uniform(50, 200)
	} else {
		gap = g.uniform(200, 2000)
	}
	top := g.fit(base + gap)
	k := 1
	if C > 2 && g.coin() {
		k = 2 // two tied dominant logits
	}
	tops := g.distinct(C, k)
	for _, j := range tops {
		x[j] = top
	}
	l := tops[0]
	if g.coin() {
		for l == tops[0] || (k == 2 && l == tops[1]) {
			l = g.intn(C)
		}
	}
	return Case{Logits: x, H: g.targetRow(C, l), Label: l}
}

func genSharedOffset(g *gen, i int) Case {
	C := g.classes()
	off := g.decades(4, 16)
	if g.coin() {
		off = -off
	}
	x := make([]float64, C)
	equal := g.coin()
	for j := range x {
		d := 0.0
		if !equal {
			d = float64(g.intn(7) - 3)
		}
		x[j] = g.fit(off + d)
	}
	l := g.intn(C)
	return Case{Logits: x, H: g.targetRow(C, l), Label: l}
}

func genManyClasses(g *gen, i int) Case {
	C := int(g.decades(3, 5))
	l := g.intn(C)
	if i%3 == 2 { // a vocabulary masked to −Inf but for a few classes
		x := make([]float64, C)
		for j := range x {
			x[j] = math.Inf(-1)
		}
		live := g.distinct(C, 1+g.intn(4))
		for _, j := range live {
			x[j] = g.fit(g.uniform(-10, 10))
		}
		l = live[0]
		return Case{Logits: x, H: oneHot(C, l), Label: l}
	}
	spread := [...]float64{0, 1e-6, 1e-2, 1}[g.intn(4)]
	base := g.uniform(-10, 10)
	x := g.uniformRow(C, base-spread, base+spread)
	h := oneHot(C, l)
	if g.coin() {
		h = smoothingRow(g, C, l, 0.1)
	}
	return Case{Logits: x, H: h, Label: l}
}

// hFamily makes an H family: moderate logits and C, the row from row.
func hFamily(row func(g *gen, C, l int, x []float64) []float64) caseGen {
	return func(g *gen, i int) Case {
		C := g.classes()
		x := g.uniformRow(C, -4, 4)
		l := g.intn(C)
		return Case{Logits: x, H: row(g, C, l, x), Label: l}
	}
}

// smoothingRow is PyTorch's label smoothing: (1−ε)·e_l + ε/C.
func smoothingRow(g *gen, C, l int, eps float64) []float64 {
	h := make([]float64, C)
	off := eps / float64(C)
	for j := range h {
		h[j] = g.fit(off)
	}
	h[l] = g.fit((1 - eps) + off)
	return h
}

func hSmoothing(g *gen, C, l int, x []float64) []float64 {
	eps := [...]float64{0.01, 0.05, 0.1, 0.2, 0.5, 0.9, 1}[g.intn(7)]
	if g.intn(4) == 0 {
		// One very negative logit: smoothing puts weight on its log p.
		x[g.intn(C)] = g.fit(-g.decades(2, 4))
	}
	return smoothingRow(g, C, l, eps)
}

func hWeights(g *gen, C, l int, x []float64) []float64 {
	h := make([]float64, C)
	h[l] = g.fit(g.decades(-3, 3))
	return h
}

func hDense(g *gen, C, l int, x []float64) []float64 {
	pos := make([]float64, C)
	for j := range pos {
		pos[j] = g.uniform(0, 4)
	}
	h := make([]float64, C)
	for j := range h {
		d := pos[j] - pos[l]
		h[j] = g.fit(1 / (1 + float64(d*d)))
	}
	h[l] = 1
	return h
}

func hSparse(g *gen, C, l int, x []float64) []float64 {
	s := [...]float64{4, 60, 500}[g.intn(3)]
	for j := range x {
		x[j] = g.fit(g.uniform(-s, s))
	}
	h := make([]float64, C)
	h[l] = 1
	k := 1 + g.intn(min(3, C-1)) // other non-zero entries
	for _, j := range g.distinct(C, C) {
		if k == 0 {
			break
		}
		if j != l {
			h[j] = g.fit(g.uniform(0.05, 1))
			k--
		}
	}
	return h
}

func hRowSum(g *gen, C, l int, x []float64) []float64 {
	h := g.probRow(C, l, nil)
	S := g.decades(-30, 15)
	for j := range h {
		h[j] = g.fit(h[j] * S)
	}
	return h
}

func hZero(g *gen, C, l int, x []float64) []float64 {
	if g.coin() { // wide logits: some p_j underflow to 0 under h_j = 0
		for j := range x {
			x[j] = g.fit(g.uniform(-1000, 1000))
		}
	}
	return make([]float64, C)
}

func hSigned(g *gen, C, l int, x []float64) []float64 {
	h := make([]float64, C)
	if g.coin() {
		// h = −D: a distance row negated, S < 0 (C ≥ 2 here).
		for j := range h {
			if j != l {
				h[j] = g.fit(-g.uniform(0.1, 2))
			}
		}
		return h
	}
	// h = 1 − D with distances in [0, 2]: mixed signs.
	for j := range h {
		h[j] = g.fit(1 - g.uniform(0, 2))
	}
	h[l] = 1
	others := g.distinct(C, C)
	for _, j := range others {
		if j != l {
			h[j] = g.fit(1 - g.uniform(1.5, 2)) // at least one negative entry
			break
		}
	}
	return h
}

func hHuge(g *gen, C, l int, x []float64) []float64 {
	h := make([]float64, C)
	k := 2 + g.intn(min(C, 4)-1)
	idx := g.distinct(C, k)
	hasLabel := false
	for _, j := range idx {
		hasLabel = hasLabel || j == l
	}
	if !hasLabel {
		idx[0] = l
	}
	for _, j := range idx {
		h[j] = g.fit(g.uniform(0.6, 1) * g.l.max)
	}
	return h
}

func genMasked(g *gen, i int) Case {
	C := smallCs[g.intn(len(smallCs))]
	x := g.uniformRow(C, -4, 4)
	k := 1 + g.intn(C-1)
	keep := make([]bool, C)
	for j := range keep {
		keep[j] = true
	}
	for _, j := range g.distinct(C, k) {
		x[j] = math.Inf(-1)
		keep[j] = false
	}
	var live []int
	for j, ok := range keep {
		if ok {
			live = append(live, j)
		}
	}
	l := live[g.intn(len(live))]
	h := oneHot(C, l)
	if g.coin() {
		h = g.probRow(C, l, keep)
	}
	return Case{Logits: x, H: h, Label: l}
}

func genNonfinite(g *gen, i int) Case {
	C := g.classes()
	x := g.uniformRow(C, -4, 4)
	l := g.intn(C)
	h := g.targetRow(C, l)
	switch i % 4 {
	case 0:
		x[g.intn(C)] = math.NaN()
	case 1:
		x[g.intn(C)] = math.Inf(1)
	case 2:
		for j := range x {
			x[j] = math.Inf(-1)
		}
	default: // −Inf under the label (h_l > 0): loss +Inf, g_l = −h_l
		x[l] = math.Inf(-1)
		if C > 1 && g.coin() {
			x[(l+1)%C] = math.Inf(-1)
		}
	}
	return Case{Logits: x, H: h, Label: l}
}
