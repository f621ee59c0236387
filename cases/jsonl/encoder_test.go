package jsonl

import (
	"bytes"
	"math"
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
