// Package impls wraps every implementation of the softmax-with-infogain loss
// L = −Σ_j h_j log softmax(x)_j behind one Impl type, and holds the registry
// of the project's implementations and the shared batch driver that gives all
// of them Caffe's batch semantics (docs/design.md §1).
//
// Conventions: an implementation's per-sample function writes the gradient
// ∂L/∂x into dst and returns L; H is row-major C×C, labels count from 0.
package impls
