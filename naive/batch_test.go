package naive_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/naive"
)

// caffeLayerTestBatch builds the input of Caffe's own InfogainLoss layer test
// (BVLC/caffe src/caffe/test/test_infogain_loss_layer.cpp): a data blob of
// shape (4, 2, 5, 2) with the class axis 2, so outer = 4·2 = 8, C = 5,
// inner = 2; data U[−0.5, 2] (UniformFiller min −0.5, max 2), labels
// caffe_rng_rand() % 5, and a 5×5 H U[0.1, 2]. The draws come from our seed,
// not Caffe's RNG stream (seed 1701 there too). Normalization VALID with no
// ignore label divides by outer·inner, as that test expects.
func caffeLayerTestBatch(r *rand.Rand, dtype cases.DType) *cases.Batch {
	const outer, C, inner = 4 * 2, 5, 2
	round := func(v float64) float64 {
		if dtype == cases.Float32 {
			return float64(float32(v))
		}
		return v
	}
	b := &cases.Batch{
		DType: dtype, Outer: outer, C: C, Inner: inner,
		Logits: make([]float64, outer*C*inner),
		Labels: make([]int, outer*inner),
		H:      make([]float64, C*C),
		Opts:   cases.DefaultOptions(),
	}
	for k := range b.Logits {
		b.Logits[k] = round(-0.5 + 2.5*r.Float64())
	}
	for k := range b.Labels {
		b.Labels[k] = r.IntN(C)
	}
	for k := range b.H {
		b.H[k] = round(0.1 + 1.9*r.Float64())
	}
	if err := b.Validate(); err != nil {
		panic(err)
	}
	return b
}

// runBatch evaluates b with naive.Loss through the shared driver in T.
func runBatch[T float32 | float64](b *cases.Batch, logits []float64) (float64, []float64) {
	x := make([]T, len(logits))
	for k, v := range logits {
		x[k] = T(v)
	}
	H := make([]T, len(b.H))
	for k, v := range b.H {
		H[k] = T(v)
	}
	dst := make([]T, len(x))
	loss := impls.RunBatch(impls.Func[T](naive.Loss[T]), dst, x, b.Labels, H, b)
	g := make([]float64, len(dst))
	for k, v := range dst {
		g[k] = float64(v)
	}
	return float64(loss), g
}

// caffeCheck is TestInfogainLoss's own check of the forward pass, written
// again here from the test's text: est_prob = exp(x)/Σ exp(x) without a
// shift, loss = −Σ H[gt, l]·log(max(prob, kLOG_THRESHOLD)) over every
// position, divided by outer·inner, compared with EXPECT_NEAR(…, 1e-6).
const caffeLossAbsTol = 1e-6

// Caffe's TestGradient: GradientChecker<Dtype> checker(1e-4, 2e-2, 1701):
// central differences with step 1e-4, and |computed − estimated| ≤
// 2e-2·max(|computed|, |estimated|, 1) for every element.
const (
	caffeGradStep      = 1e-4
	caffeGradThreshold = 2e-2
)

func TestCaffeLayerTestSetup(t *testing.T) {
	r := newRand(t)
	for _, dtype := range []cases.DType{cases.Float64, cases.Float32} {
		b := caffeLayerTestBatch(r, dtype)
		var loss float64
		var grad []float64
		if dtype == cases.Float32 {
			loss, grad = runBatch[float32](b, b.Logits)
		} else {
			loss, grad = runBatch[float64](b, b.Logits)
		}

		// The forward check of TestInfogainLoss, in float64.
		var want float64
		for i := 0; i < b.Outer; i++ {
			for j := 0; j < b.Inner; j++ {
				gt := b.Labels[i*b.Inner+j]
				est := make([]float64, b.C)
				var den float64
				for l := 0; l < b.C; l++ {
					est[l] = math.Exp(b.Logits[i*b.C*b.Inner+l*b.Inner+j])
					den += est[l]
				}
				for l := 0; l < b.C; l++ {
					want -= b.H[gt*b.C+l] * math.Log(math.Max(est[l]/den, kLogThreshold64))
				}
			}
		}
		want /= float64(b.Outer * b.Inner)
		if math.Abs(loss-want) > caffeLossAbsTol {
			t.Errorf("%s: batch loss %v, Caffe's test computes %v (|Δ| > %v)", dtype, loss, want, caffeLossAbsTol)
		}

		// The gradient check of TestGradient.
		worst := 0.0
		for k := range b.Logits {
			plus := append([]float64(nil), b.Logits...)
			minus := append([]float64(nil), b.Logits...)
			plus[k] += caffeGradStep
			minus[k] -= caffeGradStep
			var lp, lm float64
			if dtype == cases.Float32 {
				lp, _ = runBatch[float32](b, plus)
				lm, _ = runBatch[float32](b, minus)
			} else {
				lp, _ = runBatch[float64](b, plus)
				lm, _ = runBatch[float64](b, minus)
			}
			est := (lp - lm) / caffeGradStep / 2
			scale := math.Max(math.Max(math.Abs(grad[k]), math.Abs(est)), 1)
			worst = math.Max(worst, math.Abs(grad[k]-est)/scale)
			if math.Abs(grad[k]-est) > caffeGradThreshold*scale {
				t.Errorf("%s: ∂L/∂x[%d] = %v, finite difference %v", dtype, k, grad[k], est)
			}
		}
		t.Logf("%s: loss %v (Caffe's check %v); worst gradient-check ratio %.2g of %v", dtype, loss, want, worst, caffeGradThreshold)
	}
}

