package cases

import (
	"errors"
	"fmt"
	"math"
)

// DType names the floating-point type a case is evaluated in.
type DType string

const (
	Float64 DType = "float64"
	Float32 DType = "float32"
)

// MaxClasses bounds C for a Case or a Batch. Larger inputs are rejected as
// absurd rather than allocated: 2^24 classes is far beyond any classifier and
// keeps a single row under 128 MiB in float64.
const MaxClasses = 1 << 24

// Case is one sample: logits x, the label l and the row h = H[l,:].
// For DType Float32 every value in Logits and H is exactly a float32.
type Case struct {
	ID     string
	Family string
	DType  DType
	Logits []float64
	H      []float64
	Label  int
}

// C returns the number of classes.
func (c *Case) C() int { return len(c.Logits) }

// Validate reports whether c is well-formed input: a known dtype, 1 ≤ C ≤
// MaxClasses, len(H) = C, 0 ≤ Label < C, every h finite, and for float32
// every value exactly a float32. Non-finite logits are valid input: their
// semantics are defined (docs/design.md §7).
func (c *Case) Validate() error {
	switch c.DType {
	case Float64, Float32:
	case "":
		return errors.New("missing dtype")
	default:
		return fmt.Errorf("unknown dtype %q (want float64 or float32)", string(c.DType))
	}
	n := len(c.Logits)
	if n == 0 {
		return errors.New("no logits (C = 0)")
	}
	if n > MaxClasses {
		return fmt.Errorf("C = %d exceeds the limit %d", n, MaxClasses)
	}
	if len(c.H) != n {
		return fmt.Errorf("len(h) = %d, want C = %d", len(c.H), n)
	}
	if c.Label < 0 || c.Label >= n {
		return fmt.Errorf("label %d out of range [0, %d)", c.Label, n)
	}
	for j, v := range c.H {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("h[%d] = %v is not finite", j, v)
		}
	}
	if c.DType == Float32 {
		if j, ok := allFloat32(c.Logits); !ok {
			return fmt.Errorf("logits[%d] = %v is not a float32 value", j, c.Logits[j])
		}
		if j, ok := allFloat32(c.H); !ok {
			return fmt.Errorf("h[%d] = %v is not a float32 value", j, c.H[j])
		}
	}
	return nil
}

// IsFloat32 reports whether v is exactly representable as a float32
// (NaN and ±Inf included).
func IsFloat32(v float64) bool {
	return math.IsNaN(v) || float64(float32(v)) == v
}

func allFloat32(v []float64) (int, bool) {
	for j, x := range v {
		if !IsFloat32(x) {
			return j, false
		}
	}
	return 0, true
}

// Result is what an implementation returns for one case: the loss and the
// gradient with respect to the logits, or Err for a case it rejects.
// Certified is set only by the reference ("exact", "rounded", or
// "uncertified: reason").
type Result struct {
	ID        string
	Loss      float64
	Grad      []float64
	Err       string
	Certified string
}
