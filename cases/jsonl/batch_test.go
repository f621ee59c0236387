package jsonl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/leanovate/gopter"
	pgen "github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// diffBatches returns "" if a and b are the same batch bit for bit.
func diffBatches(a, b *cases.Batch) string {
	if a.DType != b.DType || a.Outer != b.Outer || a.C != b.C || a.Inner != b.Inner || a.Opts != b.Opts {
		return fmt.Sprintf("header %s (%d,%d,%d) %+v != %s (%d,%d,%d) %+v",
			a.DType, a.Outer, a.C, a.Inner, a.Opts, b.DType, b.Outer, b.C, b.Inner, b.Opts)
	}
	for k := range a.Labels {
		if a.Labels[k] != b.Labels[k] {
			return fmt.Sprintf("labels[%d] %d != %d", k, a.Labels[k], b.Labels[k])
		}
	}
	for _, v := range []struct {
		name string
		x, y []float64
	}{{"logits", a.Logits, b.Logits}, {"H", a.H, b.H}} {
		if len(v.x) != len(v.y) {
			return fmt.Sprintf("len(%s) %d != %d", v.name, len(v.x), len(v.y))
		}
		for k := range v.x {
			if !sameBits(v.x[k], v.y[k]) {
				return fmt.Sprintf("%s[%d] = %v (%x) != %v (%x)", v.name, k, v.x[k], v.x[k], v.y[k], v.y[k])
			}
		}
	}
	return ""
}

// roundTripBatch encodes b, decodes it with NextBatch and re-encodes it.
func roundTripBatch(id string, b *cases.Batch) string {
	var buf bytes.Buffer
	if err := NewEncoder(&buf).EncodeBatch(id, b); err != nil {
		return "encode: " + err.Error()
	}
	line := buf.String()
	gotID, got, err := NewDecoder(strings.NewReader(line)).NextBatch()
	if err != nil {
		return fmt.Sprintf("decode %s: %v", line, err)
	}
	if gotID != id {
		return fmt.Sprintf("id %q != %q", gotID, id)
	}
	if d := diffBatches(b, &got); d != "" {
		return d + " after " + line
	}
	var again bytes.Buffer
	NewEncoder(&again).EncodeBatch(gotID, &got)
	if again.String() != line {
		return fmt.Sprintf("not canonical: %q then %q", line, again.String())
	}
	return ""
}

// batchFromBits builds a valid batch of shape (outer, C, inner) whose
// logits are the bit patterns (cycled), H their finite versions, labels
// derived from them, and options from the last pattern.
func batchFromBits(outer, C, inner int, bits []uint64, dt cases.DType) cases.Batch {
	toFloat, topExpBit := math.Float64frombits, uint64(1)<<62
	if dt == cases.Float32 {
		toFloat = func(b uint64) float64 { return float64(math.Float32frombits(uint32(b))) }
		topExpBit = 1 << 30
	}
	at := func(k int) uint64 { return bits[k%len(bits)] * uint64(2*k+1) } // vary the cycled patterns
	b := cases.Batch{DType: dt, Outer: outer, C: C, Inner: inner,
		Logits: make([]float64, outer*C*inner), Labels: make([]int, outer*inner), H: make([]float64, C*C)}
	for k := range b.Logits {
		b.Logits[k] = toFloat(bits[k%len(bits)])
	}
	for k := range b.H {
		v := toFloat(at(k))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = toFloat(at(k) &^ topExpBit)
		}
		b.H[k] = v
	}
	last := bits[len(bits)-1]
	b.Opts = cases.Options{Normalization: cases.Normalization(last % 4), LossWeight: toFloat(last >> 2)}
	if math.IsNaN(b.Opts.LossWeight) || math.IsInf(b.Opts.LossWeight, 0) {
		b.Opts.LossWeight = 1
	}
	if last&(1<<40) != 0 {
		b.Opts.HasIgnoreLabel, b.Opts.IgnoreLabel = true, int(last>>41%uint64(C+2))-1
	}
	for k := range b.Labels {
		b.Labels[k] = int(at(k) % uint64(C))
		if b.Opts.HasIgnoreLabel && at(k)&8 != 0 {
			b.Labels[k] = b.Opts.IgnoreLabel
		}
	}
	return b
}

