package ulp_test

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/ulp"
)

// properties returns a gopter battery with the fixed seed (or the -ulp.seed
// one) and prints the seed and the replay command when the test fails.
func properties(t *testing.T) *gopter.Properties {
	seed := ulp.RunSeed(t)
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = 3000
	if testing.Short() {
		params.MinSuccessfulTests = 300
	}
	return gopter.NewProperties(params)
}

// anyFloat64 draws from the whole bit space (every NaN payload, both
// infinities, subnormals), from the named edges, from the few hundred
// values around zero, and from ordinary numbers.
func anyFloat64() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 3, Gen: gen.UInt64().Map(math.Float64frombits)},
		{Weight: 2, Gen: gen.OneConstOf(0.0, negZ, minSub64, -minSub64, maxSub64, -maxSub64, minNormal64, -minNormal64,
			math.MaxFloat64, -math.MaxFloat64, inf, -inf, nan, negNaN, 1.0, -1.0)},
		{Weight: 2, Gen: gen.Int64Range(-300, 300).Map(func(k int64) float64 { return float64(k) * minSub64 })},
		{Weight: 2, Gen: gen.Float64Range(-10, 10)},
	})
}

func anyFloat32() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 3, Gen: gen.UInt32().Map(math.Float32frombits)},
		{Weight: 2, Gen: gen.OneConstOf(float32(0), float32(negZ), float32(minSub32), float32(-minSub32), float32(maxSub32),
			float32(minNormal32), float32(math.MaxFloat32), float32(-math.MaxFloat32),
			float32(inf), float32(-inf), float32(nan), float32(1))},
		{Weight: 2, Gen: gen.Int32Range(-300, 300).Map(func(k int32) float32 { return float32(k) * minSub32 })},
		{Weight: 2, Gen: gen.Float32Range(-10, 10)},
	})
}

func TestDistProperties(t *testing.T) {
	props := properties(t)
	props.Property("Dist64 is symmetric, and zero exactly for equal values or two NaNs", prop.ForAll(
		func(a, b float64) string {
			d := ulp.Dist64(a, b)
			if d != ulp.Dist64(b, a) {
				return "not symmetric"
			}
			same := a == b || (math.IsNaN(a) && math.IsNaN(b))
			if (d == 0) != same {
				return "zero distance does not mean equal"
			}
			if (d == ulp.MaxDist) != (math.IsNaN(a) != math.IsNaN(b)) {
				return "MaxDist is for NaN vs number only"
			}
			return ""
		}, anyFloat64(), anyFloat64()))
	props.Property("Dist64 from a to its next float64 is 1", prop.ForAll(
		func(a float64) bool {
			if math.IsNaN(a) || math.IsInf(a, 1) {
				return true
			}
			return ulp.Dist64(a, math.Nextafter(a, inf)) == 1
		}, anyFloat64()))
	props.Property("Dist64 counts the Nextafter steps, across zero and binades", prop.ForAll(
		func(a float64, n int) string {
			if math.IsNaN(a) {
				return ""
			}
			b, steps := a, 0
			for ; steps < n && !math.IsInf(b, 1); steps++ {
				b = math.Nextafter(b, inf)
				if b == 0 {
					b = 0 // Nextafter(−η, +Inf) is −0; ±0 is one value, one step
				}
			}
			if d := ulp.Dist64(a, b); d != uint64(steps) {
				return "distance differs from the step count"
			}
			return ""
		}, anyFloat64(), gen.IntRange(0, 300)))
	props.Property("Dist64 adds up along a monotone sequence", prop.ForAll(
		func(a, b, c float64) string {
			if math.IsNaN(a) || math.IsNaN(b) || math.IsNaN(c) {
				return ""
			}
			v := []float64{a, b, c}
			sort.Float64s(v)
			if ulp.Dist64(v[0], v[2]) != ulp.Dist64(v[0], v[1])+ulp.Dist64(v[1], v[2]) {
				return "d(a,c) ≠ d(a,b) + d(b,c)"
			}
			return ""
		}, anyFloat64(), anyFloat64(), anyFloat64()))
	props.Property("Dist32 is symmetric, steps by Nextafter32, adds up", prop.ForAll(
		func(a, b, c float32) string {
			if ulp.Dist32(a, b) != ulp.Dist32(b, a) {
				return "not symmetric"
			}
			if a != a || b != b || c != c {
				return ""
			}
			if a < float32(inf) && ulp.Dist32(a, math.Nextafter32(a, float32(inf))) != 1 {
				return "next float32 is not 1 away"
			}
			v := []float64{float64(a), float64(b), float64(c)}
			sort.Float64s(v)
			x, y, z := float32(v[0]), float32(v[1]), float32(v[2])
			if ulp.Dist32(x, z) != ulp.Dist32(x, y)+ulp.Dist32(y, z) {
				return "d(a,c) ≠ d(a,b) + d(b,c)"
			}
			if ulp.Dist(float64(a), float64(b), true) != ulp.Dist32(a, b) {
				return "Dist(…, true) ≠ Dist32"
			}
			return ""
		}, anyFloat32(), anyFloat32(), anyFloat32()))
	props.TestingRun(t)
}

