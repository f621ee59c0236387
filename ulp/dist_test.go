package ulp_test

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/ulp"
)

// Float64 edges, from the IEEE 754 binary64 layout (1 sign, 11 exponent,
// 52 fraction bits); their bit patterns are what the ulp counts below are
// derived from.
const (
	minSub64    = 0x1p-1074               // bits 0x0000000000000001
	maxSub64    = 0x0.fffffffffffffp-1022 // bits 0x000FFFFFFFFFFFFF
	minNormal64 = 0x1p-1022               // bits 0x0010000000000000
	// math.MaxFloat64 has bits 0x7FEFFFFFFFFFFFFF, +Inf 0x7FF0000000000000.
)

// Float32 edges, from the binary32 layout (1, 8, 23).
const (
	minSub32    = 0x1p-149        // bits 0x00000001
	maxSub32    = 0x0.fffffep-126 // bits 0x007FFFFF
	minNormal32 = 0x1p-126        // bits 0x00800000
	// math.MaxFloat32 has bits 0x7F7FFFFF, +Inf 0x7F800000.
)

var (
	inf    = math.Inf(1)
	nan    = math.NaN()
	negNaN = math.Float64frombits(0xFFF8000000000001) // sign set, another payload
	negZ   = math.Copysign(0, -1)
)

// TestDist64Special compares bit for bit: every count is the difference of
// ordinals read off the bit patterns above.
func TestDist64Special(t *testing.T) {
	tests := []struct {
		a, b float64
		want uint64
		why  string
	}{
		{0, negZ, 0, "+0 and −0 are one value"},
		{1, 1, 0, "equal"},
		{0, minSub64, 1, "first step off zero"},
		{negZ, minSub64, 1, "−0 counts as +0"},
		{-minSub64, minSub64, 2, "spanning zero: −η → ±0 → +η"},
		{-maxSub64, minNormal64, 0x001FFFFFFFFFFFFF, "0xFFFFFFFFFFFFF + 0x10000000000000 across zero"},
		{maxSub64, minNormal64, 1, "largest subnormal to smallest normal is one step"},
		{1, 1 + 0x1p-52, 1, "ulp(1) = 2^-52 above 1"},
		{1, 1 - 0x1p-53, 1, "ulp = 2^-53 just below 1: the binade boundary"},
		{1, 2, 1 << 52, "one binade holds 2^52 values"},
		{-1, 1, 2 * 0x3FF0000000000000, "twice the bits of 1.0"},
		{math.MaxFloat64, inf, 1, "+Inf is the step after MaxFloat64"},
		{-math.MaxFloat64, -inf, 1, "and −Inf the step before −MaxFloat64"},
		{-math.MaxFloat64, math.MaxFloat64, 0xFFDFFFFFFFFFFFFE, "largest finite distance: overflows int64, not uint64"},
		{-inf, inf, 0xFFE0000000000000, "largest non-NaN distance, below MaxDist"},
		{0, inf, 0x7FF0000000000000, "bits of +Inf"},
		{nan, nan, 0, "NaN vs NaN"},
		{nan, negNaN, 0, "NaN vs NaN whatever sign and payload"},
		{nan, 1, ulp.MaxDist, "NaN vs a number"},
		{0, nan, ulp.MaxDist, "a number vs NaN"},
		{negNaN, inf, ulp.MaxDist, "NaN vs +Inf"},
		{-inf, nan, ulp.MaxDist, "−Inf vs NaN"},
	}
	for _, tt := range tests {
		for _, ab := range [][2]float64{{tt.a, tt.b}, {tt.b, tt.a}} {
			if got := ulp.Dist64(ab[0], ab[1]); got != tt.want {
				t.Errorf("Dist64(%v [%x], %v [%x]) = %#x, want %#x: %s",
					ab[0], ab[0], ab[1], ab[1], got, tt.want, tt.why)
			}
			if got := ulp.Dist(ab[0], ab[1], false); got != tt.want {
				t.Errorf("Dist(%v, %v, false) = %#x, want %#x: %s", ab[0], ab[1], got, tt.want, tt.why)
			}
		}
	}
}

func TestDist32Special(t *testing.T) {
	inf32, nan32 := float32(math.Inf(1)), float32(math.NaN())
	tests := []struct {
		a, b float32
		want uint64
		why  string
	}{
		{0, float32(negZ), 0, "+0 and −0 are one value"},
		{-minSub32, minSub32, 2, "spanning zero"},
		{maxSub32, minNormal32, 1, "largest subnormal to smallest normal"},
		{1, 1 + 0x1p-23, 1, "ulp(1) = 2^-23 above 1"},
		{1, 1 - 0x1p-24, 1, "2^-24 below 1"},
		{1, 2, 1 << 23, "one binade holds 2^23 values"},
		{math.MaxFloat32, inf32, 1, "+Inf is the step after MaxFloat32"},
		{-math.MaxFloat32, math.MaxFloat32, 0xFEFFFFFE, "largest finite distance"},
		{-inf32, inf32, 0xFF000000, "largest non-NaN distance: overflows int32/uint32 arithmetic if done there"},
		{nan32, nan32, 0, "NaN vs NaN"},
		{nan32, 1, ulp.MaxDist, "NaN vs a number: the same MaxDist as in float64"},
		{inf32, nan32, ulp.MaxDist, "+Inf vs NaN"},
	}
	for _, tt := range tests {
		for _, ab := range [][2]float32{{tt.a, tt.b}, {tt.b, tt.a}} {
			if got := ulp.Dist32(ab[0], ab[1]); got != tt.want {
				t.Errorf("Dist32(%v [%x], %v [%x]) = %#x, want %#x: %s",
					ab[0], ab[0], ab[1], ab[1], got, tt.want, tt.why)
			}
			if got := ulp.Dist(float64(ab[0]), float64(ab[1]), true); got != tt.want {
				t.Errorf("Dist(%v, %v, true) = %#x, want %#x: %s", ab[0], ab[1], got, tt.want, tt.why)
			}
		}
	}
}

