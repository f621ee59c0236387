package peers

// kLogThreshold is Caffe's `const float kLOG_THRESHOLD = 1e-20;`: a float,
// so 9.999999682655225e-21 once widened to double.
const kLogThreshold float32 = 1e-20

// Caffe writes into dst the gradient of the infogain loss and returns the
// loss, as Caffe's InfogainLoss layer computes them since PR #3855, which
// fused the softmax into the layer (BVLC/caffe
// src/caffe/layers/infogain_loss_layer.cpp, with its internal Softmax layer
// src/caffe/layers/softmax_layer.cpp):
//
//	L   = −Σ_j h_j log(max(p_j, 1e-20f))
//	g_j = p_j·S − h_j,   S = Σ_j h_j (sum_rows_of_H)
//
// Special cases are:
//
//	Caffe(dst, x, h) = NaN, dst all NaN   if some x_j is NaN or +Inf, or every x_j is −Inf
//	Caffe(dst, x, h) finite, dst_j = −h_j  for x_j = −Inf: the clamp charges −h_j·log(1e-20f) ≈ 46.05·h_j, not +Inf
//
// Accuracy: within the moderate-row bounds of the package doc; beyond, the
// loss saturates at 46.05·h_l (float64) for a label far below the top logit,
// while the gradient stays close to p·S − h.
func Caffe[T float32 | float64](dst, x, h []T) T {
	checkLens(dst, x, h)
	p := make([]T, len(x))
	caffeSoftmax(p, x)
	// Forward_cpu: loss -= infogain_mat[label*num_labels_+l] *
	//   log(std::max(prob_data[...], Dtype(kLOG_THRESHOLD)));
	thr := T(kLogThreshold)
	var loss T
	for j, pj := range p {
		prob := pj
		if prob < thr { // std::max(prob, thr) keeps a NaN prob
			prob = thr
		}
		loss -= T(h[j] * log(prob))
	}
	// Backward_cpu: sum_rows_H[row] += infogain_mat[row*num_labels_+col] in
	// column order, then
	//   bottom_diff[...] = prob_data[...]*sum_rows_H[label_value]
	//                      - infogain_mat[label_value * num_labels_ + l];
	// (the normalizer and loss_weight scaling, caffe_scal, is RunBatch's).
	S := sum(h)
	for j, pj := range p {
		dst[j] = T(pj*S) - h[j]
	}
	return loss
}

// caffeSoftmax is SoftmaxLayer::Forward_cpu for one position: the running
// max from x[0] with std::max (a NaN after x[0] is skipped), x − max (gemm,
// one rounding), exp, the sum in order (gemv with a ones vector), then
// division (caffe_div).
func caffeSoftmax[T float32 | float64](p, x []T) {
	m := x[0]
	for _, v := range x {
		if m < v {
			m = v
		}
	}
	for j, v := range x {
		p[j] = exp(v - m)
	}
	s := sum(p)
	for j := range p {
		p[j] /= s
	}
}
