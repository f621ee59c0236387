package impls

import "github.com/infogain-dev/infogain/cases"

// RunBatch is the shared batch driver: Caffe's SoftmaxWithLoss/InfogainLoss
// batch semantics over any per-sample function, in T arithmetic.
//
// For every position (o, i) in order (o outer, i inner) it gathers the
// logits x_j = logits[(o·C+j)·Inner+i] and the row h = H[label,:], calls f,
// adds the sample loss to a running T sum and scatters the gradient into dst.
// An ignored position contributes no loss and gets a zero gradient. Then,
// with n = T(b.Normalizer()) (max(1, count) for the mode),
//
//	loss = sum / n
//	dst[k] = dst[k] · (T(LossWeight) / n)
//
// exactly as Caffe's Forward_cpu and Backward_cpu (caffe_scal) do. The
// labels, shape and options come from b; the values from logits and H, which
// are b's converted to T. b must be valid (Batch.Validate).
func RunBatch[T Float](f Func[T], dst, logits []T, labels []int, H []T, b *cases.Batch) T {
	C, inner := b.C, b.Inner
	x := make([]T, C)
	g := make([]T, C)
	var sum T
	for o := 0; o < b.Outer; o++ {
		for i := 0; i < inner; i++ {
			l := labels[o*inner+i]
			base := o*C*inner + i
			if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
				for j := 0; j < C; j++ {
					dst[base+j*inner] = 0
				}
				continue
			}
			for j := 0; j < C; j++ {
				x[j] = logits[base+j*inner]
			}
			sum += f(g, x, H[l*C:(l+1)*C])
			for j := 0; j < C; j++ {
				dst[base+j*inner] = g[j]
			}
		}
	}
	n := T(b.Normalizer())
	scale := T(b.Opts.LossWeight) / n
	for k := range dst {
		dst[k] *= scale
	}
	return sum / n
}
