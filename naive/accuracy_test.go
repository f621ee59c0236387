package naive_test

import (
	"math"
	"testing"
)

// On moderate rows (Caffe's test ranges, logits U[−0.5, 2], h U[0.1, 2],
// C ≤ maxModerateC) the naive chain is accurate; the bounds are in units of
// u (2^-53 or 2^-24) times a scale the error analysis produces:
//
//	loss:  |L − L_ref|     ≤ maxLossErrU · u · Σ_j h_j (1 + |log p_j|)
//	grad:  |g_j − g_ref_j| ≤ maxGradErrU · u · (p_j S + h_j)
//
// Derivation. Softmax forward: x_j − m is rounded (≤ 2.5u relative in
// exp(x_j − m)), exp within 1 ulp, the sum of C positive terms (C−1)u, the
// division u: p_j is within (C + 5)u relative. Loss: log p_j is then off by
// (C + 5)u absolute plus u|log p_j|; each product adds u relative and the
// running sum (C−1)u·Σ|terms|: (2C + 5)u·Σ h_j (1 + |log p_j|). Gradient:
// ∂L/∂p_j = −h_j/p_j carries (C + 6)u relative; the dot ⟨dp, p⟩ = −S to
// (2C + 6)u·S; g_j = (dp_j − dot)·p_j adds u for the subtraction, u for the
// product and (C + 5)u for p_j, on |dp_j|·p_j + |dot|·p_j = h_j + S p_j:
// (3C + 14)u·(p_j S + h_j). The float64 reference adds a few float64 ulps.
const (
	maxModerateC = 20
	maxLossErrU  = 2*maxModerateC + 5
	maxGradErrU  = 3*maxModerateC + 14
)

func TestModerateRowsAgreeWithReference(t *testing.T) {
	r := newRand(t)
	n := 3000
	if testing.Short() {
		n = 300
	}
	worst := map[string][2]float64{}
	for i := 0; i < n; i++ {
		C := 2 + r.IntN(maxModerateC-1)
		x := make([]float64, C)
		h := make([]float64, C)
		for j := range x {
			x[j] = -0.5 + 2.5*r.Float64()
			h[j] = 0.1 + 1.9*r.Float64()
		}
		for _, dtype := range []string{"float64", "float32"} {
			u := 0x1p-53
			var loss float64
			var g []float64
			if dtype == "float32" {
				u = 0x1p-24
				for j := range x {
					x[j], h[j] = float64(float32(x[j])), float64(float32(h[j]))
				}
				loss, g = eval[float32](x, h)
			} else {
				loss, g = eval[float64](x, h)
			}
			refL, refG := reference(x, h)
			S, p := sumAndSoftmax(x, h)
			lossUnits := math.Abs(loss-refL) / (u * lossScale(h, p))
			if lossUnits > maxLossErrU {
				t.Errorf("%s x=%v h=%v: loss %v, reference %v: %.1f > %d", dtype, x, h, loss, refL, lossUnits, maxLossErrU)
			}
			w := worst[dtype]
			w[0] = math.Max(w[0], lossUnits)
			for j := range g {
				gradUnits := math.Abs(g[j]-refG[j]) / (u * (p[j]*S + h[j]))
				w[1] = math.Max(w[1], gradUnits)
				if gradUnits > maxGradErrU {
					t.Errorf("%s x=%v h=%v: g[%d] = %v, reference %v: %.1f > %d", dtype, x, h, j, g[j], refG[j], gradUnits, maxGradErrU)
				}
			}
			worst[dtype] = w
		}
	}
	for _, dtype := range []string{"float64", "float32"} {
		t.Logf("%s: worst loss %.2f, gradient %.2f (units of u·scale)", dtype, worst[dtype][0], worst[dtype][1])
	}
}

// reference evaluates the loss and gradient by a route the naive chain does
// not take: L = Σ_j h_j (m − x_j) + S·log1p(s), s = Σ_{j≠k} exp(x_j − m),
// p_j = exp(x_j − m)/(1 + s), g_j = p_j·S − h_j, in float64.
func reference(x, h []float64) (float64, []float64) {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := x[k]
	var s float64
	for j, v := range x {
		if j != k {
			s += math.Exp(v - m)
		}
	}
	var S, shifted float64
	for j, v := range x {
		S += h[j]
		shifted += h[j] * (m - v)
	}
	g := make([]float64, len(x))
	for j, v := range x {
		g[j] = math.Exp(v-m)/(1+s)*S - h[j]
	}
	return shifted + S*math.Log1p(s), g
}

// sumAndSoftmax returns S and p in plain float64, for the bounds' scales.
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

func lossScale(h, p []float64) float64 {
	var s float64
	for j := range h {
		s += math.Abs(h[j]) * (1 + math.Abs(math.Log(p[j])))
	}
	return s
}
