package props_test

import (
	"fmt"
	"math"
	"slices"

	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/props"
)

// A user's own Go implementation goes through the battery in a dozen lines:
// wrap it in an impls.Impl and Run the properties (or Check them in a test).
// This one is the textbook formula with the max shift, and the battery finds
// its three weak points (r.Detail and r.CaseJSON say where): log(z) instead
// of log1p(s) (a tiny loss 1.27e-14 comes out as 1.42e-14), m + log(z) − x_j
// formed at the logits' scale (495 ulps after an exact shift), and 1 − p
// hidden in p_k·S − h_k (a dominant logit's gradient no longer sums to 0).
func Example() {
	mine := func(dst, x, h []float64) float64 {
		m := slices.Max(x)
		var z, S, loss float64
		for _, v := range x {
			z += math.Exp(v - m)
		}
		for j, v := range x {
			S += h[j]
			loss += h[j] * (m + math.Log(z) - v)
		}
		for j, v := range x {
			dst[j] = math.Exp(v-m)/z*S - h[j]
		}
		return loss
	}
	im := &impls.Impl{Name: "mine", F64: mine}
	for _, r := range props.Run(im, props.Seed(1), props.Only(props.IDShift, props.IDGradSum, props.IDIdentity)) {
		fmt.Printf("%-5v %s\n", r.Passed, r.Property)
	}
	// Output:
	// false With H = I it equals softmax cross-entropy computed directly.
	// false Adding one exact shift to every logit changes neither the loss nor the gradient.
	// false The gradient sums to zero, relative to the scale of its terms.
}
