package hmat

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"
)

// fuzzDecode is the property every reader must have: no panic, and any
// accepted input re-encodes to bytes that decode to the same bits (NaN
// as NaN). Run one target for at most 60 s, e.g.
//
//	go test ./hmat -run '^$' -fuzz '^FuzzDecodeNPY$' -fuzztime 60s
func fuzzDecode(t *testing.T, data []byte, f Format, dt DType) {
	watchdog := time.AfterFunc(30*time.Second, func() { panic(fmt.Sprintf("decode of %q takes over 30 s (a hang)", data)) })
	defer watchdog.Stop()
	file, err := Decode(data, f, dt)
	if err != nil {
		if file.H != nil {
			t.Fatalf("error %v with a matrix", err)
		}
		return
	}
	if err := file.H.Validate(); err != nil {
		t.Fatalf("accepted an invalid matrix: %v", err)
	}
	var b bytes.Buffer
	if err := Encode(&b, file.H, f, file.DType); err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	again, err := Decode(b.Bytes(), f, file.DType)
	if err != nil {
		t.Fatalf("decode of the re-encoding: %v", err)
	}
	for k, v := range file.H.Data {
		w := again.H.Data[k]
		if math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
			t.Fatalf("entry %d: %v then %v", k, v, w)
		}
	}
	_ = Check(file.H, CheckOptions{Train: file.DType}) // must not panic either
}

func FuzzDecodeCSV(f *testing.F) {
	for _, s := range []string{"1,0\n0,1\n", "1", "# c\n1, 0.5\n0.5 ,1\n", "NaN,1\n-Inf,0\n", "1,0\n0\n", ""} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, f32 bool) {
		dt := Float64
		if f32 {
			dt = Float32
		}
		fuzzDecode(t, data, CSV, dt)
	})
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"dtype":"float64","C":2,"H":[[1,0],[0,1]]}`, `{"dtype":"float32","C":1,"H":[["nan"]]}`, `{"dtype":"float64","C":1,"H":[[1e400]]}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, data, JSON, "") })
}

func FuzzDecodeNPY(f *testing.F) {
	for _, dt := range []DType{Float64, Float32} {
		var b bytes.Buffer
		_ = Encode(&b, roundTripMatrix(dt, 3, 1), NPY, dt)
		f.Add(b.Bytes())
	}
	f.Add(absurdNPY("(30000, 30000)"))
	f.Add(absurdNPY("(2, 2)"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, data, NPY, "") })
}

func FuzzDecodeBinaryProto(f *testing.F) {
	for _, dt := range []DType{Float64, Float32} {
		var b bytes.Buffer
		_ = Encode(&b, roundTripMatrix(dt, 3, 1), BinaryProto, dt)
		f.Add(b.Bytes())
	}
	f.Add(absurdProto(1 << 20))
	f.Add(absurdProto(2))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzDecode(t, data, BinaryProto, "") })
}
