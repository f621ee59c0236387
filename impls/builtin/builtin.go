package builtin

import (
	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/fused"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/naive"
	"github.com/infogain-dev/infogain/peers"
)

func init() {
	registry = []*impls.Impl{
		impls.Reference(),
		{
			Name: "fused",
			Doc:  "ours: shift + log1p, compensated same-signed sums, complements, rescaling (docs/design.md §3)",
			F64:  fused.Loss[float64],
			F32:  fused.Loss[float32],
			B64:  fusedBatch[float64],
			B32:  fusedBatch[float32],

			Contract: &impls.Standard,
		},
		{
			Name: "naive",
			Doc:  "Caffe InfogainLoss over a separate Softmax layer, before PR #3855 (clamp at 1e-20f)",
			F64:  naive.Loss[float64],
			F32:  naive.Loss[float32],
		},
		{
			Name: "caffe",
			Doc:  "Caffe InfogainLoss after PR #3855: clamped forward, p·S − h backward",
			F64:  peers.Caffe[float64],
			F32:  peers.Caffe[float32],
		},
		{
			Name: "tf",
			Doc:  "TensorFlow SoftmaxCrossEntropyWithLogits kernel: gradient softmax − labels (right only when S = 1)",
			F64:  peers.TF[float64],
			F32:  peers.TF[float32],
		},
		{
			Name: "torch",
			Doc:  "PyTorch soft-target cross_entropy: log_softmax then −Σ h·logp, autograd gradient",
			F64:  peers.Torch[float64],
			F32:  peers.Torch[float32],
		},
		{
			Name: "lse-at-scale",
			Doc:  "integer-label form LSE(x) − x_l evaluated at the logits' scale (optax/MLX issue class)",
			F64:  peers.LSEAtScale[float64],
			F32:  peers.LSEAtScale[float32],
		},
		{
			Name: "gonum-lse",
			Doc:  "gonum floats.LogSumExp (log, not log1p) then Σ h_j (lse − x_j)",
			F64:  peers.GonumLSE[float64],
			F32:  peers.GonumLSE[float32],
		},
	}
}

// fusedBatch adapts fused.BatchLoss, the fast path, to a cases.Batch.
func fusedBatch[T float32 | float64](dst []T, b *cases.Batch) T {
	return fused.BatchLoss(dst, convert[T](b.Logits), b.Labels, convert[T](b.H), b.Outer, b.C, b.Inner, fused.BatchOptions{
		HasIgnoreLabel: b.Opts.HasIgnoreLabel,
		IgnoreLabel:    b.Opts.IgnoreLabel,
		Normalization:  int(b.Opts.Normalization),
		LossWeight:     b.Opts.LossWeight,
	})
}

func convert[T float32 | float64](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}
