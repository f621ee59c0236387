package cases_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

var update = flag.Bool("update", false, "rewrite testdata/families.golden")

// The golden tests encode with the codec of cases/jsonl, which imports
// cases: they live in the external test package to avoid an import cycle.

// TestFamiliesGolden pins the generated cases: reports and the gate's
// baseline are computed from them, so any change to a generator must be
// deliberate. The file holds a SHA-256 of the encoded cases per family and
// dtype (seed 1, 8 cases); regenerate with
//
//	go test ./cases -run TestFamiliesGolden -update
func TestFamiliesGolden(t *testing.T) {
	var got bytes.Buffer
	for _, name := range cases.FamilyNames() {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			cs, err := cases.Generate(name, 1, dt, 8)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			enc := jsonl.NewEncoder(h)
			for i := range cs {
				if err := enc.Encode(&cs[i]); err != nil {
					t.Fatal(err)
				}
			}
			fmt.Fprintf(&got, "%s %s %x\n", name, dt, h.Sum(nil))
		}
	}
	path := filepath.Join("testdata", "families.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		header := "# cases.Generate(family, seed 1, dtype, 8), JSON lines hashed with SHA-256.\n" +
			"# Regenerate: go test ./cases -run TestFamiliesGolden -update\n"
		if err := os.WriteFile(path, append([]byte(header), got.Bytes()...), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			k := strings.LastIndexByte(line, ' ')
			want[line[:k]] = line[k+1:]
		}
	}
	lines := strings.Split(strings.TrimSpace(got.String()), "\n")
	if len(want) != len(lines) {
		t.Errorf("golden has %d entries, generated %d", len(want), len(lines))
	}
	for _, line := range lines {
		k := strings.LastIndexByte(line, ' ')
		if w := want[line[:k]]; w != line[k+1:] {
			t.Errorf("%s: generated cases changed (hash %s, golden %s); if deliberate, run with -update", line[:k], line[k+1:], w)
		}
	}
}

// TestSeedsGolden keeps testdata/seeds.jsonl, the seed table as JSON lines
// for tools outside Go, equal to cases.Seeds() byte for byte; regenerate with
//
//	go test ./cases -run TestSeedsGolden -update
func TestSeedsGolden(t *testing.T) {
	var got bytes.Buffer
	enc := jsonl.NewEncoder(&got)
	for _, c := range cases.SeedCases() {
		if err := enc.Encode(&c); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("testdata", "seeds.jsonl")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("Seeds() encode differently from %s; if deliberate, run with -update\n got:\n%s", path, got.String())
	}
	// And the file decodes back to the table.
	d := jsonl.NewDecoder(bytes.NewReader(want))
	for i, s := range cases.Seeds() {
		c, err := d.Next()
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if diff := cases.DiffCases(&s.Case, &c); diff != "" {
			t.Errorf("seed %s: %s", s.Name, diff)
		}
	}
}
