package props

import (
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/ulp"
)

// TestDirectGolden checks the direct formulas on values computed at 4000
// bits with mpmath (testdata/direct_golden.py).
func TestDirectGolden(t *testing.T) {
	ceTests := []struct {
		x    []float64
		l    int
		loss float64
		grad []float64
		why  string
	}{
		{[]float64{37.42994775023705, 0}, 0, 5.551115123125776e-17, []float64{-5.551115123125776e-17, 5.551115123125776e-17},
			"docs/design.md §3.3: p_0 rounds to 1, the tail gradient must survive"},
		{[]float64{0, 0, 0}, 1, 1.0986122886681098, []float64{0.3333333333333333, -0.6666666666666666, 0.3333333333333333},
			"ties: log 3"},
		{[]float64{1e16, 1e16, 1e16}, 2, 1.0986122886681098, []float64{0.3333333333333333, 0.3333333333333333, -0.6666666666666666},
			"shared offset 1e16: log 3, not 2"},
		{[]float64{-1, 2.5}, 1, 0.029750418272620566, []float64{0.02931223075135632, -0.02931223075135632},
			"moderate"},
		{[]float64{0, -800}, 1, 800, []float64{1, -1},
			"label far below: p_l underflows, the loss is the gap"},
		{[]float64{500, 0, -3}, 0, 7.479288179395785e-218, []float64{-7.479288179395785e-218, 7.124576406741286e-218, 3.547117726544988e-219},
			"dominant label: the loss is log1p(s) ≈ s = 7.5e-218"},
	}
	for _, tc := range ceTests {
		loss, grad := crossEntropy(tc.x, tc.l)
		if d := ulp.Dist64(loss, tc.loss); d > maxDirectLossULP {
			t.Errorf("crossEntropy(%v, %d) = %v (%x), want %v: %d ulps > %d (%s)", tc.x, tc.l, loss, loss, tc.loss, d, maxDirectLossULP, tc.why)
		}
		h := make([]float64, len(tc.x))
		h[tc.l] = 1
		if e, at := ulp.GradScaled(grad, tc.grad, tc.x, h, ulp.U64); e > maxDirectGradScaled {
			t.Errorf("crossEntropy(%v, %d) grad[%d] = %v, want %v: scaled error %.3g > %d (%s)", tc.x, tc.l, at, grad[at], tc.grad[at], e, maxDirectGradScaled, tc.why)
		}
	}
	lsTests := []struct {
		x    []float64
		l    int
		eps  float64
		loss float64
		why  string
	}{
		{[]float64{0, 1, 2, 3}, 1, 0.25, 2.3151896985611953, "moderate, C = 4"},
		{[]float64{100, 0}, 0, 0.5, 25, "ε/C = 1/4 of the gap 100"},
		{[]float64{500, 0}, 0, 0.0625, 15.625, "the smoothing term dominates a tiny cross-entropy"},
	}
	for _, tc := range lsTests {
		if got := labelSmoothing(tc.x, tc.l, tc.eps); ulp.Dist64(got, tc.loss) > maxDirectLossULP {
			t.Errorf("labelSmoothing(%v, %d, %v) = %v, want %v (%s)", tc.x, tc.l, tc.eps, got, tc.loss, tc.why)
		}
	}
}

// TestDirectAgainstRef measures the direct formulas against the certified
// reference on the corpus and random cases of every family that directOK
// admits, with h = e_l: the worst errors must stay within the bounds the
// properties add to an implementation's own.
func TestDirectAgainstRef(t *testing.T) {
	r := refImpl()
	n := 200
	if testing.Short() {
		n = 40
	}
	var worstLoss, worstSmooth uint64
	var worstGrad float64
	checked := 0
	for _, name := range cases.FamilyNames() {
		if name == "many-classes" || name == "nonfinite" {
			continue
		}
		cs, err := cases.Generate(name, 7, cases.Float64, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if !(filter{limitOnly: true}).accepts(&c) || !directOK(&c) || isNegInf(c.Logits[c.Label]) {
				continue
			}
			for _, l := range []int{c.Label, argmax(c.Logits)} {
				c.Label = l
				c.H = make([]float64, c.C())
				c.H[l] = 1
				want := r.Case(&c)
				loss, grad := crossEntropy(c.Logits, l)
				d := ulp.Dist64(loss, want.Loss)
				e, at := ulp.GradScaled(grad, want.Grad, c.Logits, c.H, ulp.U64)
				worstLoss, worstGrad = max(worstLoss, d), max(worstGrad, e)
				if d > maxDirectLossULP || e > maxDirectGradScaled {
					t.Errorf("%s: crossEntropy loss %v against %v (%d ulps), grad[%d] %v against %v (scaled %.3g)",
						caseJSON(&c), loss, want.Loss, d, at, grad[at], want.Grad[at], e)
				}
				checked++
			}
			// Label smoothing on the first power-of-two classes.
			C := 1
			for C*2 <= c.C() {
				C *= 2
			}
			if C < 2 || c.Label >= C {
				continue
			}
			sc := cloneCase(c)
			sc.Logits = sc.Logits[:C]
			if !directOK(&sc) || isNegInf(sc.Logits[sc.Label]) {
				continue
			}
			for _, eps := range smoothingEps {
				sc.H = make([]float64, C)
				for j := range sc.H {
					sc.H[j] = eps / float64(C)
				}
				sc.H[sc.Label] += 1 - eps
				want := r.Case(&sc)
				got := labelSmoothing(sc.Logits, sc.Label, eps)
				d := ulp.Dist64(got, want.Loss)
				worstSmooth = max(worstSmooth, d)
				if d > maxDirectLossULP {
					t.Errorf("%s: labelSmoothing %v against %v (%d ulps)", caseJSON(&sc), got, want.Loss, d)
				}
			}
		}
	}
	t.Logf("direct label smoothing against ref: worst loss %d ulps (bound %d)", worstSmooth, maxDirectLossULP)
	t.Logf("direct cross-entropy against ref on %d cases: worst loss %d ulps (bound %d), worst gradient scaled %.3g (bound %d)",
		checked, worstLoss, maxDirectLossULP, worstGrad, maxDirectGradScaled)
}

func isNegInf(v float64) bool { return v < -1.7976931348623157e308 }
