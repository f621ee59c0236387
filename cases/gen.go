package cases

import (
	"math"
	"math/rand/v2"
)

// limits are the dtype-dependent thresholds the generators aim at.
type limits struct {
	dt       DType
	max      float64 // largest finite value
	huge     float64 // about 0.9·max: x_j − m overflows between ±0.6·huge
	expOver  float64 // log(max): exp(x) overflows above
	expUnder float64 // log(least subnormal / 2): exp(x) rounds to 0 below
	minSub   float64 // least positive subnormal
}

var (
	// The thresholds are log(MaxFloat64) and log(2^−1075), and
	// log(MaxFloat32) and log(2^−150), rounded to float64 (Debian
	// python3-mpmath at 50 digits: 709.78271289338399673…,
	// −745.13321910194120762…, 88.722839052068353053…,
	// −103.97207708399179641…).
	lim64 = limits{Float64, math.MaxFloat64, 1.6e308, 709.782712893384, -745.1332191019412, 0x1p-1074}
	lim32 = limits{Float32, math.MaxFloat32, 3e38, 88.72283905206835, -103.97207708399179, 0x1p-149}
)

func limitsOf(dt DType) limits {
	if dt == Float32 {
		return lim32
	}
	return lim64
}

// gen draws every random number from r.Uint64 only: PCG's output is fixed by
// its definition, whereas math/rand/v2's derived methods (Float64, IntN,
// Shuffle) are free to change their algorithms, which would silently change
// every generated case and the committed baselines that depend on them.
// Arithmetic is correctly rounded single operations with explicit
// float64(...) conversions (no FMA fusion) and no transcendental functions,
// so the cases are the same bits on every architecture.
type gen struct {
	r *rand.Rand
	l limits
}

// u returns a uniform value in [0, 1) with 53 random bits.
func (g *gen) u() float64 { return float64(g.r.Uint64()>>11) * 0x1p-53 }

// uniform returns a value in [a, b] (b − a must not overflow).
func (g *gen) uniform(a, b float64) float64 { return a + float64((b-a)*g.u()) }

// intn returns a value in [0, n); the modulo bias is below 2^−40 for the n
// used here.
func (g *gen) intn(n int) int { return int(g.r.Uint64() % uint64(n)) }

// coin returns true with probability 1/2.
func (g *gen) coin() bool { return g.r.Uint64()>>63 == 1 }

// decades returns m·10^k with k uniform in [kLo, kHi) and m uniform in
// [1, 10): roughly log-uniform in [10^kLo, 10^kHi).
func (g *gen) decades(kLo, kHi int) float64 {
	k := kLo + g.intn(kHi-kLo)
	return float64(g.uniform(1, 10) * math.Pow10(k))
}

// fit rounds v to the dtype.
func (g *gen) fit(v float64) float64 {
	if g.l.dt == Float32 {
		return float64(float32(v))
	}
	return v
}

// ulpsUp returns v moved k ulps towards +Inf in the dtype.
func (g *gen) ulpsUp(v float64, k int) float64 {
	for ; k > 0; k-- {
		if g.l.dt == Float32 {
			v = float64(math.Nextafter32(float32(v), float32(math.Inf(1))))
		} else {
			v = math.Nextafter(v, math.Inf(1))
		}
	}
	return v
}

// smallCs are the class counts of the families that do not vary C on
// purpose: binary, small and mid-sized classifiers.
var smallCs = [...]int{2, 3, 4, 5, 8, 10, 16, 32, 100, 256}

func (g *gen) classes() int { return smallCs[g.intn(len(smallCs))] }

// uniformRow returns C values uniform in [a, b], rounded to the dtype.
func (g *gen) uniformRow(C int, a, b float64) []float64 {
	x := make([]float64, C)
	for j := range x {
		x[j] = g.fit(g.uniform(a, b))
	}
	return x
}

// distinct returns k distinct indices in [0, C) (k ≤ C), in random order.
func (g *gen) distinct(C, k int) []int {
	perm := make([]int, C)
	for j := range perm {
		perm[j] = j
	}
	for j := 0; j < k; j++ {
		s := j + g.intn(C-j)
		perm[j], perm[s] = perm[s], perm[j]
	}
	return perm[:k]
}

// oneHot returns the identity row e_label.
func oneHot(C, label int) []float64 {
	h := make([]float64, C)
	h[label] = 1
	return h
}

// probRow returns a probability row (entries in (0, 1), sum 1 up to
// rounding) with the most mass on label, over the classes where keep is
// true (all if keep is nil).
func (g *gen) probRow(C, label int, keep []bool) []float64 {
	w := make([]float64, C)
	var sum float64
	for j := range w {
		if keep != nil && !keep[j] {
			continue
		}
		w[j] = 0.01 + g.u()
		if j == label {
			w[j] += float64(C) / 2
		}
		sum += w[j]
	}
	for j := range w {
		w[j] = g.fit(w[j] / sum)
	}
	return w
}

// targetRow is the h of the logit families: one-hot two times in three
// (the common classifier), else a soft probability row (distillation,
// Caffe InfogainLoss with a normalised H).
func (g *gen) targetRow(C, label int) []float64 {
	if g.intn(3) < 2 {
		return oneHot(C, label)
	}
	return g.probRow(C, label, nil)
}
