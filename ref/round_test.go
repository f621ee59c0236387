package ref

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

type roundRow struct {
	DType   string `json:"dtype"`
	Num     string `json:"num"`
	DenLog2 int    `json:"den_log2"`
	Tiny    int    `json:"tiny"`
	Bits    string `json:"bits"`
}

// TestRoundAgainstScript checks our rounding against the script's own
// round-to-nearest-even (round.jsonl.gz: dyadic values around the
// subnormal range, the overflow threshold and exact midpoints, with and
// without a nudge ε of either sign), so the two codes test each other.
func TestRoundAgainstScript(t *testing.T) {
	rows := readTable[roundRow](t, "round.jsonl.gz")
	for _, r := range rows {
		n, ok := new(big.Int).SetString(r.Num, 16)
		if !ok {
			t.Fatalf("bad num %q", r.Num)
		}
		x := new(big.Float).SetPrec(uint(n.BitLen() + 1)).SetInt(n)
		x.SetMantExp(x, -r.DenLog2)
		f := fmt64
		if r.DType == "float32" {
			f = fmt32
		}
		got := f.roundNudged(x, r.Tiny)
		if want := parseBits(r.Bits, r.DType); !sameOutput(got, want) {
			t.Errorf("%s round(%s·2^−%d %+d·ε) = %v (%x), want %v (%x)", r.DType, r.Num, r.DenLog2, r.Tiny, got, got, want, want)
		}
	}
}

// TestRoundAgainstBig compares round with math/big's own conversions
// (Float64 and Float32 of a ToNearestEven value), an independent
// implementation, on random values of 80 bits across each format's whole
// range, subnormals and overflow included.
func TestRoundAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for i := 0; i < n; i++ {
		m := new(big.Float).SetPrec(80).SetUint64(rng.Uint64() | 1<<63)
		m.Add(m, new(big.Float).SetMantExp(big.NewFloat(rng.Float64()), -20))
		var e int
		if i%2 == 0 {
			e = rng.IntN(2200) - 1150
		} else {
			e = rng.IntN(340) - 170
		}
		x := new(big.Float).SetPrec(80).SetMantExp(m, e-64)
		if i%3 == 0 {
			x.Neg(x)
		}
		want64, _ := x.Float64()
		if got := fmt64.round(x); !sameOutput(got, want64) {
			t.Fatalf("round64(%v) = %v (%x), big says %v (%x)", x, got, got, want64, want64)
		}
		want32, _ := x.Float32()
		if got := fmt32.round(x); !sameOutput(got, float64(want32)) {
			t.Fatalf("round32(%v) = %v (%x), big says %v (%x)", x, got, got, want32, want32)
		}
	}
}

// TestRoundSpecial: boundary values, compared bit for bit.
func TestRoundSpecial(t *testing.T) {
	pow2 := func(e int) *big.Float { return new(big.Float).SetMantExp(big.NewFloat(1), e) }
	sum := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(2000).Add(a, b) }
	negZero := math.Copysign(0, -1)
	for _, c := range []struct {
		f     format
		x     *big.Float
		sigma int
		want  float64
		why   string
	}{
		{fmt64, pow2(-1075), 0, 0, "half the least subnormal ties to even: +0"},
		{fmt64, pow2(-1075), 1, 5e-324, "just above half the least subnormal"},
		{fmt64, new(big.Float).Neg(pow2(-1075)), 0, negZero, "ties to −0"},
		{fmt64, pow2(-2000), 0, 0, "far below: +0"},
		{fmt64, new(big.Float).Neg(pow2(-2000)), 0, negZero, "far below: −0, sign kept"},
		{fmt64, new(big.Float), -1, negZero, "0 − ε is −0"},
		{fmt64, new(big.Float), 0, 0, "exact 0 is +0"},
		{fmt64, sum(pow2(1024), new(big.Float).Neg(pow2(970))), 0, math.Inf(1), "MaxFloat64 + ½ulp ties to 2^1024: +Inf"},
		{fmt64, sum(pow2(1024), new(big.Float).Neg(pow2(970))), -1, math.MaxFloat64, "just below the tie"},
		{fmt64, sum(pow2(0), pow2(-53)), 0, 1, "1 + 2^−53 ties to 1 (even)"},
		{fmt64, sum(pow2(0), pow2(-53)), 1, 1 + 0x1p-52, "nudged up"},
		{fmt64, sum(pow2(0), new(big.Float).Neg(pow2(-54))), -1, 1 - 0x1p-53, "below a power of two the spacing halves"},
		{fmt32, pow2(-150), 0, 0, "float32: half the least subnormal ties to +0"},
		{fmt32, pow2(-150), 1, 0x1p-149, "float32: nudged up"},
		{fmt32, sum(pow2(0), pow2(-24)), 0, 1, "float32 tie to even"},
		{fmt32, sum(pow2(128), new(big.Float).Neg(pow2(103))), 0, math.Inf(1), "float32 overflow tie"},
		{fmt32, sum(sum(pow2(0), pow2(-24)), pow2(-60)), 0, 1 + 0x1p-23, "a float64 would round this to 1 + 2^−24 and then double-round to 1"},
	} {
		if got := c.f.roundNudged(c.x, c.sigma); !sameOutput(got, c.want) {
			t.Errorf("round(%v %+d·ε) = %v (%x), want %v (%x): %s", c.x, c.sigma, got, got, c.want, c.want, c.why)
		}
	}
}

// TestAddOdd: a sum whose exact value is a float64 midpoint plus a part
// below 2^−2000 must round away from the midpoint, toward the small part.
func TestAddOdd(t *testing.T) {
	mid := new(big.Float).SetPrec(200).SetFloat64(1)
	mid.Add(mid, new(big.Float).SetMantExp(big.NewFloat(1), -53))
	tiny := new(big.Float).SetMantExp(big.NewFloat(1), -2000)
	if got := fmt64.round(addOdd(mid, tiny)); got != 1+0x1p-52 {
		t.Errorf("midpoint + 2^−2000 rounds to %v, want 1+2^−52", strconv.FormatFloat(got, 'x', -1, 64))
	}
	if got := fmt64.round(addOdd(mid, new(big.Float).Neg(tiny))); got != 1 {
		t.Errorf("midpoint − 2^−2000 rounds to %v, want 1", strconv.FormatFloat(got, 'x', -1, 64))
	}
}
