package impls

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// probe is a per-sample function whose outputs identify its inputs, so the
// driver's gather, scatter and scaling can be checked in closed form:
// loss = Σ_j h_j·x_j and g_j = x_j + 1000·h_j.
func probe[T Float](dst, x, h []T) T {
	var l T
	for j := range x {
		l += h[j] * x[j]
		dst[j] = x[j] + 1000*h[j]
	}
	return l
}

// batchFixture is shape (outer=2, C=3, inner=2) with logits equal to their
// flat index, so element (o, j, i) holds (o·3+j)·2+i.
func batchFixture(norm cases.Normalization, ignore bool, weight float64) *cases.Batch {
	b := &cases.Batch{
		DType: cases.Float64, Outer: 2, C: 3, Inner: 2,
		Logits: make([]float64, 12),
		Labels: []int{0, 2, 1, 7},
		H:      []float64{1, 0, 0, 0, 2, 0, 0, 0, 3},
		Opts:   cases.Options{Normalization: norm, LossWeight: weight, HasIgnoreLabel: ignore, IgnoreLabel: 7},
	}
	for k := range b.Logits {
		b.Logits[k] = float64(k)
	}
	if !ignore {
		b.Labels[3] = 0
	}
	return b
}

func TestRunBatchSemantics(t *testing.T) {
	// Positions (o, i) and their logits x_j = (o·3+j)·2+i:
	//   (0,0) label 0: x = [0, 2, 4],  loss = 1·0 = 0
	//   (0,1) label 2: x = [1, 3, 5],  loss = 3·5 = 15
	//   (1,0) label 1: x = [6, 8, 10], loss = 2·8 = 16
	//   (1,1) label 7 (ignored) or 0: x = [7, 9, 11], loss 0 or 1·7 = 7
	tests := []struct {
		why      string
		norm     cases.Normalization
		ignore   bool
		weight   float64
		wantLoss float64
		scale    float64 // gradient scale loss_weight/normalizer
	}{
		{"VALID with one ignored position divides by the 3 valid ones", cases.Valid, true, 1, 31.0 / 3, 1.0 / 3},
		{"VALID without ignore_label counts every position", cases.Valid, false, 1, 38.0 / 4, 1.0 / 4},
		{"FULL counts ignored positions too", cases.Full, true, 1, 31.0 / 4, 1.0 / 4},
		{"BATCH_SIZE divides by outer", cases.BatchSize, true, 1, 31.0 / 2, 1.0 / 2},
		{"NONE does not normalize", cases.None, true, 1, 31, 1},
		{"loss_weight scales the gradient only", cases.None, true, 0.5, 31, 0.5},
	}
	for _, tt := range tests {
		b := batchFixture(tt.norm, tt.ignore, tt.weight)
		im := &Impl{Name: "probe", F64: probe[float64], F32: probe[float32]}
		loss, grad, err := im.Batch(b)
		if err != nil {
			t.Fatalf("%s: %v", tt.why, err)
		}
		if loss != tt.wantLoss {
			t.Errorf("%s: loss = %v, want %v", tt.why, loss, tt.wantLoss)
		}
		for o := 0; o < 2; o++ {
			for i := 0; i < 2; i++ {
				l := b.Labels[o*2+i]
				for j := 0; j < 3; j++ {
					k := (o*3+j)*2 + i
					want := 0.0
					if !(tt.ignore && l == 7) {
						want = (float64(k) + 1000*b.H[l*3+j]) * tt.scale
					}
					if grad[k] != want {
						t.Errorf("%s: grad at (o=%d, j=%d, i=%d) = %v, want %v", tt.why, o, j, i, grad[k], want)
					}
				}
			}
		}
	}
}

func TestRunBatchAllIgnored(t *testing.T) {
	// max(1, 0) normalizer: an all-ignored batch has loss 0 and zero gradient, not NaN.
	b := batchFixture(cases.Valid, true, 1)
	for k := range b.Labels {
		b.Labels[k] = 7
	}
	im := &Impl{Name: "probe", F64: probe[float64], F32: probe[float32]}
	loss, grad, err := im.Batch(b)
	if err != nil {
		t.Fatal(err)
	}
	if loss != 0 || math.Signbit(loss) {
		t.Errorf("loss = %v, want +0", loss)
	}
	for k, g := range grad {
		if g != 0 {
			t.Errorf("grad[%d] = %v, want 0", k, g)
		}
	}
}

