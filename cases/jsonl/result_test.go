package jsonl

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

func TestResultRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		r    cases.Result
		line string
		why  string
	}{
		{cases.Result{ID: "a", Loss: 0.6931471805599453, Grad: []float64{-0.5, 0.5}},
			`{"id":"a","loss":0.6931471805599453,"grad":[-0.5,0.5]}`, "plain result"},
		{cases.Result{ID: "b", Loss: math.Inf(1), Grad: []float64{-1, 1}, Certified: "exact"},
			`{"id":"b","loss":"inf","grad":[-1,1],"certified":"exact"}`, "infinite loss, certified"},
		{cases.Result{ID: "c", Loss: math.NaN(), Grad: []float64{math.NaN(), math.Copysign(0, -1)}},
			`{"id":"c","loss":"nan","grad":["nan",-0]}`, "NaN and −0"},
		{cases.Result{ID: "d", Err: "label 3 out of range [0, 2)"},
			`{"id":"d","error":"label 3 out of range [0, 2)"}`, "rejected case"},
		{cases.Result{ID: "e", Err: "x", Certified: "uncertified: budget"},
			`{"id":"e","error":"x","certified":"uncertified: budget"}`, "error with certification"},
		{cases.Result{ID: "f", Loss: float64(float32(0.1)), Grad: []float64{}},
			`{"id":"f","loss":0.10000000149011612,"grad":[]}`, "float32 value in float64 form"},
	} {
		var buf bytes.Buffer
		if err := NewEncoder(&buf).EncodeResult(&tt.r); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(buf.String(), "\n"); got != tt.line {
			t.Errorf("%s: EncodeResult wrote %s, want %s", tt.why, got, tt.line)
		}
		r, err := DecodeResult([]byte(tt.line))
		if err != nil {
			t.Errorf("%s: DecodeResult: %v", tt.why, err)
			continue
		}
		ok := r.ID == tt.r.ID && r.Err == tt.r.Err && r.Certified == tt.r.Certified &&
			sameBits(r.Loss, tt.r.Loss) && len(r.Grad) == len(tt.r.Grad)
		for j := 0; ok && j < len(r.Grad); j++ {
			ok = sameBits(r.Grad[j], tt.r.Grad[j])
		}
		if !ok {
			t.Errorf("%s: DecodeResult = %+v, want %+v", tt.why, r, tt.r)
		}
	}
}

func TestDecodeResultMalformed(t *testing.T) {
	for _, tt := range []struct {
		line, err, why string
	}{
		{`{"loss":1,"grad":[0]}`, `missing field "id"`, "no id"},
		{`{"id":"a","loss":1}`, `want "error", or both`, "no gradient"},
		{`{"id":"a","grad":[0]}`, `want "error", or both`, "no loss"},
		{`{"id":"a","error":"x","loss":1}`, `both "error"`, "error and loss"},
		{`{"id":"a","error":""}`, `empty "error"`, "empty error"},
		{`{"id":"a","loss":"1","grad":[0]}`, `loss: string "1"`, "quoted loss"},
		{`{"id":"a","loss":1,"grad":[true]}`, "grad[0]: got a boolean", "bad gradient element"},
		{`{"id":"a","loss":1,"loss":2,"grad":[0]}`, `duplicate field "loss"`, "repeated field"},
		{`{"id":"a","loss":1,"grad":[0]`, "unexpected end", "truncated"},
		{`{"id":"a","loss":1e999,"grad":[0]}`, "beyond the float64 range", "overflowing loss"},
	} {
		if _, err := DecodeResult([]byte(tt.line)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: DecodeResult(%s) err = %v, want %q", tt.why, tt.line, err, tt.err)
		}
	}
	// Unknown fields are ignored in results.
	r, err := DecodeResult([]byte(`{"id":"a","ns":{"fwd":[1,2]},"loss":1,"grad":[0]}`))
	if err != nil || r.Loss != 1 {
		t.Errorf("unknown field in a result: %+v, %v; want it ignored", r, err)
	}
}
