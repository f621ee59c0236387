package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// A distance matrix of 4 classes: 0 and 1 close, 2 farther, 3 far.
const distanceCSV = "0,1,2,4\n1,0,2,4\n2,2,0,4\n4,4,4,0\n"

func TestHCheckDistanceMatrixThenBuiltH(t *testing.T) {
	dir := t.TempDir()
	D := filepath.Join(dir, "D.csv")
	if err := os.WriteFile(D, []byte(distanceCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	// The distance matrix used as H: an error with the gradient sign at a
	// confident correct prediction. Row 0: S = 7, p_0 = 0.99, so
	// g_0 = 0.99·7 − 0 = +6.93 (by hand): descent lowers the true logit.
	code, out, errOut := runCLI("h", "check", D)
	if code != 1 {
		t.Fatalf("check D.csv: exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, s := range []string{"error [distance-like]", "g_0 = +6.93", "lowers the true logit x_0", "fix: Convert distances to similarities"} {
		if !strings.Contains(out, s) {
			t.Errorf("check D.csv output lacks %q:\n%s", s, out)
		}
	}
	// The build command, then check: clean.
	H := filepath.Join(dir, "H.binaryproto")
	code, out, errOut = runCLI("h", "build", "--from", D, "--transform", "gauss", "--tau", "1", "--normalize", "rows", "--smooth", "0.05", "--out", H)
	if code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI("h", "check", H)
	if code != 0 || !strings.Contains(out, H+": clean") || strings.Contains(out, "error") || strings.Contains(out, "warning") {
		t.Errorf("check of the built H: exit %d, want 0 and clean\n%s%s", code, out, errOut)
	}
	// From a tree, with a target mass.
	tree := filepath.Join(dir, "tree.txt")
	os.WriteFile(tree, []byte("-1\n0\n0\n1\n1\n2\n2\n"), 0o644)
	HT := filepath.Join(dir, "HT.npy")
	code, out, errOut = runCLI("h", "build", "--tree", tree, "--transform", "exp", "--target-mass", "0.8", "--normalize", "rows", "--out", HT)
	if code != 0 || !strings.Contains(out, "mass on the true class 0.8") {
		t.Errorf("build --tree --target-mass: exit %d\n%s%s", code, out, errOut)
	}
	// A warning does not fail: row sums 1 and 5.
	W := filepath.Join(dir, "W.csv")
	os.WriteFile(W, []byte("1,0\n0,5\n"), 0o644)
	if code, out, _ := runCLI("h", "check", W); code != 0 || !strings.Contains(out, "warning [row-sum]") {
		t.Errorf("check W.csv: exit %d, want 0 with a row-sum warning\n%s", code, out)
	}
}

func TestHConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "H.json")
	code, out, errOut := runCLI("h", "build", "--from", writeTemp(t, dir, "D.csv", distanceCSV), "--transform", "exp", "--tau", "0.7", "--out", src)
	if code != 0 {
		t.Fatalf("build: %d %s %s", code, out, errOut)
	}
	want, _ := os.ReadFile(src)
	prev := src
	for _, name := range []string{"a.npy", "b.binaryproto", "c.csv", "d.json"} {
		next := filepath.Join(dir, name)
		if code, out, errOut := runCLI("h", "convert", prev, next); code != 0 {
			t.Fatalf("convert %s %s: %d %s %s", prev, next, code, out, errOut)
		}
		prev = next
	}
	got, _ := os.ReadFile(prev)
	if !bytes.Equal(got, want) {
		t.Errorf("json → npy → binaryproto → csv → json changed the file:\n%s\nwant\n%s", got, want)
	}
	if code, out, _ := runCLI("h", "convert", "--dtype", "float32", src, filepath.Join(dir, "e.npy")); code != 0 || !strings.Contains(out, "rounded") {
		t.Errorf("convert --dtype float32: exit %d, %q", code, out)
	}
}

func writeTemp(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHUsageAndBadInputExit2(t *testing.T) {
	dir := t.TempDir()
	D := writeTemp(t, dir, "D.csv", distanceCSV)
	ragged := writeTemp(t, dir, "r.csv", "0,1\n1\n")
	corrupt := writeTemp(t, dir, "c.binaryproto", "\x3a\x05\x0a\x03\x01\x01")
	for _, tt := range []struct {
		args []string
		why  string
	}{
		{[]string{"h"}, "no subcommand"},
		{[]string{"h", "frobnicate"}, "unknown subcommand"},
		{[]string{"h", "check"}, "no file"},
		{[]string{"h", "check", "a.csv", "b.csv"}, "two files"},
		{[]string{"h", "check", filepath.Join(dir, "missing.csv")}, "unreadable file"},
		{[]string{"h", "check", ragged}, "ragged CSV"},
		{[]string{"h", "check", corrupt}, "corrupted binaryproto"},
		{[]string{"h", "check", "--train", "float16", D}, "unknown dtype"},
		{[]string{"h", "build", "--from", D, "--transform", "gauss", "--tau", "1"}, "no --out"},
		{[]string{"h", "build", "--transform", "gauss", "--tau", "1", "--out", filepath.Join(dir, "x.npy")}, "neither --from nor --tree"},
		{[]string{"h", "build", "--from", D, "--transform", "cosine", "--out", filepath.Join(dir, "x.npy")}, "unknown transform"},
		{[]string{"h", "build", "--from", D, "--transform", "gauss", "--out", filepath.Join(dir, "x.npy")}, "gauss without τ"},
		{[]string{"h", "build", "--from", D, "--transform", "gauss", "--tau", "1", "--out", filepath.Join(dir, "x.txt")}, "unknown output extension"},
		{[]string{"h", "build", "--from", ragged, "--transform", "gauss", "--tau", "1", "--out", filepath.Join(dir, "x.npy")}, "ragged D"},
		{[]string{"h", "build", "--from", D, "--transform", "gauss", "--tau", "1", "--weights", "1,2", "--out", filepath.Join(dir, "x.npy")}, "wrong number of weights"},
		{[]string{"h", "convert", D}, "no output"},
		{[]string{"h", "convert", corrupt, filepath.Join(dir, "y.csv")}, "corrupted input"},
	} {
		code, out, errOut := runCLI(tt.args...)
		if code != 2 {
			t.Errorf("%s: %v: exit %d, want 2\n%s%s", tt.why, tt.args, code, out, errOut)
		}
		if code == 2 && errOut == "" {
			t.Errorf("%s: exit 2 without a message", tt.why)
		}
	}
}

// TestHBuildRefusesHugeBuilds: a build that would hold more than
// --max-memory GiB (D and H, 8·C² bytes each) is refused with exit 2 and a
// message naming the need and the flag, before anything C×C is allocated.
// A star tree of 20,000 leaves needs 16·20000² B = 5.96 GiB (it used to
// reach 7.6 GB of resident memory): refused under the default 4 GiB while
// allocating well under 64 MiB in all (the parent list is 20,001 numbers).
func TestHBuildRefusesHugeBuilds(t *testing.T) {
	dir := t.TempDir()
	var star strings.Builder
	star.WriteString("-1")
	for range 20000 {
		star.WriteString("\n0")
	}
	starFile := writeTemp(t, dir, "star.txt", star.String())
	D := writeTemp(t, dir, "D.csv", distanceCSV)
	// A 3 GiB distance file (sparse: no disk used) is refused before it is
	// read: the file alone and D and H for its fewest classes pass 4 GiB.
	bigNPY := filepath.Join(dir, "big.npy")
	if err := os.WriteFile(bigNPY, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sparse := os.Truncate(bigNPY, 3<<30)
	out := filepath.Join(dir, "H.npy")
	for _, tt := range []struct {
		args []string
		want string
		why  string
	}{
		{[]string{"--tree", starFile, "--transform", "linear"}, "C = 20000 leaves (classes): the build needs 6.0 GiB", "star tree of 20,000 leaves, default limit"},
		{[]string{"--from", bigNPY, "--transform", "linear"}, "needs at least 9.0 GiB", "3 GiB .npy: 3 GiB + 16·3 GiB/8, refused unread"},
		{[]string{"--from", D, "--transform", "linear", "--max-memory", "1e-7"}, "C = 4 classes: the build needs 256 B", "4 classes (256 B) over a 107 B limit, after reading"},
		{[]string{"--from", D, "--transform", "linear", "--max-memory", "0"}, "want a finite number of GiB > 0", "a zero limit is a usage error"},
	} {
		if tt.args[1] == bigNPY && sparse != nil {
			t.Logf("%s: not run, this filesystem makes no sparse file: %v", tt.why, sparse)
			continue
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, stdout, stderr := runCLI(append(append([]string{"h", "build"}, tt.args...), "--out", out)...)
		runtime.ReadMemStats(&after)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, want 2 with %q\n%s%s", tt.why, code, tt.want, stdout, stderr)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 64<<20 {
			t.Errorf("%s: allocated %d MiB before refusing", tt.why, a>>20)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: wrote %s", tt.why, out)
		}
	}
	// The same small build within the limit works.
	if code, stdout, stderr := runCLI("h", "build", "--from", D, "--transform", "linear", "--max-memory", "1e-6", "--out", out); code != 0 {
		t.Errorf("4 classes under a 1 KiB limit: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestHHelp: the top-level help lists h with its three subcommands, and
// `infogain h --help` (exit 0, on stdout) gives a synopsis naming every
// flag each subcommand defines (read from `infogain h SUB --help`), so the
// synopsis cannot drift from the flags.
func TestHHelp(t *testing.T) {
	code, top, _ := runCLI("--help")
	if code != 0 || !regexp.MustCompile(`(?m)^  h +.*h build, h check, h convert`).MatchString(top) {
		t.Errorf("infogain --help: exit %d, no h line naming its subcommands:\n%s", code, top)
	}
	code, hHelp, errOut := runCLI("h", "--help")
	if code != 0 || errOut != "" {
		t.Fatalf("infogain h --help: exit %d, stderr %q", code, errOut)
	}
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, sub := range []string{"build", "check", "convert"} {
		// The synopsis of sub runs from its "infogain h sub" line to the
		// next subcommand's (or the blank line).
		i := strings.Index(hHelp, "infogain h "+sub)
		if i < 0 {
			t.Errorf("h --help has no synopsis of %s:\n%s", sub, hHelp)
			continue
		}
		syn := hHelp[i:]
		if j := strings.Index(syn[1:], "infogain h "); j >= 0 {
			syn = syn[:j+1]
		}
		if j := strings.Index(syn, "\n\n"); j >= 0 {
			syn = syn[:j]
		}
		code, out, subHelp := runCLI("h", sub, "--help")
		if code != 0 {
			t.Errorf("h %s --help: exit %d", sub, code)
		}
		flags := flagLine.FindAllStringSubmatch(out+subHelp, -1)
		if len(flags) < 2 {
			t.Errorf("h %s --help lists %d flags:\n%s%s", sub, len(flags), out, subHelp)
		}
		for _, m := range flags {
			if !strings.Contains(syn, "--"+m[1]) {
				t.Errorf("h --help synopsis of %s lacks --%s:\n%s", sub, m[1], syn)
			}
		}
	}
}