func TestRunBatchFloat32ComputesInFloat32(t *testing.T) {
	// 1/3 is not a float32: the driver must divide in float32, so the result
	// is float32(31)/float32(3), not the float64 quotient rounded.
	b := batchFixture(cases.Valid, true, 1)
	b.DType = cases.Float32
	im := &Impl{Name: "probe", F64: probe[float64], F32: probe[float32]}
	loss, _, err := im.Batch(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(float32(31) / float32(3)); loss != want {
		t.Errorf("loss = %v, want %v", loss, want)
	}
}

func TestBatchRejectsBadInput(t *testing.T) {
	im := &Impl{Name: "probe", F64: probe[float64], F32: probe[float32]}
	tests := []struct {
		why    string
		mutate func(b *cases.Batch)
	}{
		{"label out of range", func(b *cases.Batch) { b.Labels[0] = 3 }},
		{"negative label that is not ignore_label", func(b *cases.Batch) { b.Labels[0] = -1 }},
		{"non-finite H", func(b *cases.Batch) { b.H[4] = math.Inf(1) }},
		{"NaN H", func(b *cases.Batch) { b.H[4] = math.NaN() }},
		{"logits shorter than the shape", func(b *cases.Batch) { b.Logits = b.Logits[:11] }},
		{"labels shorter than the shape", func(b *cases.Batch) { b.Labels = b.Labels[:3] }},
		{"H not C×C", func(b *cases.Batch) { b.H = b.H[:8] }},
		{"C = 0", func(b *cases.Batch) { b.C = 0 }},
		{"absurd shape", func(b *cases.Batch) { b.Outer = 1 << 40 }},
		{"unknown dtype", func(b *cases.Batch) { b.DType = "float16" }},
		{"float32 batch with a non-float32 logit", func(b *cases.Batch) { b.DType = cases.Float32; b.Logits[0] = 0.1 }},
		{"non-finite loss_weight", func(b *cases.Batch) { b.Opts.LossWeight = math.NaN() }},
	}
	for _, tt := range tests {
		b := batchFixture(cases.Valid, true, 1)
		tt.mutate(b)
		if _, _, err := im.Batch(b); err == nil {
			t.Errorf("%s: no error", tt.why)
		}
	}
}

func TestMissingDTypeIsAnError(t *testing.T) {
	// A user's implementation may exist for one dtype only: asking for the
	// other is a data error, not a nil-function panic.
	im := &Impl{Name: "only64", F64: probe[float64]}
	c := &cases.Case{ID: "x", DType: cases.Float32, Logits: []float64{1, 2}, H: []float64{0, 1}, Label: 1}
	if r := im.Case(c); r.Err == "" {
		t.Errorf("float32 case on a float64-only implementation: no error")
	}
	b := batchFixture(cases.Valid, true, 1)
	b.DType = cases.Float32
	if _, _, err := im.Batch(b); err == nil {
		t.Errorf("float32 batch on a float64-only implementation: no error")
	}
}

func TestPanicsBecomeErrors(t *testing.T) {
	// A user's function that panics must not take a stream of cases down.
	boom := func(dst, x, h []float64) float64 { panic("boom") }
	im := &Impl{Name: "boom", F64: boom}
	c := &cases.Case{ID: "x", DType: cases.Float64, Logits: []float64{1, 2}, H: []float64{0, 1}, Label: 1}
	if r := im.Case(c); r.Err == "" || r.ID != "x" {
		t.Errorf("Case = %+v, want an error result with id x", r)
	}
	b := batchFixture(cases.Valid, true, 1)
	if _, _, err := im.Batch(b); err == nil {
		t.Errorf("Batch: no error from a panicking implementation")
	}
	if _, _, err := im.DriverBatch(b); err == nil {
		t.Errorf("DriverBatch: no error from a panicking implementation")
	}
}
