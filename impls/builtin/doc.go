// Package builtin is the registry of the project's own implementations of
// the softmax-with-infogain loss, in report order: the certified reference
// (impls.Reference), fused, naive, then the ports of other frameworks'
// formulas (docs/design.md §2). It is the one package that imports them
// all; consumers that judge implementations (props, fuzz, reports) depend
// on impls alone.
package builtin
