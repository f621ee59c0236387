// Package hmat builds, checks and stores infogain matrices H for the
// softmax-with-infogain loss (Caffe's InfogainLoss):
//
//	L = −Σ_j h_j log p_j,   g_j = ∂L/∂x_j = p_j·S − h_j,   S = Σ_j h_j,
//
// h = H[label,:]. H holds similarities: the loss is minimised (for h ≥ 0)
// at p = h/S, so the diagonal must be the largest entry of its row or the
// network is trained toward the wrong class. Users usually start from a
// distance or badness matrix D (zero diagonal); this package turns it into
// H (Similarity with the gauss, exp, linear and max-minus transforms, a
// temperature chosen from a target mass on the true class by TauForMass,
// NormalizeRows, KeepDiagonalOne, Smooth, Weight, all composed by Build),
// derives D from a class hierarchy (Tree.Distances, path lengths), and
// diagnoses a given H (Check: distance-like rows with the gradient at a
// confident correct prediction as evidence, negative entries, zero rows,
// non-finite entries, row sums, overflow and exact-path hazards, float32
// representability, asymmetry).
//
// Formats (Decode, Encode, ReadFile, WriteFile), each in float64 and
// float32 and round-tripping bit for bit: CSV, JSON, NumPy .npy and
// Caffe's BlobProto binaryproto exactly as InfogainLossLayer reads its
// source (shape 1×1×C×C, data for float32, double_data for float64;
// caffe_blob.proto is the schema). Readers never panic and never allocate
// more than the input's size warrants: a declared shape is checked against
// the bytes present before anything is allocated, and C ≤ MaxC.
//
// The mathematics of each choice is in docs/hmat.md. Build is
// deterministic and bit-identical on every architecture (a portable exp,
// no fused multiply-adds), which the h-tree case family of package cases
// relies on. hmat imports nothing of the project.
package hmat
