package peers_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/infogain-dev/infogain/peers"
)

// notDocumented marks a loss the source does not state.
var notDocumented = math.NaN()

// in64 and in32 adapt a port to float64 test inputs.
func in64(f fn[float64]) func(x, h []float64) (float64, []float64) {
	return func(x, h []float64) (float64, []float64) { return eval(f, x, h) }
}

func in32(f fn[float32]) func(x, h []float64) (float64, []float64) {
	return func(x, h []float64) (float64, []float64) { return eval(f, x, h) }
}

// clampLoss64 and clampLoss32 are −log of Caffe's kLOG_THRESHOLD, the
// float 1e-20f widened to the Dtype: what a clamped probability costs.
var (
	clampLoss64 = -math.Log(float64(float32(1e-20)))
	clampLoss32 = float64(-float32(math.Log(float64(float32(1e-20)))))
)

// TestDocumentedValues checks each port against values its own project
// (or the report of its flaw) states. The exact tolerance means bit for bit, the sign of
// zero included; otherwise the source's own test tolerance applies.
func TestDocumentedValues(t *testing.T) {
	tests := []struct {
		name   string
		run    func(x, h []float64) (float64, []float64)
		x, h   []float64
		loss   float64   // notDocumented: not checked
		grad   []float64 // nil: not checked
		tol    tolerance
		source string
	}{
		// Caffe after PR #3855: the clamp stays in the forward pass only.
		{"Caffe/float64", in64(peers.Caffe[float64]), []float64{0, 100}, []float64{1, 0}, 46.051701891615394, []float64{-1, 1}, exact,
			"project issue 2: p_0 = e^-100 is clamped to float64(1e-20f); the backward p·S − h is exact here"},
		{"Caffe/float64 clamp", in64(peers.Caffe[float64]), []float64{0, 100}, []float64{1, 0}, clampLoss64, nil, exact,
			"the same value derived: −log(float64(float32(1e-20)))"},
		{"Caffe/float32", in32(peers.Caffe[float32]), []float64{0, 100}, []float64{1, 0}, clampLoss32, []float64{-1, 1}, exact,
			"float32 Dtype: −logf(1e-20f)"},

		// TensorFlow: tensorflow/python/kernel_tests/nn_ops/xent_op_test_base.py
		// and the example.
		{"TF/labels [2,0]", in64(peers.TF[float64]), []float64{0, 0}, []float64{2, 0}, 2 * math.Log(2), []float64{-1.5, 0.5}, exact,
			"project issue 2: softmax − labels = [0.5 − 2, 0.5]; loss 2·(log 2 − 0)"},
		{"TF/testSingleClass 0", in32(peers.TF[float32]), []float64{1}, []float64{-1}, 0, []float64{2}, tfDefault,
			"xent_op_test_base.py testSingleClass: labels [[-1],[0],[1],[1]], logits [[1],[-1],[0],[1]] → loss 0, gradient [2,1,0,0]"},
		{"TF/testSingleClass 1", in32(peers.TF[float32]), []float64{-1}, []float64{0}, 0, []float64{1}, tfDefault, "testSingleClass"},
		{"TF/testSingleClass 2", in32(peers.TF[float32]), []float64{0}, []float64{1}, 0, []float64{0}, tfDefault, "testSingleClass"},
		{"TF/testSingleClass 3", in32(peers.TF[float32]), []float64{1}, []float64{1}, 0, []float64{0}, tfDefault, "testSingleClass"},
		{"TF/testNpXent 0", in64(peers.TF[float64]), []float64{1, 1, 1, 1}, []float64{0, 0, 0, 1}, 1.3862, []float64{0.25, 0.25, 0.25, -0.75}, tfHalf,
			"xent_op_test_base.py testNpXent, rtol = atol = 1e-3"},
		{"TF/testNpXent 1", in64(peers.TF[float64]), []float64{1, 2, 3, 4}, []float64{0, 0.5, 0.5, 0}, 1.9401, []float64{0.0321, -0.4129, -0.2632, 0.6439}, tfHalf,
			"testNpXent, soft target"},
		{"TF/testLabelsBroadcast 0", in32(peers.TF[float32]), []float64{1, 1, 1, 1}, []float64{0, 0, 0, 0}, notDocumented, []float64{0.25, 0.25, 0.25, 0.25}, tfHalf,
			"xent_op_test_base.py testLabelsBroadcast uniform_labels_gradient (float16 there: assertAllCloseAccordingToType, 1e-3)"},
		{"TF/testLabelsBroadcast 1", in32(peers.TF[float32]), []float64{1, 2, 3, 4}, []float64{2, 2, 2, 2}, notDocumented, []float64{-1.968, -1.913, -1.763, -1.355}, tfHalf,
			"testLabelsBroadcast: labels summing to 8, the backprop is still p − labels"},
		{"TF/testLabelsBroadcast 2", in32(peers.TF[float32]), []float64{1, 2, 3, 4}, []float64{0.25, 0.25, 0.25, 0.25}, notDocumented, []float64{-0.218, -0.163, -0.013, 0.394}, tfHalf,
			"testLabelsBroadcast"},

		// The integer-label form at the logits' scale.
		{"LSEAtScale/optax#1792", in32(peers.LSEAtScale[float32]), []float64{1e8, 1e8, 1e8}, []float64{1, 0, 0}, 0, nil, exact,
			"google-deepmind/optax PR #1792: three identical float32 logits of 1e8 return loss 0 instead of log 3"},
		{"LSEAtScale/mlx#4188 v=1", in32(peers.LSEAtScale[float32]), []float64{1, 1}, []float64{1, 0}, float64(float32(0.6931472)), nil, exact,
			"ml-explore/mlx PR #4188: cross_entropy([[v, v]], [0]) = 0.6931472, 0.693359375, 0.6875, 0.0 for v = 1, 1e4, 1e6, 1e8"},
		{"LSEAtScale/mlx#4188 v=1e4", in32(peers.LSEAtScale[float32]), []float64{1e4, 1e4}, []float64{1, 0}, 0.693359375, nil, exact, "mlx PR #4188"},
		{"LSEAtScale/mlx#4188 v=1e6", in32(peers.LSEAtScale[float32]), []float64{1e6, 1e6}, []float64{1, 0}, 0.6875, nil, exact, "mlx PR #4188"},
		{"LSEAtScale/mlx#4188 v=1e8", in32(peers.LSEAtScale[float32]), []float64{1e8, 1e8}, []float64{1, 0}, 0, nil, exact, "mlx PR #4188"},
		// MLX's value at offset 0 (0.04858734) is not compared: MLX's
		// logsumexp rounds differently there; the at-scale values are.
		{"LSEAtScale/mlx#4188 [2,-1]+1e4", in32(peers.LSEAtScale[float32]), []float64{2 + 1e4, -1 + 1e4}, []float64{1, 0}, 0.048828125, nil, exact,
			"mlx PR #4188: cross_entropy([[2, -1]] + off, [0]) = 0.048828125, 0.0625, 0.0 for off = 1e4, 1e6, 1e8"},
		{"LSEAtScale/mlx#4188 [2,-1]+1e6", in32(peers.LSEAtScale[float32]), []float64{2 + 1e6, -1 + 1e6}, []float64{1, 0}, 0.0625, nil, exact, "mlx PR #4188"},
		{"LSEAtScale/mlx#4188 [2,-1]+1e8", in32(peers.LSEAtScale[float32]), []float64{2 + 1e8, -1 + 1e8}, []float64{1, 0}, 0, nil, exact, "mlx PR #4188"},
		{"LSEAtScale/pytorch#11752", in32(peers.LSEAtScale[float32]), []float64{1e8, 1e8}, []float64{0, 1}, 0, nil, exact,
			"pytorch/pytorch issue #11752 (PyTorch 0.4.1, LSE − x at scale): loss_big = 0.0"},

		// PyTorch soft-target cross_entropy. Values produced by PyTorch
		// 1.13 (Debian python3-torch, 1 thread):
		//   x = torch.tensor(x, dtype, requires_grad=True)
		//   l = F.cross_entropy(x, torch.tensor(h, dtype)); l.backward()
		// and printed with repr(l.item()), x.grad.tolist().
		{"Torch/tail", in64(peers.Torch[float64]), []float64{37.42994775023705, 0}, []float64{1, 0}, math.Copysign(0, -1), []float64{0, 5.551115123125776e-17}, exact,
			"PyTorch 1.13: -0.0, [0.0, 5.551115123125776e-17] (the gradient is ±5.551115123125776e-17)"},
		{"Torch/[0,100]", in64(peers.Torch[float64]), []float64{0, 100}, []float64{1, 0}, 100, []float64{-1, 1}, exact, "PyTorch 1.13: 100.0, [-1.0, 1.0]"},
		{"Torch/[0,0] h=[2,0]", in64(peers.Torch[float64]), []float64{0, 0}, []float64{2, 0}, 1.3862943611198906, []float64{-1, 1}, exact,
			"PyTorch 1.13: 1.3862943611198906, [-1.0, 1.0]"},
		{"Torch/soft target", in64(peers.Torch[float64]), []float64{1, 2, 3, 4}, []float64{0, 0.5, 0.5, 0}, 1.9401896985611953,
			[]float64{0.03205860328008499, -0.41285568125796746, -0.2631171819100898, 0.6439142598879724}, exact,
			"PyTorch 1.13 float64 on TF's testNpXent row"},
		{"Torch/float32 1e8", in32(peers.Torch[float32]), []float64{1e8, 1e8, 1e8}, []float64{1, 0, 0}, 1.0986123085021973,
			[]float64{-0.6666666865348816, 0.3333333134651184, 0.3333333134651184}, exact,
			"PyTorch 1.13 float32: log 3 where the at-scale form gives 0"},
		{"Torch/pytorch#11752", in32(peers.Torch[float32]), []float64{1e8, 1e8}, []float64{0, 1}, 0.6931471824645996, nil, exact,
			"pytorch/pytorch issue #11752: loss_fixed = 0.6931471824645996, what the shifted log_softmax gives"},

		// gonum floats.LogSumExp: gonum floats/floats_test.go TestLogSumExp
		// (truths from Wolfram Alpha, EqTolerance = 1e-14).
		{"GonumLSE/[1..5] label 4", in64(peers.GonumLSE[float64]), []float64{1, 2, 3, 4, 5}, []float64{0, 0, 0, 0, 1},
			5.4519143959375933331957225109748087179338972737576824 - 5, nil, gonumEq, "TestLogSumExp: LSE(1..5) = 5.45191439593759333…"},
		{"GonumLSE/[1,2] label 1", in64(peers.GonumLSE[float64]), []float64{1, 2}, []float64{0, 1},
			2.3132616875182228340489954949678556419152800856703483 - 2, nil, gonumEq, "TestLogSumExp: LSE(1, 2) = 2.31326168751822283…"},
		{"GonumLSE/underflow", in64(peers.GonumLSE[float64]), []float64{-1001, -1002, -1003, -1004, -1005}, []float64{1, 0, 0, 0, 0},
			-1000.54808560406240666680427748902519128206610272624 + 1001, nil, gonumEq, "TestLogSumExp: the case that would underflow"},
	}
	for _, tt := range tests {
		loss, grad := tt.run(tt.x, tt.h)
		if !math.IsNaN(tt.loss) && !tt.tol.close(loss, tt.loss) {
			t.Errorf("%s: x=%v h=%v: loss = %v (%x), want %v (%x) [%s]", tt.name, tt.x, tt.h, loss, loss, tt.loss, tt.loss, tt.source)
		}
		for j := range tt.grad {
			if !tt.tol.close(grad[j], tt.grad[j]) {
				t.Errorf("%s: x=%v h=%v: grad = %v, want %v [%s]", tt.name, tt.x, tt.h, grad, tt.grad, tt.source)
				break
			}
		}
	}
}

