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
// Accuracy: on moderate rows (logits spread by ≤ 2.5, h_j ∈ [0.1, 2],
// C ≤ 20, the ranges of Caffe's layer test) every port is within
// (2C + 5)·u·Σ_j h_j (1 + |log p_j|) of the loss and (2C + 6)·u·(p_j S + h_j)
// of its gradient (TF: of p − h), u the unit roundoff of T (derived and
// tested in accuracy_test.go). Outside that regime each fails as its doc
// says; that is what the ports are for.
//
// Batches: through impls.RunBatch the per-position losses are summed as
// wholes, where Caffe's Forward_cpu keeps one running sum over all terms
// of all positions and the frameworks reduce in their own order, so batch
// losses may differ from theirs in the last bits.
//
// Conventions: h is the row H[label,:] of a row-major C×C matrix, labels
// count from 0, the gradient is written into dst, len(dst) = len(x) =
// len(h) = C ≥ 1 (else the function panics). Batches are the business of
// infogain/impls.RunBatch.
package peers
