package cases

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/infogain-dev/infogain"

// stdOnlyClosure parses the imports of the non-test Go files of the package
// in dir (relative to the module root) and, recursively, of every package
// of this module it imports; it records the module packages visited in
// seen and every import from outside the standard library (an import path
// whose first element has a dot) in bad as "importer: path".
func stdOnlyClosure(t *testing.T, root, dir string, seen map[string]bool, bad *[]string) {
	t.Helper()
	if seen[dir] {
		return
	}
	seen[dir] = true
	files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s (%v)", dir, err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case p == module || strings.HasPrefix(p, module+"/"):
				stdOnlyClosure(t, root, strings.TrimPrefix(strings.TrimPrefix(p, module), "/"), seen, bad)
			case strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
				*bad = append(*bad, dir+": "+p)
			}
		}
	}
}

// TestImportsOnlyStd holds docs/design.md §9: cases is the bottom package
// and depends on the standard library only, plus the standard-library-only
// core hmat (for the h-tree family). hmat's file formats are in hmat/hfile,
// which imports protowire and must never be reached from here. The test
// would catch, e.g., families.go importing hmat/hfile, or hmat importing
// protowire again.
func TestImportsOnlyStd(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(wd) // the module root: cases is one level down
	seen := map[string]bool{}
	var bad []string
	stdOnlyClosure(t, root, "cases", seen, &bad)
	for _, b := range bad {
		t.Errorf("import outside the standard library: %s", b)
	}
	allowed := map[string]bool{"cases": true, "hmat": true}
	for dir := range seen {
		if !allowed[dir] {
			t.Errorf("cases depends on module package %s; only hmat (the std-only core) is allowed (docs/design.md §9)", dir)
		}
	}
	if !seen["hmat"] {
		t.Errorf("cases no longer imports hmat: update this test and docs/design.md §9")
	}
}
