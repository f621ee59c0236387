package main

import (
	"bytes"
	"os"
	"path/filepath"
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
