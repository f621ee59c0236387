package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/reports"
)

// withoutTiming drops the last line of a check's stdout, "(gate suite,
// seed 1, 3.2 s)": its time is the one thing two runs do not share.
func withoutTiming(out string) string {
	out = strings.TrimSuffix(out, "\n")
	if i := strings.LastIndex(out, "\n"); i >= 0 && strings.HasPrefix(out[i+1:], "(") {
		return out[:i+1]
	}
	return out
}

// TestCheckShardMerge: `infogain check --shard I/N` on each of N shards,
// then `infogain check --merge`, prints the verdict of the unsharded check
// and exits with its status, for N = 1, 2 and 7, on a program that passes
// (infogain eval --impl fused: exit 0) and one that fails (infogain eval
// --impl naive: identity-H and the dominant family, exit 1).
func TestCheckShardMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("eight checks through the protocol per program")
	}
	bin := infogainBin(t)
	for _, tc := range []struct {
		impl string
		code int
		why  string
	}{
		{"fused", 0, "holds its contract"},
		{"naive", 1, "fails identity-H and the dominant family"},
	} {
		cmd := []string{"check", "--cmd", bin + " eval --impl " + tc.impl, "--name", tc.impl}
		suite := []string{"--family", "dominant,moderate"}
		code, want, errOut := runCLI(append(append([]string{}, cmd...), suite...)...)
		if code != tc.code {
			t.Fatalf("%s (%s): unsharded exit %d, want %d\n%s\n%s", tc.impl, tc.why, code, tc.code, want, errOut)
		}
		for _, n := range []int{1, 2, 7} {
			dir := filepath.Join(t.TempDir(), "partials")
			for i := range n {
				args := append(append(append([]string{}, cmd...), suite...), "--shard", fmt.Sprintf("%d/%d", i, n), "--out", dir)
				if c, o, e := runCLI(args...); c != 0 || !strings.Contains(o, "infogain check: shard") {
					t.Fatalf("%s: shard %d/%d: exit %d\n%s\n%s", tc.impl, i, n, c, o, e)
				}
			}
			// Flags after the directory, as for infogain merge.
			args := append([]string{"check", "--merge", dir}, cmd[1:]...)
			c, got, e := runCLI(args...)
			if c != code || withoutTiming(got) != withoutTiming(want) {
				t.Errorf("%s, N=%d: merged exit %d (unsharded %d); verdict:\n%s\nunsharded:\n%s\n%s", tc.impl, n, c, code, got, want, e)
			}
		}
	}
	crashed := filepath.Join(t.TempDir(), "crashed")
	bad := []struct {
		args []string
		msg  string
		why  string
	}{
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--merge"}, "--merge needs the partial results", "nothing to merge"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--merge", t.TempDir()}, "no partial-*.jsonl", "an empty directory"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--shard", "2/2"}, "I must be between", "shard out of range"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--shard", "0/2", "--merge", t.TempDir()}, "exclude each other", "--shard with --merge"},
		{[]string{"check", "--cmd", "sh -c 'exit 3'", "--family", "dominant", "--shard", "0/2", "--out", crashed}, "protocol error", "a program that exits at once: the shard says so"},
		{[]string{"check", "--cmd", "sh -c 'exit 3'", "--family", "dominant", "--shard", "1/2", "--out", crashed}, "protocol error", "its other shard"},
		{[]string{"check", "--cmd", "sh -c 'exit 3'", "--merge", crashed}, "PROTOCOL ERROR", "the merge reports the protocol error, exit 2 as unsharded"},
		{[]string{"check", "--cmd", bin + " eval --impl naive", "--merge", crashed}, "the shards checked", "merging with another program"},
	}
	for _, tt := range bad {
		if code, out, errOut := runCLI(tt.args...); code != 2 || !strings.Contains(out+errOut, tt.msg) {
			t.Errorf("%s: exit %d, want 2 and %q\n%s\n%s", tt.why, code, tt.msg, out, errOut)
		}
	}
}

// TestReportShardCmdSendsOnlyItsCases: `infogain report --shard I/N --cmd`
// sends the program its shard's cases, not the whole suite: the program
// (infogain eval behind a tee that records its input) receives the
// shard's cases plus at most one more per family and dtype (the partial's
// fingerprint evaluates each part's first case). Shard 2 of 4 owns neither
// implementation (k mod N: naive is 0, ext 1), so the diagnosis probes,
// which run on the owning shard, send nothing here.
func TestReportShardCmdSendsOnlyItsCases(t *testing.T) {
	bin := infogainBin(t)
	tmp := t.TempDir()
	seen := filepath.Join(tmp, "seen.jsonl")
	out := filepath.Join(tmp, "partials")
	prog := fmt.Sprintf("ext=sh -c 'tee -a %s | %s eval --impl fused'", seen, bin)
	code, stdout, errOut := runCLI("report", "--size", "gate", "--family", "moderate", "--dtype", "float64", "--props=false",
		"--impl", "naive", "--cmd", prog, "--shard", "2/4", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	var shard int // the shard's cases, from the summary line "shard 2/4: 9 of 40 cases"
	if _, err := fmt.Sscanf(stdout[strings.Index(stdout, "shard 2/4: "):], "shard 2/4: %d of 40 cases", &shard); err != nil || shard == 0 || shard > 20 {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	b, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(b), "\n"); got < shard || got > shard+1 {
		t.Errorf("the program received %d cases; the shard has %d (of the suite's 40)", got, shard)
	}
}

// TestReportHelpHugeCases: the case count `report --help` gives for --size
// huge is reports.HugeCases (which TestHugeCases checks against the plan).
func TestReportHelpHugeCases(t *testing.T) {
	code, out, errOut := runCLI("report", "--help")
	m := regexp.MustCompile(`--size huge \(([0-9,]+) cases\)`).FindStringSubmatch(out + errOut)
	if code != 0 || m == nil {
		t.Fatalf("exit %d; no \"--size huge (N cases)\" in the help:\n%s%s", code, out, errOut)
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if err != nil || n != reports.HugeCases {
		t.Errorf("help says %s huge cases, reports.HugeCases = %d", m[1], reports.HugeCases)
	}
	for _, tc := range []struct {
		n    int
		want string
		why  string
	}{
		{0, "0", "no separator"},
		{999, "999", "three digits"},
		{1000, "1,000", "first separator"},
		{12408000, "12,408,000", "the huge count, as docs/scale-out.md prints it"},
		{-1234567, "-1,234,567", "negative"},
	} {
		if got := thousands(tc.n); got != tc.want {
			t.Errorf("thousands(%d) = %q, want %q (%s)", tc.n, got, tc.want, tc.why)
		}
	}
}
