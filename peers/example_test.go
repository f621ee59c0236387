package peers_test

import (
	"fmt"

	"github.com/infogain-dev/infogain/peers"
)

// Caffe after PR #3855 still clamps the forward pass, but its backward pass
// p·S − h is exact here; PyTorch's log_softmax keeps the loss.
func ExampleCaffe() {
	g := make([]float64, 2)
	loss := peers.Caffe(g, []float64{0, 100}, []float64{1, 0})
	fmt.Println(loss, g)
	loss = peers.Torch(g, []float64{0, 100}, []float64{1, 0})
	fmt.Println(loss, g)
	// Output:
	// 46.051701891615394 [-1 1]
	// 100 [-1 1]
}

// TensorFlow's backprop is softmax − labels: right only when the labels sum
// to 1. Here they sum to 2 and the gradient is [−1, 1].
func ExampleTF() {
	g := make([]float64, 2)
	loss := peers.TF(g, []float64{0, 0}, []float64{2, 0})
	fmt.Printf("%.4f %v\n", loss, g)
	// Output:
	// 1.3863 [-1.5 0.5]
}

// Uniform float32 logits at 1e8 are a uniform prediction (loss log 3), but
// LSE(x) − x_l rounds log 3 away against 1e8 (optax PR #1792).
func ExampleLSEAtScale() {
	g := make([]float32, 3)
	x := []float32{1e8, 1e8, 1e8}
	h := []float32{1, 0, 0}
	fmt.Println(peers.LSEAtScale(g, x, h), peers.Torch(g, x, h))
	// Output:
	// 0 1.0986123
}

// The gradient of the top class is exp(log p)·S − h with log p rounded to 0:
// PyTorch 1.13 returns exactly this, losing the −5.55e-17.
func ExampleTorch() {
	g := make([]float64, 2)
	loss := peers.Torch(g, []float64{37.42994775023705, 0}, []float64{1, 0})
	fmt.Println(loss, g)
	// Output:
	// -0 [0 5.551115123125776e-17]
}
