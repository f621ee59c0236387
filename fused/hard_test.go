package fused_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/fused"
)

// hardCases are hand-made rows at the edges of the method (docs/design.md §3), each
// checked against ref with the same bounds as the generated families.
var hardCases = []struct {
	x, h []float64
	why  string
}{
	{[]float64{37.42994775023705, 0}, []float64{1, 0}, "docs/design.md §3: the tail gradient −5.55e-17 must survive (complement q_k)"},
	{[]float64{1e16, 1e16, 1e16}, []float64{1, 0, 0}, "uniform logits at 1e16: loss log 3, not 2"},
	{[]float64{0, -740}, []float64{1e15, 0}, "p_1 subnormal, S large: g_1 = p_1·S is normal"},
	{[]float64{0, -744.5}, []float64{1e300, 1e300}, "p_1 near the least subnormal, S huge"},
	{[]float64{0, -40}, []float64{1, 0}, "tiny loss log1p(e^-40) ≈ 4e-18"},
	{[]float64{0, -750}, []float64{1, 0}, "loss log1p(e^-750) underflows to 0 exactly"},
	{[]float64{1.6e308, -1.6e308}, []float64{0.5, 0.5}, "x − m overflows: halved differences"},
	{[]float64{1.6e308, -1.6e308}, []float64{1, 0}, "x − m overflows, h on the max: loss 0, tail gradient"},
	{[]float64{3, 1, -2}, []float64{1.5e308, 1.5e308, 0}, "S overflows while every g_j is finite"},
	{[]float64{3, 1, -2}, []float64{1e308, -1e308, 1e308}, "signed h with huge entries: S − h_j overflows in part"},
	{[]float64{math.Inf(-1), 0, 1}, []float64{0, 1, 1}, "masking: h = 0 on a −Inf logit contributes 0"},
	{[]float64{math.Inf(-1), 0, 1}, []float64{1, 1, 0}, "h > 0 on a −Inf logit: loss +Inf, g = −h there"},
	{[]float64{5}, []float64{3}, "C = 1: loss 0, gradient 0"},
	{[]float64{0, 0x1p-1074, -0x1p-1074}, []float64{1, 1, 1}, "subnormal differences"},
	{[]float64{1, 1, 1, 1, 1}, []float64{1, 1e-30, 0, 0, 0}, "concentrated h: S − h_0 = 1e-30 must not be lost"},
	{[]float64{2, 0, 0, 0, 0, 0, 0}, []float64{1, -1, 1, -1, 1, -1, 1e-20}, "signed h cancelling in S"},
	{[]float64{700, -700, 0, 1}, []float64{0.25, 0.25, 0.25, 0.25}, "width 1400: slow path with normal e only at the top"},
	{[]float64{0, -699.9999, -1}, []float64{0, 1e10, 1}, "width just below subnormalWidth: fast path"},
	{[]float64{0, -700.0001, -1}, []float64{0, 1e10, 1}, "width just above subnormalWidth: scaled slow path"},
	{[]float64{0, -709, -3}, []float64{1e300, 1e-300, 0}, "p_1 near the subnormal boundary, S near the top of the range"},
	{[]float64{1, 2, 3}, []float64{0x1p999, 0x1p999, -0x1p999}, "hmax·C just above fastLimit: h scaled by 2^-64"},
	{[]float64{1e300, -1e300, 0}, []float64{1e-300, 1e-300, 1e-300}, "width 2e300: halved differences, tiny h"},
	{[]float64{0, -1e-300}, []float64{1, 1}, "differences far below ulp(1): p = 1/2 each to 2^-996"},
	{[]float64{5, 5, 5, 5, 5, 5, 5, 5, 5}, []float64{1, 0, 0, 0, 0, 0, 0, 0, 0}, "nine ties: the max lane and a padded tail block"},
	{[]float64{0, -1e300, -1e300}, []float64{1, -1e10, 1e10}, "issue 4 F2: terms h_j(m − x_j) ≈ 2^1030 overflow and cancel: loss 0, not NaN"},
	{[]float64{1e300, 0, 0}, []float64{-1e10, 1e10, 1}, "issue 4 F2 variant: the exact loss −1e310 overflows to −Inf"},
	{[]float64{10387.011764705883, 10387.011764705883, 10012, 9612.988235294117}, []float64{4.180206861467748e+121, 0, 0, 0}, "issue 4 F7: p_3 underflows on a wide row, p_3·S = 1.47e-215 does not"},
	{[]float64{9254.866780898059, 10012, 10012, 10012}, []float64{0, 1.7976931348623157e+308, 0, 0}, "F7 with S = MaxFloat64: p_0·S = 3e-22 from p_0 ≈ 2^-1095"},
	{[]float64{-1e300, 1.6291593934689736e+308, -1e300}, []float64{2, 0.25, 0.25}, "h ≥ 0, halved differences: the sum τ·P overflows (each term does not), loss +Inf, not NaN"},
	{[]float64{3.0838087473969088e+38, 12, 12, 12, 12}, []float64{1.3510798882111488e+16, 1.0000057220458984, 1.4923723777982646e-19, -1, 0}, "signed h, S does not cancel but S − h_0 = 5.7e-6 does (float64 fast path)"},
	{[]float64{float64(float32(7.7488404e+14)), 12, 12, 12}, []float64{float64(float32(3.0838087e+38)), -0.25, float64(float32(1.4923724e-19)), 0.25}, "signed h, S − h_0 = 1.49e-19 after ±0.25 cancel next to 3e38"},
	{[]float64{10012, 10012, 10000, 10000, 10012, 10037.429947750237, 10000, -7.599824371177712e+15}, []float64{1.7976931348623157e+308, 1.398043286095289e-76, -1.7976931348623157e+308, 1.7976931348623157e+308, 0, 0, 0, 0}, "g_2 = MaxFloat64·(1 + p_2) just below the overflow threshold: q_2 = 1 − p_2 rounded to float64 pushed it to +Inf"},
	{[]float64{-1.7976931348623157e+308, 1.7976931348623157e+308, 0, 0, 0, 0}, []float64{0.15950520833333334, 0.15950520833333334, 0.20247395833333334, 0.15950520833333334, 0.15950520833333334, 0.15950520833333334}, "loss MaxFloat64·(1 + 2^-54) within 2^-107 below the overflow threshold: MaxFloat64, not +Inf"},
	{[]float64{0, -1410}, []float64{1e308, 0}, "p_1 = e^-1410 ≈ 2^-2034: e_1·2^1000 is subnormal, p_1·S ≈ 2^-1011 is not"},
	{[]float64{4.440433363917715e+304, -1e300, -1e300}, []float64{1.6291594034689736e+308, 2.37e-322, 0}, "issue 4 F6: a subnormal h_j next to a huge one carries the whole loss 1.05e-17"},
	{[]float64{10012, 1.070912188235294e+06}, []float64{2.37e-322, 1.7976931348623157e+308}, "F6: loss 2.5e-316 from a subnormal h_j, S − h_1 subnormal"},
	{[]float64{math.Inf(-1), 64, 0, 0, -0.25, 0}, []float64{6.409690556097303e-10, 12, -3.396177326406364e+38, 0, 0, 3.396177326406364e+38}, "issue 4 F9: S = 12 + 6.4e-10 after ±3.4e38 cancel; S − h_1 must keep 6.4e-10"},
	{[]float64{1.649267451664e+12, 1.6492674516640078e+12, 1.6492674516640159e+12, 1.64926745166404e+12, 1.6492674516640615e+12, 1.6492674516640696e+12, 1.6492674516640933e+12, 1.6492674516641018e+12, 1.6492674516641238e+12, 1.6492674516641475e+12, 1.6492674516641694e+12, 1.6492674516641914e+12, 1.649267451664215e+12}, []float64{1.73e-322, 3.46e-322, 5.2e-322, 1.003e-321, 1.25e-321, 1.685e-321, 1.93e-321, 2.204e-321, 0, 0, 0, 0, 0}, "issue 4 F8: subnormal h on the fast path: products h_j(x_j − m) lose bits, loss 3 ulps off"},
	{[]float64{0, 100, 0, 0}, []float64{1e-9, 12, -1e30, 1e30}, "signed S cancelling on the fast path (finite logits): p_1 ≈ 1, S − h_1 = 1e-9 must survive"},
	{[]float64{13.75, float64(float32(2.031312e20)), 12, 12}, []float64{float64(float32(-3.0838087e38)), 12, float64(float32(3.0838087e38)), 0}, "issue 4 F5: float32 P and S cancel, exact loss 5.4e38 overflows float32 to +Inf, not 0"},
	{[]float64{0, 12, float64(float32(7.7488404e+14)), 12, 12}, []float64{float64(float32(-3.3961773e+38)), float64(float32(4.42539e-39)), 12, float64(float32(3.3961773e+38)), 0}, "issue 4 F9 (float32): S − h_2 = 4.4e-39 after ±3.4e38 cancel"},
	{[]float64{13.75, float64(float32(2.031312e20)), 12, 12, math.Inf(-1)}, []float64{float64(float32(-3.0838087e38)), float64(float32(3.4028235e38)), float64(float32(3.0838087e38)), 0, 0}, "float32 slow path (a masked −Inf logit), signed h, S does not cancel but P does: loss +Inf"},
	{[]float64{0, -1e10, -1e10, math.Inf(-1)}, []float64{1, -0.5, 1, 0}, "signed h on slow64 (masked −Inf logit), S does not cancel: stays on slow64"},
	{[]float64{0, -1e10, -1e10, math.Inf(-1)}, []float64{1, -1e10, 1e10, 0}, "signed h on slow64 (masked −Inf logit) whose S cancels: exact path"},
	{[]float64{0, 1, math.Inf(-1), math.Inf(-1)}, []float64{1, 1, 2, -3}, "h > 0 and h < 0 on −Inf logits: loss NaN (+Inf − Inf), g = −h there"},
	{[]float64{13.75, float64(float32(2.031312e20)), 12, 12}, []float64{float64(float32(-3.0838087e38)), float64(float32(3.4028235e38)), float64(float32(3.0838087e38)), 0}, "float32, S does not cancel but P does: exact loss 5.4e38 overflows float32 to +Inf, not 0"},
}

