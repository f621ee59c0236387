package reports

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/infogain-dev/infogain/impls"
)

// TestGateCatchesBrokenFused is the gate's proof of power: a baseline made
// with a correct shift-and-log1p formula registered as "fused", then the same
// formula with log1p(s) replaced by log(1 + s) under the same name. The gate
// must fail and its diff must name the implementation and the family where
// the loss is lost (dominant: s ≈ e^-50 … e^-2000). Neither formula is the
// real fused package: both live in impls_test.go.
func TestGateCatchesBrokenFused(t *testing.T) {
	refs := []*impls.Impl{testRef}
	if r := impls.Reference(); r != nil {
		refs = append(refs, r) // the certified reference, as the real gate runs
	}
	for _, ref := range refs {
		t.Run(ref.Name, func(t *testing.T) {
			cfg := func(im *impls.Impl) Config {
				c := testConfig(im)
				c.Reference = ref
				return c
			}
			_, want, err := Gate(cfg(goodFused), nil, false)
			if err != nil {
				t.Fatal(err)
			}
			same, _, err := Gate(cfg(goodFused), want, false)
			if err != nil {
				t.Fatal(err)
			}
			if !same.OK() {
				t.Fatalf("gate fails on an unchanged implementation:\n%s\n%s", strings.Join(same.Regressions, "\n"), same.Diff)
			}
			v, _, err := Gate(cfg(brokenFused), want, false)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK() {
				t.Fatal("gate passes with log1p(s) replaced by log(1 + s)")
			}
			// The diff names implementation, family and dtype in its map key,
			// and shows the worst loss growing in -/+ lines (go-cmp varies
			// its whitespace on purpose: look at the fields of each line).
			if !strings.Contains(v.Diff, `"fused/dominant/float64"`) {
				t.Errorf("diff does not name fused/dominant/float64:\n%s", v.Diff)
			}
			for _, sign := range []string{"-", "+"} {
				if !hasDiffLine(v.Diff, sign, "LossWorstULP:") {
					t.Errorf("diff has no %s line for LossWorstULP:\n%s", sign, v.Diff)
				}
			}
			// Each regression can be acted on (issue 13): the case's input,
			// the outputs now and the exact ones, and the commands that
			// print and replay the case.
			joined := strings.Join(v.Regressions, "\n")
			for _, want := range []string{"fused/dominant/float64: loss worst", "case dominant/", "x = [", "fused now: loss ",
				"exact (" + ref.Name + "): loss ", "input:  infogain cases --id dominant/", "replay: infogain cases --id dominant/",
				"| infogain eval --impl fused"} {
				if !strings.Contains(joined, want) {
					t.Errorf("regressions lack %q:\n%s", want, joined)
				}
			}
			t.Logf("gate output on the broken fused:\n%s\n%s", joined, v.Diff)
		})
	}
}

func entry(mod func(*Entry)) Entry {
	e := Entry{Impl: "fused", Family: "dominant", DType: "float64",
		LossWorstULP: 1, LossWorstCase: "dominant/0001", GradWorstULP: 4, GradWorstCase: "dominant/0002",
		GradScaledWorst: 2.5}
	if mod != nil {
		mod(&e)
	}
	return e
}

