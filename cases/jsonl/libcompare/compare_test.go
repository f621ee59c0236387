package libcompare

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	stdjson "encoding/json"

	v2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

// probes are lines on which a JSON library can decide differently from the
// format's rules (docs/design.md §7); jsonl.ParseCase is the reference, as
// its own tests (cases/jsonl/case_test.go, float_test.go) pin every row.
var probes = []struct{ line, why string }{
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`, "a good line"},
	{`{"id":"a","dtype":"float32","logits":[0.1,"-inf"],"h":[0,1],"label":1}`, "float32 shortest form and a special string"},
	{`{"id":"a","dtype":"float32","logits":[0.1000000015,2],"h":[0,1],"label":1}`, "not a float32 value"},
	{`{"id":"a","dtype":"float64","logits":[1e400,2],"h":[0,1],"label":1}`, "overflow is an error"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"H":[0,1],"label":1}`, "field names are case-sensitive (H is not h)"},
	{`{"ID":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`, "ID is not id"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"logits":[3,4],"h":[0,1],"label":1}`, "a repeated field is an error"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1,"x":0}`, "an unknown field is an error"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1} x`, "trailing garbage"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}{}`, "two objects on a line"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1.0}`, "label 1.0 is not an integer"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":1e0}`, "label 1e0 is not an integer"},
	{`{"id":"a","dtype":"float64","logits":[1,null],"h":[0,1],"label":1}`, "null is not a number"},
	{`{"id":"a","dtype":"float64","logits":null,"h":[0,1],"label":1}`, "null is not an array"},
	{`{"id":null,"dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`, "null is not a string"},
	{`{"id":"a","dtype":"float64","logits":[1,2],"h":[0,1],"label":null}`, "null is not a label"},
	{`{"id":"a","dtype":"float64","logits":[1,"Infinity"],"h":[0,1],"label":1}`, "only inf, -inf, nan"},
	{`{"id":"a","dtype":"float64","logits":[1,NaN],"h":[0,1],"label":1}`, "bare NaN is not JSON"},
	{`{"id":"a","dtype":"float64","logits":[01],"h":[1],"label":0}`, "leading zero is not JSON"},
	{`{"id":"a","dtype":"float64","logits":[1,],"h":[1],"label":0}`, "trailing comma"},
	{"{\"id\":\"\xff\",\"dtype\":\"float64\",\"logits\":[1],\"h\":[1],\"label\":0}", "invalid UTF-8 becomes U+FFFD"},
	{`{"id":"\ud800","dtype":"float64","logits":[1],"h":[1],"label":0}`, "a lone surrogate becomes U+FFFD"},
	{`{"id":"a","dtype":"float64","logits":[-0],"h":[1],"label":0}`, "negative zero"},
	{`{"id":"a","dtype":"float64","logits":[4.9e-324],"h":[1],"label":0}`, "least subnormal"},
}

// same reports whether two results agree: both errors, or the same case
// bit for bit (NaN as NaN).
func same(a cases.Case, ea error, b cases.Case, eb error) bool {
	if ea != nil || eb != nil {
		return (ea != nil) == (eb != nil)
	}
	eq := func(x, y []float64) bool {
		if len(x) != len(y) {
			return false
		}
		for j := range x {
			if math.Float64bits(x[j]) != math.Float64bits(y[j]) && !(math.IsNaN(x[j]) && math.IsNaN(y[j])) {
				return false
			}
		}
		return true
	}
	return a.ID == b.ID && a.Family == b.Family && a.DType == b.DType && a.Label == b.Label &&
		eq(a.Logits, b.Logits) && eq(a.H, b.H)
}

// TestAgreement prints, per library, the probes it decides differently
// from the scanner, and pins that count: a library update that changes it
// fails here, so the verdict in cases/jsonl/doc.go is rechecked.
func TestAgreement(t *testing.T) {
	want := map[string]int{"scanner": 0, "encoding-json": 4, "goccy-go-json": 4, "go-json-experiment": 1, "encoding-json-v2": 1}
	for _, cand := range candidates {
		n := 0
		for _, p := range probes {
			c0, e0 := jsonl.ParseCase([]byte(p.line))
			c1, e1 := cand.parse([]byte(p.line))
			if !same(c0, e0, c1, e1) {
				n++
				t.Logf("%s differs: %s\n\tline %s\n\tscanner: %q %v\n\t%s: %q %v", cand.name, p.why, p.line, c0.ID, e0, cand.name, c1.ID, e1)
			}
		}
		t.Logf("%s: %d of %d probes differ", cand.name, n, len(probes))
		if n != want[cand.name] {
			t.Errorf("%s: %d probes differ, pinned %d", cand.name, n, want[cand.name])
		}
	}
}

