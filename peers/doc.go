// Package peers holds faithful ports of the softmax cross-entropy formulas
// that other frameworks use, generalised to the infogain loss
// L = −Σ_j h_j log softmax(x)_j with gradient g_j = p_j·S − h_j, S = Σ_j h_j,
// so that their numerical behaviour can be measured against the reference.
//
// Each function ports its framework's arithmetic order, operation for
// operation, in the element type T (float32 in float32, as the frameworks
// do), and cites the source file it follows; none is improved. Reductions
// are taken in index order: where the framework vectorises a reduction
// (Eigen, ATen) its association may differ for C above a vector width.
// exp and log of a float32 are evaluated in float64 and rounded to float32.
//
// Conventions: h is the row H[label,:] of a row-major C×C matrix, labels
// count from 0, the gradient is written into dst, len(dst) = len(x) =
// len(h) = C ≥ 1 (else the function panics). Batches are the business of
// infogain/impls.RunBatch.
package peers
