package fused

import "sync"

// tileBufs holds the scratch of the tiles, reused from call to call.
var tileBufs = sync.Pool{New: func() any { return new(tileBuf) }}

// LossRows computes Loss on each of the n = len(x)/c rows of the row-major
// n×c matrices x and h (soft targets, one row of h per row of x): the loss
// of row i into loss[i] and its gradient into dst[i·c:(i+1)·c], bit for bit
// as n calls of Loss (TestLossRowsMatchesLoss). It is the unit the
// benchmarks compare with PyTorch's batched soft-target cross_entropy.
//
// With GOEXPERIMENT=simd on a CPU with AVX-512F, rows of up to 32 classes
// run in tiles of 8 rows with the vector lanes across the rows, so
// that the fixed cost of a row (lane reductions, 1/(1+s), log1p(s), the
// loss from double words) is paid once per tile; rows the fast path does
// not take (see route.go) run through Loss.
//
// LossRows panics if c < 1, len(x) is not a multiple of c, or len(h),
// len(dst) ≠ len(x) or len(loss) ≠ len(x)/c.
func LossRows[T float32 | float64](loss, dst, x, h []T, c int) {
	if c < 1 || len(x)%c != 0 {
		panic("fused: LossRows: len(x) is not a positive multiple of c")
	}
	n := len(x) / c
	if len(h) != len(x) || len(dst) != len(x) || len(loss) != n {
		panic("fused: LossRows: lengths do not match n×c")
	}
	i := 0
	if d, ok := any(dst).([]float64); ok && simdActive && c <= maxTileC {
		l, x, h := any(loss).([]float64), any(x).([]float64), any(h).([]float64)
		tb := tileBufs.Get().(*tileBuf)
		defer tileBufs.Put(tb)
		for ; i+8 <= n; i += 8 {
			lo, hi := i*c, (i+8)*c
			done := tile64SIMD(tb, l[i:i+8], d[lo:hi], x[lo:hi], h[lo:hi], c)
			for r := 0; r < 8; r++ {
				if done&(1<<r) == 0 {
					j := (i + r) * c
					l[i+r] = loss64(d[j:j+c], x[j:j+c], h[j:j+c])
				}
			}
		}
	}
	if d, ok := any(dst).([]float32); ok && simdActive && c <= maxTileC {
		l, x, h := any(loss).([]float32), any(x).([]float32), any(h).([]float32)
		tb := tileBufs.Get().(*tileBuf)
		defer tileBufs.Put(tb)
		for ; i+8 <= n; i += 8 {
			lo, hi := i*c, (i+8)*c
			done := tile32SIMD(tb, l[i:i+8], d[lo:hi], x[lo:hi], h[lo:hi], c)
			for r := 0; r < 8; r++ {
				if done&(1<<r) == 0 {
					j := (i + r) * c
					l[i+r] = loss32(d[j:j+c], x[j:j+c], h[j:j+c])
				}
			}
		}
	}
	for ; i < n; i++ {
		j := i * c
		loss[i] = Loss(dst[j:j+c], x[j:j+c], h[j:j+c])
	}
}
