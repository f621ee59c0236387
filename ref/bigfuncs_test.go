package ref

import (
	"fmt"
	"math"
	"math/big"
	"sync"
	"testing"
)

type funcRow struct {
	X     float64 `json:"x"`
	Exp   string  `json:"exp"`
	Log   string  `json:"log"`
	Log1p string  `json:"log1p"`
}

// ulpsOff returns |got − want| in units of the last place of got at its
// precision (want is exact enough: 480 bits).
func ulpsOff(got, want *big.Float) float64 {
	if got.Sign() == 0 && want.Sign() == 0 {
		return 0
	}
	diff := new(big.Float).SetPrec(1024).Sub(got, want)
	diff.Abs(diff)
	ulp := new(big.Float).SetMantExp(big.NewFloat(1), got.MantExp(nil)-int(got.Prec()))
	r, _ := new(big.Float).Quo(diff, ulp).Float64()
	return r
}

// TestFuncsAgainstMpmath checks Exp, Log and Log1p at several precisions
// against mpmath's values at 480 bits (testdata/funcs.jsonl.gz, rows from
// float64 arguments including (−745.13, −730), huge and tiny ones).
// FuncErrULP is the claim; rounding to nearest should give about ½ ulp.
func TestFuncsAgainstMpmath(t *testing.T) {
	rows := readTable[funcRow](t, "funcs.jsonl.gz")
	precs := []uint{24, 53, 64, 113, 200, 400}
	worst := map[string]float64{}
	for _, r := range rows {
		x := big.NewFloat(r.X)
		for _, c := range []struct {
			name string
			want string
			f    func(z, x *big.Float) *big.Float
		}{
			{"exp", r.Exp, Exp},
			{"log", r.Log, Log},
			{"log1p", r.Log1p, Log1p},
		} {
			if c.want == "" {
				continue // outside the domain
			}
			want, _, err := big.ParseFloat(c.want, 0, 480, big.ToNearestEven)
			if err != nil {
				t.Fatalf("%s(%v): bad table value %q: %v", c.name, r.X, c.want, err)
			}
			for _, p := range precs {
				got := c.f(new(big.Float).SetPrec(p), x)
				u := ulpsOff(got, want)
				if u >= FuncErrULP {
					t.Errorf("%s(%v) at %d bits = %v, %.3g ulp from mpmath's %v", c.name, r.X, p, got, u, want)
				}
				worst[c.name] = math.Max(worst[c.name], u)
			}
		}
	}
	t.Logf("worst errors over %d arguments × %d precisions, in ulps: %v", len(rows), len(precs), worst)
}

// TestFuncsHighPrecision compares each function at p bits with itself at
// 2p+64 bits, up to 4096 bits, where the table does not reach.
func TestFuncsHighPrecision(t *testing.T) {
	args := []float64{-745.1, 1e-9, 0.3, 2.5, 1e5, -0.29}
	for _, p := range []uint{1000, 4096} {
		for _, a := range args {
			x := big.NewFloat(a)
			for name, f := range map[string]func(z, x *big.Float) *big.Float{"exp": Exp, "log": Log, "log1p": Log1p} {
				if (name == "log" && a <= 0) || (name == "log1p" && a <= -1) {
					continue
				}
				got := f(new(big.Float).SetPrec(p), x)
				want := f(new(big.Float).SetPrec(2*p+64), x)
				if u := ulpsOff(got, want); u >= FuncErrULP {
					t.Errorf("%s(%v) at %d bits is %.3g ulp from itself at %d bits", name, a, p, u, 2*p+64)
				}
			}
		}
	}
}

// TestFuncsSpecial checks the documented special cases bit for bit.
func TestFuncsSpecial(t *testing.T) {
	inf, ninf := math.Inf(1), math.Inf(-1)
	negZero := math.Copysign(0, -1)
	for _, c := range []struct {
		name string
		f    func(z, x *big.Float) *big.Float
		x    float64
		want float64
		why  string
	}{
		{"exp", Exp, 0, 1, "e^0 = 1 exactly"},
		{"exp", Exp, negZero, 1, "e^−0 = 1 exactly"},
		{"exp", Exp, inf, inf, "documented"},
		{"exp", Exp, ninf, 0, "documented: +0"},
		{"exp", Exp, 2e9, inf, "beyond big.Float's exponent range"},
		{"exp", Exp, -2e9, 0, "below big.Float's exponent range"},
		{"log", Log, 1, 0, "log 1 = 0 exactly"},
		{"log", Log, 0, ninf, "documented"},
		{"log", Log, inf, inf, "documented"},
		{"log1p", Log1p, 0, 0, "documented: ±0 kept"},
		{"log1p", Log1p, negZero, negZero, "documented: ±0 kept"},
		{"log1p", Log1p, -1, ninf, "documented"},
		{"log1p", Log1p, inf, inf, "documented"},
	} {
		got, _ := c.f(new(big.Float).SetPrec(53), big.NewFloat(c.x)).Float64()
		if math.Float64bits(got) != math.Float64bits(c.want) {
			t.Errorf("%s(%v) = %v, want %v (%s)", c.name, c.x, got, c.want, c.why)
		}
	}
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Log(−1)", func() { Log(new(big.Float), big.NewFloat(-1)) }},
		{"Log1p(−2)", func() { Log1p(new(big.Float), big.NewFloat(-2)) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", c.name)
				}
			}()
			c.f()
		}()
	}
	// The precision rule: z's, else x's, else 64.
	if p := Exp(new(big.Float), new(big.Float).SetPrec(77).SetInt64(1)).Prec(); p != 77 {
		t.Errorf("Exp with z.Prec() = 0 has precision %d, want x's 77", p)
	}
}

// TestFuncsConcurrent runs the functions from many goroutines at rising
// precisions (the ln 2 cache grows meanwhile); run with -race.
func TestFuncsConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	precs := []uint{3000, 200, 5000, 64, 1500, 8000}
	if testing.Short() {
		precs = precs[:4]
	}
	for i, p := range precs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := big.NewFloat(float64(i) - 2.5)
			z := Exp(new(big.Float).SetPrec(p), x)
			y := Log(new(big.Float).SetPrec(p), z)
			if d := new(big.Float).Sub(y, x); d.Abs(d).Cmp(new(big.Float).SetMantExp(big.NewFloat(1), -int(p)+8)) > 0 {
				t.Errorf("log(exp(%v)) at %d bits is off by %v", x, p, d)
			}
			Log1p(new(big.Float).SetPrec(p), big.NewFloat(1e-10))
		}()
	}
	wg.Wait()
}

func ExampleExp() {
	// e^−740 is subnormal as a float64 (about 7 significant bits); at 100
	// bits Exp is within FuncErrULP (mpmath: 4.18873988004804893945754e-322).
	z := Exp(new(big.Float).SetPrec(100), big.NewFloat(-740))
	fmt.Println(z.Text('g', 25))
	// Output: 4.18873988004804893945754e-322
}
