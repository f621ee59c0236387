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

// Stubs of the vector loops: never called, simdActive stays false.

func scanRow64SIMD(x, h []float64) scan64 { return scanRow64Go(x, h) }

func expRow64SIMD(dst, x, h []float64, m float64, k int) (esHi, esLo, pHi, pLo float64) {
	return expRow64Go(dst, x, h, m, k)
}

func gradRow64SIMD(dst, h []float64, inv, hsHi, hsLo float64) { gradRow64Go(dst, h, inv, hsHi, hsLo) }

func maxRow32SIMD(x []float32) (m, nf float32) { return maxRow32Go(x) }

func expRow32SIMD(e []float64, x, h []float32, m float32, k, jmax int) pass32 {
	return expRow32Go(e, x, h, m, k, jmax)
}

func hRange32SIMD(h []float32) (hmax, hmin float32) { return hRange32Go(h) }

func gradRow32SIMD(dst []float32, e []float64, h []float32, inv, hsHi, hsLo float64) {
	gradRow32Go(dst, e, h, inv, hsHi, hsLo)
}

func firstIndex64SIMD(x []float64, m float64) int { return firstIndex(x, m) }

func firstIndex32SIMD(x []float32, m float32) int { return firstIndex(x, m) }

// maxTileC is 0 without the vector loops: LossRows runs row by row.
const maxTileC = 0

type tileBuf struct{}

func tile64SIMD(tb *tileBuf, loss, dst, x, h []float64, c int) uint8 { return 0 }

func tile32SIMD(tb *tileBuf, loss, dst, x, h []float32, c int) uint8 { return 0 }
