//go:build goexperiment.simd && amd64

package fused

import (
	"math"
	"math/rand/v2"
	"simd/archsimd"
	"testing"
)

// TestLog1pDDVMatches checks log1pDDV, the eight-lane log1pDD of the tiles,
// against log1pDD bit for bit, on both sides of its branch point 1/16, on
// powers of two (where 1 + s changes exponent) and on random s over
// [2^-60, 2^25] with random low words.
func TestLog1pDDVMatches(t *testing.T) {
	if !archsimd.X86.AVX512() {
		t.Skip("no AVX-512F")
	}
	r := rand.New(rand.NewPCG(3, 9))
	var hi, lo []float64
	for e := -60; e <= 25; e++ {
		for _, f := range []float64{1, math.Nextafter(1, 0), math.Nextafter(1, 2), math.Sqrt2, 1.5} {
			hi = append(hi, math.Ldexp(f, e))
			lo = append(lo, 0)
		}
	}
	hi = append(hi, 0x1p-4, math.Nextafter(0x1p-4, 0), math.Sqrt2-1, 0)
	lo = append(lo, 0, 0, 0, 0)
	for i := 0; i < 4000; i++ {
		s := math.Ldexp(1+r.Float64(), -60+r.IntN(86))
		hi = append(hi, s)
		lo = append(lo, s*0x1p-53*(2*r.Float64()-1))
	}
	for len(hi)%8 != 0 {
		hi, lo = append(hi, 1), append(lo, 0)
	}
	for i := 0; i < len(hi); i += 8 {
		h, l := log1pDDV(archsimd.LoadFloat64x8Slice(hi[i:]), archsimd.LoadFloat64x8Slice(lo[i:]))
		var hh, ll [8]float64
		h.Store(&hh)
		l.Store(&ll)
		for j := 0; j < 8; j++ {
			wh, wl := log1pDD(hi[i+j], lo[i+j])
			if math.Float64bits(hh[j]) != math.Float64bits(wh) || math.Float64bits(ll[j]) != math.Float64bits(wl) {
				t.Errorf("log1pDDV(%v, %v) = (%v, %v), log1pDD gives (%v, %v)", hi[i+j], lo[i+j], hh[j], ll[j], wh, wl)
			}
		}
	}
}
