package ref

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
)

var seedFlag = flag.Uint64("ref.seed", 1, "seed of the random rows (fixed by default; pass another to explore)")

var (
	inf     = math.Inf(1)
	nan     = math.NaN()
	negZero = math.Copysign(0, -1)
)

// TestEvalSpecial: the non-finite semantics of docs/design.md §7 and exact
// results, compared bit for bit (NaN equal to NaN, ±0 distinct).
func TestEvalSpecial(t *testing.T) {
	for _, c := range []struct {
		x, h []float64
		loss float64
		grad []float64
		kind Kind
		why  string
	}{
		{[]float64{1, nan}, []float64{1, 0}, nan, []float64{nan, nan}, Exact, "a NaN logit: all NaN"},
		{[]float64{inf, 0}, []float64{0, 1}, nan, []float64{nan, nan}, Exact, "a +Inf logit: all NaN"},
		{[]float64{-inf, -inf}, []float64{1, 0}, nan, []float64{nan, nan}, Exact, "all −Inf: all NaN"},
		{[]float64{0, -inf}, []float64{1, 0}, 0, []float64{0, 0}, Exact, "masked class with h = 0: p = (1, 0), g = (1·1 − 1, 0 − 0)"},
		{[]float64{0, -inf}, []float64{1, 2}, inf, []float64{2, -2}, Exact, "h > 0 on −Inf: L = +Inf, g_1 = −h_1, g_0 = 1·3 − 1"},
		{[]float64{0, -inf}, []float64{1, -2}, math.Inf(-1), []float64{-2, 2}, Exact, "h < 0 on −Inf: L = −Inf"},
		{[]float64{0, -inf, -inf}, []float64{1, -2, 2}, nan, []float64{0, 2, -2}, Exact, "both signs on −Inf: L = NaN, g finite"},
		{[]float64{5}, []float64{3}, 0, []float64{0}, Exact, "C = 1: p = 1, L = 0, g = 3 − 3 = +0"},
		{[]float64{5}, []float64{-3}, 0, []float64{0}, Exact, "C = 1, h < 0: the exact zeros are +0, not −0"},
		{[]float64{negZero, 0}, []float64{1, 0}, math.Ln2, []float64{-0.5, 0.5}, Rounded, "−0 and +0 tie: p = ½, L = log 2 (math.Ln2 is its rounding)"},
		{[]float64{2, 2}, []float64{1, 1}, 2 * math.Ln2, []float64{0, 0}, Rounded, "uniform: g = S/2 − h = 0 exactly, L = 2 log 2"},
		{[]float64{0, 0}, []float64{-1, 1 + 0x1p-52}, 0x1p-52 * math.Ln2, []float64{1, -1}, Rounded,
			"g_0 = S/2 − h_0 = 1 + 2^−53 exactly: a tie, to even (1)"},
		{[]float64{0, -(1 + 0x1p-52)}, []float64{-3, 3}, 3 + 0x1p-50, []float64{3, -3}, Rounded,
			"S = 0: L = A = 3·(1 + 2^−52) = 3 + 1.5·2^−51, a tie between 3 + 2^−51 and 3 + 2^−50, to even; g = −h exactly"},
		{[]float64{1, 2, 3}, []float64{0, 0, 0}, 0, []float64{0, 0, 0}, Exact, "zero row: all +0"},
		{[]float64{37.42994775023705, 0}, []float64{1, 0}, 5.551115123125776e-17, []float64{-5.551115123125776e-17, 5.551115123125776e-17}, Rounded,
			"the tail gradient of docs/design.md §3 (values from the mpmath table, its dominant/float64 row)"},
		{[]float64{2000, 0}, []float64{1, 0}, 0, []float64{negZero, 0}, Rounded, "e^−2000 is below every subnormal: L → +0, g_0 = −q_0 → −0, g_1 = p_1 → +0"},
		{[]float64{2000, 0}, []float64{-1, 0}, negZero, []float64{0, negZero}, Rounded, "same with S < 0: the zeros take the signs"},
		{[]float64{1.6e308, -1.6e308}, []float64{0, 1}, inf, []float64{1, -1}, Rounded, "x − m overflows float64: L = 3.2e308 rounds to +Inf"},
		{[]float64{0, 0}, []float64{1.5e308, 1.5e308}, inf, []float64{0, 0}, Rounded, "S = 3e308 overflows float64 yet g = S/2 − h is exactly 0; L = S·log 2 = 2.08e308 rounds to +Inf"},
		{[]float64{0, 0}, []float64{1e308, 1e308}, 2e308 * math.Ln2, []float64{0, 0}, Rounded, "S = 2e308 overflows, L = 1.386e308 does not"},
	} {
		g := make([]float64, len(c.x))
		loss, cert := Eval64(g, c.x, c.h)
		bad := !sameOutput(loss, c.loss) || cert.Kind != c.kind
		for j := range g {
			bad = bad || !sameOutput(g[j], c.grad[j])
		}
		if bad {
			t.Errorf("Eval64(%v, %v) = %v %v (%v), want %v %v (%v): %s", c.x, c.h, loss, g, cert, c.loss, c.grad, c.kind, c.why)
		}
	}
}