// TestDistCountsInOwnType: the same pair is far apart in float64 ulps and
// one step apart in float32 ulps.
func TestDistCountsInOwnType(t *testing.T) {
	a, b := 1.0, 1+0x1p-23
	if got := ulp.Dist(a, b, true); got != 1 {
		t.Errorf("Dist(1, 1+2^-23, float32) = %d, want 1", got)
	}
	if got := ulp.Dist(a, b, false); got != 1<<29 {
		t.Errorf("Dist(1, 1+2^-23, float64) = %d, want 2^29", got)
	}
}

func TestDistPanicsOnNonFloat32(t *testing.T) {
	for _, tt := range []struct {
		a, b float64
		why  string
	}{
		{1 + 0x1p-52, 1, "a has bits below float32's precision"},
		{1, 0x1p-1074, "b is below float32's range"},
		{1e300, 1, "a is above float32's range"},
	} {
		func() {
			defer func() {
				if r := recover(); r != "ulp: Dist: value is not a float32" {
					t.Errorf("Dist(%v, %v, true): recovered %v, want the fixed panic: %s", tt.a, tt.b, r, tt.why)
				}
			}()
			ulp.Dist(tt.a, tt.b, true)
		}()
	}
}

func TestBits(t *testing.T) {
	tests := []struct {
		ulps uint64
		want float64
		why  string
	}{
		{0, 0, "exact"},
		{1, 1, "one ulp is one bit"},
		{3, 2, "log2(4)"},
		{2, 1.584962500721156, "log2(3), mpmath at 50 digits: 1.5849625007211561814537389439478165087598144076925"},
		{1<<52 - 1, 52, "log2(2^52), exact"},
		{1 << 52, 52, "mpmath: log2(2^52+1) = 52.00000000000000032034…, which rounds to 52"},
		{ulp.MaxDist, 64, "NaN vs a number: all 64 bits wrong"},
		{0xFFE0000000000000, 63.99929538702341, "−Inf vs +Inf, mpmath: log2(0xFFE0000000000001) = 63.9992953870234106…"},
	}
	for _, tt := range tests {
		got := ulp.Bits(tt.ulps)
		// 1 ulp of slack: math.Log2 is not correctly rounded.
		if !ulp.EqualWithinULP64(got, tt.want, 1) {
			t.Errorf("Bits(%d) = %v, want %v: %s", tt.ulps, got, tt.want, tt.why)
		}
	}
}

func TestEqualWithinULP(t *testing.T) {
	tests := []struct {
		a, b float64
		n    uint64
		want bool
		why  string
	}{
		{1, 1 + 0x1p-52, 0, false, "one step, none allowed"},
		{1, 1 + 0x1p-52, 1, true, "one step allowed"},
		{-minSub64, minSub64, 1, false, "two steps across zero"},
		{-minSub64, minSub64, 2, true, "two steps across zero, two allowed"},
		{0, negZ, 0, true, "±0 equal"},
		{nan, nan, 0, true, "NaN equals NaN: an implementation must return NaN where the reference does"},
		{nan, 0, 1 << 62, false, "NaN is far from everything"},
		{nan, 0, ulp.MaxDist, true, "n = MaxDist accepts everything"},
		{math.MaxFloat64, inf, 1, true, "Inf one step past MaxFloat64"},
	}
	for _, tt := range tests {
		if got := ulp.EqualWithinULP64(tt.a, tt.b, tt.n); got != tt.want {
			t.Errorf("EqualWithinULP64(%v, %v, %d) = %v: %s", tt.a, tt.b, tt.n, got, tt.why)
		}
	}
}

func TestEqualWithinULP32(t *testing.T) {
	tests := []struct {
		a, b float32
		n    uint64
		want bool
		why  string
	}{
		{1, 1 + 0x1p-23, 0, false, "one float32 step, none allowed"},
		{1, 1 + 0x1p-23, 1, true, "one float32 step allowed"},
		{-minSub32, minSub32, 1, false, "two steps across zero"},
		{-minSub32, minSub32, 2, true, "two steps across zero, two allowed"},
		{float32(math.NaN()), float32(math.NaN()), 0, true, "NaN equals NaN"},
		{math.MaxFloat32, float32(math.Inf(1)), 0, false, "Inf one step past MaxFloat32"},
	}
	for _, tt := range tests {
		if got := ulp.EqualWithinULP32(tt.a, tt.b, tt.n); got != tt.want {
			t.Errorf("EqualWithinULP32(%v, %v, %d) = %v: %s", tt.a, tt.b, tt.n, got, tt.why)
		}
	}
}