func TestCompare(t *testing.T) {
	base := &Baseline{
		Entries:    []Entry{entry(nil)},
		Properties: []ImplProperties{{Impl: "fused", Checked: true}},
	}
	tests := []struct {
		why     string
		got     *Baseline
		ok      bool
		mention string // text the regressions must contain
	}{
		{"unchanged", base, true, ""},
		{"the loss worst case grows by one ulp: tolerance is 0",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.LossWorstULP = 2 })}}, false, "loss worst 1 → 2 ulps"},
		{"the gradient worst case grows",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.GradWorstULP = 1 << 60 })}}, false, "gradient worst 4 → 1152921504606846976 ulps"},
		{"a new non-finite output",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.NonFinite = 1 })}}, false, "non-finite outputs 0 → 1"},
		{"a new error on valid input",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.Errors = 2 })}}, false, "errors 0 → 2"},
		{"a new special-value mismatch",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.Mismatches = 1 })}}, false, "special-value mismatches 0 → 1"},
		{"the scaled gradient error grows",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.GradScaledWorst = 3 })}}, false, "scaled gradient error 2.5 → 3"},
		{"an entry disappears (coverage lost)",
			&Baseline{}, false, "fused/dominant/float64: missing"},
		{"a property newly fails",
			&Baseline{Entries: []Entry{entry(nil)}, Properties: []ImplProperties{{Impl: "fused", Checked: true, Failing: []string{"shift invariance"}}}},
			false, "fused: newly failing properties: shift invariance"},
		{"improvements pass: the worst case moved to another case and shrank",
			&Baseline{Entries: []Entry{entry(func(e *Entry) { e.LossWorstULP, e.LossWorstCase = 0, "dominant/0009" })}}, true, ""},
		{"new entries pass: an implementation or family was added",
			&Baseline{Entries: []Entry{entry(nil), entry(func(e *Entry) { e.Impl = "new" })}}, true, ""},
	}
	for _, tt := range tests {
		v := Compare(base, tt.got)
		if v.OK() != tt.ok {
			t.Errorf("%s: OK = %v, want %v; regressions %q", tt.why, v.OK(), tt.ok, v.Regressions)
			continue
		}
		if tt.ok {
			if v.Diff != "" {
				t.Errorf("%s: passing verdict with a diff:\n%s", tt.why, v.Diff)
			}
			continue
		}
		if joined := strings.Join(v.Regressions, "\n"); !strings.Contains(joined, tt.mention) {
			t.Errorf("%s: regressions %q do not mention %q", tt.why, joined, tt.mention)
		}
		if v.Diff == "" {
			t.Errorf("%s: failing verdict without a diff", tt.why)
		}
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	rep, err := Run(testConfig(goodFused, brokenFused2()))
	if err != nil {
		t.Fatal(err)
	}
	want := rep.Baseline()
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := WriteBaseline(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("baseline changed through a file (-want +got):\n%s", d)
	}
	// The worst distance 2^64−1 (a NaN) must survive JSON exactly: it is
	// beyond float64's integers.
	want.Entries[0].LossWorstULP = math.MaxUint64
	if err := WriteBaseline(path, want); err != nil {
		t.Fatal(err)
	}
	if got, err = ReadBaseline(path); err != nil || got.Entries[0].LossWorstULP != math.MaxUint64 {
		t.Errorf("MaxUint64 through JSON: got %v, err %v", got.Entries[0].LossWorstULP, err)
	}
}

func TestReadBaselineRejectsUnknownFields(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := writeFile(path, `{"Size":"gate","Entries":[{"Impl":"fused","LossWorst":3}]}`); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadBaseline(path); err == nil {
		t.Error("a misspelled field (LossWorst) was accepted: the check it names would be silently dropped")
	}
}

// TestGateRefusesOtherArch: a baseline recorded on another GOARCH may differ
// by FMA fusion, so the gate refuses it unless told to compare anyway, and
// refuses a baseline of another size outright.
func TestGateRefusesOtherArch(t *testing.T) {
	cfg := testConfig(goodFused)
	cfg.Families = []string{"moderate"}
	_, want, err := Gate(cfg, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	other := *want
	other.GOARCH = "not-" + want.GOARCH
	if _, _, err := Gate(cfg, &other, false); err == nil || !strings.Contains(err.Error(), "GOARCH") {
		t.Errorf("baseline from another GOARCH: err = %v, want a GOARCH error", err)
	}
	if v, _, err := Gate(cfg, &other, true); err != nil || !v.OK() {
		t.Errorf("with anyArch: verdict %+v, err %v; want a pass", v, err)
	}
	full := *want
	full.Size = SizeFull
	if _, _, err := Gate(cfg, &full, false); err == nil {
		t.Error("a full-size baseline was accepted by the gate")
	}
}

// hasDiffLine reports whether a go-cmp diff has a line marked sign whose
// first field after the sign is field.
func hasDiffLine(diff, sign, field string) bool {
	for _, line := range strings.Split(diff, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == sign && f[1] == field {
			return true
		}
	}
	return false
}
