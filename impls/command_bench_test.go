package impls

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/cases"
)

// benchCases are n float64 cases of C classes with random logits in
// shortest-form-hostile values (full 17-digit decimals), as the suite's are.
func benchCases(n, C int) []cases.Case {
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]cases.Case, n)
	for i := range cs {
		cs[i] = cases.Case{ID: "b/" + strconv.Itoa(i), DType: cases.Float64, Logits: make([]float64, C), H: make([]float64, C), Label: i % C}
		for j := 0; j < C; j++ {
			cs[i].Logits[j] = rng.NormFloat64() * 10
		}
		cs[i].H[i%C] = 1
	}
	return cs
}

// BenchmarkCommandEcho measures the protocol's overhead: a trivial Go echo
// program (this test binary) behind Command, C = 10, in round trips of
// DefaultCommandBatch cases (CaseBatch) and one case per round trip
// (Case). It reports cases/s.
//
//	go test ./impls -run '^$' -bench CommandEcho -benchtime 200000x
func BenchmarkCommandEcho(b *testing.B) {
	im := startChild(b, "echo", -1, CommandOptions{})
	cs := benchCases(DefaultCommandBatch, 10)
	b.Run("batch", func(b *testing.B) {
		start := time.Now()
		for done := 0; done < b.N; done += len(cs) {
			n := min(len(cs), b.N-done)
			if rs := im.CaseBatch(cs[:n]); rs[n-1].Err != "" {
				b.Fatal(rs[n-1].Err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
	})
	b.Run("single", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if r := im.Case(&cs[i%len(cs)]); r.Err != "" {
				b.Fatal(r.Err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
	})
}
