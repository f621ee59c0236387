// Package cases holds the inputs of the softmax-with-infogain loss
// L = −Σ_j h_j log softmax(x)_j: single-sample Cases, Caffe-layout Batches,
// deterministic generators for every case family (Families, Generate) and
// the commented table of hand-picked hard cases (Seeds) that unit tests and
// fuzz targets share. The JSON-lines codec of docs/design.md §7 that reads
// and writes them is the subpackage cases/jsonl.
//
// Conventions: H is row-major C×C and a Case carries only its row
// h = H[label,:]; labels count from 0; float32 cases hold values that are
// exactly float32, stored in float64 fields. Data errors are returned as
// errors; only programmer errors panic, with messages prefixed "cases: ".
package cases
