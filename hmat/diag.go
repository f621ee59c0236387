package hmat

import (
	"fmt"
	"math"
	"strings"
)

// Severity orders diagnostics: an Error means the matrix will train
// something other than intended or break the loss; a Warning is a numeric
// or scaling hazard worth a look; Info is a property to be aware of.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Diagnostic codes, stable for scripts.
const (
	CodeNonFinite    = "non-finite"
	CodeNegative     = "negative"
	CodeZeroRow      = "zero-row"
	CodeDistanceLike = "distance-like"
	CodeRowSum       = "row-sum"
	CodeRowSumScale  = "row-sum-scale"
	CodeOverflow     = "overflow"
	CodeExactPath    = "exact-path"
	CodeFloat32      = "float32"
	CodeAsymmetric   = "asymmetric"
	CodeInvalid      = "invalid"
)

// Diagnostic is one finding of Check: what, how bad, why in one sentence,
// the evidence (an entry and its value, plus a detail line) and the fix.
type Diagnostic struct {
	Code     string
	Severity Severity
	// Explanation is one sentence: the effect on the loss or the gradient.
	Explanation string
	// Row, Col and Value locate the worst (or first) offending entry;
	// Col is −1 when the evidence is a whole row (Value is then its sum).
	Row, Col int
	Value    float64
	// Count is how many rows or entries share the problem.
	Count int
	// Evidence says what the numbers show (e.g. the gradient at a
	// confident correct prediction).
	Evidence string
	Fix      string
}

// String formats d on four lines: severity, code and explanation;
// evidence; location; fix.
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s\n", d.Severity, d.Code, d.Explanation)
	if d.Col >= 0 {
		fmt.Fprintf(&b, "  at: H[%d,%d] = %v", d.Row, d.Col, d.Value)
	} else {
		fmt.Fprintf(&b, "  at: row %d (sum %v)", d.Row, d.Value)
	}
	if d.Count > 1 {
		fmt.Fprintf(&b, " (%d in all)", d.Count)
	}
	b.WriteByte('\n')
	if d.Evidence != "" {
		fmt.Fprintf(&b, "  evidence: %s\n", d.Evidence)
	}
	fmt.Fprintf(&b, "  fix: %s\n", d.Fix)
	return b.String()
}

// CheckOptions tune Check.
type CheckOptions struct {
	// Train is the dtype the network trains in (default float64). Float32
	// adds the float32 representability check and float32 overflow limits.
	Train DType
	// RowSumRatio is the largest tolerated ratio between the largest and
	// the smallest positive row sum (default 2): beyond it classes train
	// at learning rates that differ by more than that factor.
	RowSumRatio float64
}

// ConfidentP is the probability of the true class in the "confident
// correct prediction" at which the distance-like diagnostic evaluates the
// gradient (the rest is spread evenly over the other classes).
const ConfidentP = 0.99

// Exact-path thresholds of max|h|·C (fused takes its exact math/big path
// outside [2^-500, 2^1000], see the README and docs/design.md §3).
var (
	exactPathHigh = math.Ldexp(1, 1000)
	exactPathLow  = math.Ldexp(1, -500)
)

