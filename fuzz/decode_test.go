package fuzz

import (
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

func sameCase(a, b *cases.Case) bool {
	return a.DType == b.DType && a.Label == b.Label && sameBits(a.Logits, b.Logits) && sameBits(a.H, b.H)
}

var negZero = math.Copysign(0, -1)

// TestDecodeLayout pins the byte layout: expected cases are worked out by
// hand from the layout comment in decode.go, not by running Decode.
func TestDecodeLayout(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		why  string
		data []byte
		want cases.Case
	}{
		{
			why:  "no bytes: every byte reads 0, C = 1, logit 0, identity row",
			data: nil,
			want: cases.Case{DType: cases.Float64, Logits: []float64{0}, H: []float64{1}},
		},
		{
			why: "small, tie and special tokens under a 1e16 offset: 1e16 + 1 rounds to 1e16, NaN stays NaN",
			data: []byte{logitsOffset << 1, 2, 1, 3, 0,
				kindSmall, 4, kindTie, kindSpecial, 0},
			want: cases.Case{DType: cases.Float64, Label: 1,
				Logits: []float64{1e16, 1e16, math.NaN()}, H: []float64{0, 1, 0}},
		},
		{
			why: "float32 near-max token with the sign bit, a step of +2 ulps and a subnormal; dense h",
			data: []byte{1 | hDense<<4, 2, 5, 0, 0,
				kindNearMax | 0x80, 0, kindStep, 2, kindSubnorm, 1, 0, 0, 0,
				16, 8, 0},
			want: cases.Case{DType: cases.Float32, Label: 2,
				Logits: []float64{-math.MaxFloat32, float64(math.Nextafter32(math.Nextafter32(-math.MaxFloat32, 0), 0)), 0x1p-149},
				H:      []float64{1, 0.5, 0}},
		},
		{
			why: "float64 subnormal token: mantissa bits 1 shifted by 20, negative",
			data: []byte{0, 0, 0, 0, 0,
				kindSubnorm | 0x80, 1, 0, 0, 0},
			want: cases.Case{DType: cases.Float64, Logits: []float64{-0x1p-1054}, H: []float64{1}},
		},
		{
			why: "scaled token 3·2^-2 and the exp-edge regime moving the second logit down by 745.13…",
			data: []byte{logitsExpEdge << 1, 1, 0, 0, 0,
				kindScaled, 3, 0xfe, kindSmall, 0},
			want: cases.Case{DType: cases.Float64,
				Logits: []float64{0.75, -745.1332191019411}, H: []float64{1, 0}},
		},
		{
			why: "raw H row: +Inf and -0 are kept, the case is invalid and Decode still returns it",
			data: []byte{hRaw << 4, 1, 0, 0, 0,
				kindSmall, 0, kindSmall, 0,
				kindSpecial, 1, kindSpecial, 4},
			want: cases.Case{DType: cases.Float64, Logits: []float64{0, 0}, H: []float64{inf, negZero}},
		},
		{
			why: "scaled H: 16/16·2^(8·127) twice, a row whose sum overflows while each entry is finite",
			data: []byte{hScaled << 4, 1, 0, 0, 127,
				kindSmall, 0, kindSmall, 0,
				16, 16},
			want: cases.Case{DType: cases.Float64, Logits: []float64{0, 0}, H: []float64{0x1p1016, 0x1p1016}},
		},
		{
			why: "C wraps at MaxC: byte 1 = MaxC gives C = 1; the label wraps at C",
			data: []byte{hSmoothing << 4, MaxC, 7, 0, 128,
				kindSmall, 0xfc},
			want: cases.Case{DType: cases.Float64, Logits: []float64{-1}, H: []float64{1}},
		},
	}
	for _, tt := range tests {
		got := Decode(tt.data)
		if !sameCase(&got, &tt.want) {
			t.Errorf("%s:\nDecode(%x)\n got %+v\nwant %+v", tt.why, tt.data, got, tt.want)
		}
	}
}

// TestEncodeRoundTrip checks Decode(Encode(c)) = c bit for bit on values a
// float mutator never finds.
func TestEncodeRoundTrip(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		why string
		c   cases.Case
	}{
		{"negative zero and the least subnormal", cases.Case{DType: cases.Float64,
			Logits: []float64{negZero, 5e-324}, H: []float64{0, 1}, Label: 1}},
		{"non-finite logits and a raw NaN in h (invalid, still encodable)", cases.Case{DType: cases.Float64,
			Logits: []float64{nan, inf, -inf}, H: []float64{1, nan, -1}, Label: 2}},
		{"float32 extremes", cases.Case{DType: cases.Float32,
			Logits: []float64{math.MaxFloat32, -0x1p-149, 1e8}, H: []float64{float64(float32(0.1)), 0, 3}}},
		{"MaxC classes, label at the top", cases.Case{DType: cases.Float64,
			Logits: make([]float64, MaxC), H: make([]float64, MaxC), Label: MaxC - 1}},
	}
	for _, tt := range tests {
		data, ok := Encode(&tt.c)
		if !ok {
			t.Errorf("%s: Encode refused %+v", tt.why, tt.c)
			continue
		}
		if got := Decode(data); !sameCase(&got, &tt.c) {
			t.Errorf("%s: Decode(Encode(c))\n got %+v\nwant %+v", tt.why, got, tt.c)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		why string
		c   cases.Case
	}{
		{"C = 0", cases.Case{DType: cases.Float64}},
		{"C > MaxC", cases.Case{DType: cases.Float64, Logits: make([]float64, MaxC+1), H: make([]float64, MaxC+1)}},
		{"label out of range", cases.Case{DType: cases.Float64, Logits: []float64{0}, H: []float64{1}, Label: 1}},
		{"len(h) ≠ C", cases.Case{DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1}}},
		{"unknown dtype", cases.Case{DType: "float16", Logits: []float64{0}, H: []float64{1}}},
		{"float32 case holding 0.1 in float64", cases.Case{DType: cases.Float32, Logits: []float64{0.1}, H: []float64{1}}},
	}
	for _, tt := range tests {
		if data, ok := Encode(&tt.c); ok {
			t.Errorf("%s: Encode accepted %+v as %x", tt.why, tt.c, data)
		}
	}
}

