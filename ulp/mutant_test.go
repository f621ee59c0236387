package ulp_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/ulp"
)

// TestGradScaledEachExactTailSum kills the survivors of `make mutate` in the
// exact tail sums of signed rows (docs/mutation.md):
//
//   - ulp/scale.go:191:8 CONDITIONALS_NEGATION (`v == 0` → `v != 0` in the
//     exponent scan: with no zero h_j the precision wraps to 59 bits),
//   - ulp/scale.go:198:27 ARITHMETIC_BASE (`53+bits.Len(C)` → `53-bits.Len(C)`)
//   - ulp/scale.go:198:52 ARITHMETIC_BASE (`) + 2` → `) - 2`),
//
// each of which leaves the big.Float sum S = Σ h_i a few bits short, so that
// S − h_j, which must be exact, is not. The row is built so that the running
// sum 45 + 2^-100·(1 + 2^-52) needs 158 bits (2^5 down to 2^-152) while the
// mutants keep 59, 155 and 157, and so that S − h_3 = 0 exactly: the
// gradient scale of component 3 is then G_3 = |h_3|·q_3 with q_3 = 6e^-800/(1+6e^-800)
// (closed form: the other six logits are 800 below x_3), so u·G_3 ≈ 1e-393 is
// far below η = 2^-1074 and the score of an error Δ is Δ/η to 1e-60. A
// mutant's S − h_3 = −2^-152 adds p_3·2^-152 ≈ 2^-152 to G_3 and divides the
// score by about 1e262.
func TestGradScaledEachExactTailSum(t *testing.T) {
	h3 := 0x1p-100 * (1 + 0x1p-52)
	h := []float64{15, 15, 15, h3, -15, -15, -15}
	x := []float64{-800, -800, -800, 0, -800, -800, -800}
	want := make([]float64, len(x))
	got := make([]float64, len(x))
	const delta = 1e-300
	got[3] = delta
	each := ulp.GradScaledEach(make([]float64, len(x)), got, want, x, h, ulp.U64)
	exact := delta / 0x1p-1074
	if math.Abs(each[3]-exact) > ulp.ScaledRelErr*exact {
		t.Errorf("GradScaledEach component 3 = %v, want Δ/η = %v (S − h_3 = 0 exactly, u·G_3 ≈ 1e-393 ≪ η)", each[3], exact)
	}
	for j, e := range each {
		if j != 3 && e != 0 {
			t.Errorf("component %d: %v, want 0 (got = want)", j, e)
		}
	}
}
