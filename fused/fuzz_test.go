package fused

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzSIMDMatchesGo decodes a row from raw float64 bit patterns (any value,
// NaN payloads, subnormals and ±Inf included) and checks that the vector
// loops and the pure-Go loops give the same loss and gradient bit for bit,
// in float64 and float32, and that Loss does not panic. Seeds cover the
// regimes of the families; go test replays them.
func FuzzSIMDMatchesGo(f *testing.F) {
	seed := func(xs ...float64) []byte {
		b := make([]byte, 8*len(xs))
		for i, v := range xs {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	f.Add(seed(37.42994775023705, 1, 0, 0))                                          // docs/design.md §3 tail gradient
	f.Add(seed(1e16, 1, 1e16, 0, 1e16, 0))                                           // shared offset
	f.Add(seed(1.6e308, 0.5, -1.6e308, 0.5))                                         // x − m overflows
	f.Add(seed(math.Inf(-1), 0, 0, 1, 1, 1))                                         // masking
	f.Add(seed(math.NaN(), 1, 0, 0))                                                 // NaN
	f.Add(seed(0, 1, -740, 1e15, 3, 0, 2, 0, 1, 0, 0, 0, -1, 0, -2, 0, -3, 0, 4, 0)) // subnormal p_j, a tail
	f.Add(seed(2, 1, 2, -1, 2, 1e-30, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0))           // ties, signed h
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 16
		if n == 0 || n > 4096 {
			return
		}
		x, h := make([]float64, n), make([]float64, n)
		for j := 0; j < n; j++ {
			x[j] = math.Float64frombits(binary.LittleEndian.Uint64(data[16*j:]))
			h[j] = math.Float64frombits(binary.LittleEndian.Uint64(data[16*j+8:]))
		}
		defer useSIMD(true)
		compareBits(t, x, h)
		x32, h32 := make([]float32, n), make([]float32, n)
		for j := range x {
			x32[j], h32[j] = float32(x[j]), float32(h[j])
		}
		compareBits(t, x32, h32)
	})
}

func compareBits[T float32 | float64](t *testing.T, x, h []T) {
	t.Helper()
	gv, gg := make([]T, len(x)), make([]T, len(x))
	useSIMD(true)
	lv := Loss(gv, x, h)
	useSIMD(false)
	lg := Loss(gg, x, h)
	if !sameBitsT(lv, lg) {
		t.Fatalf("x=%v h=%v: vector loss %v, pure-Go %v", x, h, lv, lg)
	}
	for j := range gv {
		if !sameBitsT(gv[j], gg[j]) {
			t.Fatalf("x=%v h=%v: vector g[%d] = %v, pure-Go %v", x, h, j, gv[j], gg[j])
		}
	}
}

func sameBitsT[T float32 | float64](a, b T) bool { return sameBits(float64(a), float64(b)) }

// FuzzLossRowsMatchesLoss decodes a batch from raw float64 bit patterns
// (the first byte picks C in 1…40, then (x_j, h_j) pairs, row after row)
// and checks, in float64 and float32, that LossRows gives Loss's results
// row by row bit for bit (in the vector build through the tiles), and that
// Loss with the assembly passes (asm_amd64.go) gives the pure-Go lanes'
// results bit for bit. go test replays the seeds.
func FuzzLossRowsMatchesLoss(f *testing.F) {
	seed := func(c byte, xs ...float64) []byte {
		b := make([]byte, 1+8*len(xs))
		b[0] = c
		for i, v := range xs {
			binary.LittleEndian.PutUint64(b[1+8*i:], math.Float64bits(v))
		}
		return b
	}
	rows := func(c, n int, x0, h0 float64) []float64 {
		var v []float64
		for i := 0; i < n*c; i++ {
			v = append(v, x0+float64(i%7)-3, h0*float64(1+i%3))
		}
		return v
	}
	f.Add(seed(10, rows(10, 9, 0, 0.1)...))
	f.Add(seed(3, rows(3, 16, 1e3, 1)...))
	f.Add(seed(1, rows(1, 8, -5, 2)...))
	f.Add(seed(17, rows(17, 8, 0, -0.5)...))                                                               // signed h: off the tiles
	f.Add(seed(9, rows(9, 8, 0, 1e36)...))                                                                 // float32: losses beyond its range
	f.Add(seed(8, append(rows(8, 7, 0, 1), math.Inf(-1), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)...)) // a masked logit with h > 0
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		c := 1 + int(data[0])%40
		data = data[1:]
		n := len(data) / (16 * c)
		if n == 0 || n > 256 {
			return
		}
		x, h := make([]float64, n*c), make([]float64, n*c)
		for j := range x {
			x[j] = math.Float64frombits(binary.LittleEndian.Uint64(data[16*j:]))
			h[j] = math.Float64frombits(binary.LittleEndian.Uint64(data[16*j+8:]))
		}
		rowsMatch(t, x, h, c)
		x32, h32 := make([]float32, len(x)), make([]float32, len(x))
		for j := range x {
			x32[j], h32[j] = float32(x[j]), float32(h[j])
		}
		rowsMatch(t, x32, h32, c)
	})
}

func rowsMatch[T float32 | float64](t *testing.T, x, h []T, c int) {
	t.Helper()
	n := len(x) / c
	loss, dst := make([]T, n), make([]T, len(x))
	LossRows(loss, dst, x, h, c)
	g, ga := make([]T, c), make([]T, c)
	a32, a64 := asm32, asm64
	defer func() { asm32, asm64 = a32, a64 }()
	for i := 0; i < n; i++ {
		xr, hr := x[i*c:(i+1)*c], h[i*c:(i+1)*c]
		asm32, asm64 = false, false
		l := Loss(g, xr, hr)
		asm32, asm64 = a32, a64
		la := Loss(ga, xr, hr)
		if !sameBitsT(loss[i], l) || !sameBitsT(la, l) {
			t.Fatalf("row %d (x=%v h=%v): LossRows %v, Loss with assembly %v, without %v", i, xr, hr, loss[i], la, l)
		}
		for j := range g {
			if !sameBitsT(dst[i*c+j], g[j]) || !sameBitsT(ga[j], g[j]) {
				t.Fatalf("row %d (x=%v h=%v): g_%d LossRows %v, Loss with assembly %v, without %v", i, xr, hr, j, dst[i*c+j], ga[j], g[j])
			}
		}
	}
}
