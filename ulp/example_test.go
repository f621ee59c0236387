package ulp_test

import (
	"fmt"
	"math"

	"github.com/infogain-dev/infogain/ulp"
)

// The dominant-logit case of docs/design.md §3: logits [37.43, 0] with the label on
// the first class. The exact gradient is [−5.55e-17, +5.55e-17]; an
// implementation that forms 1 − p_0 in float64 returns 0 for the first
// component: 2^62 ulps, 62 bits wrong. The problem is well conditioned
// (G_0 = q_0 = 5.55e-17), so the scaled error is 1/u = 2^53 ≈ 9.0e15: every
// digit is lost, while a second component one ulp off scores 1 (its ulp is
// 2^-107, u relative: the value sits just below 2^-54).
func Example() {
	x := []float64{37.42994775023705, 0}
	h := []float64{1, 0}
	// mpmath at 4000 bits (testdata/scales.jsonl), rounded to float64.
	want := []float64{-5.551115123125776e-17, 5.551115123125776e-17}
	got := []float64{0, math.Nextafter(want[1], 1)}

	ulps := ulp.Dist64(got[0], want[0])
	fmt.Printf("component 0: %d ulps, %.1f bits\n", ulps, ulp.Bits(ulps))
	each := ulp.GradScaledEach(make([]float64, 2), got, want, x, h, ulp.U64)
	fmt.Printf("scaled: %.3g %.3g\n", each[0], each[1])
	fmt.Printf("normwise: %.3g\n", ulp.GradNormwise(got, want))
	// Output:
	// component 0: 4363988038922010613 ulps, 61.9 bits
	// scaled: 9.01e+15 1
	// normwise: 1
}
