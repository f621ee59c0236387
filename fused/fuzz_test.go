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
