package fuzz

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

var (
	inf = math.Inf(1)
	nan = math.NaN()
)

// seedCase is one row of the seed table: a case, and why it is there.
type seedCase struct {
	why string
	c   cases.Case
}

func f64(label int, x, h []float64) cases.Case {
	return cases.Case{DType: cases.Float64, Logits: x, H: h, Label: label}
}

func f32(label int, x, h []float64) cases.Case {
	return cases.Case{DType: cases.Float32, Logits: x, H: h, Label: label}
}

// fl32 rounds v to float32, as a float32 case must hold.
func fl32(v float64) float64 { return float64(float32(v)) }

// fuzzSeeds adds to the shared table (cases.Seeds: one case per failure
// class reported in the frameworks' trackers) the edges the byte decoder
// is built around: exp's thresholds, spreads where x − m loses bits, H
// rows near the underflow and overflow, signed rows on −Inf logits.
var fuzzSeeds = []seedCase{
	{"dominant, label off the top: loss ≈ 37.43, gradient ≈ [1, −1]",
		f64(1, []float64{37.42994775023705, 0}, []float64{0, 1})},
	{"float32 masked class",
		f32(1, []float64{math.Inf(-1), 0, 2}, []float64{0, 1, 0})},
	{"all logits huge and equal: softmax is uniform, x − m = 0 exactly",
		f64(0, []float64{math.MaxFloat64, math.MaxFloat64}, []float64{1, 0})},
	{"H row whose sum overflows, unequal logits: g_j = p_j·S − h_j finite",
		f64(0, []float64{1, 0, -1}, []float64{1.5e308, 1e308, 1e308})},
	{"spread of 2.2e300 whose x − m is inexact: its rounding error (2^943) must not leak into exp(x − m) = 0",
		f64(0, []float64{1e300, -1.2345678901234567e300}, []float64{1, 0})},
	{"tiny loss log1p(e^-40) ≈ 4.2e-18 that LSE − x rounds to 0 (docs/design.md §3.2)",
		f64(0, []float64{40, 0}, []float64{1, 0})},
	{"difference at exp's underflow threshold −745.13 (exp(−745.13…) is the least subnormal or 0)",
		f64(1, []float64{0, -745.1332191019411}, []float64{0, 1})},
	{"exp's overflow threshold 709.78 as a logit: exp(x) without the shift overflows",
		f64(0, []float64{709.782712893384, 0, -1}, []float64{1, 0, 0})},
	{"float32 logits at expf's overflow 88.72: naive exp overflows in float32",
		f32(1, []float64{88.72283935546875, 0}, []float64{0, 1})},
	{"ties 1 ulp apart: argmax must be the first maximum and p nearly uniform",
		f64(1, []float64{1, math.Nextafter(1, 2), 1}, []float64{0, 1, 0})},
	{"subnormal logits: differences of 5e-324",
		f64(0, []float64{5e-324, 0, -5e-324}, []float64{0.5, 0.5, 0})},
	{"signed h (a distance matrix used as similarities): terms of both signs cancel (docs/design.md §5 scaled metric)",
		f64(0, []float64{1, 2, 3}, []float64{1, -2, 0.5})},
	{"zero row: loss 0 and gradient 0 whatever the logits",
		f64(2, []float64{3, -1e300, 7}, []float64{0, 0, 0})},
	{"h concentrated on one class with a tiny tail: S − h_j must stay exact (docs/design.md §3.3)",
		f64(0, []float64{0, 0}, []float64{1e16, 1})},
	{"row sum 1e-30: gradients near the underflow floor",
		f64(1, []float64{2, 0, -3}, []float64{0, 1e-30, 0})},
	{"float32 label smoothing ε = 0.1 over 4 classes",
		f32(3, []float64{1, 2, 3, 4}, []float64{fl32(0.025), fl32(0.025), fl32(0.025), fl32(0.925)})},
	{"h of both signs on −Inf logits: +Inf − Inf = NaN",
		f64(0, []float64{math.Inf(-1), math.Inf(-1), 0}, []float64{1, -1, 0})},
	{"non-finite h: invalid input, an error and never a panic",
		f64(0, []float64{0, 1}, []float64{nan, 1})},
}

// familySeeds returns the first cases of every docs/design.md §7 family in both
// dtypes (cases.Generate, seed 1) that fit in MaxC classes.
func familySeeds(tb testing.TB) []seedCase {
	var out []seedCase
	for _, name := range cases.FamilyNames() {
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			cs, err := cases.Generate(name, 1, dt, 8)
			if err != nil {
				tb.Fatalf("cases.Generate(%q, 1, %s, 8): %v", name, dt, err)
			}
			for _, c := range cs {
				if c.C() <= MaxC {
					out = append(out, seedCase{"family " + c.ID + " " + string(dt), c})
				}
			}
		}
	}
	return out
}

// allSeeds is the seed table of every target: the shared commented table
// cases.Seeds, fuzzSeeds, then the families.
func allSeeds(tb testing.TB) []seedCase {
	var out []seedCase
	for _, s := range cases.Seeds() {
		out = append(out, seedCase{s.Name + ": " + s.Why, s.Case})
	}
	out = append(out, fuzzSeeds...)
	return append(out, familySeeds(tb)...)
}

// seedWhy maps a seed input to the why of its row, so that a failing
// seed names its row (the engine calls seeds only seed#N).
var seedWhy = map[string]string{}

// addSeed adds data to f, remembering why.
func addSeed(f *testing.F, data []byte, why string) {
	seedWhy[string(data)] = why
	f.Add(data)
}

// addByteSeeds adds every seed case, encoded for Decode, to f.
func addByteSeeds(f *testing.F) {
	for _, s := range allSeeds(f) {
		data, ok := Encode(&s.c)
		if !ok {
			f.Fatalf("seed %q: Encode refused %+v", s.why, s.c)
		}
		addSeed(f, data, s.why)
	}
}

// caseJSON returns c as the codec writes it, or a Go rendering when c is
// not valid input (the codec refuses those).
func caseJSON(c *cases.Case) string {
	var buf bytes.Buffer
	if err := jsonl.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Sprintf("%+v (not encodable: %v)", *c, err)
	}
	return string(bytes.TrimSpace(buf.Bytes()))
}

// TestSeedsEncode checks that every seed fits the decoder and comes back
// bit for bit: a seed that does not would silently test something else.
func TestSeedsEncode(t *testing.T) {
	seeds := allSeeds(t)
	if len(seeds) <= len(cases.Seeds())+len(fuzzSeeds) {
		t.Errorf("no family seed fits MaxC = %d classes", MaxC)
	}
	for _, s := range seeds {
		data, ok := Encode(&s.c)
		if !ok {
			t.Errorf("%s: Encode refused %s", s.why, caseJSON(&s.c))
			continue
		}
		if got := Decode(data); !sameCase(&got, &s.c) {
			t.Errorf("%s: Decode(Encode(c)) = %+v, want %+v", s.why, got, s.c)
		}
	}
}
