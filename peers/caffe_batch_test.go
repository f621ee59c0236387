package peers_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/peers"
)

// Caffe's tolerances in src/caffe/test/test_infogain_loss_layer.cpp (after
// PR #3855): TestInfogainLoss compares the loss with EXPECT_NEAR(…, 1e-6),
// TestGradient runs GradientChecker<Dtype>(1e-4, 2e-2, 1701): central
// differences with step 1e-4, |computed − estimated| ≤ 2e-2·max(|computed|,
// |estimated|, 1).
const (
	caffeLossAbsTol    = 1e-6
	caffeGradStep      = 1e-4
	caffeGradThreshold = 2e-2
)

// TestCaffeLayerTest reruns Caffe's own InfogainLoss layer test on the
// port, through the shared batch driver: a blob (4, 2, 5, 2) with axis 2,
// so outer 8, C 5, inner 2; data U[−0.5, 2], labels uniform in [0, 5), H
// U[0.1, 2]; VALID normalization (outer·inner here). The draws are ours
// (seeded), not Caffe's RNG stream.
func TestCaffeLayerTest(t *testing.T) {
	r := newRand(t)
	const outer, C, inner = 4 * 2, 5, 2
	for _, dtype := range []cases.DType{cases.Float64, cases.Float32} {
		round := func(v float64) float64 {
			if dtype == cases.Float32 {
				return float64(float32(v))
			}
			return v
		}
		b := &cases.Batch{DType: dtype, Outer: outer, C: C, Inner: inner,
			Logits: make([]float64, outer*C*inner), Labels: make([]int, outer*inner),
			H: make([]float64, C*C), Opts: cases.DefaultOptions()}
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
			t.Fatal(err)
		}
		run := func(logits []float64) (float64, []float64) {
			if dtype == cases.Float32 {
				return runCaffeBatch[float32](b, logits)
			}
			return runCaffeBatch[float64](b, logits)
		}
		loss, grad := run(b.Logits)

		// TestInfogainLoss: est_prob = exp(x)/Σ exp(x) (no shift), loss =
		// −Σ H[gt, l]·log(max(prob, kLOG_THRESHOLD)) / (outer·inner).
		var want float64
		for i := 0; i < outer; i++ {
			for j := 0; j < inner; j++ {
				gt := b.Labels[i*inner+j]
				est := make([]float64, C)
				var den float64
				for l := range est {
					est[l] = math.Exp(b.Logits[i*C*inner+l*inner+j])
					den += est[l]
				}
				for l := range est {
					want -= b.H[gt*C+l] * math.Log(math.Max(est[l]/den, float64(float32(1e-20))))
				}
			}
		}
		want /= outer * inner
		if math.Abs(loss-want) > caffeLossAbsTol {
			t.Errorf("%s: loss %v, Caffe's test expects %v ± %v", dtype, loss, want, caffeLossAbsTol)
		}

		// TestGradient.
		for k := range b.Logits {
			plus := append([]float64(nil), b.Logits...)
			minus := append([]float64(nil), b.Logits...)
			plus[k] += caffeGradStep
			minus[k] -= caffeGradStep
			lp, _ := run(plus)
			lm, _ := run(minus)
			est := (lp - lm) / caffeGradStep / 2
			scale := math.Max(math.Max(math.Abs(grad[k]), math.Abs(est)), 1)
			if math.Abs(grad[k]-est) > caffeGradThreshold*scale {
				t.Errorf("%s: ∂L/∂x[%d] = %v, finite difference %v", dtype, k, grad[k], est)
			}
		}
	}
}

func runCaffeBatch[T float32 | float64](b *cases.Batch, logits []float64) (float64, []float64) {
	x := make([]T, len(logits))
	for k, v := range logits {
		x[k] = T(v)
	}
	H := make([]T, len(b.H))
	for k, v := range b.H {
		H[k] = T(v)
	}
	dst := make([]T, len(x))
	loss := impls.RunBatch(impls.Func[T](peers.Caffe[T]), dst, x, b.Labels, H, b)
	g := make([]float64, len(dst))
	for k, v := range dst {
		g[k] = float64(v)
	}
	return float64(loss), g
}