// TestBatchAgainstFormula compares the batch loss and gradient with an
// independent evaluation of the formula (log1p form, float64, written from
// the layout description of cases.Batch, not through RunBatch):
//
//	L     = (1/n) Σ_positions Σ_j h_j (m − x_j) + S·log1p(Σ_{j≠k} e^{x_j − m})
//	∂L/∂x = (loss_weight/n)·(p·S − h),  0 at ignored positions
//
// with n = max(1, count) for the normalization mode, within the
// moderate-row bounds of accuracy_test.go plus the batch's own roundings:
// one per position in the running sum (loss), one for the scale and one for
// the product (gradient).
func TestBatchAgainstFormula(t *testing.T) {
	r := newRand(t)
	tests := []struct {
		opts cases.Options
		why  string
	}{
		{cases.DefaultOptions(), "Caffe's layer test: VALID, no ignore label, weight 1"},
		{cases.Options{Normalization: cases.Full, HasIgnoreLabel: true, IgnoreLabel: 3, LossWeight: 0.5},
			"FULL counts ignored positions; label 3 is ignored"},
		{cases.Options{Normalization: cases.Valid, HasIgnoreLabel: true, IgnoreLabel: 0, LossWeight: 2},
			"VALID counts only the kept positions"},
		{cases.Options{Normalization: cases.BatchSize, LossWeight: -1.25}, "BATCH_SIZE divides by outer; a negative weight"},
		{cases.Options{Normalization: cases.None, LossWeight: 1}, "NONE: the plain sum"},
	}
	for _, tt := range tests {
		for _, dtype := range []cases.DType{cases.Float64, cases.Float32} {
			b := caffeLayerTestBatch(r, dtype)
			b.Opts = tt.opts
			ignored := func(l int) bool { return tt.opts.HasIgnoreLabel && l == tt.opts.IgnoreLabel }
			kept := 0
			for _, l := range b.Labels {
				if !ignored(l) {
					kept++
				}
			}
			n := map[cases.Normalization]float64{
				cases.Full: float64(b.Outer * b.Inner), cases.Valid: float64(kept),
				cases.BatchSize: float64(b.Outer), cases.None: 1,
			}[tt.opts.Normalization]
			n = math.Max(1, n)
			u := 0x1p-53
			var loss float64
			var grad []float64
			if dtype == cases.Float32 {
				u = 0x1p-24
				loss, grad = runBatch[float32](b, b.Logits)
			} else {
				loss, grad = runBatch[float64](b, b.Logits)
			}
			w := tt.opts.LossWeight
			var want, lossTol float64
			positions := b.Outer * b.Inner
			for o := 0; o < b.Outer; o++ {
				for i := 0; i < b.Inner; i++ {
					label := b.Labels[o*b.Inner+i]
					if ignored(label) {
						for j := 0; j < b.C; j++ {
							if got := grad[o*b.C*b.Inner+j*b.Inner+i]; got != 0 {
								t.Errorf("%s %s: ignored position (%d, %d) class %d: gradient %v, want 0", tt.why, dtype, o, i, j, got)
							}
						}
						continue
					}
					x := make([]float64, b.C)
					for j := range x {
						x[j] = b.Logits[o*b.C*b.Inner+j*b.Inner+i]
					}
					h := b.H[label*b.C:][:b.C]
					l, g := reference(x, h)
					want += l
					S, p := sumAndSoftmax(x, h)
					lossTol += (maxLossErrU + float64(positions)) * u * lossScale(h, p)
					for j := range g {
						got := grad[o*b.C*b.Inner+j*b.Inner+i]
						tol := (maxGradErrU + 2) * u * (p[j]*S + h[j]) * math.Abs(w) / n
						if math.Abs(got-g[j]*w/n) > tol {
							t.Errorf("%s %s: position (%d, %d) class %d: gradient %v, formula %v", tt.why, dtype, o, i, j, got, g[j]*w/n)
						}
					}
				}
			}
			want /= n
			lossTol = lossTol/n + u*math.Abs(want)
			if math.Abs(loss-want) > lossTol {
				t.Errorf("%s %s: batch loss %v, formula %v: |Δ| = %v > %v", tt.why, dtype, loss, want, math.Abs(loss-want), lossTol)
			}
		}
	}
}
