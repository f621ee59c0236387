package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/ulp"
)

// TestWriteDirDeterministic runs the same sweep twice with different worker
// counts and checks that every written file is byte-identical, plots
// included: scheduling, map order and clocks must not leak into the output.
func TestWriteDirDeterministic(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, workers := range []int{1, 3} {
		cfg := testConfig(testRef, goodFused, brokenFused2())
		cfg.Workers = workers
		rep, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteDir(dirs[i]); err != nil {
			t.Fatal(err)
		}
	}
	names := listDir(t, dirs[0])
	if got := listDir(t, dirs[1]); !slices.Equal(names, got) {
		t.Fatalf("file sets differ: %v vs %v", names, got)
	}
	for _, want := range []string{MarkdownFile, JSONFile, CSVFile, "grad_cdf_float64.svg", "loss_vs_spread_float32.png"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s not written (have %v)", want, names)
		}
	}
	for _, n := range names {
		a, _ := os.ReadFile(filepath.Join(dirs[0], n))
		b, _ := os.ReadFile(filepath.Join(dirs[1], n))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs of the same sweep", n)
		}
	}
}

// brokenFused2 is brokenFused under another name, so that both can sit in
// one report.
func brokenFused2() *impls.Impl {
	im := *brokenFused
	im.Name = "fused-log"
	return &im
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestReportTables checks what the markdown and the summaries say about a
// known-bad implementation: log(1 + s) loses the loss of dominant cases.
func TestReportTables(t *testing.T) {
	rep, err := Run(testConfig(testRef, goodFused, brokenFused2()))
	if err != nil {
		t.Fatal(err)
	}
	good := rep.find("fused", "dominant", "float64")
	bad := rep.find("fused-log", "dominant", "float64")
	if good == nil || bad == nil {
		t.Fatalf("missing dominant summaries: %+v", rep.Summaries)
	}
	if good.LossWorstULP != 0 {
		t.Errorf("fused (the reference's own formula) loss worst = %d ulps, want 0", good.LossWorstULP)
	}
	// log(1 + s) = 0 while the exact loss S·s is a normal number for the
	// gaps of 50 to 700 (s ≈ e^-gap): more than 2^52 ulps (every subnormal)
	// away from 0.
	if bad.LossWorstULP <= 1<<52 {
		t.Errorf("log(1+s) loss worst on dominant = %d ulps, want > 2^52", bad.LossWorstULP)
	}
	md := string(rep.markdown(nil))
	for _, want := range []string{"| dominant | fused-log |", "## Headline", "### Every family, float64", "## Glossary", "go test infogain/reports", "not run"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

// TestPanicIsRecorded: an implementation that panics becomes errors in the
// report, not a crashed sweep.
func TestPanicIsRecorded(t *testing.T) {
	rep, err := Run(testConfig(panicky))
	if err != nil {
		t.Fatal(err)
	}
	s := rep.find("panicky", GridFamily, "float64")
	if s == nil || s.Errors == 0 {
		t.Fatalf("panics not counted as errors: %+v", s)
	}
	if s.LossWorstULP != ulp.MaxDist {
		t.Errorf("a panicked case scores %d ulps, want the maximum", s.LossWorstULP)
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

// TestPropertiesHook: the failing properties the hook returns reach the
// report's table and the baseline, sorted.
func TestPropertiesHook(t *testing.T) {
	cfg := testConfig(goodFused, brokenFused2())
	cfg.Families = []string{"moderate"}
	cfg.Properties = func(im *impls.Impl) ([]string, error) {
		if im.Name == "fused-log" {
			return []string{"reference", "finite-differences"}, nil
		}
		return nil, nil
	}
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	md := string(rep.markdown(nil))
	if !strings.Contains(md, "| finite-differences, reference |") || !strings.Contains(md, "| none |") {
		t.Errorf("report.md does not show the failing properties:\n%s", md)
	}
	b := rep.Baseline()
	if got := b.Properties[1]; got.Impl != "fused-log" || !got.Checked || !slices.Equal(got.Failing, []string{"finite-differences", "reference"}) {
		t.Errorf("baseline properties = %+v", got)
	}
}

// TestProgress: a bar on a writer, redrawn at whole percents and ended by
// a newline; nothing without one.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "cases", "cases", 200)
	for range 200 {
		p.add(1)
	}
	p.done()
	out := buf.String()
	if n := strings.Count(out, "\r"); n != 101 {
		t.Errorf("%d redraws for 200 steps, want 101 (0%% … 100%%)", n)
	}
	if !strings.HasSuffix(out, "100% 200/200 cases\n") {
		t.Errorf("bar ends with %q", out[max(0, len(out)-40):])
	}
	quiet := newProgress(nil, "cases", "cases", 10)
	quiet.add(1) // must not panic
	quiet.done()
}
