package ref

import (
	"math/rand/v2"
	"testing"
)

// benchRows makes 64 moderate rows of C classes: logits N(0, 3²), h a
// label-smoothing row (ε = 0.1, every entry nonzero) — the common case the
// speed targets of the issue are about (≤ 10 µs per C = 10 row, ≤ 1 ms per
// C = 1000 row).
func benchRows(C int) (xs, hs [][]float64) {
	rng := rand.New(rand.NewPCG(5, uint64(C)))
	for i := 0; i < 64; i++ {
		x := make([]float64, C)
		h := make([]float64, C)
		for j := range x {
			x[j] = 3 * rng.NormFloat64()
			h[j] = 0.1 / float64(C)
		}
		h[rng.IntN(C)] += 0.9
		xs, hs = append(xs, x), append(hs, h)
	}
	return xs, hs
}

func benchEval64(b *testing.B, C int) {
	xs, hs := benchRows(C)
	g := make([]float64, C)
	before := ReadStats()
	cpu0 := cpuNanos()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Eval64(g, xs[i%64], hs[i%64])
	}
	b.StopTimer()
	reportRows(b, before, cpu0)
}

func benchEval32(b *testing.B, C int) {
	xs, hs := benchRows(C)
	x32 := make([][]float32, 64)
	h32 := make([][]float32, 64)
	for i := range xs {
		x32[i], h32[i] = make([]float32, C), make([]float32, C)
		for j := range xs[i] {
			x32[i][j], h32[i][j] = float32(xs[i][j]), float32(hs[i][j])
		}
	}
	g := make([]float32, C)
	before := ReadStats()
	cpu0 := cpuNanos()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Eval32(g, x32[i%64], h32[i%64])
	}
	b.StopTimer()
	reportRows(b, before, cpu0)
}

// benchSlow times the big.Float path alone on the same rows.
func benchSlow(b *testing.B, C int) {
	xs, hs := benchRows(C)
	g := make([]float64, C)
	cpu0 := cpuNanos()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bigEval(g, xs[i%64], hs[i%64], nil, fmt64)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/row")
}

// reportRows reports wall ns/row, CPU ns/row (the process's CPU time, GC
// included: on a shared machine this is the number to compare) and the
// share of rows the fast path settled.
func reportRows(b *testing.B, before Stats, cpu0 int64) {
	after := ReadStats()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/row")
	b.ReportMetric(float64(cpuNanos()-cpu0)/float64(b.N), "cpu-ns/row")
	if rows := after.Rows - before.Rows; rows > 0 {
		b.ReportMetric(100*float64(after.FastRows-before.FastRows)/float64(rows), "%fast")
	}
}

func BenchmarkEval64C10(b *testing.B)   { benchEval64(b, 10) }
func BenchmarkEval64C1000(b *testing.B) { benchEval64(b, 1000) }
func BenchmarkEval32C10(b *testing.B)   { benchEval32(b, 10) }
func BenchmarkEval32C1000(b *testing.B) { benchEval32(b, 1000) }
func BenchmarkSlowC10(b *testing.B)     { benchSlow(b, 10) }
func BenchmarkSlowC1000(b *testing.B)   { benchSlow(b, 1000) }