func TestCertString(t *testing.T) {
	for _, c := range []struct {
		cert Cert
		want string
	}{
		{Cert{Kind: Exact}, "exact"},
		{Cert{Kind: Rounded}, "rounded"},
		{Cert{Kind: Uncertified, Reason: "why"}, "uncertified: why"},
	} {
		if got := c.cert.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.cert, got, c.want)
		}
	}
}

func TestEvalPanics(t *testing.T) {
	for _, c := range []struct {
		why string
		f   func()
	}{
		{"C = 0", func() { Eval64(nil, nil, nil) }},
		{"len(h) ≠ len(x)", func() { Eval64(make([]float64, 2), make([]float64, 2), make([]float64, 1)) }},
		{"len(dst) ≠ len(x)", func() { Eval32(make([]float32, 1), make([]float32, 2), make([]float32, 2)) }},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", c.why)
				}
			}()
			c.f()
		}()
	}
}

// randomRow makes a row of one of a few regimes, deterministic from rng.
func randomRow(rng *rand.Rand, C int) (x, h []float64) {
	x = make([]float64, C)
	h = make([]float64, C)
	regime := rng.IntN(8)
	for j := range x {
		switch regime {
		case 6:
			x[j] = rng.NormFloat64() * 200
			if rng.IntN(3) == 0 {
				x[j] = math.Ldexp(rng.NormFloat64(), -1070)
			}
		case 7:
			x[j] = float64(rng.IntN(3)) // many ties
		case 0, 1:
			x[j] = rng.NormFloat64() * 3
		case 2:
			x[j] = rng.NormFloat64() * 300
		case 3:
			x[j] = 1e6 + float64(rng.IntN(5))*0x1p-33
		case 4:
			x[j] = rng.NormFloat64()
			if j == 0 {
				x[j] += 40 + 60*rng.Float64()
			}
		default:
			x[j] = math.Ldexp(rng.NormFloat64(), rng.IntN(40)-20)
		}
	}
	l := rng.IntN(C)
	if regime >= 6 {
		for j := range h {
			if rng.IntN(3) > 0 {
				h[j] = math.Ldexp(rng.Float64()-0.3, rng.IntN(1400)-1000)
			}
		}
		return x, h
	}
	switch rng.IntN(4) {
	case 0:
		h[l] = 1
	case 1:
		for j := range h {
			h[j] = 0.1 / float64(C)
		}
		h[l] += 0.9
	case 2:
		for j := range h {
			h[j] = rng.Float64()*4 - 2
		}
	default:
		for j := range h {
			h[j] = math.Exp(-math.Abs(float64(j-l)) / 2)
		}
	}
	return x, h
}

// TestFastAgreesWithSlow: whenever the fast path decides a row, bigEval
// (the slow path alone) gives the same bits. This checks the fast path's
// error bounds far beyond the table.
func TestFastAgreesWithSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(*seedFlag, 7))
	n := 4000
	if testing.Short() {
		n = 500
	}
	fast := 0
	for i := 0; i < n; i++ {
		C := 2 + rng.IntN(12)
		x, h := randomRow(rng, C)
		for _, f := range []format{fmt64, fmt32} {
			if f == fmt32 {
				for j := range x {
					x[j], h[j] = float64(float32(x[j])), float64(float32(h[j]))
				}
			}
			gf := make([]float64, C)
			lf, ok := fastEval(gf, x, h, nil, f)
			if !ok {
				continue
			}
			fast++
			gs := make([]float64, C)
			ls, kind, reason := bigEval(gs, x, h, nil, f)
			if kind == Uncertified {
				t.Fatalf("bigEval(%v, %v): %s", x, h, reason)
			}
			bad := !sameOutput(lf, ls)
			for j := range gf {
				bad = bad || !sameOutput(gf[j], gs[j])
			}
			if bad {
				t.Fatalf("mant %d: fast %v %v, slow %v %v for x = %v, h = %v (replay: go test ./ref -run TestFastAgreesWithSlow -ref.seed=%d)",
					f.mant, lf, gf, ls, gs, x, h, *seedFlag)
			}
		}
	}
	if fast < n/2 {
		t.Errorf("the fast path decided only %d of %d rows", fast, 2*n)
	}
	t.Logf("%d of %d rows decided by the fast path, all equal to the slow path", fast, 2*n)
}

