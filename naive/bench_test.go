package naive_test

import (
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/naive"
)

// BenchmarkLoss times one forward+backward row of C = 1000 moderate logits,
// reporting ns per element:
//
//	go test ./naive -run '^$' -bench . -benchtime 2000x
func BenchmarkLoss(b *testing.B) {
	b.Run("float64", func(b *testing.B) { benchRow(b, naive.Loss[float64]) })
	b.Run("float32", func(b *testing.B) { benchRow(b, naive.Loss[float32]) })
}

func benchRow[T float32 | float64](b *testing.B, f func(dst, x, h []T) T) {
	const C = 1000
	r := rand.New(rand.NewPCG(1701, 0))
	x, h, g := make([]T, C), make([]T, C), make([]T, C)
	for j := range x {
		x[j] = T(-0.5 + 2.5*r.Float64())
		h[j] = T(0.1 + 1.9*r.Float64())
	}
	b.ResetTimer()
	for b.Loop() {
		f(g, x, h)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/C, "ns/elem")
}
