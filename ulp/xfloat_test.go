package ulp

import (
	"math"
	"math/big"
	"testing"
)

// TestXfExpBelowFloat64: exp(y) = exp(y + 700)·exp(−700), where both
// factors are normal float64 results of math.Exp (< 1 ulp each) and
// y + 700 is exact for y in [−1408, −708] (it keeps y's last bit, 2^-42).
// The product is formed exactly in big.Float.
func TestXfExpBelowFloat64(t *testing.T) {
	for _, tt := range []struct {
		y   float64
		why string
	}{
		{-708.0000001, "just past the math.Exp branch"},
		{-745.1332191019412, "float64's underflow threshold"},
		{-800, "the golden table's tail"},
		{-1074 * math.Ln2, "2^-1074 exactly, in exponent"},
		{-1407.99999, "the far end of the identity's range"},
	} {
		got := xfExp(tt.y)
		want := new(big.Float).SetPrec(256).SetFloat64(math.Exp(tt.y + 700))
		want.Mul(want, big.NewFloat(math.Exp(-700)))
		if e := relDiff(xfBig(got), want); !(e <= xfExpRelErr) {
			t.Errorf("xfExp(%v) off by %.3g relative (limit %g): %s", tt.y, e, xfExpRelErr, tt.why)
		}
	}
	if z := xfExp(-(1 << 16) - 1); !z.isZero() {
		t.Errorf("xfExp below −2^16 = %v, want the documented 0", z)
	}
	if z := xfExp(math.Inf(-1)); !z.isZero() {
		t.Errorf("xfExp(−Inf) = %v, want 0", z)
	}
}

func TestXfArithmetic(t *testing.T) {
	for _, tt := range []struct {
		got  xf
		want *big.Float
		why  string
	}{
		{xfOf(math.MaxFloat64).mul(xfOf(math.MaxFloat64)), new(big.Float).Mul(big.NewFloat(math.MaxFloat64), big.NewFloat(math.MaxFloat64)),
			"beyond float64: (2^1024)^2, rounded once"},
		{xfOf(0x1p-1074).mul(xfOf(0x1p-1074)), new(big.Float).SetMantExp(big.NewFloat(1), -2148), "below float64: exact"},
		{xfOf(1).add(xfOf(0x1p-52)), big.NewFloat(1 + 0x1p-52), "exact sum"},
		{xfOf(3).quo(xfOf(0x1p-1074)), new(big.Float).SetMantExp(big.NewFloat(3), 1074), "quotient beyond float64"},
		{xfAbsDiff(math.MaxFloat64, -math.MaxFloat64), new(big.Float).SetMantExp(big.NewFloat(math.MaxFloat64), 1),
			"a difference that overflows float64, halved first"},
		{xfAbsDiff(-2, 5), big.NewFloat(7), "ordinary"},
	} {
		if e := relDiff(xfBig(tt.got), tt.want); !(e <= 0x1p-53) {
			t.Errorf("%s: got %v·2^%d, off by %.3g relative", tt.why, tt.got.f, tt.got.e, e)
		}
	}
	if v := xfOf(math.MaxFloat64).mul(xfOf(2)).float64(); v != math.MaxFloat64 {
		t.Errorf("float64 of 2·MaxFloat64 = %v, want the documented saturation at MaxFloat64", v)
	}
	if v := xfOf(0x1p-1074).mul(xfOf(0.5)).float64(); v != 0 {
		t.Errorf("float64 of 2^-1075 = %v, want 0 (ties to even)", v)
	}
	if !xfOf(1).less(xfOf(2)) || xfOf(2).less(xfOf(1)) || !(xf{}).less(xfOf(0x1p-1074)) || xfOf(1).less(xf{}) {
		t.Error("less misorders")
	}
}
