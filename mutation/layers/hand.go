package main

// handMutant is a hand-written mutant: the first occurrence of old in file
// becomes new. They are the shapes of issue #17 that the property battery
// and the gate missed before it (and neighbours of them), written against
// fused as of this branch; a mutant whose old text is gone (fused was
// refactored) is reported as "does not apply", not silently skipped.
type handMutant struct {
	name, file, old, new, why string
}

var handMutants = []handMutant{
	{"stale-ignored-grad", "fused/batch.go",
		"\t\t\t\tfor j := range g {\n\t\t\t\t\tg[j] = 0 * scale\n\t\t\t\t}\n\t\t\t\tcontinue",
		"\t\t\t\tcontinue",
		"inner = 1 batch path: an ignored position keeps whatever the output buffer held"},
	{"stale-ignored-grad-strided", "fused/batch.go",
		"\t\t\t\tfor j := 0; j < c; j++ {\n\t\t\t\t\tdst[base+j*inner] = 0 * scale\n\t\t\t\t}\n\t\t\t\tcontinue",
		"\t\t\t\tcontinue",
		"strided batch path: an ignored position keeps whatever the output buffer held"},
	{"valid-counts-ignored", "fused/batch.go",
		"nf = float64(count)", "nf = float64(len(labels))",
		"VALID normalizer counts ignored positions"},
	{"no-max-1-normalizer", "fused/batch.go",
		"n := T(max(1, nf))", "n := T(nf)",
		"all positions ignored under VALID: divides by 0"},
	{"signed-no-cancel-test-64", "fused/loss.go",
		"cancels(h, s0, s0Lo, 0x1p-40)", "false",
		"float64 signed rows: no cancellation test, S − h_j from a double word"},
	{"signed-no-cancel-test-32", "fused/loss.go",
		"cancels(h, sHi, sLo, 0x1p-60)", "false",
		"float32 signed rows: no cancellation test"},
	{"cancel-threshold-loose-64", "fused/loss.go",
		"cancels(h, s0, s0Lo, 0x1p-40)", "cancels(h, s0, s0Lo, 0x1p-80)",
		"float64 cancellation threshold 2^40 times too small"},
	{"tiny-h-threshold", "fused/loss.go",
		"const tinyH = 0x1p-500", "const tinyH = 0x1p-1000",
		"subnormal threshold of h: products h_j·(x_j − m) may be subnormal on the fast path"},
	{"tiny-h-off", "fused/loss.go",
		"(sc.hmax < tinyH && sc.hmax != 0)", "(sc.hmax < tinyH/0x1p300 && sc.hmax != 0)",
		"fast path's subnormal-h threshold off (slow64 keeps its own)"},
	{"underflow-width", "fused/loss.go",
		"const subnormalWidth = 700", "const subnormalWidth = 745",
		"subnormal threshold of the logit spread: e_j may be subnormal on the fast path"},
	{"overflow-threshold-64", "fused/loss.go",
		"!(math.Abs(l) < 0x1p1023)", "!(math.Abs(l) <= math.MaxFloat64)",
		"slow64 no longer lets exact64 decide losses within a factor 2 of overflow"},
	{"overflow-threshold-32", "fused/loss.go",
		"math.Abs(l) >= 0x1p127", "math.Abs(l) >= 0x1p128",
		"float32 fast path no longer lets exact64 decide losses within a factor 2 of overflow"},
	{"p32-limit", "fused/loss.go",
		"const p32Limit = 0x1p140", "const p32Limit = 0x1p300",
		"float32 signed rows with huge Σ|h_j (x_j − m)| stay on the fast path"},
	{"fast-limit", "fused/loss.go",
		"const fastLimit = 0x1p1000", "const fastLimit = 0x1p1023",
		"the fast path admits h and spreads whose intermediates can overflow"},
}
