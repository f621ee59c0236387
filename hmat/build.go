package hmat

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Transform names a map from a distance (badness) d ≥ 0 to a similarity.
type Transform string

const (
	// Gauss is exp(−d²/(2τ²)): 1 on the diagonal, smooth at d = 0, and
	// negligible beyond a few τ (d = 3τ gives 0.011).
	Gauss Transform = "gauss"
	// Exp is exp(−d/τ) (a Laplace kernel): 1 on the diagonal, heavier tails
	// than Gauss at large d, a kink at d = 0.
	Exp Transform = "exp"
	// Linear is 1 − d/max D: 1 on the diagonal, exactly 0 for the farthest
	// pair(s); no temperature.
	Linear Transform = "linear"
	// MaxMinus is max D − d: the diagonal is max D, the farthest pair 0; no
	// temperature. It is Linear scaled by max D, so every row sum, hence
	// the effective learning rate, is multiplied by max D.
	MaxMinus Transform = "max-minus"
)

// Transforms lists the transforms in a stable order.
func Transforms() []Transform { return []Transform{Gauss, Exp, Linear, MaxMinus} }

// ParseTransform accepts a Transform's name ("gaussian" and "laplace" as
// aliases of gauss and exp).
func ParseTransform(s string) (Transform, error) {
	switch s {
	case "gauss", "gaussian":
		return Gauss, nil
	case "exp", "laplace":
		return Exp, nil
	case "linear":
		return Linear, nil
	case "max-minus", "maxminus":
		return MaxMinus, nil
	}
	return "", fmt.Errorf("unknown transform %q (want gauss, exp, linear or max-minus)", s)
}

// needsTau reports whether t has a temperature.
func (t Transform) needsTau() bool { return t == Gauss || t == Exp }

// CheckDistance reports whether D is a usable distance (badness) matrix:
// every entry finite and ≥ 0, the diagonal exactly 0. Symmetry and the
// triangle inequality are not required.
func CheckDistance(D *Matrix) error {
	if err := D.Validate(); err != nil {
		return fmt.Errorf("distance matrix: %w", err)
	}
	if err := D.checkFinite("D"); err != nil {
		return fmt.Errorf("distance matrix: %w", err)
	}
	C := D.C
	for k, v := range D.Data {
		i, j := k/C, k%C
		if v < 0 {
			return fmt.Errorf("distance matrix: D[%d,%d] = %v < 0 (a distance or badness is ≥ 0)", i, j, v)
		}
		if i == j && v != 0 {
			return fmt.Errorf("distance matrix: D[%d,%d] = %v, want 0 on the diagonal (a correct prediction has no badness); is this already a similarity matrix?", i, j, v)
		}
	}
	return nil
}

// Similarity returns T(D) entrywise: Gauss exp(−D²/(2τ²)), Exp exp(−D/τ),
// Linear 1 − D/max D, MaxMinus max D − D, where max D is the largest entry
// of the whole matrix. tau must be finite and > 0 for Gauss and Exp and is
// ignored otherwise. D must pass CheckDistance; Linear and MaxMinus need
// max D > 0. Every diagonal entry of the result is the largest of its row
// (1, 1, 1 and max D), so T(D) is similarity-like.
//
// The exponentials use a portable exp (within 1 ulp of e^x, same bits on
// every architecture); the other transforms are single correctly rounded
// operations per entry.
func Similarity(D *Matrix, t Transform, tau float64) (*Matrix, error) {
	if err := CheckDistance(D); err != nil {
		return nil, err
	}
	if t.needsTau() && !(tau > 0 && !math.IsInf(tau, 1)) {
		return nil, fmt.Errorf("transform %s needs a temperature τ > 0 and finite, got %v", t, tau)
	}
	out := &Matrix{C: D.C, Data: make([]float64, len(D.Data))}
	if err := transformInto(out.Data, D.Data, t, tau, slices.Max(D.Data)); err != nil {
		return nil, err
	}
	return out, nil
}

