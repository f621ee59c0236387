package ulp

import (
	"math"
)

// Unit roundoffs: half the distance from 1 to the next larger number.
const (
	U64 = 0x1p-53 // float64
	U32 = 0x1p-24 // float32
)

// MaxDist is the distance between NaN and any value that is not NaN. It
// exceeds every distance between two non-NaN values of either type.
const MaxDist = math.MaxUint64

// Dist64 returns the number of float64 values one must step through to go
// from a to b: 0 when a == b, 1 from a to math.Nextafter(a, b). It is
// symmetric, and additive along a monotone sequence:
// Dist64(a, c) = Dist64(a, b) + Dist64(b, c) when a ≤ b ≤ c.
//
// Special cases are:
//
//	Dist64(+0, -0) = 0
//	Dist64(-SmallestNonzeroFloat64, +SmallestNonzeroFloat64) = 2
//	Dist64(±Inf, ±MaxFloat64) = 1 (±Inf is the step past ±MaxFloat64)
//	Dist64(-Inf, +Inf) = 0xFFE0000000000000
//	Dist64(NaN, NaN) = 0 (any payloads and signs)
//	Dist64(NaN, b) = Dist64(a, NaN) = MaxDist if the other is not NaN
func Dist64(a, b float64) uint64 {
	aNaN, bNaN := a != a, b != b
	switch {
	case aNaN && bNaN:
		return 0
	case aNaN || bNaN:
		return MaxDist
	}
	oa, ob := ordinal64(a), ordinal64(b)
	if oa < ob {
		oa, ob = ob, oa
	}
	// oa − ob ≤ 2·ordinal64(+Inf) = 0xFFE0000000000000 < 2^64: the
	// difference wraps correctly in uint64 even when it overflows int64.
	return uint64(oa) - uint64(ob)
}

// ordinal64 maps the non-NaN float64 values onto consecutive integers,
// increasing with the value, with ±0 both at 0 and +Inf at
// ordinal64(MaxFloat64)+1. The bit pattern of a non-negative float is
// already such an ordinal; negatives mirror it.
func ordinal64(v float64) int64 {
	b := math.Float64bits(v)
	if b>>63 != 0 {
		return -int64(b &^ (1 << 63))
	}
	return int64(b)
}

// Dist32 is Dist64 for float32: the number of float32 values from a to b.
//
// Special cases are:
//
//	Dist32(+0, -0) = 0
//	Dist32(-minSub, +minSub) = 2, minSub = 0x1p-149
//	Dist32(±Inf, ±MaxFloat32) = 1
//	Dist32(-Inf, +Inf) = 0xFF000000
//	Dist32(NaN, NaN) = 0
//	Dist32(NaN, b) = Dist32(a, NaN) = MaxDist if the other is not NaN
func Dist32(a, b float32) uint64 {
	aNaN, bNaN := a != a, b != b
	switch {
	case aNaN && bNaN:
		return 0
	case aNaN || bNaN:
		return MaxDist
	}
	oa, ob := ordinal32(a), ordinal32(b)
	if oa < ob {
		oa, ob = ob, oa
	}
	return uint64(oa - ob) // at most 0xFF000000: no overflow in int64
}

func ordinal32(v float32) int64 {
	b := math.Float32bits(v)
	if b>>31 != 0 {
		return -int64(b &^ (1 << 31))
	}
	return int64(b)
}

// Dist returns Dist32(float32(a), float32(b)) when dt32 is set and
// Dist64(a, b) otherwise: the ulp distance in the output's own type.
//
// Dist panics if dt32 is set and a or b is not exactly a float32 (NaN and
// ±Inf are): converting would hide an error of the caller.
func Dist(a, b float64, dt32 bool) uint64 {
	if !dt32 {
		return Dist64(a, b)
	}
	if !isFloat32(a) || !isFloat32(b) {
		panic("ulp: Dist: value is not a float32")
	}
	return Dist32(float32(a), float32(b))
}

func isFloat32(v float64) bool {
	return v != v || float64(float32(v)) == v
}

// Bits returns the bits of error of an ulp distance, log2(ulps+1)
// (Herbie's measure): 0 for an exact result, 1 for one ulp, 64 for MaxDist.
// Bits is exact when ulps+1 is a power of two below 2^53; otherwise it is
// within 1e-15 relative of the true value.
func Bits(ulps uint64) float64 {
	if ulps == MaxDist {
		return 64 // float64(ulps)+1 rounds to 2^64 anyway; say it exactly.
	}
	return math.Log2(float64(ulps) + 1)
}

// EqualWithinULP64 reports whether Dist64(a, b) ≤ n: a and b are at most n
// float64 steps apart. NaN equals NaN, as in Dist64; +0 equals −0.
func EqualWithinULP64(a, b float64, n uint64) bool {
	return Dist64(a, b) <= n
}

// EqualWithinULP32 reports whether Dist32(a, b) ≤ n: a and b are at most n
// float32 steps apart. NaN equals NaN, as in Dist32; +0 equals −0.
func EqualWithinULP32(a, b float32, n uint64) bool {
	return Dist32(a, b) <= n
}
