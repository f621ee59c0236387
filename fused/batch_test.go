package fused_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/fused"
	"github.com/infogain-dev/infogain/impls"
)

// TestBatchMatchesDriver checks that BatchLoss equals the shared driver
// impls.RunBatch over fused.Loss bit for bit (loss and every gradient
// element, NaN alike, signs of zero included), in both dtypes, for every
// normalization mode, with and without the inner=1 fast path.
func TestBatchMatchesDriver(t *testing.T) {
	tests := []struct {
		outer, c, inner int
		ignore          bool
		allIgnored      bool
		norm            cases.Normalization
		weight          float64
		nonFinite       bool
		why             string
	}{
		{4, 5, 1, false, false, cases.Valid, 1, false, "Caffe defaults, inner = 1 fast path"},
		{4, 5, 1, true, false, cases.Valid, 1, false, "ignore_label with VALID: the normalizer counts only valid positions"},
		{4, 5, 1, true, false, cases.Full, 2.5, false, "FULL counts ignored positions too; loss_weight scales the gradient only"},
		{3, 7, 1, true, false, cases.BatchSize, -1, false, "BATCH_SIZE; a negative weight makes ignored gradients −0"},
		{3, 7, 1, true, false, cases.None, 0.75, false, "NONE does not divide"},
		{4, 5, 1, true, true, cases.Valid, 1, false, "all ignored under VALID: n = max(1, 0) = 1, loss 0, gradient 0"},
		{2, 3, 4, true, true, cases.Full, 3, false, "all ignored, strided"},
		{2, 6, 3, false, false, cases.Valid, 1, false, "inner = 3: gather/scatter path (segmentation layout)"},
		{3, 4, 5, true, false, cases.Full, 0.5, false, "strided with ignore_label under FULL"},
		{2, 9, 2, true, false, cases.BatchSize, 0x1p-10, false, "strided BATCH_SIZE, tiny weight"},
		{5, 3, 1, true, false, cases.Valid, 1, true, "non-finite logits at some positions: NaN/±Inf per position as Loss"},
		{1, 1, 1, false, false, cases.Valid, 1, false, "C = 1: loss 0, gradient 0"},
		{2, 13, 1, false, false, cases.Full, 7, false, "C not a multiple of the vector width"},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tt := range tests {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			b := &cases.Batch{DType: dt, Outer: tt.outer, C: tt.c, Inner: tt.inner,
				Opts: cases.Options{HasIgnoreLabel: tt.ignore, IgnoreLabel: -1, Normalization: tt.norm, LossWeight: tt.weight}}
			b.Logits = make([]float64, tt.outer*tt.c*tt.inner)
			for i := range b.Logits {
				b.Logits[i] = float64(float32(rng.NormFloat64() * 4))
			}
			if tt.nonFinite {
				b.Logits[0] = math.Inf(-1)
				b.Logits[tt.c*tt.inner+1] = math.NaN()
				b.Logits[2*tt.c*tt.inner] = math.Inf(1)
			}
			b.Labels = make([]int, tt.outer*tt.inner)
			for i := range b.Labels {
				b.Labels[i] = rng.IntN(tt.c)
				if tt.allIgnored || (tt.ignore && i%3 == 1) {
					b.Labels[i] = -1
				}
			}
			b.H = make([]float64, tt.c*tt.c)
			for i := range b.H {
				b.H[i] = float64(float32(rng.Float64()))
			}
			if err := b.Validate(); err != nil {
				t.Fatalf("%s: bad test batch: %v", tt.why, err)
			}
			opt := fused.BatchOptions{HasIgnoreLabel: tt.ignore, IgnoreLabel: -1, Normalization: int(tt.norm), LossWeight: tt.weight}
			if dt == cases.Float64 {
				compareBatch(t, tt.why, b, b.Logits, b.H, opt)
			} else {
				compareBatch(t, tt.why, b, narrow(b.Logits), narrow(b.H), opt)
			}
		}
	}
}

func compareBatch[T float32 | float64](t *testing.T, why string, b *cases.Batch, logits, H []T, opt fused.BatchOptions) {
	t.Helper()
	want := make([]T, len(logits))
	got := make([]T, len(logits))
	for i := range got {
		got[i] = 12345 // stale values must be overwritten
	}
	wantLoss := impls.RunBatch(impls.Func[T](fused.Loss[T]), want, logits, b.Labels, H, b)
	gotLoss := fused.BatchLoss(got, logits, b.Labels, H, b.Outer, b.C, b.Inner, opt)
	if !sameBits(float64(gotLoss), float64(wantLoss)) {
		t.Errorf("%s (%s): loss %v [%x], driver %v [%x]", why, b.DType, gotLoss, gotLoss, wantLoss, wantLoss)
	}
	for i := range got {
		if !sameBits(float64(got[i]), float64(want[i])) {
			t.Errorf("%s (%s): dst[%d] = %v [%x], driver %v [%x]", why, b.DType, i, got[i], got[i], want[i], want[i])
			return
		}
	}
	if b.Count() == 0 && (gotLoss != 0 || anyNonZero(got)) {
		t.Errorf("%s (%s): all-ignored batch gave loss %v and a non-zero gradient", why, b.DType, gotLoss)
	}
}

func anyNonZero[T float32 | float64](v []T) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}

// sameBits reports bit equality, every NaN equal to every NaN.
func sameBits(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// TestBatchPanics checks the programmer-error panics of BatchLoss.
func TestBatchPanics(t *testing.T) {
	x := make([]float64, 6)
	H := make([]float64, 9)
	tests := []struct {
		labels          []int
		outer, c, inner int
		opt             fused.BatchOptions
		why             string
	}{
		{[]int{0, 1}, 2, 3, 1, fused.BatchOptions{Normalization: 9}, "unknown normalization"},
		{[]int{0, 3}, 2, 3, 1, fused.BatchOptions{}, "label out of range"},
		{[]int{0}, 2, 3, 1, fused.BatchOptions{}, "labels shorter than outer·inner"},
		{[]int{0, 1}, 2, 3, 0, fused.BatchOptions{}, "inner = 0"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.why)
				}
			}()
			fused.BatchLoss(make([]float64, 6), x, tt.labels, H, tt.outer, tt.c, tt.inner, tt.opt)
		}()
	}
}
