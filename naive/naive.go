package naive

import "math"

// Loss writes into dst the gradient ∂L/∂x of the loss
// L = −Σ_j h_j log(max(softmax(x)_j, 1e-20)) computed as Caffe's InfogainLoss
// over a separate Softmax layer (before PR #3855), and returns L.
// len(dst), len(x) and len(h) must all equal C ≥ 1.
//
// The clamp threshold is Caffe's kLOG_THRESHOLD, the float constant 1e-20f,
// widened to T: 9.999999682655225e-21 in float64.
//
// Special cases are:
//
//	Loss(dst, x, h) = NaN, dst all NaN   if some x_j is NaN or +Inf, or every x_j is −Inf
//	Loss(dst, x, h) = −h_j·log(1e-20f) + … for x_j = −Inf (or p_j < 1e-20f): finite, never +Inf
//	dst = ±0 everywhere                  if x_j = −Inf and h is 0 off that class
//
// Accuracy: on moderate inputs (logits spread by a few units, h > 0) the
// loss and gradient are within (2C + 5) and (3C + 14) units of u times the
// problem's scales (naive/accuracy_test.go). Beyond, Loss reproduces Caffe's
// failures rather than the exact loss: with the label far below the top
// logit the loss saturates at 46.05·h_l (float64) and the gradient vanishes
// (≈ 3.7e-24 instead of 1 at logits [0, 100]).
//
// Loss panics if the lengths differ or C = 0.
func Loss[T float32 | float64](dst, x, h []T) T {
	C := len(x)
	if C == 0 {
		panic("naive: no classes")
	}
	if len(h) != C || len(dst) != C {
		panic("naive: length mismatch")
	}
	p := make([]T, C)
	softmaxForward(p, x)
	loss := infogainForward(p, h)
	// dst holds ∂L/∂p, then is overwritten in place by ∂L/∂x, as Caffe's
	// Softmax backward does with bottom_diff.
	infogainBackward(dst, p, h)
	softmaxBackward(dst, p)
	return loss
}

// kLogThreshold is Caffe's kLOG_THRESHOLD (include/caffe/util/math_functions.hpp
// in old releases, loss_layer.hpp later): `const float kLOG_THRESHOLD = 1e-20;`.
// It is a float, so Dtype(kLOG_THRESHOLD) in double is 9.999999682655225e-21.
const kLogThreshold float32 = 1e-20

// Method (BVLC/caffe src/caffe/layers/softmax_layer.cpp, Forward_cpu):
//
//	scale = x[0]; for j: scale = std::max(scale, x[j])   // NaN after x[0] is skipped
//	top[j] = x[j] − scale                                 // gemm: −1·1·scale + 1·top, one rounding
//	top[j] = exp(top[j])                                  // caffe_exp
//	sum = Σ_j top[j]                                      // gemv with a ones vector, in order
//	top[j] = top[j] / sum                                 // caffe_div
//
// exp (and log below) of a float32 is evaluated in float64 and rounded to
// float32; it differs from glibc's expf/logf only in rare double-rounding
// cases. The sums are taken in index order, as reference BLAS does; an
// optimised BLAS (OpenBLAS, MKL) may associate them differently.
func softmaxForward[T float32 | float64](p, x []T) {
	m := x[0]
	for _, v := range x {
		if m < v { // std::max(a, b) is (a < b) ? b : a
			m = v
		}
	}
	for j, v := range x {
		p[j] = T(math.Exp(float64(v - m)))
	}
	var sum T
	for _, e := range p {
		sum += e
	}
	for j := range p {
		p[j] /= sum
	}
}

// infogainForward is the loop of InfogainLossLayer::Forward_cpu (BVLC/caffe
// src/caffe/layers/infogain_loss_layer.cpp before PR #3855, whose bottom[0]
// is the Softmax output):
//
//	Dtype prob = std::max(bottom_data[i * dim + j], Dtype(kLOG_THRESHOLD));
//	loss -= infogain_mat[label * dim + j] * log(prob);
//
// The product is rounded before the subtraction (explicit T conversion: Go
// may otherwise fuse it into an FMA on some architectures).
func infogainForward[T float32 | float64](p, h []T) T {
	thr := T(kLogThreshold)
	var loss T
	for j, pj := range p {
		prob := pj
		if prob < thr { // std::max(prob, thr) keeps a NaN prob
			prob = thr
		}
		loss -= T(h[j] * T(math.Log(float64(prob))))
	}
	return loss
}

// infogainBackward is InfogainLossLayer::Backward_cpu for one sample with
// top diff 1 and num 1, so scale = −1:
//
//	bottom_diff[i * dim + j] = scale * infogain_mat[label * dim + j] / prob;
//
// evaluated left to right: (−1·h_j) / max(p_j, 1e-20f).
func infogainBackward[T float32 | float64](dp, p, h []T) {
	thr := T(kLogThreshold)
	for j, pj := range p {
		prob := pj
		if prob < thr {
			prob = thr
		}
		dp[j] = -h[j] / prob
	}
}

// softmaxBackward is SoftmaxLayer::Backward_cpu (softmax_layer.cpp):
//
//	dot = caffe_cpu_strided_dot(channels, bottom_diff, top_data)   // Σ dp_j·p_j in order
//	bottom_diff[j] = bottom_diff[j] − dot                           // gemm, one rounding
//	bottom_diff[j] = bottom_diff[j] · top_data[j]                   // caffe_mul
//
// in place on d, which holds ∂L/∂p on entry and ∂L/∂x on return.
func softmaxBackward[T float32 | float64](d, p []T) {
	var dot T
	for j, pj := range p {
		dot += T(d[j] * pj)
	}
	for j, pj := range p {
		d[j] = (d[j] - dot) * pj
	}
}
