package reports

import (
	"testing"
)

// TestCommittedBaselineHolds reads the committed baseline and checks what it
// may never accept, whatever the gate compares against it: the reference is
// exact and passes every property; fused is within its declared bounds,
// never non-finite where the reference is finite, and passes every property.
// Without this a regression committed with `gate --update` would become the
// new normal silently.
func TestCommittedBaselineHolds(t *testing.T) {
	b, err := ReadBaseline("baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range b.Entries {
		seen[e.Impl] = true
		switch e.Impl {
		case "ref":
			if e.LossWorstULP != 0 || e.GradWorstULP != 0 || e.NonFinite != 0 || e.Errors != 0 || e.Mismatches != 0 {
				t.Errorf("ref/%s/%s is not exact: %+v", e.Family, e.DType, e)
			}
		case "fused":
			// Judged per case by fused's declared contract (impls.Judge).
			if e.Violations != 0 || e.NonFinite != 0 || e.Errors != 0 || e.Mismatches != 0 {
				t.Errorf("fused/%s/%s: %d cases outside its contract (loss %d ulps, scaled loss %v, grad scaled %v), non-finite %d, errors %d, special-value mismatches %d",
					e.Family, e.DType, e.Violations, e.LossWorstULP, e.LossScaledWorst, e.GradScaledWorst, e.NonFinite, e.Errors, e.Mismatches)
			}
		}
	}
	if !seen["ref"] || !seen["fused"] {
		t.Fatalf("baseline lacks ref or fused entries")
	}
	for _, p := range b.Properties {
		if (p.Impl == "ref" || p.Impl == "fused") && (!p.Checked || len(p.Failing) > 0) {
			t.Errorf("baseline: %s checked %v, failing properties %v; want checked and none", p.Impl, p.Checked, p.Failing)
		}
	}
}
