//go:build !(goexperiment.simd && amd64)

package fused

// useSIMD is a no-op without the vector loops: the pure-Go loops always run.
func useSIMD(on bool) {}

// expSliceSIMD is the pure-Go kernel where no vector kernel is built.
func expSliceSIMD(dst, x []float64) {
	for j, v := range x {
		dst[j] = exp(v)
	}
}

// exp32SliceSIMD is the pure-Go kernel where no vector kernel is built.
func exp32SliceSIMD(dst, x []float64) {
	for j, v := range x {
		dst[j] = expKernel32(v)
	}
}
