package peers_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/infogain-dev/infogain/peers"
)

// TestSpecialCases checks every port's documented special cases bit for
// bit (NaN alike, the sign of zero included).
func TestSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negZero := math.Copysign(0, -1)
	clamp := -math.Log(float64(float32(1e-20)))
	allNaN := func(name string, f fn[float64]) []specialCase {
		return []specialCase{
			{name, f, []float64{nan, 1, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "NaN first"},
			{name, f, []float64{1, nan, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "NaN later: exp(NaN) poisons the sum"},
			{name, f, []float64{-inf, -inf}, []float64{1, 0}, nan, []float64{nan, nan}, "all −Inf: −Inf − (−Inf)"},
		}
	}
	plusInf := func(name string, f fn[float64]) specialCase {
		return specialCase{name, f, []float64{1, inf, 2}, []float64{1, 0, 0}, nan, []float64{nan, nan, nan}, "+Inf: Inf − Inf"}
	}
	noMasking := func(name string, f fn[float64]) []specialCase {
		return []specialCase{
			{name, f, []float64{-inf, 1}, []float64{1, 0}, inf, []float64{-1, 1}, "h > 0 on a −Inf logit: +Inf loss, gradient p·S − h"},
			{name, f, []float64{-inf, 1}, []float64{0, 1}, nan, []float64{0, 0}, "h = 0 on a −Inf logit: 0·Inf = NaN, no masking"},
		}
	}
	var tests []specialCase
	tests = append(tests, allNaN("Caffe", peers.Caffe[float64])...)
	tests = append(tests, plusInf("Caffe", peers.Caffe[float64]),
		specialCase{"Caffe", peers.Caffe[float64], []float64{-inf, 1}, []float64{1, 0}, clamp, []float64{-1, 1}, "the clamp charges 46.05, the backward p·S − h is exact"},
		specialCase{"Caffe", peers.Caffe[float64], []float64{-inf, 1}, []float64{0, 1}, 0, []float64{0, 0}, "h = 0 on a −Inf logit: 0·log(1e-20f) = −0"})
	for _, p := range []struct {
		name string
		f    fn[float64]
	}{{"TF", peers.TF[float64]}, {"LSEAtScale", peers.LSEAtScale[float64]}, {"Torch", peers.Torch[float64]}} {
		tests = append(tests, allNaN(p.name, p.f)...)
		tests = append(tests, plusInf(p.name, p.f))
		tests = append(tests, noMasking(p.name, p.f)...)
	}
	tests = append(tests, allNaN("GonumLSE", peers.GonumLSE[float64])...)
	tests = append(tests, noMasking("GonumLSE", peers.GonumLSE[float64])...)
	tests = append(tests,
		specialCase{"GonumLSE", peers.GonumLSE[float64], []float64{1, inf, 2}, []float64{1, 0, 0}, nan, []float64{-1, nan, 0},
			"+Inf: lse = +Inf returned early; exp(x − lse) = 0 off the +Inf class, NaN on it"},
		specialCase{"Torch", peers.Torch[float64], []float64{37.42994775023705, 0}, []float64{1, 0}, negZero, []float64{0, 5.551115123125776e-17},
			"−(0·1 + (−37.4)·0) = −0, as PyTorch 1.13"},
		specialCase{"TF", peers.TF[float64], []float64{7}, []float64{-1}, 0, []float64{2}, "C = 1 (TF testSingleClass): the sum +0 + (−1·0) stays +0; backprop 1 − (−1)"},
	)
	for _, tt := range tests {
		loss, g := eval(tt.f, tt.x, tt.h)
		ok := sameBits(loss, tt.loss)
		for j := range g {
			ok = ok && sameBits(g[j], tt.grad[j])
		}
		if !ok {
			t.Errorf("%s(x=%v, h=%v) = %v, %v; want %v, %v (%s)", tt.name, tt.x, tt.h, loss, g, tt.loss, tt.grad, tt.why)
		}
	}
}

type specialCase struct {
	name string
	f    fn[float64]
	x, h []float64
	loss float64
	grad []float64
	why  string
}

func TestPanics(t *testing.T) {
	for _, pe := range allPeers {
		tests := []struct {
			dst, x, h []float64
			msg       string
		}{
			{nil, nil, nil, "peers: no classes"},
			{make([]float64, 2), []float64{1, 2}, []float64{1}, "peers: length mismatch"},
			{make([]float64, 1), []float64{1, 2}, []float64{1, 0}, "peers: length mismatch"},
		}
		for _, tt := range tests {
			func() {
				defer func() {
					if r := recover(); fmt.Sprint(r) != tt.msg {
						t.Errorf("%s(len %d, %d, %d) panicked with %v, want %q", pe.name, len(tt.dst), len(tt.x), len(tt.h), r, tt.msg)
					}
				}()
				pe.f64(tt.dst, tt.x, tt.h)
			}()
		}
	}
}
