// Package ref is the certified reference for the softmax-with-infogain loss
// L = −Σ_j h_j log p_j, p = softmax(x), and its gradient g_j = p_j·S − h_j
// with S = Σ_j h_j: every output correctly rounded (to nearest, ties to
// even) to float64, or directly to float32, from the exact value.
//
// Conventions: a sample is logits x and the row h = H[label,:] of the
// row-major C×C matrix H; the gradient is written into dst. An exact zero
// is +0; a nonzero value below half the least subnormal is the zero of its
// sign. Outputs are computed by a double-double fast path whose error
// bound is propagated from published double-word operation bounds and,
// when its interval does not decide the rounding, by math/big with Ziv's
// strategy (docs/design.md §4); ReadStats counts the rows each path settled. The package also provides Exp,
// Log and Log1p on *big.Float. It imports only the standard library;
// programmer errors panic with messages prefixed "ref: ".
package ref
