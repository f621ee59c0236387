package cases

import "math"

// A Seed is a named hand-picked case with the reason it is hard: the
// commented case table shared by unit tests and fuzz seeds.
type Seed struct {
	Name string // stable; the case's ID is "seed/" + Name
	Why  string
	Case Case
}

var (
	inf  = math.Inf(1)
	ninf = math.Inf(-1)
	nan  = math.NaN()
)

// seedRow builds a Seed; its case gets ID "seed/name" and family "seed".
func seedRow(name string, dt DType, logits, h []float64, label int, why string) Seed {
	return Seed{Name: name, Why: why, Case: Case{
		ID: "seed/" + name, Family: "seed", DType: dt,
		Logits: logits, H: h, Label: label,
	}}
}

// Seeds returns the seed table, in a stable order. Every case is valid
// (Case.Validate); expected results are the business of the reference.
// Numbers quoted in the reasons were computed with Debian python3-mpmath at
// 50 digits.
func Seeds() []Seed {
	return []Seed{
		seedRow("dominant-37", Float64, []float64{37.42994775023705, 0}, []float64{1, 0}, 0,
			"exp(−37.42994775023705) = 5.5511151231257644e-17 ≈ 2^−54, so p_0 = 1/(1+2^−54) rounds to 1: "+
				"g = [−5.55e-17, 5.55e-17], but a gradient through 1 − p_0 gives g_0 = 0 (docs/design.md §3.3)."),
		seedRow("f32-1e8-x3", Float32, []float64{1e8, 1e8, 1e8}, []float64{1, 0, 0}, 0,
			"Loss log 3 = 1.0986123; LSE(x) − x_l formed at the logits' scale gives 0 in float32, where "+
				"the ulp of 1e8 is 8 (pytorch/pytorch#11752 with two classes)."),
		seedRow("f64-1e16-x3", Float64, []float64{1e16, 1e16, 1e16}, []float64{1, 0, 0}, 0,
			"Loss log 3; LSE(x) = 1e16 + 1.0986 rounds to 1e16 + 2 (ulp 2), so LSE − x_l gives 2 (docs/design.md §3.1)."),
		seedRow("masked-neginf", Float64, []float64{ninf, 0}, []float64{0, 1}, 1,
			"Loss 0 and g = [0, 0]: the −Inf logit has h = 0 and must contribute nothing; "+
				"h·log p gives 0·(−Inf) = NaN (google-deepmind/optax#896)."),
		seedRow("huge-opposite-label-min", Float64, []float64{1.6e308, -1.6e308}, []float64{0, 1}, 1,
			"x_1 − m = −3.2e308 overflows to −Inf; the exact loss 3.2e308 overflows too (+Inf is its "+
				"correct rounding) but g = [1, −1] is finite and must be."),
		seedRow("huge-opposite-label-max", Float64, []float64{1.6e308, -1.6e308}, []float64{1, 0}, 0,
			"Loss log1p(exp(−3.2e308)) rounds to 0 and g to [−0, +0]; overflow of x_1 − m must not make "+
				"them NaN (docs/design.md §3.4)."),
		seedRow("h-sum-overflow", Float64, []float64{0, 0}, []float64{1e308, 1e308}, 0,
			"S = 2e308 overflows, yet the loss 2e308·log 2 = 1.3862943611198906e308 is finite and "+
				"g = p·S − h = [0, 0] exactly; forming S first gives Inf − 1e308 (docs/design.md §3.4)."),
		seedRow("f32-h-sum-overflow", Float32, []float64{0, 0}, []float64{float64(float32(2e38)), float64(float32(2e38))}, 0,
			"As h-sum-overflow in float32: S = 4e38 overflows float32, the loss 4e38·log 2 = 2.77e38 "+
				"and g = [0, 0] do not."),
		seedRow("clamp-100", Float64, []float64{0, 100}, []float64{1, 0}, 0,
			"Loss 100 + log1p(e^−100) = 100 to double precision; p_0 = e^−100 = 3.7e-44 is below "+
				"Caffe's 1e-20 clamp, so the naive loss is −log(1e-20) = 46.05 (BVLC/caffe#3855)."),
		seedRow("f32-underflow-104", Float32, []float64{0, -104}, []float64{0, 1}, 1,
			"exp(−104) underflows to 0 in float32 (threshold −103.97): a separate float32 softmax gives "+
				"p_1 = 0 and the clamped loss 46.05 instead of 104."),
		seedRow("zero-row-wide", Float64, []float64{0, -1000}, []float64{0, 0}, 1,
			"h = 0: loss and g are exactly 0 although p_1 underflows, so h·log p = 0·(−Inf) "+
				"(tensorflow/tensorflow#2327)."),
		seedRow("signed-row-S0", Float64, []float64{0, 1, 2}, []float64{1, -0.5, -0.5}, 0,
			"Mixed signs with S = 0 exactly: g = −h exactly, and the loss is a difference of terms "+
				"of both signs (docs/design.md §5, scaled loss error)."),
		seedRow("subnormal-pair", Float64, []float64{0x1p-1074, 0}, []float64{1, 0}, 0,
			"Logits one subnormal ulp apart: loss log 2 and g = [−0.5, 0.5] to within an ulp; "+
				"x_j − m is the least subnormal, exp rounds it to 1."),
		seedRow("single-class", Float64, []float64{3}, []float64{2}, 0,
			"C = 1: p = [1], loss 0, g = p·S − h = [0] for any h; a C − 1 or log(s) with s = 0 "+
				"must not divide by zero."),
		seedRow("nan-logit", Float64, []float64{0, nan}, []float64{1, 0}, 0,
			"A NaN logit gives NaN loss and gradient (docs/design.md §7), not an error and not a number."),
		seedRow("posinf-logit", Float64, []float64{0, inf}, []float64{0, 1}, 1,
			"A +Inf logit gives NaN (docs/design.md §7); x − m is Inf − Inf there (pytorch/pytorch#6864)."),
		seedRow("all-neginf", Float64, []float64{ninf, ninf}, []float64{1, 0}, 0,
			"All logits −Inf: softmax is undefined, the result is NaN (docs/design.md §7)."),
		seedRow("neginf-under-label", Float64, []float64{ninf, 0}, []float64{1, 0}, 0,
			"h > 0 on a −Inf logit: loss +Inf, g = [−1, 1] (g_j = −h_j there, docs/design.md §7)."),
		seedRow("h-weight-S", Float64, []float64{1, 2, 3}, []float64{0, 0, 5}, 2,
			"Class weight 5: S = 5, so g = 5p − h; the `softmax − labels` gradient is off by 4p "+
				"(kvark/meganeura#102)."),
		seedRow("tie-max", Float64, []float64{2, 2, -1}, []float64{0, 1, 0}, 1,
			"Two tied maxima: k is the first (class 0), the label sits on the second; "+
				"p_0 = p_1 and q_k = s/(1+s) with s > 1 (docs/design.md §3.3)."),
	}
}

// SeedCases returns the cases of Seeds in the same order.
func SeedCases() []Case {
	ss := Seeds()
	cs := make([]Case, len(ss))
	for i, s := range ss {
		cs[i] = s.Case
	}
	return cs
}
