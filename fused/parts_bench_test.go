package fused

import "testing"

// BenchmarkRowParts times the pieces of one float64 row of C = 10 (the
// (4096, 10) shape): the three passes and the per-row scalar work, to show
// what bounds small rows.
func BenchmarkRowParts(b *testing.B) {
	x := []float64{0.3, -1.2, 4.5, 2.2, -3.3, 0.9, 1.7, -0.4, 2.8, -2.6}
	h := []float64{0.1, 0.05, 0.2, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1}
	dst := make([]float64, len(x))
	var sink float64
	b.Run("Loss", func(b *testing.B) {
		for b.Loop() {
			sink += Loss(dst, x, h)
		}
	})
	b.Run("pass1-scan", func(b *testing.B) {
		for b.Loop() {
			sink += scanRow64(x, h).hsHi
		}
	})
	b.Run("firstIndex", func(b *testing.B) {
		for b.Loop() {
			sink += float64(firstIndex64(x, 4.5))
		}
	})
	b.Run("pass2-exp", func(b *testing.B) {
		for b.Loop() {
			s, _, _, _ := expRow64(dst, x, h, 4.5, 2)
			sink += s
		}
	})
	b.Run("pass3-grad", func(b *testing.B) {
		for b.Loop() {
			gradRow64(dst, h, 0.3, 1, 0)
		}
	})
	b.Run("log1pDD+inv1p+combine", func(b *testing.B) {
		s := 0.4
		for b.Loop() {
			inv := inv1p(s, 0)
			hi, lo := log1pDD(s, 0)
			sink += combineLoss(hi, lo, 1, 0, -3, 0, 1) + inv
			s += 1e-9
		}
	})
	_ = sink
}

// BenchmarkRowParts32 is BenchmarkRowParts for a float32 row of C = 10.
func BenchmarkRowParts32(b *testing.B) {
	x := []float32{0.3, -1.2, 4.5, 2.2, -3.3, 0.9, 1.7, -0.4, 2.8, -2.6}
	h := []float32{0.1, 0.05, 0.2, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1}
	dst := make([]float32, len(x))
	e := make([]float64, len(x))
	var sink float64
	b.Run("Loss", func(b *testing.B) {
		for b.Loop() {
			sink += float64(Loss(dst, x, h))
		}
	})
	b.Run("pass1-max", func(b *testing.B) {
		for b.Loop() {
			m, _ := maxRow32(x)
			sink += float64(m)
		}
	})
	b.Run("hRange", func(b *testing.B) {
		for b.Loop() {
			m, _ := hRange32(h)
			sink += float64(m)
		}
	})
	b.Run("firstIndex", func(b *testing.B) {
		for b.Loop() {
			sink += float64(firstIndex32(x, 4.5))
		}
	})
	b.Run("pass2-exp", func(b *testing.B) {
		for b.Loop() {
			sink += expRow32(e, x, h, 4.5, 2, 2).es
		}
	})
	b.Run("pass3-grad", func(b *testing.B) {
		for b.Loop() {
			gradRow32(dst, e, h, 0.3, 1, 0)
		}
	})
	_ = sink
}
