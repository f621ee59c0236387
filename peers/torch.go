package peers

import "math"

// Torch writes into dst the gradient and returns the loss of PyTorch's
// soft-target cross_entropy, F.cross_entropy(x, h) with probability targets,
// differentiated by autograd:
//
//	logp_j = (x_j − m) − log(Σ_k exp(x_k − m))   log_softmax
//	L      = −(Σ_j logp_j·h_j)                    −(input * target).sum()
//	go_j   = −h_j                                 autograd through neg, sum, mul
//	g_j    = go_j − exp(logp_j)·Σ_k go_k          log_softmax backward
//
// Sources (pytorch/pytorch): aten/src/ATen/native/LossNLL.cpp
// (cross_entropy_loss_prob_target); aten/src/ATen/native/SoftMax.cpp, which
// dispatches to aten/src/ATen/native/cpu/SoftMaxKernel.cpp
// (_vec_log_softmax_lastdim, _vec_host_softmax_backward_lastdim).
//
// Special cases are:
//
//	Torch(dst, x, h) = NaN, dst all NaN   if some x_j is NaN or +Inf, or every x_j is −Inf
//	Torch(dst, x, h) = +Inf, dst_j = −h_j if x_j = −Inf and h_j > 0
//	Torch(dst, x, h) = NaN, dst_j = 0     if x_j = −Inf and h_j = 0 (0·(−Inf), as PyTorch 1.13)
//	Torch(dst, x, h) = −0                 if every h_j·logp_j is ±0 (PyTorch 1.13 returns -0.0)
//
// The order of every sum is ATen's (torch_vec.go: reduce_all and
// map_reduce_all in 4-lane float64 or 8-lane float32 vectors as PyTorch's
// default AVX2 kernels run them, at::sum's cascade), and the backward's
// multiply-subtract is fused as GCC compiles it. What still differs is exp
// and log: ATen calls Sleef's vector routines (Sleef_expd4_u10 and
// friends, within 1 ulp but not correctly rounded: 5.4% of exp(x) for x
// uniform in [−40, 0] differ from the correctly rounded value, measured
// with mpmath), the port Go's math.Exp and math.Log. Measured against
// real PyTorch 1.13 through adapters/torch_xent.py (make report's
// agreement line): on the gate suite (1,776 cases) loss and every gradient
// component bit for bit on 65.8% of the cases (45.7% before the sums
// followed ATen's order), the loss alone on 98.9%; on the full suite
// (12,744 cases) 62.9% and 98.3%, with 100 cases where some gradient
// component differs by more than 8 scaled units (199 of the gate's 1,776
// before, 10 after). float32 uses float64 FMA rounded to float32 (a double
// rounding, rarely visible).
//
// Accuracy: within the moderate-row bounds of the package doc, and within
// 1 ulp of PyTorch 1.13 on its exact rows or (C + 4)u of the problem's
// scale on a 400-row golden table (peers/torch_test.go); beyond, the loss is
// accurate to a few ulps of the terms |h_j·logp_j|, not of a tiny L, and the
// top class's gradient exp(logp)·S − h loses tails below u/2: logits
// [37.42994775023705, 0], h [1, 0] give [0, 5.551115123125776e-17] where
// the gradient is [−5.551115123125776e-17, 5.551115123125776e-17].
func Torch[T float32 | float64](dst, x, h []T) T {
	checkLens(dst, x, h)
	// max_input = vec::reduce_all(vec::maximum): maximum propagates NaN.
	m := x[0]
	for _, v := range x {
		if v > m || v != v {
			m = v
		}
		if m != m {
			break
		}
	}
	// tmp_sum = Σ exp(x − max_input) in ATen's lane order; tmp_sum = log(tmp_sum)
	s := atenMapSum(x, func(v T) T { return exp(v - m) })
	ls := log(s)
	// output = x − max_input − tmp_sum  (this order on purpose, issue #11752)
	for j, v := range x {
		dst[j] = (v - m) - ls
	}
	// loss = −(input * target).sum(): the product tensor, then at::sum's
	// cascade order
	for j, lp := range dst {
		dst[j] = T(lp * h[j])
	}
	loss := -atenCascadeSum(dst)
	// grad_output of log_softmax: −1 through neg, expanded by sum, times
	// target through mul; its sum in ATen's lane order, which starts from
	// the first element (a sum of −0s is −0, so g = −0 − exp·(−0) = +0
	// where h is all zero, as PyTorch gives).
	for j, hj := range h {
		dst[j] = -hj
	}
	sg := atenSum(dst)
	for j, v := range x {
		dst[j] = (v - m) - ls
	}
	// grad_input = grad_output − exp(output) * sum(grad_output), which GCC
	// contracts to one fused multiply-add in ATen's AVX2 build.
	for j, lp := range dst {
		dst[j] = T(math.FMA(float64(-exp(lp)), float64(sg), float64(-h[j])))
	}
	return loss
}
