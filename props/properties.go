package props

import (
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
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
		{IDNonFinite, "NaN and +Inf logits give NaN, −Inf logits give the limit (docs/design.md §7).", false, propNonFinite},
		{IDNoPanic, "No input makes it panic, and invalid input is an error.", false, propNoPanic},
	}
}

// hFamilies are the families that vary h over moderate logits.
var hFamilies = []string{"h-identity", "h-smoothing", "h-weights", "h-dense", "h-sparse", "h-rowsum", "h-zero", "h-signed", "h-huge"}

func familyNames() []string { return cases.FamilyNames() }

// dtypes returns the dtypes im can be run in, float64 first.
func (e *env) dtypes() []cases.DType {
	var out []cases.DType
	for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
		if e.im.Supports(dt) {
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
		return judge("against "+e.cfg.ref.Name, c.DType, c.Logits, c.H, got, want, e.bounds(c.DType).Plus(impls.Bounds{}), false)
	}, g), ""
}
