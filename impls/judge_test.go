package impls

import (
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

var (
	nan  = math.NaN()
	inf  = math.Inf(1)
	ninf = math.Inf(-1)
)

// up returns v moved n ulps towards +Inf in float64.
func up(v float64, n int) float64 {
	for range n {
		v = math.Nextafter(v, inf)
	}
	return v
}

func case64(x, h []float64) *cases.Case {
	return &cases.Case{ID: "t/0", DType: cases.Float64, Logits: x, H: h}
}

// TestJudgeBounds pins the judge on both sides of every bound of a
// contract. The expected values are closed forms, not outputs of the code
// under test:
//
//   - x = [0, 0], h = [1, 0]: L = log 2, g = [−1/2, 1/2] (math.Ln2 is the
//     correctly rounded log 2; the halves are exact). For h ≥ 0 the scaled
//     loss denominator is u·L, and ulp(L)/(u·L) = 2^-53/(2^-53·log 2) = 1.44,
//     so n ulps off is a scaled error of 1.44·n.
//   - x = [0, 0], h = [1, −1]: L = 0 exactly, the scaled denominator is
//     u·(1·log 2 + 1·log 2) = 2u·log 2.
//   - G_0 = p_0|S − h_0| + h_0 q_0 = 1/2 for both rows: a gradient Δ off
//     component 0 has scaled error Δ/(u/2).
func TestJudgeBounds(t *testing.T) {
	k := Contract{Bounds: Bounds{LossULP: 3, LossScaled: 5, GradScaled: 8}, SpecialValues: true}
	c := case64([]float64{0, 0}, []float64{1, 0})
	want := cases.Result{Loss: math.Ln2, Grad: []float64{-0.5, 0.5}}
	signed := case64([]float64{0, 0}, []float64{1, -1})
	wantSigned := cases.Result{Loss: 0, Grad: []float64{-1, 1}}
	lossAt := func(scaled float64) float64 { return scaled * 0x1p-53 * 2 * math.Ln2 }
	g := func(d float64) []float64 { return []float64{-0.5 + d, 0.5} }
	tests := []struct {
		why    string
		k      Contract
		c      *cases.Case
		got    cases.Result
		want   *cases.Result
		pass   bool
		clause string // a word of the violation, when it fails
	}{
		{"exact", k, c, cases.Result{Loss: math.Ln2, Grad: g(0)}, &want, true, ""},
		{"loss LossULP ulps off (scaled 4.33 ≤ 5)", k, c, cases.Result{Loss: up(math.Ln2, 3), Grad: g(0)}, &want, true, ""},
		{"loss LossULP+1 ulps off (scaled 5.77 > 5 as well)", k, c, cases.Result{Loss: up(math.Ln2, 4), Grad: g(0)}, &want, false, "ulps"},
		{"h ≥ 0: the ulp clause alone fails (scaled bound wide)", Contract{Bounds: Bounds{LossULP: 3, LossScaled: 100, GradScaled: 8}}, c,
			cases.Result{Loss: up(math.Ln2, 4), Grad: g(0)}, &want, false, "4 ulps > 3"},
		{"h ≥ 0: the scaled clause alone fails (ulp bound wide): 3 ulps = 4.33 > 4", Contract{Bounds: Bounds{LossULP: 100, LossScaled: 4, GradScaled: 8}}, c,
			cases.Result{Loss: up(math.Ln2, 3), Grad: g(0)}, &want, false, "scaled error"},
		{"LossULP = +Inf voids the ulp clause", Contract{Bounds: Bounds{LossULP: inf, LossScaled: 5, GradScaled: 8}}, c,
			cases.Result{Loss: up(math.Ln2, 3), Grad: g(0)}, &want, true, ""},
		{"loss NaN where the reference's is finite", k, c, cases.Result{Loss: nan, Grad: g(0)}, &want, false, "non-finite"},
		{"signed h: scaled loss error 0.99·LossScaled", k, signed, cases.Result{Loss: lossAt(0.99 * 5), Grad: []float64{-1, 1}}, &wantSigned, true, ""},
		{"signed h: scaled loss error 1.01·LossScaled", k, signed, cases.Result{Loss: lossAt(1.01 * 5), Grad: []float64{-1, 1}}, &wantSigned, false, "scaled error"},
		{"signed h: ulps do not apply (L = 0 exactly, any nonzero is ~2^60 ulps)", k, signed, cases.Result{Loss: lossAt(1), Grad: []float64{-1, 1}}, &wantSigned, true, ""},
		{"gradient GradScaled·u/2 off", k, c, cases.Result{Loss: math.Ln2, Grad: g(8 * 0x1p-54)}, &want, true, ""},
		{"gradient (GradScaled+1)·u/2 off", k, c, cases.Result{Loss: math.Ln2, Grad: g(9 * 0x1p-54)}, &want, false, "grad[0]"},
		{"gradient +Inf", k, c, cases.Result{Loss: math.Ln2, Grad: []float64{-0.5, inf}}, &want, false, "non-finite"},
		{"gradient +Inf without the special-value clause still fails the bound", Contract{Bounds: k.Bounds}, c,
			cases.Result{Loss: math.Ln2, Grad: []float64{-0.5, inf}}, &want, false, "grad[1]"},
		{"too few gradient components", k, c, cases.Result{Loss: math.Ln2, Grad: []float64{-0.5}}, &want, false, "gradient length"},
		{"an error on a valid case", k, c, cases.Result{Err: "boom"}, &want, false, "rejected"},
	}
	for _, tt := range tests {
		v := tt.k.Judge(tt.c, &tt.got, tt.want)
		if v.OK != tt.pass {
			t.Errorf("%s: OK = %v, want %v; violations %q", tt.why, v.OK, tt.pass, v.Violations)
			continue
		}
		if !tt.pass && !strings.Contains(strings.Join(v.Violations, "; "), tt.clause) {
			t.Errorf("%s: violations %q do not name %q", tt.why, v.Violations, tt.clause)
		}
	}
}

// TestJudgeSpecialValues pins the special-value clause (docs/design.md §7):
// the reference's NaN, +Inf and rejections must be matched, and only a
// contract that promises them is held to them.
func TestJudgeSpecialValues(t *testing.T) {
	strict := Standard
	loose := Contract{Bounds: Standard.Bounds}
	nanCase := case64([]float64{nan, 0}, []float64{1, 0})
	nanWant := cases.Result{Loss: nan, Grad: []float64{nan, nan}}
	// h_0 = 1 on a −Inf logit: loss +Inf, g = [−1, 1] (g_j = −h_j there).
	infCase := case64([]float64{ninf, 0}, []float64{1, 0})
	infWant := cases.Result{Loss: inf, Grad: []float64{-1, 1}}
	bad := case64([]float64{0, 0}, []float64{inf, 0})
	badWant := cases.Result{Err: "non-finite h"}
	tests := []struct {
		why  string
		k    Contract
		c    *cases.Case
		got  cases.Result
		want *cases.Result
		pass bool
	}{
		{"NaN logit gives NaN everywhere", strict, nanCase, cases.Result{Loss: nan, Grad: []float64{nan, nan}}, &nanWant, true},
		{"NaN logit, a number instead of NaN", strict, nanCase, cases.Result{Loss: 1, Grad: []float64{nan, nan}}, &nanWant, false},
		{"NaN logit, a number instead of NaN, loose contract", loose, nanCase, cases.Result{Loss: 1, Grad: []float64{nan, nan}}, &nanWant, true},
		{"NaN logit, an error instead of NaN (any contract)", loose, nanCase, cases.Result{Err: "nan"}, &nanWant, false},
		{"+Inf loss with its finite gradient", strict, infCase, cases.Result{Loss: inf, Grad: []float64{-1, 1}}, &infWant, true},
		{"finite loss where the exact loss is +Inf (a clamp)", strict, infCase, cases.Result{Loss: 46, Grad: []float64{-1, 1}}, &infWant, false},
		{"+Inf loss, gradient off by one component", strict, infCase, cases.Result{Loss: inf, Grad: []float64{-1, 2}}, &infWant, false},
		{"rejects what the reference rejects", strict, bad, cases.Result{Err: "h not finite"}, &badWant, true},
		{"accepts what the reference rejects", strict, bad, cases.Result{Loss: 1, Grad: []float64{0, 0}}, &badWant, false},
		{"accepts what the reference rejects, loose contract", loose, bad, cases.Result{Loss: 1, Grad: []float64{0, 0}}, &badWant, true},
	}
	for _, tt := range tests {
		if v := tt.k.Judge(tt.c, &tt.got, tt.want); v.OK != tt.pass {
			t.Errorf("%s: OK = %v, want %v; violations %q", tt.why, v.OK, tt.pass, v.Violations)
		}
	}
}

// TestJudgeFloat32 checks that ulps are counted in the case's dtype:
// one float32 ulp is 2^29 float64 ulps.
func TestJudgeFloat32(t *testing.T) {
	c := &cases.Case{ID: "t/0", DType: cases.Float32, Logits: []float64{0, 0}, H: []float64{1, 0}}
	l := float64(float32(math.Ln2))
	want := cases.Result{Loss: l, Grad: []float64{-0.5, 0.5}}
	one := float64(math.Nextafter32(float32(l), 1))
	three := float64(math.Nextafter32(math.Nextafter32(float32(one), 1), 1))
	if v := Standard.Judge(c, &cases.Result{Loss: one, Grad: want.Grad}, &want); !v.OK || v.LossULP != 1 {
		t.Errorf("1 float32 ulp: OK %v, LossULP %d; want OK, 1", v.OK, v.LossULP)
	}
	if v := Standard.Judge(c, &cases.Result{Loss: three, Grad: want.Grad}, &want); v.OK || v.LossULP != 3 {
		t.Errorf("3 float32 ulps: OK %v, LossULP %d; want a violation, 3", v.OK, v.LossULP)
	}
}

// TestSupports: an adapter of a single-dtype function supports that dtype
// only, and Case reports the other as not supported.
func TestSupports(t *testing.T) {
	im := FromFunc64("mine", "test", func(dst, x, h []float64) float64 { return 0 }, Standard.Bounds)
	if !im.Supports(cases.Float64) || im.Supports(cases.Float32) {
		t.Fatalf("Supports(float64) = %v, Supports(float32) = %v; want true, false", im.Supports(cases.Float64), im.Supports(cases.Float32))
	}
	r := im.Case(&cases.Case{ID: "a", DType: cases.Float32, Logits: []float64{0}, H: []float64{1}})
	if r.Err != NotSupported("mine", cases.Float32) {
		t.Errorf("float32 case: Err = %q, want %q", r.Err, NotSupported("mine", cases.Float32))
	}
}
