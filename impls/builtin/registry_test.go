package builtin

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/fused"
	"github.com/infogain-dev/infogain/impls"
)

func TestRegistry(t *testing.T) {
	want := []string{"ref", "fused", "naive", "caffe", "tf", "torch", "lse-at-scale", "gonum-lse"}
	if got := strings.Join(Names(), ","); got != strings.Join(want, ",") {
		t.Errorf("Names() = %s, want %s", got, strings.Join(want, ","))
	}
	for _, im := range All() {
		if im.F64 == nil || im.F32 == nil || im.Doc == "" {
			t.Errorf("%s: missing F64, F32 or Doc", im.Name)
		}
	}
	for _, im := range All() {
		if !im.Supports(cases.Float64) || !im.Supports(cases.Float32) {
			t.Errorf("built-in %s does not support both dtypes", im.Name)
		}
	}
	// fused declares the suite's standard: the two statements of its
	// bounds must not drift apart.
	fusedImpl, _ := Lookup("fused")
	k := fusedImpl.Declared()
	if k.LossULP != fused.LossMaxULP || k.LossScaled != fused.LossMaxScaled || k.GradScaled != fused.GradMaxScaled || !k.SpecialValues {
		t.Errorf("fused declares %+v; fused's constants say %v ulps, scaled %v, grad scaled %v", k, fused.LossMaxULP, fused.LossMaxScaled, fused.GradMaxScaled)
	}
	if r := impls.Reference(); r == nil || r.Name != "ref" {
		t.Errorf("Reference() = %v, want ref", r)
	}
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "fused") {
		t.Errorf("Lookup(nope): error %v should list the known names", err)
	}
}

// TestFastPathsEqualDriver checks every batch fast path against the shared
// driver bit for bit, over layouts, modes, ignore labels and weights.
func TestFastPathsEqualDriver(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200
	if testing.Short() {
		n = 40
	}
	for _, im := range All() {
		if im.B64 == nil && im.B32 == nil {
			continue
		}
		for trial := 0; trial < n; trial++ {
			b := randomBatch(rng, trial)
			got, gotGrad, err1 := im.Batch(b)
			want, wantGrad, err2 := im.DriverBatch(b)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s trial %d: errors %v, %v", im.Name, trial, err1, err2)
			}
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s trial %d (%s, shape %d×%d×%d, %v): loss %v (%x), driver %v (%x)",
					im.Name, trial, b.DType, b.Outer, b.C, b.Inner, b.Opts, got, got, want, want)
			}
			for k := range gotGrad {
				g, w := gotGrad[k], wantGrad[k]
				if math.Float64bits(g) != math.Float64bits(w) && !(math.IsNaN(g) && math.IsNaN(w)) {
					t.Errorf("%s trial %d: grad[%d] %v (%x), driver %v (%x)", im.Name, trial, k, g, g, w, w)
					break
				}
			}
		}
	}
}

func randomBatch(rng *rand.Rand, trial int) *cases.Batch {
	dt := cases.Float64
	if trial%2 == 1 {
		dt = cases.Float32
	}
	outer, c, inner := 1+rng.IntN(4), 1+rng.IntN(12), 1+rng.IntN(3)
	if trial%5 == 0 {
		inner = 1 // the fast path's own layout
	}
	b := &cases.Batch{DType: dt, Outer: outer, C: c, Inner: inner,
		Logits: make([]float64, outer*c*inner), Labels: make([]int, outer*inner), H: make([]float64, c*c),
		Opts: cases.Options{
			Normalization:  cases.Normalization(rng.IntN(4)),
			LossWeight:     []float64{1, 0.5, 3, 0}[rng.IntN(4)],
			HasIgnoreLabel: rng.IntN(2) == 0,
			IgnoreLabel:    -1,
		}}
	scale := math.Pow(10, float64(rng.IntN(8)))
	for k := range b.Logits {
		v := rng.NormFloat64() * scale
		if rng.IntN(20) == 0 {
			v = math.Inf(-1)
		}
		b.Logits[k] = round(v, dt)
	}
	for k := range b.H {
		b.H[k] = round(rng.Float64()*2, dt)
	}
	allIgnored := trial%7 == 0
	for k := range b.Labels {
		b.Labels[k] = rng.IntN(c)
		if b.Opts.HasIgnoreLabel && (allIgnored || rng.IntN(4) == 0) {
			b.Labels[k] = -1
		}
	}
	return b
}

func round(v float64, dt cases.DType) float64 {
	if dt == cases.Float32 {
		return float64(float32(v))
	}
	return v
}
