package peers_test

import (
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/infogain-dev/infogain/peers"
)

type peer struct {
	name string
	f64  fn[float64]
	f32  fn[float32]
	// softmaxMinusLabels marks TF, whose gradient is p − h, not p·S − h.
	softmaxMinusLabels bool
}

var allPeers = []peer{
	{"Caffe", peers.Caffe[float64], peers.Caffe[float32], false},
	{"TF", peers.TF[float64], peers.TF[float32], true},
	{"LSEAtScale", peers.LSEAtScale[float64], peers.LSEAtScale[float32], false},
	{"Torch", peers.Torch[float64], peers.Torch[float32], false},
	{"GonumLSE", peers.GonumLSE[float64], peers.GonumLSE[float32], false},
}

// On moderate rows (Caffe's test ranges, logits U[−0.5, 2], h U[0.1, 2],
// C ≤ maxModerateC) every port is accurate; the bounds below are in units
// of u (2^-53 or 2^-24) times a scale that the error analysis produces:
//
//	loss:  |L − L_ref|    ≤ maxLossErrU · u · Σ_j h_j (1 + |log p_j|)
//	grad:  |g_j − g_ref_j| ≤ maxGradErrU · u · (p_j S + h_j)
//
// Derivation (loss): x_j − m is rounded (≤ 2.5u absolute, so ≤ 2.5u
// relative in exp(x_j − m)); exp and log are within 1 ulp; the sum of C
// positive terms adds ≤ (C−1)u relative; the division (or log of the sum) u.
// So log p_j is off by ≤ (C + 5)u absolute plus u|log p_j| relative, each
// product h_j·log p_j adds u relative, and accumulating C terms adds
// (C−1)u·Σ|terms|: |ΔL| ≤ (2C + 5)u·Σ h_j (1 + |log p_j|) = 45u at C = 20.
// The LSE forms take the same roundings in another order. (Gradient) p_j
// carries ≤ (C + 5)u relative, S ≤ (C−1)u relative, the product and the
// subtraction u each: (2C + 6)u·(p_j S + h_j) = 46u at C = 20. The
// reference (float64, log1p form) adds a few float64 ulps, covered by the
// same bound for float64 and negligible for float32.
const (
	maxModerateC = 20
	maxLossErrU  = 2*maxModerateC + 5
	maxGradErrU  = 2*maxModerateC + 6
)

func TestModerateRowsAgreeWithReference(t *testing.T) {
	r := newRand(t)
	n := 2000
	if testing.Short() {
		n = 200
	}
	worstLoss := map[string]float64{}
	worstGrad := map[string]float64{}
	for i := 0; i < n; i++ {
		C := 2 + r.IntN(maxModerateC-1)
		x, h := moderateRow(r, C)
		for _, dtype := range []string{"float64", "float32"} {
			u := 0x1p-53
			xs, hs := x, h
			if dtype == "float32" {
				u = 0x1p-24
				xs, hs = float32Row(x), float32Row(h)
			}
			refL, refG := reference(xs, hs)
			S, p := sumAndSoftmax(xs, hs)
			for _, pe := range allPeers {
				var l float64
				var g []float64
				if dtype == "float32" {
					l, g = eval(pe.f32, xs, hs)
				} else {
					l, g = eval(pe.f64, xs, hs)
				}
				key := pe.name + "/" + dtype
				lossUnits := math.Abs(l-refL) / (u * lossScale(hs, p))
				worstLoss[key] = math.Max(worstLoss[key], lossUnits)
				if lossUnits > maxLossErrU {
					t.Errorf("%s: x=%v h=%v: loss %v, reference %v: %.1f u·scale > %d",
						key, xs, hs, l, refL, lossUnits, maxLossErrU)
				}
				for j := range g {
					want := refG[j]
					if pe.softmaxMinusLabels {
						// TF's backprop is p − h: compare with that.
						want = p[j] - hs[j]
					}
					gradUnits := math.Abs(g[j]-want) / (u * (p[j]*S + hs[j]))
					worstGrad[key] = math.Max(worstGrad[key], gradUnits)
					if gradUnits > maxGradErrU {
						t.Errorf("%s: x=%v h=%v: g[%d] = %v, reference %v: %.1f u·scale > %d",
							key, xs, hs, j, g[j], want, gradUnits, maxGradErrU)
					}
				}
			}
		}
	}
	keys := slices.Sorted(maps.Keys(worstLoss))
	for _, k := range keys {
		t.Logf("%-20s worst loss %5.2f, grad %5.2f (units of u·scale)", k, worstLoss[k], worstGrad[k])
	}
}

// TestTFGradientIsSoftmaxMinusLabels checks the flaw TF's port must keep:
// for a row sum S ≠ 1 its backprop misses the gradient by exactly p·(S − 1).
func TestTFGradientIsSoftmaxMinusLabels(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 50; i++ {
		x, h := moderateRow(r, 2+r.IntN(8))
		_, g := eval(peers.TF[float64], x, h)
		_, ref := reference(x, h)
		S, p := sumAndSoftmax(x, h)
		for j := range g {
			miss := ref[j] - g[j]
			want := p[j] * (S - 1)
			if math.Abs(miss-want) > maxGradErrU*0x1p-53*(p[j]*S+h[j]+p[j]) {
				t.Fatalf("x=%v h=%v: g[%d] misses the gradient by %v, want p·(S−1) = %v", x, h, j, miss, want)
			}
		}
	}
}

func lossScale(h, p []float64) float64 {
	var s float64
	for j := range h {
		s += math.Abs(h[j]) * (1 + math.Abs(math.Log(p[j])))
	}
	return s
}

// sumAndSoftmax returns S = Σ h_j and p = softmax(x) in plain float64, for
// the scales of the bounds (not for the values compared).
func sumAndSoftmax(x, h []float64) (float64, []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	p := make([]float64, len(x))
	var s, S float64
	for j, v := range x {
		p[j] = math.Exp(v - m)
		s += p[j]
		S += h[j]
	}
	for j := range p {
		p[j] /= s
	}
	return S, p
}
