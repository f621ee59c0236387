// Package naive is Caffe's InfogainLoss layer stacked on a separate Softmax
// layer, as Caffe computed it before PR #3855 (BVLC/caffe, 2017), ported
// operation for operation so that its numerical failures can be measured.
//
// For one sample with logits x and the row h = H[label,:] it computes
//
//	p = softmax(x)                        (Softmax layer: max-shift, exp, sum, divide)
//	L = −Σ_j h_j log(max(p_j, 1e-20))     (InfogainLoss forward)
//	∂L/∂p_j = −h_j / max(p_j, 1e-20)      (InfogainLoss backward)
//	∂L/∂x = p ⊙ (∂L/∂p − ⟨∂L/∂p, p⟩)       (Softmax backward)
//
// All arithmetic is done in the element type T, as Caffe does in its Dtype.
// Conventions: H is row-major C×C, labels count from 0, the gradient is
// written into dst. Batches (Caffe's layout, normalizer and loss_weight) are
// the business of infogain/impls.RunBatch, which calls Loss per position;
// it sums whole per-position losses and scales the gradient by
// loss_weight/n after the chain, where Caffe keeps one running loss sum over
// all terms and folds −loss_weight/num into ∂L/∂p, so batch results may
// differ from Caffe's in the last bits.
package naive
