package hmat

import (
	"math"
	"strings"
	"testing"
)

func codes(ds []Diagnostic) map[string]Diagnostic {
	m := map[string]Diagnostic{}
	for _, d := range ds {
		m[d.Code] = d
	}
	return m
}

func TestCheck(t *testing.T) {
	tr, _ := LevelTree(12, 2, 3)
	D, _ := tr.Distances()
	built, err := Build(D, Spec{Transform: Gauss, Tau: 1, Normalize: NormalizeRowsTo1})
	if err != nil {
		t.Fatal(err)
	}
	I3, _ := Identity(3)
	for _, tt := range []struct {
		H     *Matrix
		opt   CheckOptions
		want  map[string]Severity // codes that must appear, with severity
		clean bool                // no error and no warning
		why   string
	}{
		{built.H, CheckOptions{}, nil, true, "a built similarity H is clean"},
		{I3, CheckOptions{}, nil, true, "the identity is cross-entropy: clean"},
		{D, CheckOptions{}, map[string]Severity{CodeDistanceLike: Error}, false, "a distance matrix used as H"},
		{mustRows(t, [][]float64{{1, -0.5}, {-0.5, 1}}), CheckOptions{}, map[string]Severity{CodeNegative: Error}, false, "1 − D with D > 1: negative entries"},
		{mustRows(t, [][]float64{{1, 0}, {0, 0}}), CheckOptions{}, map[string]Severity{CodeZeroRow: Error}, false, "a class that trains nothing"},
		{mustRows(t, [][]float64{{1, math.NaN()}, {0, 1}}), CheckOptions{}, map[string]Severity{CodeNonFinite: Error}, false, "NaN entry"},
		{mustRows(t, [][]float64{{1, math.Inf(1)}, {0, 1}}), CheckOptions{}, map[string]Severity{CodeNonFinite: Error}, false, "Inf entry"},
		{mustRows(t, [][]float64{{1, 0}, {0, 5}}), CheckOptions{}, map[string]Severity{CodeRowSum: Warning}, false, "class 1 trains 5× faster"},
		{mustRows(t, [][]float64{{10, 0}, {0, 10}}), CheckOptions{}, map[string]Severity{CodeRowSumScale: Info}, true, "every class at 10× the rate: information"},
		{mustRows(t, [][]float64{{1e38, 1e38, 1e38, 1e38}, {1e38, 1e38, 1e38, 1e38}, {1e38, 1e38, 1e38, 1e38}, {1e38, 1e38, 1e38, 1e38}}), CheckOptions{Train: Float32}, map[string]Severity{CodeOverflow: Error}, false, "S overflows float32"},
		{mustRows(t, [][]float64{{1e301, 0}, {0, 1e301}}), CheckOptions{}, map[string]Severity{CodeExactPath: Warning}, false, "max|h|·C > 2^1000"},
		{mustRows(t, [][]float64{{1e-160, 0}, {0, 1e-160}}), CheckOptions{}, map[string]Severity{CodeExactPath: Warning}, false, "max|h|·C < 2^-500"},
		{mustRows(t, [][]float64{{1, 0.1}, {0.1, 1}}), CheckOptions{Train: Float32}, map[string]Severity{CodeFloat32: Warning}, false, "0.1 is not a float32"},
		{mustRows(t, [][]float64{{1, 0.1}, {0.1, 1}}), CheckOptions{}, nil, true, "0.1 is fine when training in float64"},
		{mustRows(t, [][]float64{{1, 0.5}, {0.25, 1}}), CheckOptions{}, map[string]Severity{CodeAsymmetric: Info}, true, "asymmetry is information only"},
	} {
		ds := Check(tt.H, tt.opt)
		got := codes(ds)
		for code, sev := range tt.want {
			d, ok := got[code]
			if !ok {
				t.Errorf("%s: no %s diagnostic in %v", tt.why, code, ds)
				continue
			}
			if d.Severity != sev {
				t.Errorf("%s: %s has severity %v, want %v", tt.why, code, d.Severity, sev)
			}
			if d.Explanation == "" || d.Fix == "" || strings.Count(d.Explanation, ". ") > 0 {
				t.Errorf("%s: %s needs a one-sentence explanation and a fix: %+v", tt.why, code, d)
			}
		}
		if clean := Worst(ds) < Warning; clean != tt.clean {
			t.Errorf("%s: clean = %v, want %v: %v", tt.why, clean, tt.clean, ds)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i].Severity > ds[i-1].Severity {
				t.Errorf("%s: diagnostics not ordered by severity", tt.why)
			}
		}
	}
}

func TestCheckMalformed(t *testing.T) {
	for _, tt := range []struct {
		H   *Matrix
		why string
	}{
		{&Matrix{}, "C = 0"},
		{&Matrix{C: 2, Data: []float64{1, 0, 1}}, "3 entries for C = 2"},
		{nil, "nil matrix"},
	} {
		ds := Check(tt.H, CheckOptions{})
		if len(ds) != 1 || ds[0].Code != CodeInvalid || ds[0].Severity != Error {
			t.Errorf("%s: %v, want one invalid error", tt.why, ds)
		}
	}
}

func TestDistanceLikeEvidence(t *testing.T) {
	// D for 3 classes: row 0 = (0, 1, 2). At p = (0.99, 0.005, 0.005),
	// S = 3: g_0 = 0.99·3 − 0 = 2.97 > 0 and g_2 = 0.005·3 − 2 = −1.985
	// (by hand), so descent lowers the true logit and raises x_2; the
	// minimiser h/S puts 2/3 on class 2 and 0 on the true class.
	D := mustRows(t, [][]float64{{0, 1, 2}, {1, 0, 1}, {2, 1, 0}})
	ds := Check(D, CheckOptions{})
	d, ok := codes(ds)[CodeDistanceLike]
	if !ok {
		t.Fatalf("no distance-like diagnostic: %v", ds)
	}
	if d.Row != 0 || d.Col != 2 || d.Value != 2 || d.Count != 3 {
		t.Errorf("evidence at H[%d,%d] = %v (%d rows), want H[0,2] = 2 (3 rows)", d.Row, d.Col, d.Value, d.Count)
	}
	for _, s := range []string{"g_0 = +2.97", "g_2 = -1.985", "lowers the true logit", "class 2 p = 0.6667", "true class 0 only 0"} {
		if !strings.Contains(d.Evidence, s) {
			t.Errorf("evidence %q lacks %q", d.Evidence, s)
		}
	}
	if Worst(ds) != Error {
		t.Errorf("worst severity %v, want error", Worst(ds))
	}
}