func TestBatchRoundTrip(t *testing.T) {
	props := gopter.NewProperties(propParams(t, 1000))
	for _, dt := range dtypes {
		props.Property(fmt.Sprintf("a %s batch encodes and decodes to the same bits and options", dt),
			prop.ForAll(func(outer, C, inner int, bits []uint64) string {
				b := batchFromBits(outer, C, inner, bits, dt)
				if err := b.Validate(); err != nil {
					return "generator: " + err.Error()
				}
				return roundTripBatch("batch/1", &b)
			}, pgen.IntRange(1, 3), pgen.IntRange(1, 5), pgen.IntRange(1, 3),
				pgen.SliceOfN(6, float64Bits())))
	}
	props.TestingRun(t)
}

const goodBatch = `{"id":"gb","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1]}`

func TestParseBatchDefaults(t *testing.T) {
	id, b, err := ParseBatch([]byte(goodBatch))
	if err != nil {
		t.Fatal(err)
	}
	want := cases.Batch{DType: cases.Float64, Outer: 1, C: 2, Inner: 1, Logits: []float64{0, 1}, Labels: []int{1},
		H: []float64{1, 0, 0, 1}, Opts: cases.DefaultOptions()}
	if d := diffBatches(&want, &b); id != "gb" || d != "" {
		t.Errorf("ParseBatch(%s) = %q, %s; want Caffe's defaults (VALID, weight 1, no ignore label)", goodBatch, id, d)
	}
}

func TestParseBatchMalformed(t *testing.T) {
	for _, tt := range []struct {
		line, err, id, why string
	}{
		{`{"id":"b","dtype":"float64","logits":[0,1],"labels":[1],"H":[1,0,0,1]}`, `missing field "shape"`, "b", "no shape"},
		{`{"id":"b","dtype":"float64","shape":[2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1]}`, "2 dimensions", "b", "two dimensions"},
		{`{"id":"b","dtype":"float64","shape":[1,0,1],"logits":[],"labels":[1],"H":[]}`, "must be ≥ 1", "b", "C = 0"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0],"labels":[1],"H":[1,0,0,1]}`, "len(logits) = 1", "b", "short logits"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[2],"H":[1,0,0,1]}`, "out of range", "b", "label = C"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1.5],"H":[1,0,0,1]}`, "not an integer", "b", "fractional label"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,"nan",1]}`, "not finite", "b", "NaN in H"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1],"normalization":"MEAN"}`, "unknown normalization", "b", "bad normalization"},
		{`{"id":"b","dtype":"float32","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1],"loss_weight":0.1000000015}`, "not a float32 value", "b", "float32 loss weight"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1],"loss_weight":"inf"}`, "loss_weight is not finite", "b", "infinite loss weight"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1],"h":[1]}`, `unknown field "h"`, "b", "case field in a batch"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1],"ignore_label":"x"}`, "ignore_label: got a string", "b", "ignore label as a string"},
		{`{"id":"b","shape":[1,2,1],"shape":[1,2,1]}`, `duplicate field "shape"`, "b", "repeated field"},
		{`{"id":"b","dtype":"float64","shape":[1,2,1],"logits":[0,1],"labels":[1],"H":[1,0,0,1]`, "unexpected end", "b", "truncated"},
	} {
		d := NewDecoder(strings.NewReader(tt.line + "\n" + goodBatch + "\n"))
		_, _, err := d.NextBatch()
		var le *LineError
		if !errors.As(err, &le) || le.Line != 1 || le.ID != tt.id || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %s\n got %v\nwant a LineError on line 1, id %q, containing %q", tt.why, tt.line, err, tt.id, tt.err)
		}
		if id, _, err := d.NextBatch(); err != nil || id != "gb" {
			t.Errorf("%s: next line: %q, %v", tt.why, id, err)
		}
		if _, _, err := d.NextBatch(); err != io.EOF {
			t.Errorf("%s: at the end: %v", tt.why, err)
		}
	}
}

func TestEncodeBatchRejectsInvalid(t *testing.T) {
	b := cases.Batch{DType: cases.Float64, Outer: 1, C: 2, Inner: 1, Logits: []float64{0, 1}, Labels: []int{5}, H: []float64{1, 0, 0, 1}, Opts: cases.DefaultOptions()}
	var buf bytes.Buffer
	if err := NewEncoder(&buf).EncodeBatch("x", &b); err == nil || buf.Len() != 0 {
		t.Errorf("EncodeBatch of a batch with label 5 ≥ C: %v, wrote %q", err, buf.String())
	}
}
