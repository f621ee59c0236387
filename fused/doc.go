// Package fused is the robust softmax-with-infogain loss: one pass structure
// that computes L = −Σ_j h_j log softmax(x)_j and its gradient
// g_j = p_j·S − h_j (S = Σ_j h_j) to within a few ulps of the exact values,
// for float32 and float64, per sample (Loss), over N×C batches of soft
// targets (LossRows) and over Caffe-layout batches (BatchLoss).
//
// Conventions: h is the row H[label,:] of a row-major C×C matrix H; labels
// count from 0; the gradient is written into dst. The float32 functions
// compute internally in float64 and round once at the end. Mismatched
// lengths are programmer errors and panic with messages prefixed "fused: ".
// Loss, LossRows and BatchLoss are safe for concurrent use; their only
// allocations are pooled scratch buffers (float32 rows of more than 32
// classes, strided or tiled batches, LossRows' tiles), reused from call to call,
// except on the rare rows that take the exact path (see Loss), which
// allocate their big.Float sums.
//
// On amd64 the hottest element loops run in AVX2+FMA assembly when the CPU
// has it, and with GOEXPERIMENT=simd on 8-lane AVX-512F vectors (LossRows:
// tiles of 8 rows, the lanes across rows) when the CPU has that (checked at
// run time); the results are bit for bit those of the pure-Go loops, which
// are always built. The fast/slow/exact choice per row is route.go's.
package fused
