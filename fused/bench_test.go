package fused_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/fused"
)

// benchShapes are the (N, C) shapes of the issue, timed against PyTorch by
// scripts/bench_peers.py.
var benchShapes = []struct {
	n, c int
	why  string
}{
	{256, 1000, "ImageNet-sized classifier batch"},
	{4096, 10, "many tiny rows: per-row overhead dominates"},
	{64, 32000, "LLM-vocabulary rows: exp throughput dominates"},
}

// benchData returns N rows of logits uniform in [−8, 8] and soft targets
// (each row of h a probability vector), the inputs of PyTorch's soft-target
// cross_entropy in the peer script.
func benchData(n, c int) (x, h []float64) {
	r := rand.New(rand.NewPCG(1, 2))
	x = make([]float64, n*c)
	h = make([]float64, n*c)
	for i := 0; i < n; i++ {
		sum := 0.0
		for j := 0; j < c; j++ {
			x[i*c+j] = 16*r.Float64() - 8
			h[i*c+j] = r.Float64()
			sum += h[i*c+j]
		}
		for j := 0; j < c; j++ {
			h[i*c+j] /= sum
		}
	}
	return
}

// BenchmarkFwdBwd times forward and backward (loss and gradient) of every
// row, soft targets per row, through the batch API LossRows (bit for bit
// N calls of Loss); ns/elem is the wall time per logit, cpu-ns/elem the
// CPU time.
func BenchmarkFwdBwd(b *testing.B) {
	for _, s := range benchShapes {
		x, h := benchData(s.n, s.c)
		b.Run(fmt.Sprintf("float64/N=%d/C=%d", s.n, s.c), func(b *testing.B) {
			benchRows(b, x, h, s.n, s.c)
		})
		b.Run(fmt.Sprintf("float32/N=%d/C=%d", s.n, s.c), func(b *testing.B) {
			benchRows(b, narrow(x), narrow(h), s.n, s.c)
		})
	}
}

func benchRows[T float32 | float64](b *testing.B, x, h []T, n, c int) {
	g := make([]T, len(x))
	loss := make([]T, n)
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		fused.LossRows(loss, g, x, h, c)
	}
	reportPerElem(b, cpu, n*c)
}

// cpuTime is the CPU time (user + system) of the process so far. On a
// shared, overloaded machine the wall time of a benchmark measures the
// scheduler; the CPU time per element (cpu-ns/elem) measures the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerElem reports the wall and CPU time per element (logit) of a
// benchmark whose CPU time at its start was cpu0.
func reportPerElem(b *testing.B, cpu0 time.Duration, elems int) {
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(elems), "ns/elem")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(elems), "cpu-ns/elem")
}

// BenchmarkBatchLoss times the Caffe batch fast path (one C×C matrix H,
// integer labels, VALID normalization) where H fits in memory.
func BenchmarkBatchLoss(b *testing.B) {
	for _, s := range benchShapes[:2] {
		x, _ := benchData(s.n, s.c)
		H := make([]float64, s.c*s.c)
		for j := 0; j < s.c; j++ {
			H[j*s.c+j] = 1
		}
		labels := make([]int, s.n)
		for i := range labels {
			labels[i] = i % s.c
		}
		opt := fused.BatchOptions{Normalization: fused.NormValid, LossWeight: 1}
		b.Run(fmt.Sprintf("float64/N=%d/C=%d", s.n, s.c), func(b *testing.B) {
			g := make([]float64, len(x))
			for b.Loop() {
				fused.BatchLoss(g, x, labels, H, s.n, s.c, 1, opt)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.n*s.c), "ns/elem")
		})
		x32, H32 := narrow(x), narrow(H)
		b.Run(fmt.Sprintf("float32/N=%d/C=%d", s.n, s.c), func(b *testing.B) {
			g := make([]float32, len(x))
			for b.Loop() {
				fused.BatchLoss(g, x32, labels, H32, s.n, s.c, 1, opt)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.n*s.c), "ns/elem")
		})
	}
}

func narrow(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// BenchmarkRowOverhead times the per-row fixed cost at small C (lane
// reductions, log1p, 1/(1+s), the scalar tail of C mod 8 elements) that
// bounds the (4096, 10) shape: "float64/C=…" is one Loss call per op,
// "rows/float64/C=…" 64 rows through LossRows per op (tiled with
// GOEXPERIMENT=simd); both report CPU ns per row (cpu-ns/row).
func BenchmarkRowOverhead(b *testing.B) {
	for _, c := range []int{1, 2, 8, 10, 16, 64} {
		x, h := benchData(1, c)
		b.Run(fmt.Sprintf("float64/C=%d", c), func(b *testing.B) {
			g := make([]float64, c)
			cpu := cpuTime()
			for b.Loop() {
				fused.Loss(g, x, h)
			}
			reportPerRow(b, cpu, 1)
		})
		x32, h32 := narrow(x), narrow(h)
		b.Run(fmt.Sprintf("float32/C=%d", c), func(b *testing.B) {
			g := make([]float32, c)
			cpu := cpuTime()
			for b.Loop() {
				fused.Loss(g, x32, h32)
			}
			reportPerRow(b, cpu, 1)
		})
	}
	const n = 64
	for _, c := range []int{1, 2, 8, 10, 16, 64} {
		x, h := benchData(n, c)
		b.Run(fmt.Sprintf("rows/float64/C=%d", c), func(b *testing.B) {
			g, l := make([]float64, n*c), make([]float64, n)
			cpu := cpuTime()
			for b.Loop() {
				fused.LossRows(l, g, x, h, c)
			}
			reportPerRow(b, cpu, n)
		})
		x32, h32 := narrow(x), narrow(h)
		b.Run(fmt.Sprintf("rows/float32/C=%d", c), func(b *testing.B) {
			g, l := make([]float32, n*c), make([]float32, n)
			cpu := cpuTime()
			for b.Loop() {
				fused.LossRows(l, g, x32, h32, c)
			}
			reportPerRow(b, cpu, n)
		})
	}
}

// reportPerRow reports the CPU time per row of a benchmark of rows rows per
// op whose CPU time at its start was cpu0.
func reportPerRow(b *testing.B, cpu0 time.Duration, rows int) {
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
}

// BenchmarkExactPath times rows that take the exact path (exact.go), next
// to the same rows on the fast path: the soft targets of BenchmarkFwdBwd
// ("fast"), with h_0 += 1e10 and h_1 −= 1e10 (signed h whose S cancels),
// and with h_1 negated and the last logit −Inf, masked by h_j = 0 (signed h
// on a row the fast path does not take). ns/elem is the time per logit.
func BenchmarkExactPath(b *testing.B) {
	const n = 16
	for _, c := range []int{10, 1000} {
		x, h := benchData(n, c)
		hc := append([]float64(nil), h...)
		xm := append([]float64(nil), x...)
		hm := append([]float64(nil), h...)
		for i := 0; i < n; i++ {
			hc[i*c] += 1e10
			hc[i*c+1] -= 1e10
			hm[i*c+1] = -hm[i*c+1]
			xm[i*c+c-1], hm[i*c+c-1] = math.Inf(-1), 0
		}
		for _, v := range []struct {
			name string
			x, h []float64
		}{{"fast", x, h}, {"cancelling", x, hc}, {"masked-signed", xm, hm}} {
			b.Run(fmt.Sprintf("%s/float64/N=%d/C=%d", v.name, n, c), func(b *testing.B) {
				benchRows(b, v.x, v.h, n, c)
			})
		}
	}
}