// Check diagnoses an infogain matrix H (rows h = H[label,:]) for the loss
// L = −Σ_j h_j log p_j, gradient g_j = p_j·S − h_j, S = Σ_j h_j. It
// returns the findings, errors first; none means clean. The checks:
//
//   - non-finite entries (error): the loss and gradient are NaN or ±Inf;
//   - negative entries (error): L → −∞ as x_j → −∞ for h_j < 0;
//   - zero rows (error): samples of that label give L = 0 and g = 0;
//   - distance-like rows (error): h_ll < max_j h_lj, so the loss-minimising
//     prediction p* = h/S prefers another class; evidence: g at the
//     confident correct prediction p_l = ConfidentP;
//   - row sums far from each other (warning) or all far from 1 (info): S_l
//     is the learning-rate scale of class l;
//   - Σ|h| overflowing the training dtype (error), max|h|·C outside
//     [2^-500, 2^1000] (warning: fused's exact path, loss overflow-prone);
//   - entries not exactly float32 when training in float32 (warning);
//   - asymmetry (info).
//
// A malformed matrix (C out of range, not C² entries) gives a single
// "invalid" error.
func Check(H *Matrix, opt CheckOptions) []Diagnostic {
	if opt.Train == "" {
		opt.Train = Float64
	}
	if opt.RowSumRatio == 0 {
		opt.RowSumRatio = 2
	}
	if err := H.Validate(); err != nil {
		return []Diagnostic{{Code: CodeInvalid, Severity: Error, Row: 0, Col: -1,
			Explanation: "The matrix is malformed: " + err.Error() + ".",
			Fix:         "Give a square C×C matrix with 1 ≤ C ≤ MaxC."}}
	}
	C := H.C
	var out []Diagnostic
	add := func(d Diagnostic) { out = append(out, d) }

	// Non-finite entries: nothing else is meaningful on such rows.
	nonFinite, firstNF := 0, -1
	for k, v := range H.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if firstNF < 0 {
				firstNF = k
			}
			nonFinite++
		}
	}
	if nonFinite > 0 {
		add(Diagnostic{Code: CodeNonFinite, Severity: Error,
			Explanation: "A non-finite entry makes the loss and the gradient of every sample with that label NaN or infinite.",
			Row:         firstNF / C, Col: firstNF % C, Value: H.Data[firstNF], Count: nonFinite,
			Fix: "Rebuild H from finite distances (NaN usually comes from 0/0 in a normalisation or a missing value in the source)."})
		return out
	}

	// Negative entries.
	neg, worst := 0, -1
	for k, v := range H.Data {
		if v < 0 {
			neg++
			if worst < 0 || v < H.Data[worst] {
				worst = k
			}
		}
	}
	if neg > 0 {
		add(Diagnostic{Code: CodeNegative, Severity: Error,
			Explanation: "A negative h_j makes the loss unbounded below: −h_j·log p_j → −∞ as the logit x_j → −∞, so training can lower the loss forever by pushing that class down.",
			Row:         worst / C, Col: worst % C, Value: H.Data[worst], Count: neg,
			Evidence: fmt.Sprintf("g_%d = p_%d·S − h_%d > 0 for every prediction when S ≥ 0: the logit of class %d is pushed down without limit", worst%C, worst%C, worst%C, worst%C),
			Fix:      "H looks like 1 − D or −D: map distances to similarities with a non-negative transform (infogain h build --transform gauss|exp|linear), or clip at 0."})
	}

	// Row sums, zero rows, distance-like rows.
	sums := make([]float64, C)
	zero, firstZero := 0, -1
	dist, firstDist := 0, -1
	var firstDistCol int
	for l := 0; l < C; l++ {
		r := H.Row(l)
		sums[l] = rowSum(r)
		allZero := true
		jmax := 0
		for j, v := range r {
			if v != 0 {
				allZero = false
			}
			if v > r[jmax] {
				jmax = j
			}
		}
		if allZero {
			zero++
			if firstZero < 0 {
				firstZero = l
			}
			continue
		}
		if r[l] < r[jmax] {
			dist++
			if firstDist < 0 {
				firstDist, firstDistCol = l, jmax
			}
		}
	}
	if zero > 0 {
		add(Diagnostic{Code: CodeZeroRow, Severity: Error,
			Explanation: "An all-zero row gives every sample of that label loss 0 and gradient 0, so the class is never trained.",
			Row:         firstZero, Col: -1, Value: 0, Count: zero,
			Fix: "Give the row a positive diagonal (at least the identity row); to skip samples on purpose use Caffe's ignore_label instead."})
	}
	if dist > 0 {
		l, j := firstDist, firstDistCol
		r := H.Row(l)
		S := sums[l]
		ev := distanceEvidence(r, l, j, S)
		add(Diagnostic{Code: CodeDistanceLike, Severity: Error,
			Explanation: "The diagonal is below the row's maximum, so the loss is minimised by predicting another class: this H holds distances (badness), not the similarities InfogainLoss expects, and training pushes away from the true class.",
			Row:         l, Col: j, Value: r[j], Count: dist,
			Evidence: ev,
			Fix:      "Convert distances to similarities: infogain h build --from D --transform gauss --tau T (or exp, linear 1 − D/max D, max − D), which puts each row's largest entry on the diagonal."})
	}

	// Row-sum scale: S_l is the learning-rate factor of class l.
	if C > 0 && zero < C {
		lmin, lmax := -1, -1
		for l, s := range sums {
			if s <= 0 {
				continue
			}
			if lmin < 0 || s < sums[lmin] {
				lmin = l
			}
			if lmax < 0 || s > sums[lmax] {
				lmax = l
			}
		}
		if lmin >= 0 {
			ratio := sums[lmax] / sums[lmin]
			switch {
			case ratio > opt.RowSumRatio:
				add(Diagnostic{Code: CodeRowSum, Severity: Warning,
					Explanation: "Row sums differ: since g = p·S − h, the gradient of a class-l sample scales with S_l, so classes train at different effective learning rates.",
					Row:         lmax, Col: -1, Value: sums[lmax],
					Evidence: fmt.Sprintf("largest row sum S_%d = %.6g, smallest S_%d = %.6g: ratio %.4g > %g", lmax, sums[lmax], lmin, sums[lmin], ratio, opt.RowSumRatio),
					Fix:      "Normalise rows (infogain h build --normalize rows) and express intended class weights explicitly (--weights)."})
			case sums[lmin] > 2 || sums[lmax] < 0.5:
				add(Diagnostic{Code: CodeRowSumScale, Severity: Info,
					Explanation: "Every row sum is far from 1, which scales the whole loss and gradient like a learning-rate factor.",
					Row:         lmax, Col: -1, Value: sums[lmax],
					Evidence: fmt.Sprintf("row sums in [%.6g, %.6g]", sums[lmin], sums[lmax]),
					Fix:      "Fine if intended; otherwise normalise rows (--normalize rows) or divide the base learning rate accordingly."})
			}
		}
	}

	// Overflow and the exact path.
	maxF := math.MaxFloat64
	if opt.Train == Float32 {
		maxF = math.MaxFloat32
	}
	var maxAbs float64
	kmax := 0
	ovRow := -1
	for l := 0; l < C; l++ {
		var sAbs float64
		for j, v := range H.Row(l) {
			a := math.Abs(v)
			sAbs += a
			if a > maxAbs {
				maxAbs, kmax = a, l*C+j
			}
		}
		if sAbs > maxF && ovRow < 0 {
			ovRow = l
		}
	}
	if ovRow >= 0 {
		add(Diagnostic{Code: CodeOverflow, Severity: Error,
			Explanation: fmt.Sprintf("The sum of the row's magnitudes overflows %s, so S = Σ h_j or its partial sums overflow and p·S − h becomes Inf − Inf = NaN in implementations that form S (Caffe, PyTorch autograd).", opt.Train),
			Row:         ovRow, Col: -1, Value: sums[ovRow],
			Evidence: fmt.Sprintf("Σ_j |H[%d,j]| > %v", ovRow, maxF),
			Fix:      "Scale H down (only the ratios between entries and the row sums' ratios matter; divide the learning rate's scale back in)."})
	} else if s := maxAbs * float64(C); maxAbs > 0 && (s > exactPathHigh || s < exactPathLow) {
		add(Diagnostic{Code: CodeExactPath, Severity: Warning,
			Explanation: "max|h|·C is outside [2^-500, 2^1000]: intermediate sums are overflow- or underflow-prone, and the fused implementation must take its exact (math/big, about 0.5 µs per element) path for these rows.",
			Row:         kmax / C, Col: kmax % C, Value: H.Data[kmax],
			Evidence: fmt.Sprintf("max|h|·C = %.6g·%d = %.6g", maxAbs, C, s),
			Fix:      "Rescale H toward 1 (normalise rows)."})
	}

	// float32 representability.
	if opt.Train == Float32 {
		n, first := 0, -1
		var worstRel float64
		for k, v := range H.Data {
			if f := float64(float32(v)); f != v {
				n++
				if first < 0 {
					first = k
				}
				if v != 0 {
					worstRel = math.Max(worstRel, math.Abs(f-v)/math.Abs(v))
				}
			}
		}
		if n > 0 {
			v := H.Data[first]
			add(Diagnostic{Code: CodeFloat32, Severity: Warning,
				Explanation: "Entries are not exactly representable in float32, so the matrix Caffe trains with (rounded on load) differs from the one checked here.",
				Row:         first / C, Col: first % C, Value: v, Count: n,
				Evidence: fmt.Sprintf("float32(%v) = %v; worst relative change %.3g", v, float32(v), worstRel),
				Fix:      "Write H as float32 (infogain h build/convert --dtype float32) and check that file, so what is checked is what trains."})
		}
	}

	// Asymmetry (information only: directed badness is legitimate).
	var worstAsym float64
	ai, aj := -1, -1
	for i := 0; i < C; i++ {
		for j := i + 1; j < C; j++ {
			if d := math.Abs(H.At(i, j) - H.At(j, i)); d > worstAsym {
				worstAsym, ai, aj = d, i, j
			}
		}
	}
	if ai >= 0 {
		add(Diagnostic{Code: CodeAsymmetric, Severity: Info,
			Explanation: "H is not symmetric: mistaking class i for j is weighted differently from j for i.",
			Row:         ai, Col: aj, Value: H.At(ai, aj),
			Evidence: fmt.Sprintf("H[%d,%d] = %v, H[%d,%d] = %v", ai, aj, H.At(ai, aj), aj, ai, H.At(aj, ai)),
			Fix:      "Fine if intended (directed costs, row normalisation of an uneven hierarchy); otherwise symmetrise the source distances."})
	}
	sortBySeverity(out)
	return out
}

