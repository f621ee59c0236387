package reports

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

var nan = math.NaN()

func TestSpread(t *testing.T) {
	tests := []struct {
		why  string
		x    []float64
		want float64
	}{
		{"one logit has no spread", []float64{3}, 0},
		{"plain range", []float64{-1, 4, 2}, 5},
		{"−Inf and NaN logits are left out", []float64{math.Inf(-1), 1, nan, 3}, 2},
		{"an overflowing difference saturates", []float64{-math.MaxFloat64, math.MaxFloat64}, math.MaxFloat64},
	}
	for _, tt := range tests {
		if got := spread(tt.x); got != tt.want {
			t.Errorf("%s: spread(%v) = %v, want %v", tt.why, tt.x, got, tt.want)
		}
	}
}

func TestQuantiles(t *testing.T) {
	tests := []struct {
		why  string
		v    []float64
		want Quantiles
	}{
		{"empty", nil, Quantiles{}},
		{"one value is every quantile", []float64{3}, Quantiles{3, 3, 3}},
		// Nearest rank: the median of 4 values is the 2nd, p99 the 4th.
		{"nearest rank, never interpolated", []float64{4, 1, 3, 2}, Quantiles{4, 2, 4}},
		// 100 values 1..100: median rank 50, p99 rank 99.
		{"p99 of 100 values is the 99th", seq(100), Quantiles{100, 50, 99}},
	}
	for _, tt := range tests {
		if got := quantiles(tt.v); got != tt.want {
			t.Errorf("%s: quantiles = %+v, want %+v", tt.why, got, tt.want)
		}
	}
}

func seq(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[n-1-i] = float64(i + 1)
	}
	return v
}

// TestGridCases: the grid's cases are valid input, float32 ones exact, and
// each carries the spread it was made for.
func TestGridCases(t *testing.T) {
	for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
		cs := gridCases(DefaultSeed, dt, 2)
		if want := len(gridSpreads()) * len(gridClasses) * 2; len(cs) != want {
			t.Fatalf("%s: %d cases, want %d", dt, len(cs), want)
		}
		for i := range cs {
			c := &cs[i]
			if err := c.Validate(); err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			spreadWant := gridSpreads()[i/(len(gridClasses)*2)]
			if dt == cases.Float32 {
				spreadWant = float64(float32(spreadWant))
			}
			if got := spread(c.Logits); got != spreadWant {
				t.Errorf("%s: spread %v, want %v", c.ID, got, spreadWant)
			}
		}
		again := gridCases(DefaultSeed, dt, 2)
		for i := range cs {
			if cs[i].Label != again[i].Label || !equalBits(cs[i].Logits, again[i].Logits) || !equalBits(cs[i].H, again[i].H) {
				t.Fatalf("%s differs between two calls with the same seed", cs[i].ID)
			}
		}
	}
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
