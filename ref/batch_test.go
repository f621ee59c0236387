package ref_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ref"
)

// TestBatchThroughDriver runs Eval64 and Eval32 under the shared Caffe batch
// driver (impls.RunBatch) on a (2, 3, 2) blob with an ignored position and a
// masked (−Inf) logit, and checks every position against Eval on the
// gathered sample, scaled as the driver documents: g·(LossWeight/n) and
// Σ loss / n, n = max(1, count of valid positions).
func TestBatchThroughDriver(t *testing.T) {
	ninf := math.Inf(-1)
	b := &cases.Batch{
		DType: cases.Float64, Outer: 2, C: 3, Inner: 2,
		// element (o, j, i) at (o·C + j)·Inner + i
		Logits: []float64{0.5, 37.5, -1, 0, 2, ninf, 0x1p40, 3, 0x1p40, 3, 0x1p40 + 0x1p17, 3},
		Labels: []int{2, 0, 1, 7},
		H: []float64{
			0.875, 0.125, 0, // h = 0 on the masked logit of position (0, 1)
			0.0625, 0.875, 0.0625,
			0, 0, 1,
		},
		Opts: cases.Options{HasIgnoreLabel: true, IgnoreLabel: 7, Normalization: cases.Valid, LossWeight: 0.5},
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := b.Normalizer(); n != 3 {
		t.Fatalf("normalizer %v, want 3 valid positions", n)
	}
	l64 := checkDriver(t, b, b.Logits, b.H, ref.Eval64)
	l32 := make([]float32, len(b.Logits))
	h32 := make([]float32, len(b.H))
	for k, v := range b.Logits {
		l32[k] = float32(v) // every value is a float32
	}
	for k, v := range b.H {
		h32[k] = float32(v)
	}
	b.DType = cases.Float32
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	checkDriver(t, b, l32, h32, ref.Eval32)
	if math.IsInf(l64, 0) || math.IsNaN(l64) {
		t.Errorf("loss %v: the masked logit has h = 0 and must not make it infinite", l64)
	}
}

func checkDriver[T float32 | float64](t *testing.T, b *cases.Batch, logits, H []T, eval func(dst, x, h []T) (T, ref.Cert)) float64 {
	t.Helper()
	f := func(dst, x, h []T) T {
		l, cert := eval(dst, x, h)
		if cert.Kind == ref.Uncertified {
			t.Errorf("%v, %v: %v", x, h, cert)
		}
		return l
	}
	dst := make([]T, len(logits))
	loss := impls.RunBatch(f, dst, logits, b.Labels, H, b)
	n := T(b.Normalizer())
	scale := T(b.Opts.LossWeight) / n
	var sum T
	for o := 0; o < b.Outer; o++ {
		for i := 0; i < b.Inner; i++ {
			l := b.Labels[o*b.Inner+i]
			x := make([]T, b.C)
			g := make([]T, b.C)
			for j := range x {
				x[j] = logits[(o*b.C+j)*b.Inner+i]
			}
			ignored := b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel
			if !ignored {
				sum += f(g, x, H[l*b.C:(l+1)*b.C])
			}
			for j := range g {
				want := g[j] * scale // 0 for an ignored position
				if got := dst[(o*b.C+j)*b.Inner+i]; got != want {
					t.Errorf("%s position (%d, %d): g[%d] = %v, want %v", b.DType, o, i, j, got, want)
				}
			}
		}
	}
	if want := sum / n; loss != want {
		t.Errorf("%s loss = %v, want %v", b.DType, loss, want)
	}
	return float64(loss)
}
