package fused_test

import (
	"fmt"

	"github.com/infogain-dev/infogain/fused"
	"github.com/infogain-dev/infogain/naive"
)

// A logit far below the maximum: the exact loss is 100000 + log1p(e^-100000)
// = 100000. Caffe's InfogainLoss over a separate softmax (naive) rounds
// p_1 = e^-100000 to 0, clamps it to 1e-20 and returns −log(1e-20) ≈ 46: off
// by more than three orders of magnitude. fused forms log p_1 = (x_1 − m) −
// log1p(s) without ever forming p_1.
func ExampleLoss() {
	x := []float64{0, -100000}
	h := []float64{0, 1} // the label is the unlikely class
	g := make([]float64, 2)

	fmt.Printf("naive: %.6g\n", naive.Loss(g, x, h))
	fmt.Printf("fused: %.6g, gradient %v\n", fused.Loss(g, x, h), g)

	// The tail of a confident prediction: log1p(e^-40) ≈ 4.2e-18, which
	// rounds to 0 through 1 − p; fused keeps it, and the gradient's tail.
	x = []float64{40, 0}
	h = []float64{1, 0}
	fmt.Printf("naive: %.6g\n", naive.Loss(g, x, h))
	fmt.Printf("fused: %.6g, gradient %.6g\n", fused.Loss(g, x, h), g)
	// Output:
	// naive: 46.0517
	// fused: 100000, gradient [1 -1]
	// naive: 0
	// fused: 4.24835e-18, gradient [-4.24835e-18 4.24835e-18]
}
