package fuzz

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// Findings that fail on main wait under testdata/open/FuzzX/, in the
// engine's corpus format, where plain `go test` does not replay them.
//
//	go test ./fuzz -run TestOpenFindings -open
//
// fails on each one still failing and logs the command that promotes a
// fixed one to testdata/fuzz/FuzzX/.
var openFlag = flag.Bool("open", false, "replay the open findings of testdata/open")

// readCorpusFile reads a file in the format `go test -fuzz` writes for a
// func(*testing.T, []byte) target: the line "go test fuzz v1", then one
// []byte("…") literal.
func readCorpusFile(path string) ([]byte, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("%s: want the header line and one []byte value", path)
	}
	lit, okPrefix := strings.CutPrefix(lines[1], "[]byte(")
	lit, okSuffix := strings.CutSuffix(lit, ")")
	if !okPrefix || !okSuffix {
		return nil, fmt.Errorf("%s: %q is not a []byte literal", path, lines[1])
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return []byte(s), nil
}

// targetBodies are the targets' bodies as functions of their input, for
// the byte targets that findings are kept for.
func targetBodies() map[string]func([]byte) (cases.Case, string) {
	all := allImpls()
	return map[string]func([]byte) (cases.Case, string){
		"FuzzDiff64":    func(d []byte) (cases.Case, string) { c := decode64(d); return c, diffCase(&c) },
		"FuzzDiff32":    func(d []byte) (cases.Case, string) { c := decode32(d); return c, diffCase(&c) },
		"FuzzIdentityH": func(d []byte) (cases.Case, string) { c := decodeIdentity(d); return c, identityCase(&c) },
		"FuzzAllImpls":  func(d []byte) (cases.Case, string) { return allImplsCase(all, d) },
	}
}

// TestCorpusFiles checks that every committed finding, open or fixed,
// parses and belongs to a byte target, so that neither the engine nor
// TestOpenFindings skips one silently.
func TestCorpusFiles(t *testing.T) {
	bodies := targetBodies()
	files, err := filepath.Glob("testdata/*/Fuzz*/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no corpus files under testdata: the committed findings are missing")
	}
	for _, f := range files {
		if _, ok := bodies[filepath.Base(filepath.Dir(f))]; !ok {
			t.Errorf("%s: no byte target of that name", f)
		}
		if _, err := readCorpusFile(f); err != nil {
			t.Error(err)
		}
	}
}

func TestOpenFindings(t *testing.T) {
	if !*openFlag {
		t.Skip("open findings fail on main by definition; replay them with -open")
	}
	bodies := targetBodies()
	files, err := filepath.Glob("testdata/open/Fuzz*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		target := filepath.Base(filepath.Dir(f))
		data, err := readCorpusFile(f)
		if err != nil {
			t.Error(err)
			continue
		}
		c, d := bodies[target](data)
		if d != "" {
			t.Errorf("%s still fails: %s\ncase: %s", f, d, caseJSON(&c))
			continue
		}
		t.Logf("%s passes now: git mv fuzz/%s fuzz/testdata/fuzz/%s/", f, f, target)
	}
}
