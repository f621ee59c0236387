// Package fused is the robust softmax-with-infogain loss: one pass structure
// that computes L = −Σ_j h_j log softmax(x)_j and its gradient
// g_j = p_j·S − h_j (S = Σ_j h_j) to within a few ulps of the exact values,
// for float32 and float64, per sample and over Caffe-layout batches.
//
// Conventions: h is the row H[label,:] of a row-major C×C matrix H; labels
// count from 0; the gradient is written into dst. The float32 functions
// compute internally in float64 and round once at the end. Mismatched
// lengths are programmer errors and panic with messages prefixed "fused: ".
// Loss and BatchLoss are safe for concurrent use; their only allocations are
// pooled scratch buffers (float32 rows of more than 32 classes, strided
// batches), reused from call to call, except on the rare rows that take the
// exact path (see Loss), which allocate their big.Float sums.
//
// With GOEXPERIMENT=simd on amd64 the element loops run on 8-lane AVX-512F
// vectors when the CPU has them (checked at run time); the results are bit
// for bit those of the pure-Go loops, which are always built.
package fused
