// Package ulp measures the error of a softmax-with-infogain implementation
// (L = −Σ_j h_j log softmax(x)_j, g_j = p_j·S − h_j, S = Σ_j h_j) against
// exact reference values: ulp distances and bits of error in the output's own
// type, the loss error scaled by its condition, the gradient error scaled
// componentwise by its condition, and the normwise gradient error (docs/design.md §5).
//
// Conventions: got is the value under test, want the exact (reference)
// value; x are the logits and h the row H[label,:] of the case. Float32
// values travel in float64 variables and are exactly float32. Every metric
// is defined for every input, NaN and ±Inf included (never NaN itself);
// only programmer errors panic, with messages prefixed "ulp: ".
package ulp
