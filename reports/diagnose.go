package reports

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// Cause classifies why an implementation falls short (docs/design.md §8).
type Cause string

const (
	// Instability: the error grows with the regime (logit spread, C, S,
	// a shared offset, magnitudes near overflow) and is unbounded in it.
	Instability Cause = "instability"
	// DifferentFunction: the formula itself is not the loss or its
	// gradient: its error does not shrink when the same formula is
	// evaluated exactly (in big.Float).
	DifferentFunction Cause = "different function"
	// NonFiniteSemantics: NaN, ±Inf and rejections differ from
	// docs/design.md §7 on inputs with non-finite values.
	NonFiniteSemantics Cause = "non-finite semantics"
	// RoundingNoise: errors beyond the standard but within the acceptable
	// multiple of u·condition, with no flaw found by a probe.
	RoundingNoise Cause = "rounding noise"
)

// Finding is one detected flaw of an implementation with its evidence.
type Finding struct {
	// Flaw is the id of the flaw in the catalogue (see Flaws).
	Flaw  string
	Cause Cause
	// What says what goes wrong, in one line; Fix what to change.
	What string
	Fix  string
	// FixShort is the fix in a few words.
	FixShort string
	// Probe is the evidence of the probe that detected the flaw: its
	// input and the measured outputs.
	Probe string
	// Property is the property of the props battery that catches the flaw
	// ("" if none); PropertyFails says whether the battery ran and failed
	// it for this implementation.
	Property      string
	PropertyFails bool
	// Family is the case family that exhibits the flaw in a sweep;
	// Regimes every family where it may be the worst cause (Family first).
	Family  string
	Regimes []string
}

// flaw is an entry of the catalogue: a known way to get the loss wrong and
// a probe that detects it from an implementation's outputs alone.
type flaw struct {
	id string
	// short is the fix in a few words, fix the whole line.
	short    string
	cause    Cause
	what     string
	fix      string
	property string
	family   string
	// also lists further families where the flaw may dominate.
	also []string
	// detect runs the probe on im (against the reference ref) and returns
	// the evidence when the flaw is present.
	detect func(p *prober) (evidence string, found bool)
}

// prober evaluates probe cases on one implementation and the reference.
type prober struct {
	im, ref *impls.Impl
}

// run evaluates x, h in dtype dt on the implementation and the reference.
// It reports false when the implementation has no path for dt.
func (p *prober) run(dt cases.DType, x, h []float64) (got, want cases.Result, ok bool) {
	if !p.im.Supports(dt) {
		return got, want, false
	}
	c := probeCase(dt, x, h)
	return safeCase(p.im, c), safeCase(p.ref, c), true
}

func probeCase(dt cases.DType, x, h []float64) *cases.Case {
	label := 0
	for j := range h {
		if h[j] > h[label] {
			label = j
		}
	}
	return &cases.Case{ID: "probe", Family: "probe", DType: dt, Logits: x, H: h, Label: label}
}

func unitRoundoff(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return ulp.U32
	}
	return ulp.U64
}

// judge asks the one judge (impls.Within) about got against want on the
// probe row x, h in dtype dt with bounds b: every "within" a probe decides
// goes through it.
func judge(dt cases.DType, x, h []float64, got, want cases.Result, b impls.Bounds) impls.Verdict {
	return impls.Within(probeCase(dt, x, h), &got, &want, b)
}

// acceptableOn is the acceptable bound (grade.go) on the probe row x.
func acceptableOn(dt cases.DType, x []float64) impls.Bounds {
	return acceptableBounds(len(x), spread(x), dt)
}

// lossOnly and gradOnly keep one clause of b: the other is void.
func lossOnly(b impls.Bounds) impls.Bounds {
	return impls.Bounds{LossULP: b.LossULP, LossScaled: b.LossScaled, GradScaled: math.Inf(1)}
}

func gradOnly(b impls.Bounds) impls.Bounds {
	return impls.Bounds{LossULP: math.Inf(1), LossScaled: math.Inf(1), GradScaled: b.GradScaled}
}

func anyNonFinite(r cases.Result) bool {
	if r.Err != "" {
		return true
	}
	if !finite(r.Loss) {
		return true
	}
	for _, g := range r.Grad {
		if !finite(g) {
			return true
		}
	}
	return false
}

