//go:build amd64 && !purego

package fused

// The float32 pass 2 in AVX2+FMA assembly (row32_amd64.s) for the build
// without GOEXPERIMENT=simd: Go at GOAMD64=v1 (the default) compiles every
// math.FMA to a run-time check whose fallback call makes it reload every
// live value after each FMA, which costs the pure-Go loop about half its
// time. The assembly performs expRow32Go's operations in the same order,
// lane by lane (lanes 0–3 in one YMM register, 4–7 in another), so the
// results are the same bit for bit (TestExpRow32AsmMatchesGo,
// TestGoldenOutputs); it runs when the CPU has AVX2 and FMA and the OS
// saves YMM state (checked once, by CPUID and XGETBV). The build tag
// purego leaves the assembly out (asm_other.go): the Go loops alone, which
// make test runs too.

// expBlocks32AVX2 runs pass 2 of the float32 path over nblk blocks of 8
// elements of e, x and h, adding to the lanes of acc; k and jmax are the
// indices (from the first element) whose e_j and h_j it leaves out of s
// and R.
//
//go:noescape
func expBlocks32AVX2(e *float64, x, h *float32, nblk int, mm float64, k, jmax int, acc *expAcc32)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// hasAVX2FMA reports whether the CPU has AVX2 and FMA and the OS enabled
// the YMM registers.
func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// asm32 selects the assembly pass 2 of the float32 path (tests switch it).
var asm32 = hasAVX2FMA()

// expBlocks32 runs the assembly over the whole blocks of 8 elements of the
// row when it is selected and returns how many elements it took.
func expBlocks32(e []float64, x, h []float32, m float32, k, jmax int, a *expAcc32) int {
	n8 := len(x) &^ 7
	if !asm32 || n8 == 0 {
		return 0
	}
	_, _ = e[n8-1], h[n8-1]
	expBlocks32AVX2(&e[0], &x[0], &h[0], n8/8, float64(m), k, jmax, a)
	return n8
}

// expBlocks64AVX2 runs pass 2 of the float64 path (expRow64Go's lanes,
// expCore's body with kx = 0) over nblk blocks of 8 elements of dst, x and
// h, adding to the lanes of acc; negm = −m, and lane k (from the first
// element) is left out of s. See row64_amd64.s.
//
//go:noescape
func expBlocks64AVX2(dst, x, h *float64, nblk int, negm float64, k int, acc *expAcc64)

// asm64 selects the assembly pass 2 of the float64 path (tests switch it).
var asm64 = hasAVX2FMA()

// expBlocks64 runs the assembly over the whole blocks of 8 elements of the
// row when it is selected and returns how many elements it took.
func expBlocks64(dst, x, h []float64, m float64, k int, a *expAcc64) int {
	n8 := len(x) &^ 7
	if !asm64 || n8 == 0 {
		return 0
	}
	_, _ = dst[n8-1], h[n8-1]
	expBlocks64AVX2(&dst[0], &x[0], &h[0], n8/8, -m, k, a)
	return n8
}

// scanBlocks64AVX2 runs pass 1 of the float64 path (scanRow64Go's lanes)
// over nblk blocks of 8 elements of x and h, updating the lanes of acc. See
// row64_amd64.s.
//
//go:noescape
func scanBlocks64AVX2(x, h *float64, nblk int, acc *scanAcc64)

// scanBlocks64 runs the assembly over the whole blocks of 8 elements of
// the row when asm64 is selected and returns how many elements it took.
func scanBlocks64(x, h []float64, a *scanAcc64) int {
	n8 := len(x) &^ 7
	if !asm64 || n8 == 0 {
		return 0
	}
	_ = h[n8-1]
	scanBlocks64AVX2(&x[0], &h[0], n8/8, a)
	return n8
}
