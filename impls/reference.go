package impls

import "github.com/infogain-dev/infogain/ref"

// reference is the certified reference wrapped as an Impl; the registry
// (impls/builtin) lists this same value first.
var reference = &Impl{
	Name: "ref",
	Doc:  "certified big.Float reference: correctly rounded loss and gradient (docs/design.md §4)",
	F64:  func(dst, x, h []float64) float64 { l, _ := ref.Eval64(dst, x, h); return l },
	F32:  func(dst, x, h []float32) float32 { l, _ := ref.Eval32(dst, x, h); return l },
	C64:  func(dst, x, h []float64) (float64, string) { l, c := ref.Eval64(dst, x, h); return l, c.String() },
	C32:  func(dst, x, h []float32) (float32, string) { l, c := ref.Eval32(dst, x, h); return l, c.String() },

	Contract: &CorrectlyRounded,
}

// Reference returns the certified reference (package ref): every output
// correctly rounded, with its certification. Consumers judge against it
// without depending on any implementation under test.
func Reference() *Impl { return reference }
