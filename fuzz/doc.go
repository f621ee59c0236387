// Package fuzz holds the native fuzz targets of the softmax-with-infogain
// loss L = −Σ_j h_j log softmax(x)_j (gradient g_j = p_j·S − h_j,
// S = Σ_j h_j) and the byte decoder that feeds them.
//
// Go's mutator works on bytes; left to mutate float64 arguments it almost
// never produces NaN, ±Inf, subnormals, exact ties or logits sharing an
// offset of 1e16. Decode reads a []byte as a regime selector, C, a label,
// logits and an H row, drawing values from those special patterns, so that
// every regime of docs/design.md §7 is a few byte flips away. Encode is its inverse
// for any case with C ≤ MaxC: the seeds of the targets are the commented
// case table encoded, and a finding replays as a plain test from
// testdata/fuzz/FuzzX/.
//
// Conventions: h is the row H[label,:] of a row-major C×C matrix, labels
// count from 0, gradients are written into dst. Run one target at a time:
// go test ./fuzz -run '^$' -fuzz '^FuzzDiff64$' -fuzztime 30s.
package fuzz
