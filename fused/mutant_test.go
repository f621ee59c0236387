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

// TestBatchLossIgnoredAtZeroWeight kills fused/batch.go:110:28
// ARITHMETIC_BASE (`0 * scale` → `0 / scale` in the strided path): with
// loss_weight 0 the scale is 0 and an ignored position's gradient would be
// 0/0 = NaN instead of 0 (TestBatchMatchesDriver has no zero weight; the
// battery's batch-ignore-label catches it since it draws weight 0). Both
// paths (inner = 1 and strided) are checked; expected: every gradient
// element 0, as loss_weight 0 makes the whole gradient 0 (docs/design.md §1).
func TestBatchLossIgnoredAtZeroWeight(t *testing.T) {
	for _, inner := range []int{1, 3} {
		const outer, c = 2, 3
		n := outer * c * inner
		logits := make([]float64, n)
		for i := range logits {
			logits[i] = float64(i%5) - 2
		}
		labels := make([]int, outer*inner)
		for i := range labels {
			labels[i] = i % c
		}
		labels[0] = -1 // ignored
		H := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
		dst := make([]float64, n)
		fused.BatchLoss(dst, logits, labels, H, outer, c, inner, fused.BatchOptions{
			HasIgnoreLabel: true, IgnoreLabel: -1, Normalization: fused.NormValid, LossWeight: 0})
		for i, g := range dst {
			if g != 0 {
				t.Errorf("inner = %d: grad[%d] = %v, want 0 (loss_weight 0)", inner, i, g)
			}
		}
	}
}
