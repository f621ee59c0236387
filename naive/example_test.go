package naive_test

import (
	"fmt"

	"github.com/infogain-dev/infogain/naive"
)

// The label sits 100 below the other logit: p_0 = e^-100 is clamped to
// Caffe's float threshold 1e-20f, so the loss is 46.05 instead of 100 and the
// gradient vanishes instead of being [−1, 1].
func ExampleLoss() {
	g := make([]float64, 2)
	loss := naive.Loss(g, []float64{0, 100}, []float64{1, 0})
	fmt.Println(loss)
	fmt.Printf("%.3g\n", g)
	// Output:
	// 46.051701891615394
	// [-3.72e-24 3.72e-24]
}
