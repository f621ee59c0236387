// Package hfile reads and writes the infogain matrices of package hmat
// (Decode, Encode, ReadFile, WriteFile), each in float64 and float32 and
// round-tripping bit for bit: CSV, JSON, NumPy .npy and Caffe's BlobProto
// binaryproto exactly as InfogainLossLayer reads its source (shape
// 1×1×C×C, data for float32, double_data for float64; caffe_blob.proto is
// the schema). Readers never panic and never allocate more than the
// input's size warrants: a declared shape is checked against the bytes
// present before anything is allocated, and C ≤ hmat.MaxC.
//
// hfile is separate from hmat so that hmat, the mathematics, stays
// standard-library only (package cases builds on it); hfile may import
// google.golang.org/protobuf's protowire. The readers are fuzzed
// (FuzzDecodeCSV, FuzzDecodeJSON, FuzzDecodeNPY, FuzzDecodeBinaryProto) and
// cross-checked against python3-protobuf and numpy (TestCrossCheckWithPython,
// make hmat-xcheck). docs/hmat.md describes the formats.
package hfile
