//go:build amd64 && !purego

package fused

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpRow32AsmMatchesGo checks the assembly pass 2 of the float32 path
// (row32_amd64.s) against the Go lanes of expRow32Go bit for bit (e_j, s,
// P, R), for C = 1…80, the max and the largest h at every position, and
// logits down to the clamp at −700.
func TestExpRow32AsmMatchesGo(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("no AVX2+FMA")
	}
	defer func(v bool) { asm32 = v }(asm32)
	r := rand.New(rand.NewPCG(5, 6))
	for c := 1; c <= 80; c++ {
		for rep := 0; rep < 6; rep++ {
			x := make([]float32, c)
			h := make([]float32, c)
			scale := []float64{1, 16, 300, 1e4}[rep%4]
			for j := range x {
				x[j] = float32(scale * (2*r.Float64() - 1))
				h[j] = float32(r.Float64())
			}
			k, jmax := r.IntN(c), r.IntN(c)
			if rep == 5 {
				k, jmax = -1, -1 // no max lane masked (signed rows pass jmax = −1)
			}
			m := x[0]
			for _, v := range x {
				m = float32(math.Max(float64(m), float64(v)))
			}
			eA, eG := make([]float64, c), make([]float64, c)
			asm32 = true
			pa := expRow32Go(eA, x, h, m, k, jmax)
			asm32 = false
			pg := expRow32Go(eG, x, h, m, k, jmax)
			if pa != pg {
				t.Fatalf("C=%d k=%d jmax=%d: asm (s, P, R) = %v, Go %v", c, k, jmax, pa, pg)
			}
			for j := range eA {
				if math.Float64bits(eA[j]) != math.Float64bits(eG[j]) {
					t.Fatalf("C=%d: e_%d asm %v, Go %v (x=%v m=%v)", c, j, eA[j], eG[j], x[j], m)
				}
			}
		}
	}
}

// TestExpRow64AsmMatchesGo checks the assembly pass 2 of the float64 path
// (row64_amd64.s) against the Go lanes of expRow64Go bit for bit (e_j and
// the double words s and P), for C = 1…80, the max at every position, and
// differences x_j − m from 2^-30 to beyond the clamps of expCore.
func TestExpRow64AsmMatchesGo(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("no AVX2+FMA")
	}
	defer func(v bool) { asm64 = v }(asm64)
	r := rand.New(rand.NewPCG(7, 8))
	for c := 1; c <= 80; c++ {
		for rep := 0; rep < 8; rep++ {
			x := make([]float64, c)
			h := make([]float64, c)
			scale := []float64{0x1p-30, 1, 16, 300, 800, 1e4, 1e300, 1}[rep]
			for j := range x {
				x[j] = scale * (2*r.Float64() - 1)
				h[j] = r.Float64()
				if rep == 7 {
					h[j] -= 0.5
				}
			}
			k := r.IntN(c)
			m := x[k]
			for _, v := range x {
				m = math.Max(m, v)
			}
			dA, dG := make([]float64, c), make([]float64, c)
			asm64 = true
			a1, a2, a3, a4 := expRow64Go(dA, x, h, m, k)
			asm64 = false
			g1, g2, g3, g4 := expRow64Go(dG, x, h, m, k)
			if [4]float64{a1, a2, a3, a4} != [4]float64{g1, g2, g3, g4} {
				t.Fatalf("C=%d scale=%g: asm (s, P) = %v %v %v %v, Go %v %v %v %v", c, scale, a1, a2, a3, a4, g1, g2, g3, g4)
			}
			for j := range dA {
				if math.Float64bits(dA[j]) != math.Float64bits(dG[j]) {
					t.Fatalf("C=%d: e_%d asm %v, Go %v (x=%v m=%v)", c, j, dA[j], dG[j], x[j], m)
				}
			}
		}
	}
}

// TestScanRow64AsmMatchesGo checks the assembly pass 1 of the float64 path
// against the Go lanes of scanRow64Go bit for bit (every field of scan64),
// for C = 1…80, with signed and zero (±0) h, ±0, ±Inf and NaN logits.
func TestScanRow64AsmMatchesGo(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("no AVX2+FMA")
	}
	defer func(v bool) { asm64 = v }(asm64)
	r := rand.New(rand.NewPCG(9, 10))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()}
	for c := 1; c <= 80; c++ {
		for rep := 0; rep < 8; rep++ {
			x := make([]float64, c)
			h := make([]float64, c)
			for j := range x {
				x[j] = 16*r.Float64() - 8
				h[j] = r.Float64()
				if rep&1 == 1 {
					h[j] -= 0.5
				}
				if rep >= 4 && r.IntN(6) == 0 {
					x[j] = special[r.IntN(len(special))]
				}
				if rep >= 6 && r.IntN(4) == 0 {
					h[j] = special[r.IntN(2)]
				}
			}
			asm64 = true
			a := scanRow64Go(x, h)
			asm64 = false
			g := scanRow64Go(x, h)
			af := [6]float64{a.m, a.xmin, a.nf, a.hsHi, a.hsLo, a.hmax}
			gf := [6]float64{g.m, g.xmin, g.nf, g.hsHi, g.hsLo, g.hmax}
			for i := range af {
				if math.Float64bits(af[i]) != math.Float64bits(gf[i]) {
					t.Fatalf("C=%d rep=%d: asm scan %v, Go %v (x=%v h=%v)", c, rep, af, gf, x, h)
				}
			}
		}
	}
}
