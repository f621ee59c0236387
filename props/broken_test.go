package props

import (
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// The deliberately broken variants: each is careful (below) with exactly one
// flaw, the one its name says. The battery must catch each flaw with the
// property that names it (flawTable in props_test.go), and careful itself
// must pass those properties: the failure comes from the flaw.

// careful is a textbook-careful implementation: max shift, log1p, the loss
// as a compensated sum of same-signed terms and complement gradients
// (docs/design.md §3.1–3.3), without fused's overflow rescaling or speed.
func careful(dst, x, h []float64) float64 { return variant(dst, x, h, flawNone) }

type flaw int

const (
	flawNone       flaw = iota
	flawNoMaxShift      // exp(x_j) unshifted: overflows above 709.78
	flawLog             // log(1+s) instead of log1p(s): tiny losses become 0
	flawPMinusH         // g = p − h: right only when S = 1
	flawClamped         // −Σ h_j log(max(p_j, 1e-20)): Caffe's clamp
	flawOneMinusP       // q_k = 1 − p_k: the tail gradient cancels
)

func variant(dst, x, h []float64, fl flaw) float64 {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return allNaN(dst)
		}
	}
	if fl == flawNoMaxShift {
		return noShift(dst, x, h)
	}
	if math.IsInf(x[argmax(x)], -1) {
		return allNaN(dst)
	}
	sp := parts(x)
	S := neumaier(h)
	terms := make([]float64, 0, len(x)+1)
	for j, v := range x {
		if h[j] != 0 {
			terms = append(terms, h[j]*(sp.m-v))
		}
	}
	lse := math.Log1p(sp.s)
	if fl == flawLog {
		lse = math.Log(1 + sp.s)
	}
	terms = append(terms, S*lse)
	loss := neumaier(terms)
	if fl == flawClamped {
		terms = terms[:0]
		for j := range x {
			if h[j] != 0 {
				terms = append(terms, -h[j]*math.Log(math.Max(sp.p(j), float64(float32(1e-20)))))
			}
		}
		loss = neumaier(terms)
	}
	for j := range x {
		p, q := sp.p(j), sp.q(j)
		if fl == flawOneMinusP && j == sp.k {
			q = 1 - p
		}
		switch fl {
		case flawPMinusH:
			dst[j] = p - h[j]
		default:
			// S − h_j as Σ_{i≠j} h_i: rounding S first would cancel
			// when h sits on one class (docs/design.md §3.3).
			others := append(append([]float64(nil), h[:j]...), h[j+1:]...)
			rest := neumaier(others)
			dst[j] = p*rest - h[j]*q
		}
		if math.IsInf(x[j], -1) {
			dst[j] = -h[j]
		}
	}
	return loss
}

func noShift(dst, x, h []float64) float64 {
	var Z float64
	for _, v := range x {
		Z += math.Exp(v)
	}
	S := neumaier(h)
	var loss float64
	for j, v := range x {
		p := math.Exp(v) / Z
		if h[j] != 0 {
			loss += h[j] * (math.Log(Z) - v)
		}
		dst[j] = p*S - h[j]
	}
	return loss
}

func allNaN(dst []float64) float64 {
	for j := range dst {
		dst[j] = math.NaN()
	}
	return math.NaN()
}

// to32 runs a float64 implementation on float32 inputs and rounds once.
func to32(f func(dst, x, h []float64) float64) func(dst, x, h []float32) float32 {
	return func(dst, x, h []float32) float32 {
		x64, h64, g64 := make([]float64, len(x)), make([]float64, len(h)), make([]float64, len(x))
		for j := range x {
			x64[j], h64[j] = float64(x[j]), float64(h[j])
		}
		l := f(g64, x64, h64)
		for j := range dst {
			dst[j] = float32(g64[j])
		}
		return float32(l)
	}
}

func perSample(name, doc string, f func(dst, x, h []float64) float64) *impls.Impl {
	return &impls.Impl{Name: name, Doc: doc, F64: f, F32: to32(f)}
}

func withFlaw(fl flaw) func(dst, x, h []float64) float64 {
	return func(dst, x, h []float64) float64 { return variant(dst, x, h, fl) }
}

// batchFlaw is a flaw of a batch fast path.
type batchFlaw int

const (
	// flawBatchSizeIsPositions divides BATCH_SIZE by outer·inner, the
	// number of positions, instead of outer.
	flawBatchSizeIsPositions batchFlaw = iota + 1
	// flawIgnoreKeepsGrad skips the loss of an ignored position but leaves
	// softmax(x) in its gradient, as a Caffe backward that copies prob
	// into bottom_diff and forgets to zero the ignored positions.
	flawIgnoreKeepsGrad
)

// brokenBatch is impls.RunBatch rewritten as a fast path, with one flaw.
func brokenBatch(fl batchFlaw) impls.BatchFunc[float64] {
	return func(dst []float64, b *cases.Batch) float64 {
		C, inner := b.C, b.Inner
		x, g := make([]float64, C), make([]float64, C)
		var sum float64
		for o := 0; o < b.Outer; o++ {
			for i := 0; i < inner; i++ {
				l := b.Labels[o*inner+i]
				base := o*C*inner + i
				for j := 0; j < C; j++ {
					x[j] = b.Logits[base+j*inner]
				}
				if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
					for j := 0; j < C; j++ {
						dst[base+j*inner] = 0
						if fl == flawIgnoreKeepsGrad {
							sp := parts(x)
							dst[base+j*inner] = sp.p(j)
						}
					}
					continue
				}
				sum += careful(g, x, b.H[l*C:(l+1)*C])
				for j := 0; j < C; j++ {
					dst[base+j*inner] = g[j]
				}
			}
		}
		n := b.Normalizer()
		if fl == flawBatchSizeIsPositions && b.Opts.Normalization == cases.BatchSize {
			n = float64(b.Outer * b.Inner)
		}
		scale := b.Opts.LossWeight / n
		for k := range dst {
			dst[k] *= scale
		}
		return sum / n
	}
}

func batchVariant(name, doc string, fl batchFlaw) *impls.Impl {
	im := perSample(name, doc, careful)
	im.B64 = brokenBatch(fl)
	im.F32 = nil // the flaw lives in the float64 fast path
	return im
}
