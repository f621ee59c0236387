package peers

import "math"

// exp and log evaluate in float64 and round to T: exact for float64, and
// within rounding of expf/logf for float32.
func exp[T float32 | float64](v T) T { return T(math.Exp(float64(v))) }
func log[T float32 | float64](v T) T { return T(math.Log(float64(v))) }

func checkLens[T float32 | float64](dst, x, h []T) {
	if len(x) == 0 {
		panic("peers: no classes")
	}
	if len(h) != len(x) || len(dst) != len(x) {
		panic("peers: length mismatch")
	}
}

// sum adds v in index order, starting from 0.
func sum[T float32 | float64](v []T) T {
	var s T
	for _, e := range v {
		s += e
	}
	return s
}
