package ref_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/infogain-dev/infogain/ref"
)

// Tests that kill survivors of `make mutate` in ref (docs/mutation.md);
// each names the mutant it was written for.

// TestExpAtRangeLimit kills ref/bigfuncs.go:42:40 CONDITIONALS_BOUNDARY
// (`math.Abs(xf) > 1.48e9` → `>=`): at x = ±1.48e9 exactly, e^x is still
// inside big.Float's exponent range (|x|·log2(e) ≈ 2.135e9 < 2^31), so Exp
// must return it, not +Inf or 0. Expected (closed form): e^x = f·2^E with
// f in [0.5, 1) and E = floor(x·log2 e) + 1, x·log2 e computed here in
// big.Float to 80 bits (its fractional part, 0.77 for +1.48e9, is far from
// an integer, so the floor is certain).
func TestExpAtRangeLimit(t *testing.T) {
	log2e := new(big.Float).SetPrec(80).Quo(big.NewFloat(1).SetPrec(80), new(big.Float).SetPrec(80).SetFloat64(math.Ln2))
	for _, x := range []float64{1.48e9, -1.48e9} {
		// log2(e) to 80 bits from 1/ln 2: ln 2 rounded to float64 has
		// relative error 2^-54, so x·log2(e) is off by ≤ 2.2e9·2^-53 < 1e-6.
		xl := new(big.Float).SetPrec(80).Mul(new(big.Float).SetFloat64(x), log2e)
		fl, _ := xl.Float64()
		wantE := int(math.Floor(fl)) + 1
		if frac := fl - math.Floor(fl); frac < 1e-3 || frac > 1-1e-3 {
			t.Fatalf("x = %v: x·log2 e = %v too close to an integer for this check", x, fl)
		}
		z := ref.Exp(new(big.Float).SetPrec(64), new(big.Float).SetFloat64(x))
		if z.IsInf() || z.Sign() == 0 {
			t.Errorf("Exp(%v) = %v, want a finite non-zero value (2^%d·f)", x, z, wantE)
			continue
		}
		if e := z.MantExp(nil); e != wantE {
			t.Errorf("Exp(%v) = %v: exponent %d, want floor(x·log2 e)+1 = %d", x, z, e, wantE)
		}
	}
}

// TestExpTinyPrecision kills ref/bigfuncs.go:62:37 ARITHMETIC_BASE
// (`⌊√p⌋/2 + 1` → `⌊√p⌋/2 - 1`): at a result precision below 4 bits the
// number of squarings j wraps around to 2^64 − 1 and Exp no longer returns.
// Expected values (closed form): e = 2.71828… rounded to nearest at 2 bits
// (representable: 2, 3) is 3, at 3 bits (2, 2.5, 3, 3.5) is 2.5.
func TestExpTinyPrecision(t *testing.T) {
	for _, tt := range []struct {
		prec uint
		want float64
	}{{2, 3}, {3, 2.5}} {
		z := ref.Exp(new(big.Float).SetPrec(tt.prec), big.NewFloat(1))
		if got, _ := z.Float64(); got != tt.want {
			t.Errorf("Exp(1) at %d bits = %v, want %v", tt.prec, got, tt.want)
		}
	}
}
