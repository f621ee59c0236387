package ulp_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/ulp"
)

// benchCase is a moderate row with a wide h: what reports/ feeds the
// metrics for every (implementation, case) pair.
func benchCase(c int, signed bool) (x, h, want, got []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, h, want, got = make([]float64, c), make([]float64, c), make([]float64, c), make([]float64, c)
	for j := range c {
		x[j] = rng.NormFloat64() * 5
		h[j] = rng.Float64()
		if signed {
			h[j] -= 0.5
		}
		want[j] = rng.NormFloat64()
		got[j] = math.Nextafter(want[j], 0)
	}
	return
}

func BenchmarkGradScaled(b *testing.B) {
	for _, c := range []int{10, 1000, 100000} {
		for _, signed := range []bool{false, true} {
			b.Run(fmt.Sprintf("C=%d/signed=%v", c, signed), func(b *testing.B) {
				x, h, want, got := benchCase(c, signed)
				for b.Loop() {
					ulp.GradScaled(got, want, x, h, ulp.U64)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c), "ns/class")
			})
		}
	}
}

func BenchmarkLossScaled(b *testing.B) {
	for _, c := range []int{10, 1000, 100000} {
		b.Run(fmt.Sprintf("C=%d", c), func(b *testing.B) {
			x, h, _, _ := benchCase(c, true)
			for b.Loop() {
				ulp.LossScaled(1, math.Nextafter(1, 2), x, h, ulp.U64)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c), "ns/class")
		})
	}
}