// transformInto sets dst[k] = T(src[k]); maxD is the largest entry of the
// whole distance matrix.
func transformInto(dst, src []float64, t Transform, tau, maxD float64) error {
	switch t {
	case Gauss, Exp:
		// A one-entry memo: distances from hierarchies repeat in runs, and
		// the same input gives the same bits, so this only saves time.
		prevD, prevH := math.NaN(), 0.0
		for k, d := range src {
			if d != prevD {
				z := d / tau
				if t == Gauss {
					prevH = expPortable(-float64(z*z) / 2)
				} else {
					prevH = expPortable(-z)
				}
				prevD = d
			}
			dst[k] = prevH
		}
	case Linear, MaxMinus:
		if maxD == 0 {
			return fmt.Errorf("transform %s: every distance is 0, so 1 − D/max D is undefined (all classes would be identical)", t)
		}
		for k, d := range src {
			if t == Linear {
				dst[k] = 1 - d/maxD
			} else {
				dst[k] = maxD - d
			}
		}
	default:
		return fmt.Errorf("unknown transform %q", string(t))
	}
	return nil
}

// TrueMass returns the mean over rows of h_ll/S_l, the probability the
// loss-minimising prediction p* = h/S puts on the true class (rows with
// S_l = 0 are skipped). For H = I it is 1; for a uniform H it is 1/C.
func TrueMass(H *Matrix) float64 {
	var sum float64
	n := 0
	for l := 0; l < H.C; l++ {
		S := rowSum(H.Row(l))
		if S != 0 {
			sum += H.At(l, l) / S
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// TauForMass returns the temperature τ at which Similarity(D, t, τ) leaves
// mass target on the true class: TrueMass = target, that is, the
// loss-minimising prediction for a sample of class l puts on average
// probability target on l and 1 − target on the classes near it. With
// h_ll = 1 the mass of row l is 1/(1 + Σ_{j≠l} f(D_lj/τ)) with f
// decreasing, so TrueMass falls strictly from 1 (τ → 0, when every
// off-diagonal distance is > 0) to 1/C (τ → ∞): any target in (1/C, 1) has
// exactly one τ, found by bisection to adjacent float64 values (the
// result is the one of the two whose mass is closer to target).
func TauForMass(D *Matrix, t Transform, target float64) (float64, error) {
	if !t.needsTau() {
		return 0, fmt.Errorf("transform %s has no temperature to choose", t)
	}
	if err := CheckDistance(D); err != nil {
		return 0, err
	}
	C := D.C
	if C < 2 {
		return 0, errors.New("a target mass needs C ≥ 2 classes")
	}
	if !(target > 1/float64(C) && target < 1) {
		return 0, fmt.Errorf("target mass %v on the true class must be in (1/C, 1) = (%v, 1)", target, 1/float64(C))
	}
	minPos := math.Inf(1)
	for k, d := range D.Data {
		if k/C != k%C {
			if d == 0 {
				return 0, fmt.Errorf("distance D[%d,%d] = 0 off the diagonal: classes %d and %d are indistinguishable, so no temperature leaves mass %v on the true class", k/C, k%C, k/C, k%C, target)
			}
			minPos = math.Min(minPos, d)
		}
	}
	mass := func(tau float64) (float64, error) {
		H, err := Similarity(D, t, tau)
		if err != nil {
			return 0, err
		}
		return TrueMass(H), nil
	}
	// Bracket: mass(lo) > target > mass(hi). At τ = minPos/64 every
	// off-diagonal Gauss entry is below e^−2048 = 0 and Exp below e^−64,
	// so the mass is 1 up to C·e^−64; double hi until the mass is below.
	lo, hi := minPos/64, minPos
	for i := 0; ; i++ {
		m, err := mass(hi)
		if err != nil {
			return 0, err
		}
		if m < target {
			break
		}
		if i > 2100 || math.IsInf(hi, 1) {
			return 0, fmt.Errorf("no temperature reaches mass %v (the mass stays at %v)", target, m)
		}
		lo, hi = hi, hi*2
	}
	if m, _ := mass(lo); m <= target {
		return 0, fmt.Errorf("target mass %v is too close to 1 (mass %v at τ = %v)", target, m, lo)
	}
	for i := 0; i < 200; i++ {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		m, err := mass(mid)
		if err != nil {
			return 0, err
		}
		if m > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	mlo, _ := mass(lo)
	mhi, _ := mass(hi)
	if math.Abs(mlo-target) <= math.Abs(mhi-target) {
		return lo, nil
	}
	return hi, nil
}

// rowSum is S = Σ_j h_j, summed left to right.
func rowSum(h []float64) float64 {
	var s float64
	for _, v := range h {
		s += v
	}
	return s
}

// NormalizeRows divides every row by its sum S_l, so that every row is a
// probability vector (soft target) and S = 1: the gradient becomes
// g = p − h, every class trains at the same rate, and the loss is the
// cross-entropy against h. It errors on a row with S_l ≤ 0 or a non-finite
// entry.
func NormalizeRows(H *Matrix) (*Matrix, error) {
	if err := H.checkFinite("H"); err != nil {
		return nil, err
	}
	out := H.Clone()
	return out, normalizeRows(out)
}

func normalizeRows(out *Matrix) error {
	for l := 0; l < out.C; l++ {
		if err := normalizeRow(out.Row(l), l); err != nil {
			return err
		}
	}
	return nil
}

func normalizeRow(r []float64, l int) error {
	S := rowSum(r)
	if !(S > 0) || math.IsInf(S, 1) {
		return fmt.Errorf("row %d sums to %v: it cannot be normalised to sum 1", l, S)
	}
	for j := range r {
		r[j] /= S
	}
	return nil
}

// KeepDiagonalOne divides every row by its diagonal entry, so that
// h_ll = 1: a correctly classified sample weighs as in cross-entropy, and
// the other entries are the weights relative to it (Caffe's usual
// convention for a similarity H). It errors on a diagonal entry ≤ 0.
func KeepDiagonalOne(H *Matrix) (*Matrix, error) {
	if err := H.checkFinite("H"); err != nil {
		return nil, err
	}
	out := H.Clone()
	return out, keepDiagonalOne(out)
}

func keepDiagonalOne(out *Matrix) error {
	for l := 0; l < out.C; l++ {
		if err := diagonalOneRow(out.Row(l), l); err != nil {
			return err
		}
	}
	return nil
}

func diagonalOneRow(r []float64, l int) error {
	d := r[l]
	if !(d > 0) {
		return fmt.Errorf("entry H[%d,%d] = %v: a diagonal entry must be > 0 to be scaled to 1", l, l, d)
	}
	for j := range r {
		r[j] /= d
	}
	return nil
}

// Smooth mixes every row with the uniform row of the same sum:
// h ← (1−ε)·h + ε·S_l/C. For H = I it is label smoothing (1−ε)I + ε/C
// (PyTorch's convention); in general it keeps every row sum S_l (so the
// per-class learning rate) and moves the loss-minimising prediction h/S
// toward uniform by ε. ε must be in [0, 1].
func Smooth(H *Matrix, eps float64) (*Matrix, error) {
	if !(eps >= 0 && eps <= 1) {
		return nil, fmt.Errorf("smoothing ε = %v must be in [0, 1]", eps)
	}
	if err := H.checkFinite("H"); err != nil {
		return nil, err
	}
	out := H.Clone()
	smooth(out, eps)
	return out, nil
}

func smooth(out *Matrix, eps float64) {
	for l := 0; l < out.C; l++ {
		smoothRow(out.Row(l), eps)
	}
}

func smoothRow(r []float64, eps float64) {
	u := float64(eps*rowSum(r)) / float64(len(r))
	for j := range r {
		r[j] = float64((1-eps)*r[j]) + u
	}
}

// Weight multiplies row l by w[l]: diag(w)·H. A sample of class l then
// weighs w_l: its loss and gradient are scaled by w_l (S_l becomes
// w_l·S_l). Every w_l must be finite and ≥ 0 (0 silences the class, which
// Check reports as a zero row).
func Weight(H *Matrix, w []float64) (*Matrix, error) {
	if err := checkWeights(H.C, w); err != nil {
		return nil, err
	}
	out := H.Clone()
	weight(out, w)
	return out, nil
}

func checkWeights(C int, w []float64) error {
	if len(w) != C {
		return fmt.Errorf("%d class weights for C = %d classes", len(w), C)
	}
	for l, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("class weight w[%d] = %v must be finite and ≥ 0", l, v)
		}
	}
	return nil
}

func weight(out *Matrix, w []float64) {
	for l := 0; l < out.C; l++ {
		weightRow(out.Row(l), w[l])
	}
}

func weightRow(r []float64, w float64) {
	for j := range r {
		r[j] *= w
	}
}

// Normalization is how Build scales rows after the transform.
type Normalization string

const (
	// NoNormalization keeps T(D) as it is (diagonal 1 for gauss, exp and
	// linear, max D for max-minus).
	NoNormalization Normalization = "none"
	// NormalizeRowsTo1 divides every row by its sum (NormalizeRows).
	NormalizeRowsTo1 Normalization = "rows"
	// DiagonalOne divides every row by its diagonal entry (KeepDiagonalOne).
	DiagonalOne Normalization = "diag"
)

// ParseNormalization accepts "none", "rows" and "diag".
func ParseNormalization(s string) (Normalization, error) {
	switch Normalization(s) {
	case NoNormalization, NormalizeRowsTo1, DiagonalOne:
		return Normalization(s), nil
	case "":
		return NoNormalization, nil
	}
	return "", fmt.Errorf("unknown normalization %q (want none, rows or diag)", s)
}

// Spec says how Build turns a distance matrix into an infogain matrix.
type Spec struct {
	Transform Transform
	// Tau is the temperature of Gauss and Exp. If TargetMass is set, Tau
	// must be 0 and is chosen by TauForMass.
	Tau        float64
	TargetMass float64
	Normalize  Normalization
	// Smooth is the label-smoothing ε in [0, 1] (0: none).
	Smooth float64
	// Weights are per-class weights w (nil: none).
	Weights []float64
	// DType rounds the result (float32: round to nearest at the very end).
	DType DType
}

// Built is Build's result: H and the temperature used (0 for transforms
// without one).
type Built struct {
	H   *Matrix
	Tau float64
}

// Build composes, in this order:
//
//	H = diag(w) · Smooth_ε( Normalize( T_τ(D) ) )
//
// T the transform (Similarity), Normalize one of none, rows (S_l = 1) or
// diag (h_ll = 1), Smooth_ε the mix with the uniform row of the same sum,
// diag(w) the class weights; then rounds to spec.DType. With rows
// normalisation and no weights every row of H is a probability vector;
// the weights then set each class's learning rate exactly (S_l = w_l).
func Build(D *Matrix, spec Spec) (Built, error) {
	t, err := spec.check()
	if err != nil {
		return Built{}, err
	}
	tau := spec.Tau
	if spec.TargetMass != 0 {
		if tau, err = TauForMass(D, t, spec.TargetMass); err != nil {
			return Built{}, err
		}
	}
	H, err := Similarity(D, t, tau)
	if err != nil {
		return Built{}, err
	}
	if spec.Weights != nil {
		if err := checkWeights(H.C, spec.Weights); err != nil {
			return Built{}, err
		}
	}
	// H is Build's own (Similarity allocated it): every later step is
	// row-local and works in place, row by row, with the code BuildRow
	// uses, so the two agree bit for bit.
	for l := 0; l < H.C; l++ {
		if err := spec.finishRow(H.Row(l), l); err != nil {
			return Built{}, err
		}
	}
	if !t.needsTau() {
		tau = 0
	}
	return Built{H: H, Tau: tau}, nil
}

// check validates everything of spec that does not depend on D.
func (spec Spec) check() (Transform, error) {
	t := spec.Transform
	if t == "" {
		return "", errors.New("no transform (want gauss, exp, linear or max-minus)")
	}
	if _, err := ParseTransform(string(t)); err != nil {
		return "", err
	}
	tau := spec.Tau
	switch {
	case spec.TargetMass != 0 && tau != 0:
		return "", errors.New("give either a temperature τ or a target mass, not both")
	case spec.TargetMass != 0:
	case !t.needsTau() && tau != 0:
		return "", fmt.Errorf("transform %s has no temperature (got τ = %v)", t, tau)
	case t.needsTau() && !(tau > 0 && !math.IsInf(tau, 1)):
		return "", fmt.Errorf("transform %s needs a temperature τ > 0 and finite (or a target mass), got τ = %v", t, tau)
	}
	switch spec.Normalize {
	case NoNormalization, "", NormalizeRowsTo1, DiagonalOne:
	default:
		return "", fmt.Errorf("unknown normalization %q", string(spec.Normalize))
	}
	if !(spec.Smooth >= 0 && spec.Smooth <= 1) {
		return "", fmt.Errorf("smoothing ε = %v must be in [0, 1]", spec.Smooth)
	}
	switch spec.DType {
	case "", Float64, Float32:
	default:
		return "", fmt.Errorf("unknown dtype %q", string(spec.DType))
	}
	return t, nil
}

// finishRow applies, in place, everything after the transform to row l.
func (spec Spec) finishRow(r []float64, l int) error {
	var err error
	switch spec.Normalize {
	case NormalizeRowsTo1:
		err = normalizeRow(r, l)
	case DiagonalOne:
		err = diagonalOneRow(r, l)
	}
	if err != nil {
		return err
	}
	if spec.Smooth != 0 {
		smoothRow(r, spec.Smooth)
	}
	if spec.Weights != nil {
		weightRow(r, spec.Weights[l])
	}
	if spec.DType == Float32 {
		for j, v := range r {
			r[j] = float64(float32(v))
		}
	}
	return nil
}

// BuildRow returns row l of Build(D, spec).H, bit for bit, from row l of D
// alone (d = D[l,:]) and maxD, the largest entry of the whole D (used by
// linear and max-minus only): O(C) work where Build does O(C²). A
// temperature from a target mass needs the whole D, so spec.TargetMass
// must be 0. It is how the h-tree case family draws rows of matrices with
// up to 1000 classes cheaply.
func BuildRow(d []float64, l int, maxD float64, spec Spec) ([]float64, error) {
	t, err := spec.check()
	if err != nil {
		return nil, err
	}
	if spec.TargetMass != 0 {
		return nil, errors.New("BuildRow: a target mass needs the whole distance matrix (use Build or TauForMass)")
	}
	C := len(d)
	if err := checkC(C); err != nil {
		return nil, err
	}
	if l < 0 || l >= C {
		return nil, fmt.Errorf("row %d out of range [0, %d)", l, C)
	}
	for j, v := range d {
		if !(v >= 0) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("distance D[%d,%d] = %v: want finite and ≥ 0", l, j, v)
		}
		if v > maxD {
			return nil, fmt.Errorf("distance D[%d,%d] = %v exceeds max D = %v", l, j, v, maxD)
		}
	}
	if d[l] != 0 {
		return nil, fmt.Errorf("distance matrix: D[%d,%d] = %v, want 0 on the diagonal", l, l, d[l])
	}
	if spec.Weights != nil {
		if err := checkWeights(C, spec.Weights); err != nil {
			return nil, err
		}
	}
	r := make([]float64, C)
	if err := transformInto(r, d, t, spec.Tau, maxD); err != nil {
		return nil, err
	}
	if err := spec.finishRow(r, l); err != nil {
		return nil, err
	}
	return r, nil
}
