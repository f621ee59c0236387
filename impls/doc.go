// Package impls wraps every implementation of the softmax-with-infogain loss
// L = −Σ_j h_j log softmax(x)_j behind one Impl type; states what an
// implementation declares about its accuracy (Contract) and the one judge
// that applies it (Contract.Judge, over Measure, docs/design.md §5); holds
// the certified reference (Reference) and the shared batch driver that gives
// every implementation Caffe's batch semantics (docs/design.md §1). The
// registry of the project's own implementations is impls/builtin.
//
// Conventions: an implementation's per-sample function writes the gradient
// ∂L/∂x into dst and returns L; H is row-major C×C, labels count from 0.
package impls