// TestHardCases checks hardCases in float64 (and float32 where the values
// are float32) against ref with the accuracy constants.
func TestHardCases(t *testing.T) {
	for i, hc := range hardCases {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			c := cases.Case{ID: "hard/" + string(rune('a'+i)), DType: dt, Logits: hc.x, H: hc.h}
			if c.Validate() != nil {
				continue // not float32 values
			}
			var w familyWorst
			for _, msg := range checkCase(&c, fusedImpl, &w) {
				t.Errorf("%s: %s", hc.why, msg)
			}
		}
	}
}

// TestExact32RoundsOnce: exact32 rounds its big.Float results directly to
// float32. Rounded through float64 first, this loss (exactly just below
// MaxFloat32 + half an ulp of float32) came out +Inf. The row is a
// generated overflow-boundary case of the props battery (issue 17); the
// expected values are ref.Eval32's, correctly rounded and certified.
func TestExact32RoundsOnce(t *testing.T) {
	x := []float32{0, -2048, -1024, -512}
	h := []float32{0, 1.6615349e+35, 9.90352e+27, 1.18059106e+21}
	wantLoss := float32(3.4028234663852886e+38)
	wantGrad := []float32{1.661534994731145e+35, -1.6615348956959417e+35, -9.903519723987232e+27, -1.1805910577674579e+21}
	g := make([]float32, len(x))
	if l := fused.Loss[float32](g, x, h); l != wantLoss {
		t.Errorf("loss %v (%x), want %v (%x)", l, l, wantLoss, wantLoss)
	}
	for j := range g {
		if g[j] != wantGrad[j] {
			t.Errorf("grad[%d] %v (%x), want %v (%x)", j, g[j], g[j], wantGrad[j], wantGrad[j])
		}
	}
}
