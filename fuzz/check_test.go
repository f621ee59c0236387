package fuzz

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/naive"
	"github.com/infogain-dev/infogain/peers"
)

// The checks must be able to fail: each row feeds one a result that
// breaks (or keeps) exactly one rule. Expected verdicts follow from
// docs/design.md §7 and the bounds of fused, not from running the checks.

func TestCheckSemantics(t *testing.T) {
	ninf := math.Inf(-1)
	tests := []struct {
		why  string
		c    cases.Case
		r    cases.Result
		pass bool
	}{
		{"NaN logit, all NaN", f64(0, []float64{nan, 0}, []float64{1, 0}),
			cases.Result{Loss: nan, Grad: []float64{nan, nan}}, true},
		{"NaN logit, a finite gradient component", f64(0, []float64{nan, 0}, []float64{1, 0}),
			cases.Result{Loss: nan, Grad: []float64{nan, 0}}, false},
		{"+Inf logit, finite loss", f64(0, []float64{inf, 0}, []float64{1, 0}),
			cases.Result{Loss: 0, Grad: []float64{nan, nan}}, false},
		{"all −Inf, NaN", f64(0, []float64{ninf, ninf}, []float64{1, 0}),
			cases.Result{Loss: nan, Grad: []float64{nan, nan}}, true},
		{"masked −Inf: finite loss, g_0 = −h_0 = −0", f64(1, []float64{ninf, 0}, []float64{0, 1}),
			cases.Result{Loss: 0, Grad: []float64{0, 0}}, true},
		{"masked −Inf: NaN loss (0·Inf)", f64(1, []float64{ninf, 0}, []float64{0, 1}),
			cases.Result{Loss: nan, Grad: []float64{0, 0}}, false},
		{"h > 0 on −Inf: +Inf, g = [−1, 1]", f64(0, []float64{ninf, 0}, []float64{1, 0}),
			cases.Result{Loss: inf, Grad: []float64{-1, 1}}, true},
		{"h > 0 on −Inf: Caffe's clamp gives 46.05", f64(0, []float64{ninf, 0}, []float64{1, 0}),
			cases.Result{Loss: 46.051701859880914, Grad: []float64{0, 0}}, false},
		{"h < 0 on −Inf: −Inf", f64(0, []float64{ninf, 0}, []float64{-1, 0}),
			cases.Result{Loss: math.Inf(-1), Grad: []float64{1, 0}}, true},
		{"h < 0 on −Inf, +Inf loss", f64(0, []float64{ninf, 0}, []float64{-1, 0}),
			cases.Result{Loss: inf, Grad: []float64{1, 0}}, false},
		{"both signs on −Inf: NaN", f64(0, []float64{ninf, ninf, 0}, []float64{1, -1, 0}),
			cases.Result{Loss: nan, Grad: []float64{-1, 1, 0}}, true},
		{"defined case, NaN gradient component", f64(0, []float64{1, 0}, []float64{1, 0}),
			cases.Result{Loss: 0.3, Grad: []float64{-0.3, nan}}, false},
		{"gradient of the wrong length", f64(0, []float64{1, 0}, []float64{1, 0}),
			cases.Result{Loss: 0.3, Grad: []float64{-0.3}}, false},
	}
	for _, tt := range tests {
		d := checkSemantics(&tt.c, &tt.r)
		if (d == "") != tt.pass {
			t.Errorf("%s: checkSemantics = %q, want pass %v", tt.why, d, tt.pass)
		}
	}
}

// TestCheckSemanticsPower runs checkSemantics on the ports whose documented
// special cases differ from docs/design.md §7: the check must flag each of them,
// or FuzzAllImpls could not tell a framework's behaviour from ours.
func TestCheckSemanticsPower(t *testing.T) {
	ninf := math.Inf(-1)
	tests := []struct {
		why  string
		f    func(dst, x, h []float64) float64
		c    cases.Case
		pass bool
	}{
		{"naive clamps log p at 1e-20: finite loss with h > 0 on −Inf", naive.Loss[float64],
			f64(0, []float64{ninf, 0}, []float64{1, 0}), false},
		{"Torch: 0·(−Inf) = NaN on a masked class", peers.Torch[float64],
			f64(1, []float64{ninf, 0}, []float64{0, 1}), false},
		{"LSEAtScale: NaN on a masked class", peers.LSEAtScale[float64],
			f64(1, []float64{ninf, 0}, []float64{0, 1}), false},
		{"fused follows docs/design.md §7 on a masked class", mustLookup("fused").F64,
			f64(1, []float64{ninf, 0}, []float64{0, 1}), true},
	}
	for _, tt := range tests {
		g := make([]float64, tt.c.C())
		r := cases.Result{Loss: tt.f(g, tt.c.Logits, tt.c.H), Grad: g}
		d := checkSemantics(&tt.c, &r)
		if (d == "") != tt.pass {
			t.Errorf("%s: checkSemantics = %q, want pass %v", tt.why, d, tt.pass)
		}
		if d := checkNaNRule(&tt.c, &r); d != "" {
			t.Errorf("%s: checkNaNRule = %q: the NaN rule holds for every implementation", tt.why, d)
		}
	}
}

func TestCheckBatch(t *testing.T) {
	// Outer 1, C 2, Inner 2: position 0 label 0, position 1 ignored (−1);
	// position 0 holds a NaN logit.
	b := cases.Batch{DType: cases.Float64, Outer: 1, C: 2, Inner: 2,
		Logits: []float64{nan, 0, 0, 0}, Labels: []int{0, -1}, H: []float64{1, 0, 0, 1},
		Opts: cases.Options{HasIgnoreLabel: true, IgnoreLabel: -1, LossWeight: 1}}
	tests := []struct {
		why  string
		loss float64
		grad []float64
		full bool
		pass bool
	}{
		{"NaN loss, ignored position zero", nan, []float64{nan, 0, nan, 0}, true, true},
		{"ignored position has a nonzero gradient", nan, []float64{nan, 0, nan, 1e-300}, false, false},
		{"finite loss despite an undefined sample (full semantics)", 0, []float64{nan, 0, nan, 0}, true, false},
		{"finite loss despite an undefined sample (ports: not checked)", 0, []float64{nan, 0, nan, 0}, false, true},
	}
	for _, tt := range tests {
		if d := checkBatch(&b, tt.loss, tt.grad, tt.full); (d == "") != tt.pass {
			t.Errorf("%s: checkBatch = %q, want pass %v", tt.why, d, tt.pass)
		}
	}
}
