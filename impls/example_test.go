package impls_test

import (
	"fmt"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// The one judge: a result measured against the reference's and held to a
// contract. Here a float64-only function that drops the tail gradient of a
// dominant logit (it forms 1 − p_0 = 0): the loss is right, component 0 is
// 2^53 scaled units off (every digit lost, docs/design.md §3.3).
func ExampleContract_Judge() {
	c := &cases.Case{ID: "dominant/0000", DType: cases.Float64, Logits: []float64{37.42994775023705, 0}, H: []float64{1, 0}}
	ref := impls.Reference()
	want := ref.Case(c)
	got := cases.Result{ID: c.ID, Loss: want.Loss, Grad: []float64{0, want.Grad[1]}}
	v := impls.Standard.Judge(c, &got, &want)
	fmt.Println(v.OK, v.LossULP, v.GradAt)
	fmt.Println(v.Violations[0])
	// Output:
	// false 0 0
	// grad[0] 0 (0x0p+00) against -5.551115123125776e-17 (-0x1.ffffffffffff5p-55): scaled error 9.01e+15 > 8
}
