package jsonl

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

func TestEncodeRejectsInvalidCase(t *testing.T) {
	for _, tt := range []struct {
		c   cases.Case
		why string
	}{
		{cases.Case{DType: cases.Float64, Logits: []float64{1}, H: []float64{math.NaN()}}, "non-finite h"},
		{cases.Case{DType: cases.Float32, Logits: []float64{0.1}, H: []float64{1}}, "float32 case with a float64 value"},
		{cases.Case{DType: "", Logits: []float64{1}, H: []float64{1}}, "no dtype"},
		{cases.Case{DType: cases.Float64, Logits: []float64{1, 2}, H: []float64{1, 0}, Label: 2}, "label out of range"},
	} {
		var buf bytes.Buffer
		if err := NewEncoder(&buf).Encode(&tt.c); err == nil || buf.Len() != 0 {
			t.Errorf("%s: Encode = %v and wrote %q; want an error and nothing written", tt.why, err, buf.String())
		}
	}
}

func TestEncodeFieldOrder(t *testing.T) {
	c := cases.Case{ID: "dominant/0007", Family: "dominant", DType: cases.Float64,
		Logits: []float64{37.42994775023705, 0}, H: []float64{1, 0}}
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(&c); err != nil {
		t.Fatal(err)
	}
	// The example line of docs/design.md §7, verbatim.
	const want = `{"id":"dominant/0007","family":"dominant","dtype":"float64","logits":[37.42994775023705,0],"h":[1,0],"label":0}` + "\n"
	if buf.String() != want {
		t.Errorf("Encode wrote\n%s want\n%s", buf.String(), want)
	}
	c.Family = ""
	buf.Reset()
	NewEncoder(&buf).Encode(&c)
	if strings.Contains(buf.String(), "family") {
		t.Errorf("an empty family must be omitted: %s", buf.String())
	}
}

func ExampleEncoder() {
	enc := NewEncoder(os.Stdout)
	c := cases.Case{ID: "masked", DType: cases.Float32,
		Logits: []float64{math.Inf(-1), float64(float32(0.1))}, H: []float64{0, 1}, Label: 1}
	if err := enc.Encode(&c); err != nil {
		fmt.Println(err)
	}
	enc.EncodeResult(&cases.Result{ID: "masked", Loss: 0, Grad: []float64{0, 0}, Certified: "exact"})
	// Output:
	// {"id":"masked","dtype":"float32","logits":["-inf",0.1],"h":[0,1],"label":1}
	// {"id":"masked","loss":0,"grad":[0,0],"certified":"exact"}
}