// TestDecodeShapes runs Decode and DecodeBatch over every header byte and
// a spread of bodies and checks the promises every input gets: C within
// [1, MaxC], label in range, float32 cases made of float32 values, batch
// shapes consistent and H[label,:] equal to the case's row.
func TestDecodeShapes(t *testing.T) {
	bodies := [][]byte{nil, {0xff}, {7, 3, 0x80, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	for hdr := 0; hdr < 256; hdr++ {
		for _, body := range bodies {
			data := append([]byte{byte(hdr), 0xff, 0xff, 0x81, 0x7f}, body...)
			data = append(data, body...)
			c := Decode(data)
			C := len(c.Logits)
			if C < 1 || C > MaxC || len(c.H) != C || c.Label < 0 || c.Label >= C {
				t.Fatalf("Decode(%x): shape C=%d len(h)=%d label=%d", data, C, len(c.H), c.Label)
			}
			if c.DType == cases.Float32 {
				for _, v := range append(append([]float64{}, c.Logits...), c.H...) {
					if !cases.IsFloat32(v) {
						t.Fatalf("Decode(%x): float32 case holds %v (%x)", data, v, v)
					}
				}
			}
			b := DecodeBatch(data)
			if b.C != C || len(b.Logits) != b.Outer*C*b.Inner || len(b.Labels) != b.Outer*b.Inner || len(b.H) != C*C {
				t.Fatalf("DecodeBatch(%x): inconsistent shape %+v", data, b)
			}
			if !sameBits(b.H[c.Label*C:(c.Label+1)*C], c.H) || b.Labels[0] != c.Label {
				t.Fatalf("DecodeBatch(%x): H[label,:] = %v, want the case's row %v", data, b.H[c.Label*C:(c.Label+1)*C], c.H)
			}
		}
	}
}

// TestDecodeBatchLayout pins DecodeBatch's layout on one input worked out
// by hand from its doc comment.
func TestDecodeBatchLayout(t *testing.T) {
	// Case: C = 3, label 1, logits [1, 2, 3] (small tokens 4, 8, 12), h =
	// e_1. Shape byte 0b1101_0101: outer 2, inner 2, VALID, ignore_label
	// −1. Weight byte 2: 0.5. Labels: position 0 keeps 1; bytes 3 (= C:
	// the ignore label), 5 (mod 4 = 1), 2.
	data := []byte{0, 2, 1, 0, 0, kindSmall, 4, kindSmall, 8, kindSmall, 12,
		0b1101_0101, 2, 3, 5, 2}
	b := DecodeBatch(data)
	want := cases.Batch{DType: cases.Float64, Outer: 2, C: 3, Inner: 2,
		// Position q = (o, i) holds the logits rotated by q at
		// (o·C + j)·Inner + i: q0 [1 2 3], q1 [2 3 1], q2 [3 1 2], q3 [1 2 3].
		Logits: []float64{1, 2, 2, 3, 3, 1, 3, 1, 1, 2, 2, 3},
		Labels: []int{1, -1, 1, 2},
		// Row r is h rotated by r − label: H[1,:] = e_1.
		H:    []float64{1, 0, 0, 0, 1, 0, 0, 0, 1},
		Opts: cases.Options{HasIgnoreLabel: true, IgnoreLabel: -1, Normalization: cases.Valid, LossWeight: 0.5},
	}
	if b.DType != want.DType || b.Outer != want.Outer || b.C != want.C || b.Inner != want.Inner ||
		!sameBits(b.Logits, want.Logits) || !sameBits(b.H, want.H) || b.Opts != want.Opts ||
		len(b.Labels) != len(want.Labels) {
		t.Fatalf("DecodeBatch(%x)\n got %+v\nwant %+v", data, b, want)
	}
	for i := range b.Labels {
		if b.Labels[i] != want.Labels[i] {
			t.Fatalf("DecodeBatch(%x): labels %v, want %v", data, b.Labels, want.Labels)
		}
	}
	if err := b.Validate(); err != nil {
		t.Errorf("DecodeBatch(%x) is invalid: %v", data, err)
	}
}
