package fuzz

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the import path compile_native_go_fuzzer is given.
const module = "github.com/infogain-dev/infogain"

// fakeCompile stands in for OSS-Fuzz's compile_native_go_fuzzer: it records
// its arguments and fails unless the package is in the module, a _test.go
// file of it declares the target as func Target(f *testing.F), and the
// binary name is new; it "builds" by writing a file to $OUT.
const fakeCompile = `#!/bin/bash
set -eu
echo "compile_native_go_fuzzer $*" >> "$FAKE_LOG"
[ $# -eq 3 ] || { echo "fake: want 3 arguments, got $#" >&2; exit 1; }
rel=${1#` + module + `}
[ "$rel" != "$1" ] || { echo "fake: $1 is not in the module" >&2; exit 1; }
dir=$SRC/infogain$rel
grep -qs "^func $2(f \*testing.F)" "$dir"/*_test.go || { echo "fake: no $2 in $dir" >&2; exit 1; }
[ ! -e "$OUT/$3" ] || { echo "fake: binary $3 built twice" >&2; exit 1; }
echo "$1 $2" > "$OUT/$3"
`

// fakeGo records its arguments: build.sh may only fetch the shim.
const fakeGo = `#!/bin/bash
echo "go $*" >> "$FAKE_LOG"
`

// repoFuzzTargets returns "dir Target" for every func FuzzXxx(*testing.F)
// in a _test.go file of the repository.
func repoFuzzTargets(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || len(fn.Type.Params.List) != 1 {
				continue
			}
			if star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "F" {
					rel, _ := filepath.Rel(root, filepath.Dir(path))
					out = append(out, filepath.ToSlash(rel)+" "+fn.Name.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestClusterFuzzLiteBuild runs .clusterfuzzlite/build.sh with stand-ins
// for the OSS-Fuzz helpers and checks that it builds every fuzz target of
// the repository, once, under a distinct name, and nothing else.
func TestClusterFuzzLiteBuild(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	want := repoFuzzTargets(t, root)
	if len(want) < 8 {
		t.Fatalf("found only %d fuzz targets (%v): the discovery is broken", len(want), want)
	}
	tmp := t.TempDir()
	src, out, bin := filepath.Join(tmp, "src"), filepath.Join(tmp, "out"), filepath.Join(tmp, "bin")
	for _, d := range []string{src, out, bin} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(root, filepath.Join(src, "infogain")); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"compile_native_go_fuzzer": fakeCompile, "go": fakeGo} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(tmp, "log")
	env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "SRC="+src, "OUT="+out, "FAKE_LOG="+log)

	// The stand-in can fail: a target that does not exist is refused.
	bad := exec.Command(filepath.Join(bin, "compile_native_go_fuzzer"), module+"/fuzz", "FuzzNoSuchTarget", "x")
	bad.Env = env
	if err := bad.Run(); err == nil {
		t.Fatal("the stand-in compile_native_go_fuzzer accepted a target that does not exist")
	}
	os.Remove(log)

	cmd := exec.Command(filepath.Join(root, ".clusterfuzzlite", "build.sh")) // its shebang's -eu apply
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got, goCmds []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch fields[0] {
		case "compile_native_go_fuzzer":
			rel := strings.TrimPrefix(strings.TrimPrefix(fields[1], module), "/")
			got = append(got, rel+" "+fields[2])
		case "go":
			if len(got) > 0 {
				t.Errorf("go %v after a fuzzer was compiled", fields[1:])
			}
			goCmds = append(goCmds, strings.Join(fields[1:], " "))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("build.sh compiles\n  %v\nthe repository's fuzz targets are\n  %v", got, want)
	}
	if !slices.Equal(goCmds, []string{"get github.com/AdamKorcz/go-118-fuzz-build/testing"}) {
		t.Errorf("build.sh runs go %q, want only the shim fetch", goCmds)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != len(want) {
		t.Errorf("%d binaries in $OUT for %d targets", len(ents), len(want))
	}
}

// TestClusterFuzzLiteShellcheck: build.sh passes shellcheck (Debian
// package shellcheck; `make lint-ci` installs it).
func TestClusterFuzzLiteShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (make lint-ci installs and runs it)")
	}
	if b, err := exec.Command(sc, "../.clusterfuzzlite/build.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, b)
	}
}
