package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/reports"
)

// TestGateReplayCommandWorks: the commands a gate regression prints to
// show and replay its case are real commands that print that case. The
// committed baseline is tightened for one entry (fused's worst scaled
// gradient error on dominant/float64 set to 0) so that the gate fails on
// it and names its worst case.
func TestGateReplayCommandWorks(t *testing.T) {
	b, err := reports.ReadBaseline(filepath.Join("..", "..", "reports", "baseline.json"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range b.Entries {
		e := &b.Entries[i]
		if e.Impl == "fused" && e.Family == "dominant" && e.DType == "float64" {
			e.GradScaledWorst, found = 0, true
		}
	}
	if !found {
		t.Fatal("baseline has no fused/dominant/float64 entry")
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := reports.WriteBaseline(path, b); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI("gate", "--baseline", path)
	if code != 1 {
		t.Fatalf("gate against a tightened baseline: exit %d, want 1\n%s%s", code, out, errOut)
	}
	var input string
	for _, line := range strings.Split(out+errOut, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "input:  infogain "); ok {
			input = s
			break
		}
	}
	if input == "" {
		t.Fatalf("no input command in the gate's output:\n%s%s", out, errOut)
	}
	args := strings.Fields(input)
	code, printed, errOut := runCLI(args...)
	if code != 0 {
		t.Fatalf("infogain %s: exit %d: %s", input, code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(printed), "\n")
	id := args[len(args)-1]
	if len(lines) != 1 {
		t.Fatalf("infogain %s printed %d lines, want the one case %s", input, len(lines), id)
	}
	c, err := jsonl.NewDecoder(strings.NewReader(printed)).Next()
	if err != nil || c.ID != id || c.DType != "float64" || c.Family != "dominant" {
		raw, _ := json.Marshal(c)
		t.Errorf("infogain %s: %s (%v), want case %s of dominant/float64", input, raw, err, id)
	}
}
