package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportShardMerge: `infogain report --shard I/3` three times, then
// `infogain merge` (flags between the directories) writes the same files
// as the unsharded `infogain report` to the same --out, the recorded
// command included.
func TestReportShardMerge(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "report")
	common := []string{"--size", "gate", "--impl", "naive", "--family", "moderate,dominant", "--dtype", "float32", "--props=false"}
	mustRun(t, append([]string{"report", "--out", out}, common...)...)
	want := filepath.Join(tmp, "want")
	if err := os.Rename(out, want); err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for i := range 3 {
		dir := filepath.Join(tmp, "shard", string(rune('a'+i)))
		dirs = append(dirs, dir)
		stderr := mustRun(t, append([]string{"report", "--out", dir, "--shard", []string{"0/3", "1/3", "2/3"}[i]}, common...)...)
		if !strings.Contains(stderr, "report: shard") {
			t.Errorf("no progress line on stderr: %q", stderr)
		}
	}
	mustRun(t, "merge", dirs[0], "--out", out, dirs[1], dirs[2])
	ents, err := os.ReadDir(want)
	if err != nil || len(ents) == 0 {
		t.Fatalf("unsharded report: %v", err)
	}
	got, _ := os.ReadDir(out)
	if len(got) != len(ents) {
		t.Errorf("merged report has %d files, the unsharded %d", len(got), len(ents))
	}
	for _, e := range ents {
		a, _ := os.ReadFile(filepath.Join(want, e.Name()))
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the unsharded and the merged report (%v)", e.Name(), err)
		}
	}

	// Refusals reach the user as exit 2 and a reason.
	for _, tc := range []struct {
		args []string
		want string
		why  string
	}{
		{[]string{"merge", dirs[0], dirs[1], "--out", out}, "shards missing: 2/3", "a missing shard"},
		{[]string{"merge", "--out", out}, "no partial results given", "nothing to merge"},
		{[]string{"report", "--out", out, "--shard", "3/3"}, "I must be between 0 and N−1", "shard index out of range"},
		{[]string{"report", "--out", out, "--size", "huge", "--props=false", "--impl", "naive"}, "--shard", "huge without --shard"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.why, code, stderr.String(), tc.want)
		}
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("infogain %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stderr.String()
}
