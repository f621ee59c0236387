package peers

// TF writes into dst the backprop and returns the loss of TensorFlow's
// SoftmaxCrossEntropyWithLogits kernel with labels h (tensorflow
// tensorflow/core/kernels/xent_op.h, XentEigenImpl::Compute):
//
//	shifted_j = x_j − max(x)
//	sum       = Σ_j exp(shifted_j)
//	L         = Σ_j h_j·(log(sum) − shifted_j)
//	backprop  = exp(shifted_j)/sum − h_j
//
// The backprop is softmax − labels: the gradient only when S = Σ h_j = 1.
// For any other row sum it is off by p·(S − 1) (labels [2, 0] at logits
// [0, 0] give [−1.5, 0.5]; the gradient is [−1, 1]).
//
// Special cases are:
//
//	TF(dst, x, h) = NaN, dst all NaN   if some x_j is NaN or +Inf, or every x_j is −Inf
//	TF(dst, x, h) = +Inf, dst_j = −h_j if x_j = −Inf and h_j > 0
//	TF(dst, x, h) = NaN, dst_j = 0     if x_j = −Inf and h_j = 0 (0·Inf: no masking)
//
// Accuracy: within the moderate-row bounds of the package doc for the loss
// (any S) and for the backprop against p − h; the backprop misses the
// gradient by p·(S − 1) whenever S ≠ 1.
func TF[T float32 | float64](dst, x, h []T) T {
	checkLens(dst, x, h)
	// scratch = logits.maximum(along_class). Eigen's MaxReducer; NaN
	// propagation follows this port (a NaN after x[0] is skipped, and
	// poisons every result anyway through exp).
	m := x[0]
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	// backprop = logits − scratch.broadcast(one_by_class)
	for j, v := range x {
		dst[j] = v - m
	}
	// scratch = backprop.exp().sum(along_class)
	var s T
	for _, sh := range dst {
		s += exp(sh)
	}
	// loss = (labels * (scratch.log().eval().broadcast(one_by_class) − backprop)).eval().sum(along_class)
	ls := log(s)
	var loss T
	for j, sh := range dst {
		loss += T(h[j] * (ls - sh))
	}
	// backprop = (backprop.exp() / scratch.broadcast(one_by_class)) − labels
	for j, sh := range dst {
		dst[j] = exp(sh)/s - h[j]
	}
	return loss
}
