package ref

import (
	"math"
	"sync/atomic"
)

// Kind is how far a result is certified.
type Kind int

const (
	// Exact: every output equals the mathematical value (this includes the
	// defined non-finite outputs of docs/design.md §7).
	Exact Kind = iota
	// Rounded: every output is the correctly rounded mathematical value
	// (round to nearest, ties to even) and at least one was inexact.
	Rounded
	// Uncertified: some output could not be decided; Reason says why. It
	// never happens on valid input (a test asserts it on every table row).
	Uncertified
)

// Cert is the certification of one Eval64 or Eval32 result.
type Cert struct {
	Kind   Kind
	Reason string // only for Uncertified
}

// String returns "exact", "rounded" or "uncertified: <reason>".
func (c Cert) String() string {
	switch c.Kind {
	case Exact:
		return "exact"
	case Rounded:
		return "rounded"
	default:
		return "uncertified: " + c.Reason
	}
}

// Stats counts evaluated rows: Rows in all, Trivial answered by the
// non-finite rules of docs/design.md §7 alone, FastRows settled by the
// double-double fast path without big.Float.
type Stats struct {
	Rows, FastRows, Trivial uint64
}

var stats struct{ rows, fast, trivial atomic.Uint64 }

// ReadStats returns the counters since the program started. It is safe for
// concurrent use (the three counters are read one after the other).
func ReadStats() Stats {
	return Stats{Rows: stats.rows.Load(), FastRows: stats.fast.Load(), Trivial: stats.trivial.Load()}
}

// Eval64 writes the correctly rounded gradient g_j = p_j·S − h_j into dst
// and returns the correctly rounded loss L = −Σ_j h_j log p_j, where
// p = softmax(x) and S = Σ_j h_j, with the certification of the result.
// len(dst), len(x) and len(h) must be equal and ≥ 1, else Eval64 panics.
//
// Special cases are (docs/design.md §7):
//
//	any x_j NaN or +Inf: loss and every g_j NaN (Exact)
//	every x_j −Inf: loss and every g_j NaN (Exact)
//	x_j = −Inf: p_j = 0, so g_j = −h_j; the term contributes 0 to the
//	loss if h_j = 0, else makes it +Inf (h_j > 0) or −Inf (h_j < 0), and
//	NaN when both signs occur
//	an exact zero is +0; a nonzero value below half the least subnormal
//	rounds to the zero of its sign
//
// Every output is rounded to nearest (ties to even) from the exact value:
// 0 ulps of error, or Uncertified with a reason (never seen on valid input).
// Eval64 is safe for concurrent use.
func Eval64(dst, x, h []float64) (float64, Cert) {
	checkLens(len(dst), len(x), len(h))
	return eval(dst, x, h, fmt64)
}

// Eval32 is Eval64 for float32: the inputs are float32 and every output is
// rounded directly from the exact value to float32 (rounding through
// float64 would double-round). Same special cases and accuracy as Eval64.
func Eval32(dst, x, h []float32) (float32, Cert) {
	checkLens(len(dst), len(x), len(h))
	C := len(x)
	buf := make([]float64, 3*C)
	x64, h64, g64 := buf[:C], buf[C:2*C], buf[2*C:]
	for j := range x {
		x64[j] = float64(x[j])
		h64[j] = float64(h[j])
	}
	loss, cert := eval(g64, x64, h64, fmt32)
	for j, v := range g64 {
		dst[j] = float32(v) // exact: v is a float32 value
	}
	return float32(loss), cert
}

func checkLens(nd, nx, nh int) {
	if nx == 0 {
		panic("ref: no classes (len(x) = 0)")
	}
	if nd != nx || nh != nx {
		panic("ref: len(dst), len(x) and len(h) differ")
	}
}

// eval applies the non-finite rules, then evaluates the finite logits with
// the fast path or, when it cannot decide, with big.Float.
func eval(dst, x, h []float64, f format) (float64, Cert) {
	stats.rows.Add(1)
	nan := math.NaN()
	inactive := 0
	for _, v := range x {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 1):
			return fillNaN(dst)
		case math.IsInf(v, -1):
			inactive++
		}
	}
	if inactive == len(x) {
		return fillNaN(dst)
	}
	if inactive == 0 {
		loss, kind, reason := core(dst, x, h, nil, f)
		return loss, Cert{Kind: kind, Reason: reason}
	}
	// Gather the finite logits; the h_j on −Inf logits still count in S.
	n := len(x) - inactive
	xa := make([]float64, 0, n)
	ha := make([]float64, 0, n)
	extra := make([]float64, 0, inactive)
	ga := make([]float64, n)
	pos, neg := false, false
	for j, v := range x {
		if math.IsInf(v, -1) {
			extra = append(extra, h[j])
			pos = pos || h[j] > 0
			neg = neg || h[j] < 0
			continue
		}
		xa = append(xa, v)
		ha = append(ha, h[j])
	}
	loss, kind, reason := core(ga, xa, ha, extra, f)
	i := 0
	for j, v := range x {
		if math.IsInf(v, -1) {
			dst[j] = 0 - h[j] // exact: h is a value of f; 0 − 0 = +0
			continue
		}
		dst[j] = ga[i]
		i++
	}
	switch {
	case pos && neg:
		loss = nan
	case pos:
		loss = math.Inf(1)
	case neg:
		loss = math.Inf(-1)
	}
	return loss, Cert{Kind: kind, Reason: reason}
}

func fillNaN(dst []float64) (float64, Cert) {
	stats.trivial.Add(1)
	for j := range dst {
		dst[j] = math.NaN()
	}
	return math.NaN(), Cert{Kind: Exact}
}

// core evaluates finite logits x with weights h; extra holds the weights
// on −Inf logits, which count in S only.
func core(dst, x, h, extra []float64, f format) (float64, Kind, string) {
	if loss, ok := fastEval(dst, x, h, extra, f); ok {
		stats.fast.Add(1)
		return loss, Rounded, ""
	}
	return bigEval(dst, x, h, extra, f)
}