// TestScaledProperties: contracts of the scaled metrics over inputs full of
// special values, and agreement with the plain float64 formulas where
// those are accurate (moderate logits, h in [½, 1]: no overflow, no
// cancellation, p_j < 0.998).
func TestScaledProperties(t *testing.T) {
	props := properties(t)
	vec := func(g gopter.Gen) gopter.Gen { return gen.SliceOfN(4, g) }
	props.Property("scaled metrics are never NaN, never negative, symmetric in got and want", prop.ForAll(
		func(got, want, x, h []float64, dt32 bool) string {
			u := ulp.U64
			if dt32 {
				u = ulp.U32
			}
			l := ulp.LossScaled(got[0], want[0], x, h, u)
			if !(l >= 0) || l != ulp.LossScaled(want[0], got[0], x, h, u) {
				return "LossScaled NaN, negative or asymmetric"
			}
			e1 := ulp.GradScaledEach(make([]float64, 4), got, want, x, h, u)
			e2 := ulp.GradScaledEach(make([]float64, 4), want, got, x, h, u)
			for j := range e1 {
				if !(e1[j] >= 0) || e1[j] != e2[j] {
					return "GradScaledEach NaN, negative or asymmetric"
				}
			}
			if n := ulp.GradNormwise(got, want); !(n >= 0) {
				return "GradNormwise NaN or negative"
			}
			return ""
		}, vec(anyFloat64()), vec(anyFloat64()), vec(anyFloat64()), vec(anyFloat64()), gen.Bool()))
	props.Property("finite got and want with finite inputs give a finite score", prop.ForAll(
		func(got, want, x, h []float64) string {
			for _, v := range [][]float64{got, want, x, h} {
				for _, e := range v {
					if math.IsNaN(e) || math.IsInf(e, 0) {
						return ""
					}
				}
			}
			if l := ulp.LossScaled(got[0], want[0], x, h, ulp.U64); math.IsInf(l, 0) {
				return "LossScaled infinite"
			}
			if w, _ := ulp.GradScaled(got, want, x, h, ulp.U64); math.IsInf(w, 0) {
				return "GradScaled infinite"
			}
			if n := ulp.GradNormwise(got, want); math.IsInf(n, 0) {
				return "GradNormwise infinite"
			}
			return ""
		}, vec(anyFloat64()), vec(anyFloat64()), vec(anyFloat64()), vec(anyFloat64())))
	props.Property("moderate cases agree with the plain float64 formulas", prop.ForAll(
		func(x, h []float64, k int) string {
			want := 1.25
			got := want + float64(k)*0x1p-52 // exact difference k·2^-52
			m, kk := x[0], 0
			for j, v := range x {
				if v > m {
					m, kk = v, j
				}
			}
			z, s, sumH := 0.0, 0.0, 0.0
			for j, v := range x {
				z += math.Exp(v - m)
				if j != kk {
					s += math.Exp(v - m)
				}
				sumH += h[j]
			}
			d := 0.0
			for j, v := range x {
				d += h[j] * (m - v + math.Log1p(s))
			}
			if sc := ulp.LossScaled(got, want, x, h, ulp.U64); !closeScore(sc, math.Abs(got-want)/(ulp.U64*d)) {
				return "loss score differs from the plain formula"
			}
			gotG, wantG := make([]float64, len(x)), make([]float64, len(x))
			for j := range x {
				gotG[j], wantG[j] = got, want
			}
			each := ulp.GradScaledEach(make([]float64, len(x)), gotG, wantG, x, h, ulp.U64)
			for j, v := range x {
				p := math.Exp(v-m) / z
				g := p*(sumH-h[j]) + h[j]*(1-p)
				if !closeScore(each[j], math.Abs(got-want)/(ulp.U64*g)) {
					return "gradient score differs from the plain formula"
				}
			}
			return ""
		}, gen.SliceOfN(6, gen.Float64Range(-3, 3)), gen.SliceOfN(6, gen.Float64Range(0.5, 1)), gen.IntRange(-5, 5)))
	props.TestingRun(t)
}

// TestScaledMonotone: moving got away from want never lowers a score.
func TestScaledMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(ulp.RunSeed(t)), 1))
	for range 2000 {
		x := []float64{rng.NormFloat64() * 30, rng.NormFloat64() * 30, rng.NormFloat64()}
		h := []float64{rng.Float64() - 0.3, rng.Float64(), 0}
		want := rng.NormFloat64()
		near := math.Nextafter(want, inf)
		far := math.Nextafter(near, inf)
		if a, b := ulp.LossScaled(near, want, x, h, ulp.U64), ulp.LossScaled(far, want, x, h, ulp.U64); !(a < b) {
			t.Fatalf("LossScaled not increasing: %v then %v (x=%v h=%v want=%v)", a, b, x, h, want)
		}
	}
}