// TestExpNegBound measures expNeg against Exp at 256 bits and checks the
// claimed expErrU2; likewise ddLog1p's series branch against log1pErrU2.
func TestExpNegBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	relErr := func(got dd, want *big.Float) float64 {
		g := new(big.Float).SetPrec(256).SetFloat64(got.hi)
		g.Add(g, big.NewFloat(got.lo))
		g.Sub(g, want)
		g.Quo(g, want)
		r, _ := g.Float64()
		return math.Abs(r) / u2
	}
	worstExp, worstLog := 0.0, 0.0
	for i := 0; i < 3000; i++ {
		var d float64
		switch i % 3 {
		case 0:
			d = rng.Float64() * maxExpD
		case 1:
			d = rng.Float64()
		default:
			d = math.Ldexp(rng.Float64(), -rng.IntN(60))
		}
		dl := d * 0x1p-60 * rng.Float64()
		D := dd{d, dl}
		arg := new(big.Float).SetPrec(256).SetFloat64(-d)
		arg.Sub(arg, big.NewFloat(dl))
		want := Exp(new(big.Float).SetPrec(256), arg)
		if e := relErr(expNeg(D), want); e > worstExp {
			worstExp = e
		}
		s := math.Ldexp(rng.Float64(), -rng.IntN(80)) / 16
		got, bound := ddLog1p(dd{s, 0})
		wantL := Log1p(new(big.Float).SetPrec(256), big.NewFloat(s))
		if e := relErr(got, wantL); e > worstLog {
			worstLog = e
		}
		if b := bound / got.abs() / u2; b < log1pErrU2*0.99 {
			t.Fatalf("ddLog1p(%v) reports bound %v u², want %v", s, b, log1pErrU2)
		}
	}
	if worstExp > expErrU2 || worstLog > log1pErrU2 {
		t.Errorf("worst relative errors %.3g u² (expNeg, claim %d), %.3g u² (ddLog1p, claim %d)", worstExp, expErrU2, worstLog, log1pErrU2)
	}
	t.Logf("worst relative errors: expNeg %.3g u², ddLog1p %.3g u²", worstExp, worstLog)
}

// TestParallelHighPrecision evaluates rows that need big.Float at
// thousands of bits from many goroutines; run with -race.
func TestParallelHighPrecision(t *testing.T) {
	rows := [][2][]float64{
		{{0, 1e-300}, {1.5e308, 1.5e308}},                    // p_0·S cancels h_0 by ~1000 bits
		{{401.15, 401.15, 0, -1}, {0.25, 0.5, 0.125, 0.125}}, // ties at the max plus tails
		{{0, -1000}, {1, 1e-300}},
		{{1e-300, 0, -5e-324}, {1, -1, 0.5}},
	}
	want := make([][]float64, len(rows))
	for i, r := range rows {
		g := make([]float64, len(r[0]))
		l, _ := Eval64(g, r[0], r[1])
		want[i] = append(g, l)
	}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, r := range rows {
				g := make([]float64, len(r[0]))
				l, cert := Eval64(g, r[0], r[1])
				got := append(g, l)
				for j := range got {
					if !sameOutput(got[j], want[i][j]) || cert.Kind == Uncertified {
						t.Errorf("goroutine %d row %d: %v (%v), want %v", w, i, got, cert, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestNeverUncertified: random rows of every regime, including −Inf
// masks, are always certified.
func TestNeverUncertified(t *testing.T) {
	rng := rand.New(rand.NewPCG(*seedFlag, 11))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		C := 1 + rng.IntN(20)
		x, h := randomRow(rng, C)
		if i%5 == 0 {
			x[rng.IntN(C)] = math.Inf(-1)
		}
		if i%7 == 0 {
			h[rng.IntN(C)] = math.Ldexp(1, rng.IntN(2000)-1000)
		}
		g := make([]float64, C)
		if _, cert := Eval64(g, x, h); cert.Kind == Uncertified {
			t.Fatalf("Eval64(%v, %v): %v (replay: -ref.seed=%d)", x, h, cert, *seedFlag)
		}
	}
}

func ExampleEval64() {
	x := []float64{37.42994775023705, 0}
	h := []float64{1, 0}
	g := make([]float64, 2)
	loss, cert := Eval64(g, x, h)
	fmt.Println(loss, g, cert)
	// Output: 5.551115123125776e-17 [-5.551115123125776e-17 5.551115123125776e-17] rounded
}
