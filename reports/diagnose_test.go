package reports

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
)

// The flawed variants of the props battery (props/broken_test.go), rebuilt
// here because test files do not export: careful (docs/design.md §3.1–3.3:
// max shift, log1p, compensated sums, complements, masking) with exactly one
// flaw each. The diagnosis must name each flaw, and careful none.

type variantFlaw int

const (
	vNone       variantFlaw = iota
	vNoMaxShift             // exp(x_j) unshifted
	vLog                    // log(1+s) instead of log1p(s)
	vPMinusH                // g = p − h
	vClamped                // −Σ h_j log(max(p_j, 1e-20f))
	vOneMinusP              // q_k = 1 − p_k
)

func neumaierSum(v []float64) float64 {
	var s, c float64
	for _, x := range v {
		if math.IsInf(x, 0) {
			var plain float64 // Inf − Inf in the compensation would be NaN
			for _, y := range v {
				plain += y
			}
			return plain
		}
	}
	for _, x := range v {
		t := s + x
		if math.Abs(s) >= math.Abs(x) {
			c += (s - t) + x
		} else {
			c += (x - t) + s
		}
		s = t
	}
	return s + c
}

func carefulVariant(dst, x, h []float64, fl variantFlaw) float64 {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 1) {
			return fillNaN(dst)
		}
	}
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	m := x[k]
	if math.IsInf(m, -1) {
		return fillNaN(dst)
	}
	if fl == vNoMaxShift {
		var Z float64
		for _, v := range x {
			Z += math.Exp(v)
		}
		var loss float64
		S := neumaierSum(h)
		for j, v := range x {
			if h[j] != 0 {
				loss += h[j] * (math.Log(Z) - v)
			}
			dst[j] = math.Exp(v)/Z*S - h[j]
		}
		return loss
	}
	e := make([]float64, len(x))
	var tail []float64
	for j, v := range x {
		e[j] = math.Exp(v - m)
		if j != k {
			tail = append(tail, e[j])
		}
	}
	s := neumaierSum(tail)
	lse := math.Log1p(s)
	if fl == vLog {
		lse = math.Log(1 + s)
	}
	var terms []float64
	for j, v := range x {
		if h[j] != 0 {
			terms = append(terms, h[j]*(m-v))
		}
	}
	terms = append(terms, neumaierSum(h)*lse)
	loss := neumaierSum(terms)
	p := func(j int) float64 { return e[j] / (1 + s) }
	if fl == vClamped {
		terms = terms[:0]
		for j := range x {
			if h[j] != 0 {
				terms = append(terms, -h[j]*math.Log(math.Max(p(j), float64(float32(1e-20)))))
			}
		}
		loss = neumaierSum(terms)
	}
	for j := range x {
		pj := p(j)
		qj := 1 - pj
		if j == k && fl != vOneMinusP {
			qj = s / (1 + s)
		}
		if fl == vPMinusH {
			dst[j] = pj - h[j]
			continue
		}
		others := append(append([]float64(nil), h[:j]...), h[j+1:]...)
		dst[j] = pj*neumaierSum(others) - h[j]*qj
		if math.IsInf(x[j], -1) {
			dst[j] = -h[j]
		}
	}
	return loss
}

func variantImpl(name string, fl variantFlaw) *impls.Impl {
	return testImpl(name, func(dst, x, h []float64) float64 { return carefulVariant(dst, x, h, fl) })
}

