package fused

import "sync"

// Normalization modes of BatchOptions, as Caffe's
// LossParameter.NormalizationMode and cases.Normalization.
const (
	NormFull      = 0 // divide by outer·inner
	NormValid     = 1 // divide by the number of non-ignored positions
	NormBatchSize = 2 // divide by outer
	NormNone      = 3 // do not divide
)

// BatchOptions are Caffe's loss options: an optional ignore label, the
// normalization mode (NormFull … NormNone) and the loss weight that scales
// the gradient.
type BatchOptions struct {
	HasIgnoreLabel bool
	IgnoreLabel    int
	Normalization  int
	LossWeight     float64
}

// BatchLoss returns the loss of a batch in Caffe's layout and writes its
// gradient into dst (len outer·c·inner). Element (o, j, i) of logits and
// dst sits at (o·c + j)·inner + i; the label of position (o, i) is
// labels[o·inner + i] and its row is H[label·c : (label+1)·c] (H row-major
// c×c). With n = max(1, count) for the normalization mode,
//
//	loss = (Σ over non-ignored positions, in (o, i) order, of Loss) / n
//	dst  = gradient of each position · (T(LossWeight) / n)
//
// in T arithmetic: the result equals impls.RunBatch over Loss bit for bit.
// Positions with an inner stride of 1 are computed in place, without
// gathering (with GOEXPERIMENT=simd and c ≤ 32, through LossRows' tiles,
// the rows of H gathered).
//
// Special cases are:
//
//	an ignored position adds nothing to the loss and gets gradient 0·scale
//	an all-ignored batch has loss 0 and gradient 0 (n = 1 under NormValid)
//	per position, the special cases of Loss
//
// Accuracy: each position as Loss; the sum over positions and the scaling
// round as Caffe's do.
//
// BatchLoss panics if a dimension is < 1, a length does not match the
// shape, a label other than the ignore label is out of [0, c), or the
// normalization mode is unknown.
func BatchLoss[T float32 | float64](dst, logits []T, labels []int, H []T, outer, c, inner int, opt BatchOptions) T {
	if outer < 1 || c < 1 || inner < 1 {
		panic("fused: BatchLoss: a dimension is < 1")
	}
	if len(logits) != outer*c*inner || len(dst) != len(logits) || len(labels) != outer*inner || len(H) != c*c {
		panic("fused: BatchLoss: lengths do not match the shape")
	}
	if opt.Normalization < NormFull || opt.Normalization > NormNone {
		panic("fused: BatchLoss: unknown normalization")
	}
	count := 0
	for _, l := range labels {
		if opt.HasIgnoreLabel && l == opt.IgnoreLabel {
			continue
		}
		if l < 0 || l >= c {
			panic("fused: BatchLoss: label out of range")
		}
		count++
	}
	var nf float64
	switch opt.Normalization {
	case NormFull:
		nf = float64(outer * inner)
	case NormValid:
		nf = float64(count)
	case NormBatchSize:
		nf = float64(outer)
	default:
		nf = 1
	}
	n := T(max(1, nf))
	scale := T(opt.LossWeight) / n

	var sum T
	if inner == 1 && simdActive && c <= maxTileC && outer >= 8 {
		// Small C with the vector tiles: the rows of H gathered into an
		// outer×c matrix (zeros for ignored positions, whose results are
		// discarded) and run through LossRows, which equals Loss row by
		// row; the sum and the scaling are those of the loop below.
		hb := getBuf[T](outer*c + outer)
		hr, lr := hb[:outer*c], hb[outer*c:]
		for o, l := range labels {
			row := hr[o*c : (o+1)*c]
			if opt.HasIgnoreLabel && l == opt.IgnoreLabel {
				clear(row)
				continue
			}
			copy(row, H[l*c:(l+1)*c])
		}
		LossRows(lr, dst, logits, hr, c)
		for o, l := range labels {
			g := dst[o*c : (o+1)*c]
			if opt.HasIgnoreLabel && l == opt.IgnoreLabel {
				for j := range g {
					g[j] = 0 * scale
				}
				continue
			}
			sum += lr[o]
			for j := range g {
				g[j] *= scale
			}
		}
		putBuf(hb)
		return sum / n
	}
	if inner == 1 {
		for o := 0; o < outer; o++ {
			l := labels[o]
			g := dst[o*c : (o+1)*c]
			if opt.HasIgnoreLabel && l == opt.IgnoreLabel {
				for j := range g {
					g[j] = 0 * scale
				}
				continue
			}
			sum += Loss(g, logits[o*c:(o+1)*c], H[l*c:(l+1)*c])
			for j := range g {
				g[j] *= scale
			}
		}
		return sum / n
	}

	buf := getBuf[T](2 * c)
	x, g := buf[:c], buf[c:2*c]
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			l := labels[o*inner+i]
			base := o*c*inner + i
			if opt.HasIgnoreLabel && l == opt.IgnoreLabel {
				for j := 0; j < c; j++ {
					dst[base+j*inner] = 0 * scale
				}
				continue
			}
			for j := 0; j < c; j++ {
				x[j] = logits[base+j*inner]
			}
			sum += Loss(g, x, H[l*c:(l+1)*c])
			for j := 0; j < c; j++ {
				dst[base+j*inner] = g[j] * scale
			}
		}
	}
	putBuf(buf)
	return sum / n
}

var (
	bufs64 sync.Pool
	bufs32 sync.Pool
)

func getBuf[T float32 | float64](n int) []T {
	var p *sync.Pool
	var zero T
	if _, ok := any(zero).(float64); ok {
		p = &bufs64
	} else {
		p = &bufs32
	}
	if b, ok := p.Get().(*[]T); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]T, n)
}

func putBuf[T float32 | float64](b []T) {
	switch b := any(b).(type) {
	case []float64:
		bufs64.Put(&b)
	case []float32:
		bufs32.Put(&b)
	}
}
