package fused

// Accuracy bounds of Loss against the exact loss and gradient (docs/design.md §5,
// measured against ref over the case families of docs/design.md §7, see
// accuracy_test.go and the package README note).
const (
	// LossMaxULP bounds the loss error in ulps of the result type when
	// every h_j ≥ 0.
	LossMaxULP = 2
	// LossMaxScaled bounds the scaled loss error
	// |ΔL| / (u·Σ_j |h_j|(|m − x_j| + log1p(s))) for any h.
	LossMaxScaled = 2
	// GradMaxScaled bounds the componentwise scaled gradient error
	// |Δg_j| / (u·(p_j|S − h_j| + |h_j|q_j)) (with ulp's underflow floor).
	GradMaxScaled = 8
)

// Loss returns the softmax-with-infogain loss of the logits x for the row
// h = H[label,:],
//
//	L = −Σ_j h_j log p_j,  p = softmax(x),
//
// and writes its gradient g_j = ∂L/∂x_j = p_j·S − h_j (S = Σ_j h_j) into
// dst. It computes, with m = max x, k its first index and
// s = Σ_{j≠k} exp(x_j − m),
//
//	L = S·log1p(s) + Σ_j h_j (m − x_j)
//	g_j = p_j·(S − h_j) − h_j·q_j,  q_k = s/(1+s), q_j = 1 − p_j (j ≠ k)
//
// Special cases are:
//
//	Loss(dst, x, h) = NaN, dst all NaN, if some x_j is NaN or +Inf
//	Loss(dst, x, h) = NaN, dst all NaN, if every x_j is −Inf
//	a −Inf logit has p_j = 0 and g_j = −h_j; it adds 0 to L when h_j = 0,
//	    +Inf when h_j > 0, −Inf when h_j < 0 (+Inf and −Inf give NaN)
//	L = ±Inf (or a gradient ±Inf) only when the exact value rounds there:
//	    no intermediate overflows spuriously (for h ≥ 0, x − m and the loss
//	    terms are rescaled by powers of two; signed, huge or tiny h take an
//	    exact path where S and Σ_j h_j (m − x_j) are summed without rounding;
//	    a value within the accuracy bounds of the overflow threshold
//	    MaxFloat64 + ulp/2 may still round to the other side of it)
//
// Each row takes one of three paths, chosen by the router of route.go
// (where every condition stands next to the error argument behind it): the
// fast path (lane loops, vectorized with GOEXPERIMENT=simd), the scalar
// slow path (non-finite logits, wide rows, signed h; power-of-two
// rescaling, tens of ns per element) and the exact path (big.Float sums,
// hundreds of ns per element, allocating) for the rare rows that need it.
//
// Accuracy: against the exact values, the loss is within LossMaxULP ulps
// when every h_j ≥ 0, its scaled error is at most LossMaxScaled for any h,
// and every gradient component's scaled error is at most GradMaxScaled
// (measured; see the constants). Float32 inputs are computed in float64 and
// rounded once.
//
// Loss panics if len(x) = 0 or len(h) or len(dst) differ from len(x).
func Loss[T float32 | float64](dst, x, h []T) T {
	if len(x) == 0 {
		panic("fused: Loss: no logits")
	}
	if len(h) != len(x) || len(dst) != len(x) {
		panic("fused: Loss: len(dst), len(x), len(h) differ")
	}
	switch dst := any(dst).(type) {
	case []float64:
		return T(loss64(dst, any(x).([]float64), any(h).([]float64)))
	case []float32:
		return T(loss32(dst, any(x).([]float32), any(h).([]float32)))
	}
	panic("unreachable")
}

// loss64 runs pass 1 (lanes), then the path route64 chooses.
func loss64(dst, x, h []float64) float64 {
	sc := scanRow64(x, h)
	if fast64OK(&sc, len(x)) {
		return fast64(dst, x, h, &sc)
	}
	return scalar64(dst, x, h)
}

// scalar64 is a float64 row off the fast path: the scalar facts of
// routeScalar64 choose NaN, exact64 or slow64, and a computed slow64 loss
// near the overflow threshold is redone by exact64.
func scalar64(dst, x, h []float64) float64 {
	var f scalarFacts
	switch routeScalar64(x, h, &f) {
	case pathNaN:
		return fillNaN(dst)
	case pathExact:
		return exact64(dst, x, h)
	}
	l, set := slow64(dst, x, h, &f)
	if !set && nearOverflow64(l) {
		return exact64(dst, x, h)
	}
	return l
}

// loss32 runs the path route32 chooses.
func loss32(dst, x, h []float32) float32 {
	var f facts32
	switch route32(x, h, &f) {
	case pathExact:
		return exact32(dst, x, h)
	case pathWide:
		return wide32(dst, x, h)
	}
	l := fast32(dst, x, h, &f)
	if nearOverflow32(l) {
		return exact32(dst, x, h)
	}
	return float32(l)
}
