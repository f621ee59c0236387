package check

import (
	"fmt"
	"math"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Agreement counts how often two implementations give the same bits.
type Agreement struct {
	A, B string
	// Cases counts the cases both support; Same those where the loss and
	// every gradient component are bit for bit equal (NaN equals NaN, any
	// payload) or both reject; LossSame those with equal loss bits.
	Cases, Same, LossSame int
	// GradOver8 counts the cases where some gradient component of A and
	// B differs by more than 8 scaled units (docs/design.md §5, measured
	// with B's result as the reference point).
	GradOver8 int
	// First is the id of the first case that differs.
	First string
}

// Agree evaluates a and b on cs (batched where they can) and compares.
func Agree(a, b *impls.Impl, cs []cases.Case) Agreement {
	ag := Agreement{A: a.Name, B: b.Name}
	var both []cases.Case
	for i := range cs {
		if a.Supports(cs[i].DType) && b.Supports(cs[i].DType) {
			both = append(both, cs[i])
		}
	}
	ra, rb := a.CaseBatch(both), b.CaseBatch(both)
	for i := range both {
		ag.Cases++
		x, y := &ra[i], &rb[i]
		lossSame := (x.Err != "") == (y.Err != "") && sameBits(x.Loss, y.Loss)
		same := lossSame && len(x.Grad) == len(y.Grad)
		for j := 0; same && j < len(x.Grad); j++ {
			same = sameBits(x.Grad[j], y.Grad[j])
		}
		if lossSame {
			ag.LossSame++
		}
		if same {
			ag.Same++
		} else if ag.First == "" {
			ag.First = both[i].ID + " (" + string(both[i].DType) + ")"
		}
		if x.Err == "" && y.Err == "" {
			if m := impls.Measure(&both[i], x, y); m.GradScored && m.GradScaled > 8 {
				ag.GradOver8++
			}
		}
	}
	return ag
}

func sameBits(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y))
}

// String is the one-line summary.
func (ag Agreement) String() string {
	if ag.Cases == 0 {
		return fmt.Sprintf("%s and %s: no case both support", ag.A, ag.B)
	}
	s := fmt.Sprintf("%s and %s agree bit for bit on %d of %d cases (%.1f%%; loss alone %d); "+
		"on %d a gradient component differs by more than 8 scaled units",
		ag.A, ag.B, ag.Same, ag.Cases, 100*float64(ag.Same)/float64(ag.Cases), ag.LossSame, ag.GradOver8)
	if ag.First != "" {
		s += "; first difference: " + ag.First
	}
	return s
}