func gradNonFinite(r cases.Result) bool {
	if r.Err != "" {
		return true
	}
	for _, g := range r.Grad {
		if !finite(g) {
			return true
		}
	}
	return false
}

// fmtVec prints a short vector in shortest round-trip form.
func fmtVec(v []float64) string {
	s := make([]string, len(v))
	for j, e := range v {
		s[j] = fmtNum(e)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func fmtResult(r cases.Result) string {
	if r.Err != "" {
		return "error " + strconv.Quote(r.Err)
	}
	return fmt.Sprintf("loss %s, gradient %s", fmtNum(r.Loss), fmtVec(r.Grad))
}

// dtypes of the probes: float64 first, float32 where the probe has a
// float32 form.
var probeDTypes = []cases.DType{cases.Float64, cases.Float32}

// maxOf returns the largest finite value of dt.
func maxOf(dt cases.DType) float64 {
	if dt == cases.Float32 {
		return math.MaxFloat32
	}
	return math.MaxFloat64
}

// clampLoss is −log(1e-20f) in float64, the loss a clamped p = 1e-20f
// charges per unit of h (Caffe's kLOG_THRESHOLD).
var clampLoss = -math.Log(float64(float32(1e-20)))

// Flaws returns the ids of the catalogue of known flaws, in the order the
// diagnosis checks them.
func Flaws() []string {
	var ids []string
	for _, f := range catalogue {
		ids = append(ids, f.id)
	}
	return ids
}

// catalogue is every flaw the diagnosis knows, most severe first. Each
// probe is a few hand-picked rows on which the flaw shows and a careful
// formula (docs/design.md §3) is within the standard.
var catalogue = []flaw{
	{
		id:       "p-minus-h",
		short:    "g = p·S − h, not p − h",
		cause:    DifferentFunction,
		what:     "gradient softmax − h: the gradient only when S = Σ h_j = 1",
		fix:      "use g_j = p_j·S − h_j with S = Σ_j h_j (softmax − labels assumes probability rows)",
		property: "gradient-sums-to-zero",
		family:   "h-weights",
		also:     []string{"h-rowsum", "h-dense", "h-zero", "h-signed"},
		detect:   detectPMinusH,
	},
	{
		id:       "other-function",
		short:    "compute the loss of docs/design.md §1",
		cause:    DifferentFunction,
		what:     "outputs beyond the acceptable bound on rows where every formula of docs/design.md §1 is exact or within a few ulps in floating point",
		fix:      "compute L = −Σ_j h_j log softmax(x)_j and g_j = p_j·S − h_j (docs/design.md §1)",
		property: "reference",
		family:   "h-identity",
		detect:   detectOtherFunction,
	},
	{
		id:       "no-max-shift",
		short:    "shift by the max",
		cause:    Instability,
		what:     "exp(x_j) without the max shift overflows for logits above 709.78 (float32: 88.72)",
		fix:      "shift by the max: exp(x_j − m), m = max_j x_j",
		property: "shift",
		family:   "huge",
		detect:   detectNoShift,
	},
	{
		id:       "zero-times-inf",
		short:    "skip the terms with h_j = 0",
		cause:    Instability,
		what:     "0·∞ = NaN where x_j − m overflows to −∞ on a class with h_j = 0",
		fix:      "skip the terms with h_j = 0: a class without weight contributes exactly 0, whatever x_j − m is",
		property: "non-finite",
		family:   "huge",
		detect:   detectZeroTimesInf,
	},
	{
		id:       "s-overflow",
		short:    "rescale h before forming S",
		cause:    Instability,
		what:     "S = Σ h_j (or h_j/p_j) overflows although every g_j = p_j·S − h_j is finite",
		fix:      "scale h by a power of two before forming S when Σ|h_j| can overflow, and form p_j·S − h_j at that scale",
		property: "",
		family:   "h-huge",
		detect:   detectSOverflow,
	},
	{
		id:       "chain-h-over-p",
		short:    "fuse softmax and loss (Caffe PR #3855)",
		cause:    Instability,
		what:     "gradient chained through ∂L/∂p = −h/p and the softmax Jacobian: vanishes or overflows where p_label underflows",
		fix:      "fuse the softmax with the loss (Caffe PR #3855): g_j = p_j·S − h_j instead of chaining −h_j/p_j",
		property: "reference",
		family:   "wide",
		also:     []string{"h-sparse", "h-dense", GridFamily},
		detect:   detectChain,
	},
	{
		id:       "clamped-p",
		short:    "do not clamp p",
		cause:    Instability,
		what:     "log(max(p_j, 1e-20)): the loss saturates at 46.05·h_j once the label is 46 below the top logit",
		fix:      "do not clamp p: L = Σ_j h_j (m − x_j) + S·log1p(s) takes no log of p",
		property: "identity-H",
		family:   "wide",
		also:     []string{"h-sparse", "h-smoothing", GridFamily},
		detect:   detectClamp,
	},
	{
		id:       "at-scale",
		short:    "take the differences first",
		cause:    Instability,
		what:     "LSE(x) = m + log Σ is rounded at the logits' scale before x_j is subtracted: the loss error grows with a shared offset",
		fix:      "take the differences first: L = Σ_j h_j (m − x_j) + S·log1p(s), never m + log Σ − x_j",
		property: "shift",
		family:   "shared-offset",
		detect:   detectAtScale,
	},
	{
		id:       "log-not-log1p",
		short:    "log1p not log(1+s)",
		cause:    Instability,
		what:     "log(1 + s) (or log Σ exp) loses the tail s = Σ_{j≠k} exp(x_j − m) below u: a dominant label's loss becomes 0",
		fix:      "log1p not log(1+s): L = Σ_j h_j (m − x_j) + S·log1p(s)",
		property: "identity-H",
		family:   "dominant",
		also:     []string{"h-smoothing", "tiny-diff"},
		detect:   detectLog1p,
	},
	{
		id:       "one-minus-p",
		short:    "complement q_k = s/(1+s)",
		cause:    Instability,
		what:     "the top class's gradient forms 1 − p_k (or p_k·S − h_k) after p_k rounded: it cancels as p_k → 1",
		fix:      "form the complement q_k = s/(1+s) from the tail s (summed compensated): g_k = p_k(S − h_k) − h_k q_k",
		property: "gradient-sums-to-zero",
		family:   "dominant",
		also:     []string{"moderate", "many-classes", GridFamily},
		detect:   detectOneMinusP,
	},
	{
		id:       "s-cancels",
		short:    "sum S and the tail compensated",
		cause:    Instability,
		what:     "S = Σ h_j summed in order cancels on rows of mixed signs: p_j·S − h_j loses S",
		fix:      "sum S and the tail compensated (or form S − h_j as Σ_{i≠j} h_i); and feed H similarities, not distances",
		property: "",
		family:   "h-signed",
		detect:   detectSCancels,
	},
	{
		id:       "no-masking",
		short:    "mask classes with h_j = 0",
		cause:    NonFiniteSemantics,
		what:     "a −Inf logit with h_j = 0 gives NaN (0·∞) instead of contributing nothing (masking)",
		fix:      "mask: a class with x_j = −Inf and h_j = 0 contributes 0 to the loss and 0 to the gradient (docs/design.md §7)",
		property: "non-finite",
		family:   "masked",
		detect:   detectMasking,
	},
	{
		id:       "special-values",
		short:    "follow docs/design.md §7",
		cause:    NonFiniteSemantics,
		what:     "special values differ from docs/design.md §7 on NaN, +Inf or −Inf logits",
		fix:      "follow docs/design.md §7: NaN for a NaN or +Inf logit or all logits −Inf; loss +Inf and g_j = −h_j for h_j > 0 on a −Inf logit",
		property: "non-finite",
		family:   "nonfinite",
		detect:   detectSpecialValues,
	},
}

// Property-only flaws: batch semantics the per-row probes cannot see; the
// props battery's failing property is their evidence.
var propertyFlaws = []flaw{
	{
		id:       "batch-normalization",
		short:    "Caffe's normalizers",
		cause:    DifferentFunction,
		what:     "the batch loss is divided by another normalizer than Caffe's",
		fix:      "normalize as Caffe: VALID by the count of non-ignored positions, FULL by outer·inner, BATCH_SIZE by outer, NONE by 1",
		property: "batch-normalization",
	},
	{
		id:       "batch-ignore-label",
		short:    "zero the ignored positions",
		cause:    DifferentFunction,
		what:     "ignored positions (ignore_label) contribute to the loss or keep a gradient",
		fix:      "skip ignored positions in the loss and write a zero gradient there",
		property: "batch-ignore-label",
	},
	{
		id:       "batch-loss-weight",
		short:    "scale by loss_weight/normalizer",
		cause:    DifferentFunction,
		what:     "loss_weight is not applied as Caffe does (the gradient scaled by loss_weight/normalizer)",
		fix:      "scale the gradient by loss_weight/normalizer and leave the loss unweighted",
		property: "batch-loss-weight",
	},
	{
		id:       "batch-layout",
		short:    "Caffe's (outer, C, inner) layout",
		cause:    DifferentFunction,
		what:     "the batch is read in another layout than Caffe's (outer, C, inner)",
		fix:      "gather x_j = logits[(o·C + j)·inner + i] and scatter the gradient the same way",
		property: "batch-layout",
	},
}

// Diagnose runs every probe of the catalogue on im against the reference
// ref and returns the flaws found, in catalogue order, followed by the
// property-only flaws that failing (the props battery's failing
// properties of im, nil if it did not run) reveals. It is deterministic and
// cheap (a few dozen rows).
func Diagnose(im, ref *impls.Impl, failing []string) []Finding {
	p := &prober{im: im, ref: ref}
	var out []Finding
	for _, f := range catalogue {
		if f.id == "other-function" && len(out) > 0 {
			continue // a named different function explains it already
		}
		if f.id == "zero-times-inf" && len(out) > 0 && out[len(out)-1].Flaw == "no-max-shift" {
			continue // the unshifted exp overflows on the same row
		}
		ev, found := f.detect(p)
		if !found {
			continue
		}
		out = append(out, f.finding(ev, failing))
	}
	for _, f := range propertyFlaws {
		if contains(failing, f.property) {
			out = append(out, f.finding("property "+f.property+" fails", failing))
		}
	}
	return out
}

func (f *flaw) finding(ev string, failing []string) Finding {
	return Finding{
		Flaw: f.id, Cause: f.cause, What: f.what, Fix: f.fix, FixShort: f.short, Probe: ev,
		Property: f.property, PropertyFails: f.property != "" && contains(failing, f.property),
		Family: f.family, Regimes: append([]string{f.family}, f.also...),
	}
}

func contains(v []string, s string) bool {
	for _, e := range v {
		if e == s {
			return true
		}
	}
	return false
}

// detectPMinusH: on rows with equal logits p_j = 1/C exactly, so p − h and
// p·S − h are exact in big.Float and in floating point. The implementation
// computes p − h when its gradient equals the exact p − h (within the
// standard) while the exact p − h misses the gradient: the error does not
// shrink in exact arithmetic.
func detectPMinusH(p *prober) (string, bool) {
	x := []float64{0, 0, 0, 0}
	for _, h := range [][]float64{{2, 1, 0, 0}, {0.25, 0.125, 0, 0}} {
		for _, dt := range probeDTypes {
			got, want, ok := p.run(dt, x, h)
			if !ok || gradNonFinite(got) {
				continue
			}
			model := cases.Result{Loss: got.Loss, Grad: exactPMinusH(x, h)}
			accept := gradOnly(acceptableOn(dt, x))
			// got's gradient within the standard of p − h evaluated
			// exactly, while p − h itself and got are beyond the
			// acceptable bound from the gradient.
			asModel := judge(dt, x, h, got, model, gradOnly(impls.Standard.Bounds)).OK
			modelOff := !judge(dt, x, h, cases.Result{Loss: want.Loss, Grad: model.Grad}, want, accept).OK
			v := judge(dt, x, h, got, want, accept)
			if asModel && modelOff && !v.OK {
				return fmt.Sprintf("%s, x = %s, h = %s (S = %s): gradient %s equals p − h evaluated exactly in big.Float; "+
					"the gradient p·S − h is %s (scaled error %s, not shrinking in exact arithmetic)",
					dt, fmtVec(x), fmtVec(h), fmtNum(sum(h)), fmtVec(got.Grad), fmtVec(want.Grad), fmtScaledNum(v.GradScaled)), true
			}
		}
	}
	return "", false
}

// exactPMinusH evaluates p_j − h_j in big.Float for equal logits
// (p_j = 1/C) and rounds it to float64.
func exactPMinusH(x, h []float64) []float64 {
	C := new(big.Float).SetPrec(200).SetInt64(int64(len(x)))
	pj := new(big.Float).SetPrec(200).Quo(big.NewFloat(1).SetPrec(200), C)
	out := make([]float64, len(x))
	for j := range x {
		d := new(big.Float).SetPrec(200).Sub(pj, big.NewFloat(h[j]).SetPrec(200))
		out[j], _ = d.Float64()
	}
	return out
}

func sum(v []float64) float64 {
	var s float64
	for _, e := range v {
		s += e
	}
	return s
}

// detectOtherFunction: rows with equal logits and dyadic h, C a power of
// two, on which the gradient S/C − h_j is exactly representable and the
// loss S·log C is within a few ulps for any formula of docs/design.md §1
// (every difference is 0, every exp is 1, every sum exact). An error
// beyond the acceptable bound in any one supported dtype is therefore
// not rounding: the implementation computes another function. Both dtypes
// are probed when supported; one suffices (a float64-only or float32-only
// implementation is judged on its own dtype).
func detectOtherFunction(p *prober) (string, bool) {
	x := []float64{0, 0, 0, 0}
	for _, h := range [][]float64{{1, 0, 0, 0}, {0.5, 0.5, 0, 0}, {2, 1, 0, 0}} {
		for _, dt := range probeDTypes {
			got, want, ok := p.run(dt, x, h)
			if !ok || anyNonFinite(got) {
				continue
			}
			v := judge(dt, x, h, got, want, acceptableOn(dt, x))
			if !v.OK {
				return fmt.Sprintf("%s, x = %s, h = %s: %s, exact %s: scaled error of the loss %s, of the gradient %s, beyond the acceptable bound %s on a row every formula of docs/design.md §1 evaluates within a few ulps",
					dt, fmtVec(x), fmtVec(h), fmtResult(got), fmtResult(want), fmtScaledNum(v.LossScaled), fmtScaledNum(v.GradScaled),
					fmtScaledNum(acceptableOn(dt, x).GradScaled)), true
			}
		}
	}
	return "", false
}

// detectNoShift: a moderate row shifted up by 1000 has the same exact
// result; exp(1000) overflows in both dtypes.
func detectNoShift(p *prober) (string, bool) {
	base, h := []float64{0, 1, -1}, []float64{0, 1, 0}
	up := []float64{1000, 1001, 999}
	for _, dt := range probeDTypes {
		gb, wb, ok := p.run(dt, base, h)
		gu, wu, _ := p.run(dt, up, h)
		if !ok || anyNonFinite(wu) || anyNonFinite(gb) || anyNonFinite(wb) {
			continue
		}
		if anyNonFinite(gu) {
			return fmt.Sprintf("%s, x = %s, h = %s: %s; the same row shifted down by 1000 gives %s", dt, fmtVec(up), fmtVec(h), fmtResult(gu), fmtResult(gb)), true
		}
	}
	return "", false
}

// detectZeroTimesInf: finite logits whose difference overflows; the
// class with h = 0 must contribute nothing. Exact: loss 0, gradient 0.
func detectZeroTimesInf(p *prober) (string, bool) {
	for _, dt := range probeDTypes {
		big := 0.9 * maxOf(dt)
		if dt == cases.Float32 {
			big = float64(float32(big))
		}
		x, h := []float64{big, -big}, []float64{1, 0}
		got, want, ok := p.run(dt, x, h)
		if !ok || anyNonFinite(want) {
			continue
		}
		if anyNonFinite(got) {
			return fmt.Sprintf("%s, x = %s (finite), h = %s: %s; exact %s", dt, fmtVec(x), fmtVec(h), fmtResult(got), fmtResult(want)), true
		}
	}
	return "", false
}

// detectSOverflow: S = 1.5·max overflows; every g_j is exactly 0.
func detectSOverflow(p *prober) (string, bool) {
	for _, dt := range probeDTypes {
		hv := 0.75 * maxOf(dt)
		if dt == cases.Float32 {
			hv = float64(float32(hv))
		}
		x, h := []float64{0, 0}, []float64{hv, hv}
		got, want, ok := p.run(dt, x, h)
		if !ok || gradNonFinite(want) {
			continue
		}
		if gradNonFinite(got) {
			return fmt.Sprintf("%s, x = %s, h = %s: gradient %s, exact %s", dt, fmtVec(x), fmtVec(h), fmtVec(got.Grad), fmtVec(want.Grad)), true
		}
	}
	return "", false
}

// detectChain: the label 100 (float64 also: 800) below the top logit.
// The gradient is ≈ [−1, 1]; chained through −h/max(p, 1e-20) the label's
// component vanishes, through −h/p it becomes −Inf·0 = NaN.
func detectChain(p *prober) (string, bool) {
	h := []float64{1, 0}
	for _, dt := range probeDTypes {
		for _, x := range [][]float64{{0, 100}, {-800, 0}} {
			got, want, ok := p.run(dt, x, h)
			if !ok || anyNonFinite(want) || got.Err != "" {
				continue
			}
			if finite(got.Grad[0]) && math.Abs(got.Grad[0]) < 1e-3 && math.Abs(want.Grad[0]) > 0.5 {
				return fmt.Sprintf("%s, x = %s, h = %s: the label's gradient %s vanishes (exact %s)", dt, fmtVec(x), fmtVec(h), fmtNum(got.Grad[0]), fmtNum(want.Grad[0])), true
			}
			if gradNonFinite(got) && !anyNonFinite(got) {
				return fmt.Sprintf("%s, x = %s, h = %s: gradient %s with a finite loss (exact %s)", dt, fmtVec(x), fmtVec(h), fmtVec(got.Grad), fmtVec(want.Grad)), true
			}
		}
	}
	return "", false
}

// detectClamp: the loss of a label 100 below the top logit is 100, not
// −log(1e-20f) = 46.05.
func detectClamp(p *prober) (string, bool) {
	x, h := []float64{0, 100}, []float64{1, 0}
	for _, dt := range probeDTypes {
		got, want, ok := p.run(dt, x, h)
		if !ok || got.Err != "" || !finite(want.Loss) {
			continue
		}
		if math.Abs(got.Loss-clampLoss) <= 1e-4*clampLoss && math.Abs(want.Loss-clampLoss) > 1 {
			return fmt.Sprintf("%s, x = %s, h = %s: loss %s = −log(1e-20f), exact %s", dt, fmtVec(x), fmtVec(h), fmtNum(got.Loss), fmtNum(want.Loss)), true
		}
	}
	return "", false
}

// detectAtScale: the same near-uniform row at growing shared offsets;
// exact loss log 2 + … at every offset. The flaw is an error within the
// standard at offset 0 that grows beyond the acceptable bound.
func detectAtScale(p *prober) (string, bool) {
	h := []float64{1, 0}
	for _, dt := range probeDTypes {
		offsets := []float64{0, 1e4, 1e8}
		var errs []string
		var firstOK, lastOK bool
		for i, o := range offsets {
			x := []float64{o + 0.5, o}
			got, want, ok := p.run(dt, x, h)
			if !ok || anyNonFinite(got) || anyNonFinite(want) {
				errs = nil
				break
			}
			v := judge(dt, x, h, got, want, lossOnly(impls.Bounds{LossULP: math.Inf(1), LossScaled: standardLossScaled}))
			if i == 0 {
				firstOK = v.OK
			}
			lastOK = judge(dt, x, h, got, want, lossOnly(acceptableOn(dt, x))).OK
			errs = append(errs, fmt.Sprintf("%s at offset %s", fmtScaledNum(v.LossScaled), fmtNum(o)))
		}
		if len(errs) == len(offsets) && firstOK && !lastOK {
			return fmt.Sprintf("%s, x = [o+0.5 o], h = %s: scaled loss error %s", dt, fmtVec(h), strings.Join(errs, ", ")), true
		}
	}
	return "", false
}

// detectLog1p: a dominant label; exact loss log1p(e^-40) = 4.25e-18
// (float32: log1p(e^-20) = 2.06e-9), which log(1 + s) rounds to 0.
func detectLog1p(p *prober) (string, bool) {
	for _, dt := range probeDTypes {
		x := []float64{0, -40}
		if dt == cases.Float32 {
			x = []float64{0, -20}
		}
		h := []float64{1, 0}
		got, want, ok := p.run(dt, x, h)
		if !ok || got.Err != "" || !finite(want.Loss) || want.Loss <= 0 {
			continue
		}
		if got.Loss == 0 {
			return fmt.Sprintf("%s, x = %s, h = %s: loss %s, exact %s (1 + s rounds to 1)", dt, fmtVec(x), fmtVec(h), fmtNum(got.Loss), fmtNum(want.Loss)), true
		}
	}
	return "", false
}

// detectOneMinusP: a dominant label with a tail p_1 ≈ e^-30 (float32:
// e^-12); the top class's gradient −q_0 must keep its relative accuracy.
func detectOneMinusP(p *prober) (string, bool) {
	for _, dt := range probeDTypes {
		x := []float64{0, -30}
		if dt == cases.Float32 {
			x = []float64{0, -12}
		}
		h := []float64{1, 0}
		got, want, ok := p.run(dt, x, h)
		if !ok || anyNonFinite(got) || anyNonFinite(want) {
			continue
		}
		if v := judge(dt, x, h, got, want, gradOnly(acceptableOn(dt, x))); !v.OK {
			j := v.GradAt
			return fmt.Sprintf("%s, x = %s, h = %s: gradient component %d is %s, exact %s (scaled error %s)", dt, fmtVec(x), fmtVec(h), j, fmtNum(got.Grad[j]), fmtNum(want.Grad[j]), fmtScaledNum(v.GradScaled)), true
		}
	}
	return "", false
}

// detectSCancels: h = [1e17, 1, −1e17] (float32: 1e8): S = 1, but summed
// in order 1e17 + 1 rounds to 1e17 and S becomes 0.
func detectSCancels(p *prober) (string, bool) {
	for _, dt := range probeDTypes {
		big := 1e17
		if dt == cases.Float32 {
			big = 1e8
		}
		x, h := []float64{0, 1, 2}, []float64{big, 1, -big}
		got, want, ok := p.run(dt, x, h)
		if !ok || anyNonFinite(got) || anyNonFinite(want) {
			continue
		}
		if v := judge(dt, x, h, got, want, gradOnly(acceptableOn(dt, x))); !v.OK {
			at := v.GradAt
			return fmt.Sprintf("%s, x = %s, h = %s (S = 1): gradient component %d is %s, exact %s (scaled error %s)",
				dt, fmtVec(x), fmtVec(h), at, fmtNum(got.Grad[at]), fmtNum(want.Grad[at]), fmtScaledNum(v.GradScaled)), true
		}
	}
	return "", false
}

// detectMasking: x = [0, −Inf], h = [1, 0]: loss 0 and gradient [0, 0].
func detectMasking(p *prober) (string, bool) {
	x, h := []float64{0, math.Inf(-1)}, []float64{1, 0}
	for _, dt := range probeDTypes {
		got, want, ok := p.run(dt, x, h)
		if !ok || anyNonFinite(want) {
			continue
		}
		if anyNonFinite(got) {
			return fmt.Sprintf("%s, x = %s, h = %s: %s; exact %s", dt, fmtVec(x), fmtVec(h), fmtResult(got), fmtResult(want)), true
		}
	}
	return "", false
}

// detectSpecialValues: the rows of docs/design.md §7 whose outputs are
// NaN or +Inf.
func detectSpecialValues(p *prober) (string, bool) {
	inf := math.Inf(1)
	rows := []struct{ x, h []float64 }{
		{[]float64{math.NaN(), 0}, []float64{1, 0}},
		{[]float64{inf, 0}, []float64{1, 0}},
		{[]float64{-inf, -inf}, []float64{1, 0}},
		{[]float64{-inf, 0}, []float64{1, 0}},
	}
	for _, dt := range probeDTypes {
		for _, r := range rows {
			got, want, ok := p.run(dt, r.x, r.h)
			c := &cases.Case{DType: dt, Logits: r.x, H: r.h}
			if !ok || !impls.Measure(c, &got, &want).Mismatch {
				continue
			}
			return fmt.Sprintf("%s, x = %s, h = %s: %s; docs/design.md §7: %s", dt, fmtVec(r.x), fmtVec(r.h), fmtResult(got), fmtResult(want)), true
		}
	}
	return "", false
}

func fmtScaledNum(v float64) string {
	if v >= math.MaxFloat64 {
		return "∞"
	}
	return fmtScaled(v, 1)
}
