package impls

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// The minimal implementations of docs/protocol.md are extracted from the
// document and run through Command, so that the document cannot drift from
// a protocol that works.

// docFile returns the code block that follows "<!-- file: name -->" in
// docs/protocol.md.
func docFile(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- file: " + regexp.QuoteMeta(name) + " -->\n```[a-z]*\n(.*?)```")
	m := re.FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/protocol.md has no block for %s", name)
	}
	return string(m[1])
}

// workingPython returns a python3 that runs (Debian's first: the one the
// adapters use), or skips.
func workingPython(t *testing.T) string {
	t.Helper()
	cands := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, p := range cands {
		if exec.Command(p, "-c", "import json, math, struct, sys").Run() == nil {
			return p
		}
	}
	t.Skip("no working python3 (tried /usr/bin/python3 and PATH): the Python example is not run")
	return ""
}

// Tolerances of the minimal examples against the reference on the benign
// cases below (losses ≥ 0.3, |x| ≤ 3, C ≤ 5): a max shift, log of a sum
// of exponentials and a naive dot product in double, each operation within
// half an ulp, with at most a 10× cancellation in lse − x_j. They check the
// plumbing of the protocol, not accuracy (the battery does that).
const (
	docLossRel64 = 1e-14
	docGradAbs64 = 1e-15
	docLossRel32 = 1e-6 // one rounding to float32 dominates
	docGradAbs32 = 1e-7
)

// docCases are benign rows; the expected values come from the reference.
func docCases() []cases.Case {
	rows := []struct{ x, h []float64 }{
		{[]float64{0, 0}, []float64{1, 0}},
		{[]float64{0, 1, 2, 3}, []float64{1, 0, 0, 0}},
		{[]float64{0.5, -0.25, 1}, []float64{0.25, 0.25, 0.5}},
		{[]float64{3, -3, 0, 1, 2}, []float64{0, 1, 0, 0, 0}},
		{[]float64{-1, 2}, []float64{0.75, 0.25}},
	}
	var cs []cases.Case
	for i, r := range rows {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			cs = append(cs, cases.Case{ID: "doc/" + string(dt) + "/" + string(rune('a'+i)), DType: dt, Logits: r.x, H: r.h})
		}
	}
	return cs
}

func checkDocImpl(t *testing.T, im *Impl) {
	t.Helper()
	ref := Reference()
	cs := docCases()
	rs := im.CaseBatch(cs)
	for i := range cs {
		c, r := &cs[i], rs[i]
		want := ref.Case(c)
		if r.Err != "" {
			t.Fatalf("%s: %s", c.ID, r.Err)
		}
		lossRel, gradAbs := docLossRel64, docGradAbs64
		if c.DType == cases.Float32 {
			lossRel, gradAbs = docLossRel32, docGradAbs32
		}
		if math.Abs(r.Loss-want.Loss) > lossRel*math.Abs(want.Loss) {
			t.Errorf("%s: loss %v, reference %v", c.ID, r.Loss, want.Loss)
		}
		for j := range want.Grad {
			if math.Abs(r.Grad[j]-want.Grad[j]) > gradAbs {
				t.Errorf("%s: grad[%d] %v, reference %v", c.ID, j, r.Grad[j], want.Grad[j])
			}
		}
	}
	// Non-finite logits travel as strings both ways.
	nf := cases.Case{ID: "doc/nan", DType: cases.Float64, Logits: []float64{math.NaN(), 0}, H: []float64{1, 0}}
	if r := im.Case(&nf); r.Err != "" || !math.IsNaN(r.Loss) {
		t.Errorf("NaN logit: %+v, want a NaN loss", r)
	}
	if err := im.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := im.ProtocolErr(); err != nil {
		t.Errorf("protocol: %v", err)
	}
}

func TestDocMinimalPython(t *testing.T) {
	py := workingPython(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "minimal.py")
	if err := os.WriteFile(src, []byte(docFile(t, "minimal.py")), 0o644); err != nil {
		t.Fatal(err)
	}
	im, err := Command("minimal-py", []string{py, src}, CommandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkDocImpl(t, im)
}

func TestDocMinimalC(t *testing.T) {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		if cc, err = exec.LookPath("cc"); err != nil {
			t.Skip("no gcc or cc on PATH: the C example is not compiled")
		}
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "minimal.c"), filepath.Join(dir, "minimal")
	if err := os.WriteFile(src, []byte(docFile(t, "minimal.c")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, out)
	}
	im, err := Command("minimal-c", []string{bin}, CommandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkDocImpl(t, im)
}
