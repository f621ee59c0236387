package reports

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/infogain-dev/infogain/cases"
)

// GridFamily names the spread × C sweep that reports adds to the case
// families: logits spread uniformly over [0, spread] for spreads 10^-2 …
// 10^8 (half-decade steps) and C ∈ {2, 10, 100, 1000}, the label on the
// largest logit or off it, h one-hot or label-smoothed (ε = 0.1). It makes
// the "bits of error vs logit spread" and "vs C" plots dense and monotone in
// the regime every implementation meets in practice.
const GridFamily = "spread-grid"

// gridSmoothing is the label-smoothing ε of the smoothed rows of the grid
// (PyTorch's convention: h = (1−ε)·e_l + ε/C).
const gridSmoothing = 0.1

// gridSpreads returns the spreads 10^(k/2), k = −4 … 16.
func gridSpreads() []float64 {
	var s []float64
	for k := -4; k <= 16; k++ {
		s = append(s, math.Pow(10, float64(k)/2))
	}
	return s
}

var gridClasses = []int{2, 10, 100, 1000}

// gridCases returns the grid's cases for one dtype, reps per (spread, C)
// point, deterministic in seed.
func gridCases(seed uint64, dt cases.DType, reps int) []cases.Case {
	stream := uint64(1)
	if dt == cases.Float32 {
		stream = 2
	}
	rng := rand.New(rand.NewPCG(seed, stream))
	round := func(v float64) float64 {
		if dt == cases.Float32 {
			return float64(float32(v))
		}
		return v
	}
	var out []cases.Case
	for _, spread := range gridSpreads() {
		for _, c := range gridClasses {
			for rep := 0; rep < reps; rep++ {
				x := make([]float64, c)
				// One logit at each end fixes the spread exactly; the rest
				// are uniform in between, positions shuffled.
				x[0], x[1] = 0, round(spread)
				for j := 2; j < c; j++ {
					x[j] = round(spread * rng.Float64())
				}
				rng.Shuffle(c, func(i, j int) { x[i], x[j] = x[j], x[i] })
				top := 0
				for j, v := range x {
					if v > x[top] {
						top = j
					}
				}
				label := top
				if rng.IntN(2) == 1 {
					label = (top + 1 + rng.IntN(c-1)) % c
				}
				h := make([]float64, c)
				if rng.IntN(2) == 0 {
					h[label] = 1
				} else {
					for j := range h {
						h[j] = round(gridSmoothing / float64(c))
					}
					h[label] = round(1 - gridSmoothing + gridSmoothing/float64(c))
				}
				out = append(out, cases.Case{
					ID:     fmt.Sprintf("%s/%s/%04d", GridFamily, dt, len(out)),
					Family: GridFamily,
					DType:  dt,
					Logits: x,
					H:      h,
					Label:  label,
				})
			}
		}
	}
	return out
}