// distanceEvidence is the gradient at the confident correct prediction
// p_l = ConfidentP, the rest spread evenly, and the loss minimiser p* = h/S.
func distanceEvidence(r []float64, l, j int, S float64) string {
	C := len(r)
	pl := ConfidentP
	po := (1 - pl) / float64(C-1)
	gl := pl*S - r[l]
	gj := po*S - r[j]
	return fmt.Sprintf("at the confident correct prediction p_%d = %v (others %.3g), g = p·S − h gives g_%d = %+.6g (gradient descent lowers the true logit x_%d) and g_%d = %+.6g (raises x_%d); the loss is minimised at p = h/S, which gives class %d p = %.4g and the true class %d only %.4g",
		l, pl, po, l, gl, l, j, gj, j, j, r[j]/S, l, r[l]/S)
}

func sortBySeverity(ds []Diagnostic) {
	// Stable insertion sort by decreasing severity (few entries).
	for i := 1; i < len(ds); i++ {
		for k := i; k > 0 && ds[k].Severity > ds[k-1].Severity; k-- {
			ds[k], ds[k-1] = ds[k-1], ds[k]
		}
	}
}

// Worst returns the highest severity in ds, or −1 if ds is empty.
func Worst(ds []Diagnostic) Severity {
	w := Severity(-1)
	for _, d := range ds {
		w = max(w, d.Severity)
	}
	return w
}
