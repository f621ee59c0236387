package fused_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/fused"
)

// TestLossRowsMatchesLoss checks LossRows against Loss row by row, bit for
// bit (loss and gradient), over batches of C = 1…40 whose rows mix the
// ordinary soft targets of the benchmarks with rows every path of the
// router takes (non-finite logits, signed, tiny and huge h, wide rows,
// ties), so that tiles hold fast and slow rows side by side. In the
// GOEXPERIMENT=simd build this covers the tiled vector path.
func TestLossRowsMatchesLoss(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 8))
	for c := 1; c <= 40; c++ {
		for _, n := range []int{1, 8, 19, 64} {
			x := make([]float64, n*c)
			h := make([]float64, n*c)
			for i := 0; i < n; i++ {
				kind := r.IntN(13)
				for j := 0; j < c; j++ {
					x[i*c+j] = 16*r.Float64() - 8
					h[i*c+j] = r.Float64()
					switch kind {
					case 0:
						h[i*c+j] -= 0.5 // signed
					case 1:
						if r.IntN(3) == 0 {
							x[i*c+j] = math.Inf(-1)
						}
					case 2:
						x[i*c+j] *= 200 // wide
					case 3:
						h[i*c+j] *= 0x1p-600 // tiny h
					case 4:
						h[i*c+j] *= 0x1p1000 // huge h
					case 5:
						x[i*c+j] = 3 // ties
					case 6:
						h[i*c+j] = 0
					case 7:
						x[i*c+j] += 1e300 // huge logits
					case 9:
						h[i*c+j] *= 3e37 // float32: loss beyond float32's range
						x[i*c+j] *= 1e3
					case 10:
						h[i*c+j] *= 1e36 // float32: a loss near 1e37
					}
				}
				if kind == 8 {
					x[i*c+r.IntN(c)] = math.NaN()
				}
				if kind == 11 {
					// float32: loss ≈ 2.5e38 ∈ [2^127, 2^128), where the
					// float32 fast path hands over to the exact path.
					j := i*c + r.IntN(c)
					x[j], h[j] = -1e4-x[j], 2.5e34
				}
			}
			t.Run(fmt.Sprintf("C=%d/N=%d", c, n), func(t *testing.T) {
				checkRows(t, x, h, n, c)
				checkRows(t, narrow(x), narrow(h), n, c)
			})
		}
	}
}

func checkRows[T float32 | float64](t *testing.T, x, h []T, n, c int) {
	loss := make([]T, n)
	dst := make([]T, n*c)
	fused.LossRows(loss, dst, x, h, c)
	g := make([]T, c)
	for i := 0; i < n; i++ {
		want := fused.Loss(g, x[i*c:(i+1)*c], h[i*c:(i+1)*c])
		if !sameBits(float64(loss[i]), float64(want)) {
			t.Errorf("row %d: loss %v, Loss gives %v (x=%v h=%v)", i, loss[i], want, x[i*c:(i+1)*c], h[i*c:(i+1)*c])
		}
		for j := range g {
			if !sameBits(float64(dst[i*c+j]), float64(g[j])) {
				t.Errorf("row %d: g_%d %v, Loss gives %v (x=%v h=%v)", i, j, dst[i*c+j], g[j], x[i*c:(i+1)*c], h[i*c:(i+1)*c])
				break
			}
		}
	}
}

func TestLossRowsPanics(t *testing.T) {
	for _, tc := range []struct {
		loss, dst, x, h []float64
		c               int
		why             string
	}{
		{make([]float64, 1), make([]float64, 3), make([]float64, 3), make([]float64, 3), 0, "c < 1"},
		{make([]float64, 1), make([]float64, 3), make([]float64, 3), make([]float64, 3), 2, "len(x) not a multiple of c"},
		{make([]float64, 2), make([]float64, 4), make([]float64, 4), make([]float64, 3), 2, "len(h) ≠ len(x)"},
		{make([]float64, 1), make([]float64, 4), make([]float64, 4), make([]float64, 4), 2, "len(loss) ≠ n"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.why)
				}
			}()
			fused.LossRows(tc.loss, tc.dst, tc.x, tc.h, tc.c)
		}()
	}
}