// tolerance is numpy's allclose test |got − want| ≤ abs + rel·|want|; the
// zero tolerance means bit for bit.
type tolerance struct{ abs, rel float64 }

var (
	exact     = tolerance{}
	tfDefault = tolerance{1e-6, 1e-6} // TF's assertAllClose default
	tfHalf    = tolerance{1e-3, 1e-3} // TF's float16 tolerance, and testNpXent's
	gonumEq   = tolerance{1e-14, 0}   // gonum floats_test.go EqTolerance
)

func (tol tolerance) close(got, want float64) bool {
	if tol == exact {
		return sameBits(got, want)
	}
	return math.Abs(got-want) <= tol.abs+tol.rel*math.Abs(want)
}

// TestGonumLSEIsGonum checks the port against gonum itself: with a one-hot
// row the loss is floats.LogSumExp(x) − x_l, bit for bit.
func TestGonumLSEIsGonum(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 500; i++ {
		C := 1 + r.IntN(30)
		x := make([]float64, C)
		scale := math.Pow(10, float64(r.IntN(30)-10))
		offset := 0.0
		if r.IntN(2) == 0 {
			offset = math.Pow(10, float64(r.IntN(17)))
		}
		for j := range x {
			x[j] = offset + scale*r.NormFloat64()
		}
		l := r.IntN(C)
		h := make([]float64, C)
		h[l] = 1
		got, _ := eval(peers.GonumLSE[float64], x, h)
		lse := floats.LogSumExp(x)
		want := 0.0
		for j := range x {
			want += h[j] * (lse - x[j])
		}
		if !sameBits(got, want) {
			t.Fatalf("x=%v label %d: GonumLSE = %v, floats.LogSumExp(x) − x_l = %v", x, l, got, want)
		}
	}
}