// benchLine is the line of cases/jsonl's BenchmarkCodecDecode: a float64
// many-classes case cut to C classes.
func benchCase(b *testing.B, C int) cases.Case {
	cs, err := cases.Generate("many-classes", 1, cases.Float64, 2)
	if err != nil {
		b.Fatal(err)
	}
	c := cs[0]
	c.Logits, c.H = c.Logits[:C], c.H[:C]
	c.H[0], c.Label = 1, 0
	return c
}

// BenchmarkDecode runs every candidate on the same line, side by side.
func BenchmarkDecode(b *testing.B) {
	for _, C := range []int{100, 1000, 10000} {
		c := benchCase(b, C)
		line, err := encodeScanner(&c)
		if err != nil {
			b.Fatal(err)
		}
		line = bytes.Clone(bytes.TrimSuffix(line, []byte("\n")))
		for _, cand := range candidates {
			b.Run(fmt.Sprintf("C=%d/%s", C, cand.name), func(b *testing.B) {
				got, err := cand.parse(line)
				if err != nil || !same(c, nil, got, nil) {
					b.Fatalf("%s does not read the line back: %v", cand.name, err)
				}
				b.SetBytes(int64(len(line)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := cand.parse(line); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	c := benchCase(b, 1000)
	for _, cand := range candidates {
		b.Run("C=1000/"+cand.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cand.encode(&c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestStreamingDecoderLineBound measures what a library's own stream
// decoder allocates for one 100 MB line (a case whose logits never end):
// encoding/json's Decoder buffers the whole value before it can fail, where
// jsonl's Decoder stops at MaxLineBytes (64 MiB) and, below that, holds the
// line once. Skipped with -short.
func TestStreamingDecoderLineBound(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 200 MB")
	}
	const n = 100 << 20
	huge := func() io.Reader {
		return io.MultiReader(strings.NewReader(`{"id":"huge","dtype":"float64","logits":[`),
			strings.NewReader(strings.Repeat("0,", n/2)), strings.NewReader("0],\"h\":[1],\"label\":0}\n"))
	}
	alloc := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	r := huge()
	aStd := alloc(func() {
		var v caseV1
		err := stdjson.NewDecoder(r).Decode(&v)
		t.Logf("encoding/json Decoder: err %v", err)
	})
	r = huge()
	aOurs := alloc(func() {
		_, err := jsonl.NewDecoder(r).Next()
		t.Logf("jsonl Decoder: err %v", err)
	})
	t.Logf("one 100 MiB line: encoding/json Decoder allocated %d MiB, jsonl Decoder %d MiB", aStd>>20, aOurs>>20)
	if aOurs > 2*jsonl.MaxLineBytes+(8<<20) {
		t.Errorf("jsonl Decoder allocated %d bytes for a line over MaxLineBytes", aOurs)
	}
}

// floorCase is the case with plain float64 slices: what a library does on
// its own, with no hook per element and so none of the format's rules (no
// "inf"/"nan" strings, no float32 check, no validation). It bounds from
// below what any candidate built on that library can cost.
type floorCase struct {
	ID     string    `json:"id"`
	Family string    `json:"family"`
	DType  string    `json:"dtype"`
	Logits []float64 `json:"logits"`
	H      []float64 `json:"h"`
	Label  int       `json:"label"`
}

// BenchmarkFloor decodes the lines of BenchmarkDecode into floorCase.
func BenchmarkFloor(b *testing.B) {
	floors := []struct {
		name  string
		parse func([]byte, *floorCase) error
	}{
		{"encoding-json", func(l []byte, v *floorCase) error { return stdjson.Unmarshal(l, v) }},
		{"goccy-go-json", func(l []byte, v *floorCase) error { return goccy.Unmarshal(l, v) }},
		{"go-json-experiment", func(l []byte, v *floorCase) error { return v2.Unmarshal(l, v) }},
	}
	for _, C := range []int{100, 1000, 10000} {
		c := benchCase(b, C)
		line, err := encodeScanner(&c)
		if err != nil {
			b.Fatal(err)
		}
		line = bytes.Clone(bytes.TrimSuffix(line, []byte("\n")))
		for _, fl := range floors {
			b.Run(fmt.Sprintf("C=%d/%s", C, fl.name), func(b *testing.B) {
				b.SetBytes(int64(len(line)))
				b.ReportAllocs()
				for b.Loop() {
					var v floorCase
					if err := fl.parse(line, &v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