// TestDiagnose asserts the diagnosis, and its fix line, for every built-in
// flawed implementation and every flawed variant of the props battery.
// The expected flaws come from each implementation's documented formula
// (peers/*.go and naive/naive.go doc comments, props/broken_test.go), not
// from running the diagnosis: e.g. caffe computes −Σ h_j log max(p_j,
// 1e-20f) (clamp, log of a p formed with log Σ) and g_j = p_j·S − h_j with
// S summed in order (1 − p_k cancels, S cancels or overflows), and maps a
// −Inf logit to the clamp's finite loss (§7 says +Inf).
func TestDiagnose(t *testing.T) {
	ref := impls.Reference()
	if ref == nil {
		t.Fatal("no reference registered")
	}
	lookup := func(name string) *impls.Impl {
		im, err := builtin.Lookup(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return im
	}
	tests := []struct {
		why     string
		im      *impls.Impl
		failing []string // failing properties fed to the diagnosis
		want    []string // flaw ids, catalogue order
	}{
		{"fused meets the standard: no flaw", lookup("fused"), nil, nil},
		{"careful, the control of the props battery: no flaw", variantImpl("careful", vNone), nil, nil},
		{"naive: −h/max(p, 1e-20f) chained through the softmax Jacobian, log of a rounded p, S in order; −Inf logits hit the clamp",
			lookup("naive"), nil,
			[]string{"s-overflow", "chain-h-over-p", "clamped-p", "log-not-log1p", "one-minus-p", "s-cancels", "special-values"}},
		{"caffe (after PR #3855): the forward clamp stays, p·S − h with S in order",
			lookup("caffe"), nil,
			[]string{"s-overflow", "clamped-p", "log-not-log1p", "one-minus-p", "s-cancels", "special-values"}},
		{"tf: backprop softmax − labels; log(sum) − shifted; h_j·(log sum − shifted) with h_j = 0 on a −∞ difference",
			lookup("tf"), nil,
			[]string{"p-minus-h", "zero-times-inf", "log-not-log1p", "one-minus-p", "no-masking"}},
		{"torch: log_softmax then −Σ h·logp (0·−∞), autograd's −h − exp(logp)·Σ(−h)",
			lookup("torch"), nil,
			[]string{"zero-times-inf", "s-overflow", "log-not-log1p", "one-minus-p", "s-cancels", "no-masking"}},
		{"lse-at-scale: m + log Σ rounded at the logits' scale, then h_j (lse − x_j)",
			lookup("lse-at-scale"), nil,
			[]string{"zero-times-inf", "s-overflow", "at-scale", "log-not-log1p", "one-minus-p", "s-cancels", "no-masking"}},
		{"gonum-lse: as lse-at-scale, and lse = +Inf for a +Inf logit gives NaN only there",
			lookup("gonum-lse"), nil,
			[]string{"zero-times-inf", "s-overflow", "at-scale", "log-not-log1p", "one-minus-p", "s-cancels", "no-masking", "special-values"}},
		{"props no-max-shift: exp(1000) overflows; its formula (props/broken_test.go noShift) also takes log Z = log(1 + s) and forms p·S − h with an unscaled S",
			variantImpl("no-max-shift", vNoMaxShift), nil, []string{"no-max-shift", "s-overflow", "log-not-log1p", "one-minus-p"}},
		{"props log-not-log1p", variantImpl("log-not-log1p", vLog), nil, []string{"log-not-log1p"}},
		{"props p-minus-h: a different function, whose top component p_k − 1 also cancels", variantImpl("p-minus-h", vPMinusH), nil, []string{"p-minus-h", "one-minus-p"}},
		{"props clamped: the loss saturates at 46.05; log of a rounded p = 1 loses tiny losses; a −Inf logit with h > 0 gets the clamp's finite 46.05, not +Inf",
			variantImpl("clamped", vClamped), nil, []string{"clamped-p", "log-not-log1p", "special-values"}},
		{"props one-minus-p", variantImpl("one-minus-p", vOneMinusP), nil, []string{"one-minus-p"}},
		{"props wrong-normalizer: only its failing property reveals it", variantImpl("wrong-normalizer", vNone),
			[]string{"batch-normalization"}, []string{"batch-normalization"}},
		{"props ignore-keeps-grad: only its failing property reveals it", variantImpl("ignore-keeps-grad", vNone),
			[]string{"batch-ignore-label"}, []string{"batch-ignore-label"}},
	}
	fixes := map[string]string{}
	for _, f := range append(slices.Clone(catalogue), propertyFlaws...) {
		fixes[f.id] = f.fix
	}
	// The fix lines the issue asks for, by flaw.
	mustSay := map[string]string{
		"no-max-shift":        "shift by the max",
		"log-not-log1p":       "log1p not log(1+s)",
		"chain-h-over-p":      "Caffe PR #3855",
		"clamped-p":           "do not clamp p",
		"s-cancels":           "sum S and the tail compensated",
		"p-minus-h":           "p_j·S − h_j",
		"one-minus-p":         "q_k = s/(1+s)",
		"batch-normalization": "BATCH_SIZE by outer",
		"batch-ignore-label":  "zero gradient",
	}
	for _, tt := range tests {
		got := Diagnose(tt.im, ref, tt.failing)
		var ids []string
		for _, f := range got {
			ids = append(ids, f.Flaw)
			if f.Fix != fixes[f.Flaw] || f.Fix == "" {
				t.Errorf("%s: %s: fix %q, want the catalogue's %q", tt.why, f.Flaw, f.Fix, fixes[f.Flaw])
			}
			if want, ok := mustSay[f.Flaw]; ok && !strings.Contains(f.Fix, want) {
				t.Errorf("%s: %s: fix %q does not say %q", tt.why, f.Flaw, f.Fix, want)
			}
			if f.FixShort == "" {
				t.Errorf("%s: %s: no short fix", tt.why, f.Flaw)
			}
			if f.Probe == "" {
				t.Errorf("%s: %s: no evidence", tt.why, f.Flaw)
			}
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("%s: diagnosis %v, want %v", tt.why, ids, tt.want)
		}
	}
}

// TestDiagnosisCauses checks the cause class of every flaw: only the
// formula-level flaws are a different function, the special-value ones are
// semantics, the rest instabilities.
func TestDiagnosisCauses(t *testing.T) {
	want := map[string]Cause{
		"p-minus-h": DifferentFunction, "other-function": DifferentFunction,
		"no-masking": NonFiniteSemantics, "special-values": NonFiniteSemantics,
	}
	for _, f := range catalogue {
		w, ok := want[f.id]
		if !ok {
			w = Instability
		}
		if f.cause != w {
			t.Errorf("%s: cause %s, want %s", f.id, f.cause, w)
		}
	}
}

// TestOtherFunction: an implementation computing some other function
// (here twice the loss and gradient) is caught by the generic probe: its
// error does not shrink from float32 to float64.
func TestOtherFunction(t *testing.T) {
	twice := testImpl("twice", func(dst, x, h []float64) float64 {
		l := carefulVariant(dst, x, h, vNone)
		for j := range dst {
			dst[j] *= 2
		}
		return 2 * l
	})
	got := Diagnose(twice, impls.Reference(), nil)
	if len(got) == 0 || got[0].Flaw != "other-function" || got[0].Cause != DifferentFunction {
		t.Fatalf("diagnosis %+v, want other-function first", got)
	}
}
