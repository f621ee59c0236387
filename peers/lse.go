package peers

// LSEAtScale writes into dst the gradient and returns the loss of the
// integer-label form L = LSE(x) − x_l, generalised to a row h as
//
//	L   = Σ_j h_j·(LSE(x) − x_j),   LSE(x) = m + log(Σ_j exp(x_j − m)),  m = max(x)
//	g_j = p_j·S − h_j,              p_j = exp(x_j − m) / Σ_k exp(x_k − m)
//
// with LSE rounded to T at the logits' scale before x_j is subtracted. This
// is the formula of optax's softmax_cross_entropy_with_integer_labels
// (`logsumexp(logits) − label_logits`; google-deepmind/optax
// optax/losses/_classification.py) and of MLX's nn.losses.cross_entropy
// (`logsumexp_logits − score`; ml-explore/mlx python/mlx/nn/losses.py). The
// failure is reported in google-deepmind/optax PR #1792 (three float32
// logits of 1e8 give loss 0 instead of log 3) and ml-explore/mlx PR #4188
// (equal logits v, v give 0.6931472, 0.693359375, 0.6875, 0.0 for v = 1,
// 1e4, 1e6, 1e8); PyTorch's CPU kernel keeps the shift for exactly this
// reason (pytorch/pytorch issue #11752). The gradient is what autodiff of a
// max-shifted logsumexp gives.
//
// Special cases are:
//
//	LSEAtScale(dst, x, h) = NaN, dst all NaN   if some x_j is NaN or +Inf, or every x_j is −Inf
//	LSEAtScale(dst, x, h) = +Inf, dst_j = −h_j if x_j = −Inf and h_j > 0
//	LSEAtScale(dst, x, h) = NaN, dst_j = 0     if x_j = −Inf and h_j = 0 (0·Inf: no masking)
//
// Accuracy: within the moderate-row bounds of the package doc; beyond, the
// loss is off by up to S·ulp(LSE)/2 at the logits' scale: 0 for the uniform
// float32 logits [1e8, 1e8, 1e8] (exact: log 3).
func LSEAtScale[T float32 | float64](dst, x, h []T) T {
	checkLens(dst, x, h)
	m := x[0]
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	// dst temporarily holds e_j = exp(x_j − m).
	for j, v := range x {
		dst[j] = exp(v - m)
	}
	s := sum(dst)
	lse := m + log(s)
	var loss T
	for j, v := range x {
		loss += T(h[j] * (lse - v))
	}
	S := sum(h)
	for j, e := range dst {
		dst[j] = T((e/s)*S) - h[j]
	}
	return loss
}
