package fuzz

import (
	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ref"
)

// refImpl is the certified reference as the targets call it: ref.Eval64
// and ref.Eval32 directly, so that the differential targets do not depend
// on the registry's wiring.
var refImpl = &impls.Impl{
	Name: "ref",
	C64:  func(dst, x, h []float64) (float64, string) { l, c := ref.Eval64(dst, x, h); return l, c.String() },
	C32:  func(dst, x, h []float32) (float32, string) { l, c := ref.Eval32(dst, x, h); return l, c.String() },
}

// uncertified reports whether the reference could not certify r; ref
// promises this never happens on valid input, so the targets fail on it.
func uncertified(r *cases.Result) bool {
	return r.Certified != "exact" && r.Certified != "rounded"
}
