package fused_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/fused"
)

// Tests that kill survivors of `make mutate` in fused (docs/mutation.md).
// They use the exported API only, so they outlive refactorings of fused's
// internals; each names the mutant it was written for.

// TestBatchLossLabelMessage kills fused/batch.go:64:17 CONDITIONALS_BOUNDARY
// (`l >= c` → `l > c`): a label equal to C then passes the range check and
// BatchLoss dies on a slice bound instead of saying which input is wrong.
// TestBatchPanics only checks that it panics.
func TestBatchLossLabelMessage(t *testing.T) {
	const c = 3
	for _, label := range []int{c, -1, c + 5} {
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "label out of range") {
					t.Errorf("label %d of C = %d: panic %q, want one naming the label out of range", label, c, msg)
				}
			}()
			fused.BatchLoss(make([]float64, 2*c), make([]float64, 2*c), []int{0, label}, make([]float64, c*c), 2, c, 1, fused.BatchOptions{})
		}()
	}
}
