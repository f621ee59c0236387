package impls

import (
	"slices"

	"github.com/infogain-dev/infogain/cases"
)

// Bounds are declared error bounds against the exact result, in the units
// of docs/design.md §5, each relative to the unit roundoff u of the output
// type (2^-53 for float64, 2^-24 for float32).
type Bounds struct {
	// LossULP bounds the loss error in ulps of the output type. It applies
	// when every h_j ≥ 0: the loss is then a sum of same-signed terms and
	// an ulp bound is achievable.
	LossULP float64
	// LossScaled bounds the scaled loss error
	// |ΔL| / (u·Σ_j |h_j|(|m − x_j| + log1p(s))) for every h. When every
	// h_j ≥ 0 the denominator is u·L and ulp(L) ∈ (u·L, 2u·L], so n ulps
	// are a scaled error in (n, 2n]; when some h_j < 0, L may cancel and
	// this is the only loss bound.
	LossScaled float64
	// GradScaled bounds the componentwise scaled gradient error
	// |Δg_j| / (u·(p_j|S − h_j| + |h_j|q_j) + η) of every component
	// (ulp.GradScaledEach), η the least subnormal of the type.
	GradScaled float64
}

// Plus returns the bounds of a comparison between a value within b of an
// exact result and a value within o of the same exact result: the ulp
// distance and both scaled errors obey the triangle inequality.
func (b Bounds) Plus(o Bounds) Bounds {
	return Bounds{b.LossULP + o.LossULP, b.LossScaled + o.LossScaled, b.GradScaled + o.GradScaled}
}

// Twice returns b.Plus(b): the bounds between two outputs of one
// implementation whose exact values are equal.
func (b Bounds) Twice() Bounds { return b.Plus(b) }

// Contract is what an implementation declares about itself; Judge applies
// it. An Impl with a nil Contract is judged against Standard.
type Contract struct {
	Bounds
	// SpecialValues promises the non-finite semantics of docs/design.md §7:
	// no NaN or ±Inf where the reference's output is finite, the
	// reference's special value (NaN, +Inf, −Inf) where it is not, and a
	// rejection exactly where the reference rejects the case.
	SpecialValues bool
	// DTypes lists the dtypes the implementation supports; empty means
	// every dtype it has a function for. A dtype not supported is reported
	// as such, never as errors.
	DTypes []cases.DType
}

// Standard is the suite's standard (docs/design.md §6): loss within 2 ulps
// when h ≥ 0, scaled loss error within 2, every gradient component's scaled
// error within 8, the special values of §7. fused declares exactly these
// bounds (fused.LossMaxULP, LossMaxScaled, GradMaxScaled; a test in
// impls/builtin keeps them equal) and meets them. "Accurate" in reports
// means within Standard.
var Standard = Contract{
	Bounds:        Bounds{LossULP: 2, LossScaled: 2, GradScaled: 8},
	SpecialValues: true,
}

// CorrectlyRounded is the reference's contract: every output is the exact
// result rounded to nearest, so it is 0 ulps from itself and within half
// an ulp of the exact value.
var CorrectlyRounded = Contract{
	Bounds:        Bounds{LossULP: 0, LossScaled: 1, GradScaled: 1},
	SpecialValues: true,
}

// Declared returns the implementation's contract: *im.Contract, or Standard
// when it declares none.
func (im *Impl) Declared() Contract {
	if im.Contract != nil {
		return *im.Contract
	}
	return Standard
}

// Supports reports whether im evaluates cases of dtype dt: it has a
// function for dt and its contract does not exclude dt.
func (im *Impl) Supports(dt cases.DType) bool {
	var has bool
	switch dt {
	case cases.Float32:
		has = im.F32 != nil || im.C32 != nil
	case cases.Float64:
		has = im.F64 != nil || im.C64 != nil
	}
	if !has {
		return false
	}
	k := im.Declared()
	return len(k.DTypes) == 0 || slices.Contains(k.DTypes, dt)
}

// FromFunc64 adapts a float64-only per-sample function to an Impl judged
// within b and the special-value semantics of docs/design.md §7; float32
// cases are reported as not supported.
func FromFunc64(name, doc string, f Func[float64], b Bounds) *Impl {
	return &Impl{Name: name, Doc: doc, F64: f,
		Contract: &Contract{Bounds: b, SpecialValues: true, DTypes: []cases.DType{cases.Float64}}}
}

// FromFunc32 adapts a float32-only per-sample function like FromFunc64;
// float64 cases are reported as not supported.
func FromFunc32(name, doc string, f Func[float32], b Bounds) *Impl {
	return &Impl{Name: name, Doc: doc, F32: f,
		Contract: &Contract{Bounds: b, SpecialValues: true, DTypes: []cases.DType{cases.Float32}}}
}
