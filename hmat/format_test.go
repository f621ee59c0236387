package hmat

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"google.golang.org/protobuf/encoding/protowire"
)

// roundTripMatrix has the values that break naive codecs: signed zeros,
// subnormals, the largest finite value, ±Inf, values whose shortest
// decimal is 17 digits, and random bit patterns. For float32 every value
// is a float32.
func roundTripMatrix(dt DType, C int, seed uint64) *Matrix {
	r := rand.New(rand.NewPCG(seed, 14))
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, math.Inf(1), math.Inf(-1),
		math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 5e-324, 2.2250738585072009e-308}
	if dt == Float32 {
		special = []float64{0, math.Copysign(0, -1), 1, -1, float64(float32(0.1)), float64(float32(1.0 / 3)), math.Inf(1), math.Inf(-1),
			math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 0x1p-126, float64(float32(16777217))}
	}
	m := &Matrix{C: C, Data: make([]float64, C*C)}
	for k := range m.Data {
		if k < len(special) {
			m.Data[k] = special[k]
			continue
		}
		var v float64
		for {
			if dt == Float32 {
				v = float64(math.Float32frombits(uint32(r.Uint64())))
			} else {
				v = math.Float64frombits(r.Uint64())
			}
			if !math.IsNaN(v) {
				break
			}
		}
		m.Data[k] = v
	}
	return m
}

func sameBits(a, b *Matrix) string {
	if a.C != b.C || len(a.Data) != len(b.Data) {
		return fmt.Sprintf("C %d vs %d", a.C, b.C)
	}
	for k := range a.Data {
		if math.Float64bits(a.Data[k]) != math.Float64bits(b.Data[k]) {
			return fmt.Sprintf("entry [%d,%d]: %v (%#x) vs %v (%#x)", k/a.C, k%a.C, a.Data[k], math.Float64bits(a.Data[k]), b.Data[k], math.Float64bits(b.Data[k]))
		}
	}
	return ""
}

func TestRoundTripBitExact(t *testing.T) {
	for _, f := range Formats() {
		for _, dt := range []DType{Float64, Float32} {
			for _, C := range []int{1, 4, 37} {
				H := roundTripMatrix(dt, C, uint64(C))
				var b bytes.Buffer
				if err := Encode(&b, H, f, dt); err != nil {
					t.Fatalf("%s %s C=%d: encode: %v", f, dt, C, err)
				}
				got, err := Decode(b.Bytes(), f, dt)
				if err != nil {
					t.Fatalf("%s %s C=%d: decode: %v", f, dt, C, err)
				}
				if d := sameBits(H, got.H); d != "" {
					t.Errorf("%s %s C=%d: round trip changed %s", f, dt, C, d)
				}
				if got.DType != dt {
					t.Errorf("%s %s: decoded dtype %s", f, dt, got.DType)
				}
				// Deterministic output.
				var again bytes.Buffer
				_ = Encode(&again, got.H, f, dt)
				if !bytes.Equal(b.Bytes(), again.Bytes()) {
					t.Errorf("%s %s C=%d: re-encoding differs", f, dt, C)
				}
			}
		}
	}
	// NaN survives (as NaN; text formats do not keep payloads).
	H := mustRows(t, [][]float64{{math.NaN(), 1}, {0, 1}})
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := Encode(&b, H, f, Float64); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(b.Bytes(), f, Float64)
		if err != nil || !math.IsNaN(got.H.Data[0]) {
			t.Errorf("%s: NaN round trip: %v, %v", f, got.H, err)
		}
	}
}

func TestEncodeRefusesToRoundSilently(t *testing.T) {
	H := mustRows(t, [][]float64{{1, 0.1}, {0.1, 1}})
	for _, f := range Formats() {
		if err := Encode(&bytes.Buffer{}, H, f, Float32); err == nil {
			t.Errorf("%s: encoding 0.1 as float32 gave no error", f)
		}
		if err := Encode(&bytes.Buffer{}, H.Round(Float32), f, Float32); err != nil {
			t.Errorf("%s: encoding the rounded matrix: %v", f, err)
		}
	}
}

// TestNPYReadByNpyio reads what encodeNPY writes with an independent
// reader, codeberg.org/sbinet/npyio.
func TestNPYReadByNpyio(t *testing.T) {
	for _, dt := range []DType{Float64, Float32} {
		H := roundTripMatrix(dt, 9, 3)
		var b bytes.Buffer
		if err := Encode(&b, H, NPY, dt); err != nil {
			t.Fatal(err)
		}
		r, err := npyio.NewReader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if s := r.Header.Descr.Shape; len(s) != 2 || s[0] != 9 || s[1] != 9 || r.Header.Descr.Fortran {
			t.Errorf("%s: npyio sees shape %v fortran %v", dt, s, r.Header.Descr.Fortran)
		}
		var got []float64
		if dt == Float32 {
			var f32 []float32
			err = r.Read(&f32)
			for _, v := range f32 {
				got = append(got, float64(v))
			}
		} else {
			err = r.Read(&got)
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := sameBits(H, &Matrix{C: 9, Data: got}); d != "" {
			t.Errorf("%s: npyio reads %s", dt, d)
		}
		if (b.Len()-len(H.Data)*map[DType]int{Float64: 8, Float32: 4}[dt])%64 != 0 {
			t.Errorf("%s: data does not start at a multiple of 64 bytes", dt)
		}
	}
}

// TestNPYVariants reads headers NumPy may write: version 2.0, Fortran
// order, big-endian, other key orders.
func TestNPYVariants(t *testing.T) {
	data := []float64{1, 2, 3, 4} // row-major [[1, 2], [3, 4]]
	mk := func(version byte, hdr string, order binary.ByteOrder, vals []float64) []byte {
		var b bytes.Buffer
		b.Write(npyMagic)
		b.Write([]byte{version, 0})
		hdr += "\n"
		if version == 1 {
			binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
		} else {
			binary.Write(&b, binary.LittleEndian, uint32(len(hdr)))
		}
		b.WriteString(hdr)
		for _, v := range vals {
			binary.Write(&b, order, v)
		}
		return b.Bytes()
	}
	for _, tt := range []struct {
		in  []byte
		why string
	}{
		{mk(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", binary.LittleEndian, data), "NumPy's usual header"},
		{mk(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}", binary.LittleEndian, data), "version 2.0, no trailing comma"},
		{mk(3, "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f8'}   ", binary.LittleEndian, data), "version 3.0, other key order"},
		{mk(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,2), }", binary.BigEndian, data), "big-endian"},
		{mk(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", binary.LittleEndian, []float64{1, 3, 2, 4}), "Fortran (column-major) order"},
	} {
		f, err := Decode(tt.in, NPY, "")
		if err != nil {
			t.Errorf("%s: %v", tt.why, err)
			continue
		}
		if d := sameBits(f.H, &Matrix{C: 2, Data: data}); d != "" {
			t.Errorf("%s: %s", tt.why, d)
		}
	}
}

func validProto(t *testing.T, dt DType) []byte {
	var b bytes.Buffer
	if err := Encode(&b, mustRows(t, [][]float64{{1, 0.5}, {0.5, 1}}), BinaryProto, dt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func validNPY(t *testing.T) []byte {
	var b bytes.Buffer
	if err := Encode(&b, mustRows(t, [][]float64{{1, 0.5}, {0.5, 1}}), NPY, Float64); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// absurdProto declares shape 1×1×n×n with only 4 float values present.
func absurdProto(n int64) []byte {
	var dims, shape, out []byte
	for _, d := range []int64{1, 1, n, n} {
		dims = protowire.AppendVarint(dims, uint64(d))
	}
	shape = protowire.AppendTag(shape, fieldDim, protowire.BytesType)
	shape = protowire.AppendBytes(shape, dims)
	out = protowire.AppendTag(out, fieldShape, protowire.BytesType)
	out = protowire.AppendBytes(out, shape)
	out = protowire.AppendTag(out, fieldData, protowire.BytesType)
	out = protowire.AppendBytes(out, make([]byte, 16))
	return out
}

func absurdNPY(shape string) []byte {
	hdr := "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }\n"
	b := append([]byte{}, npyMagic...)
	b = append(b, 1, 0, byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	return append(b, make([]byte, 32)...)
}

func TestBadInput(t *testing.T) {
	proto64 := validProto(t, Float64)
	npy := validNPY(t)
	legacy := func() []byte { // legacy num/channels/height/width = 1,1,2,3: 6 values
		var b []byte
		for i, v := range []uint64{1, 1, 2, 3} {
			b = protowire.AppendTag(b, protowire.Number(i+1), protowire.VarintType)
			b = protowire.AppendVarint(b, v)
		}
		b = protowire.AppendTag(b, fieldData, protowire.BytesType)
		return protowire.AppendBytes(b, make([]byte, 24))
	}()
	for _, tt := range []struct {
		f    Format
		in   []byte
		want string // part of the error
		why  string
	}{
		{CSV, []byte(""), "C = 0", "empty CSV"},
		{CSV, []byte("# only a comment\n"), "C = 0", "no rows"},
		{CSV, []byte("1,0\n0,1,2\n"), "ragged", "ragged CSV"},
		{CSV, []byte("1,0,0\n0,1,0\n"), "square", "2×3 is not square"},
		{CSV, []byte("1,0\n0,1\n0,0\n"), "square", "3×2 is not square"},
		{CSV, []byte("1,x\n0,1\n"), "not a number", "garbage field"},
		{CSV, []byte("1,1e999\n0,1\n"), "range", "overflowing literal"},
		{JSON, []byte(`{"dtype":"float64","C":2,"H":[[1,0],[0]]}`), "row 1", "ragged JSON"},
		{JSON, []byte(`{"dtype":"float64","C":3,"H":[[1,0],[0,1]]}`), "C = 3", "C disagrees with H"},
		{JSON, []byte(`{"dtype":"float64","C":0,"H":[]}`), "C = 0", "empty JSON"},
		{JSON, []byte(`{"dtype":"float64","C":2000000000,"H":[]}`), "exceeds", "absurd declared C"},
		{JSON, []byte(`{"dtype":"float16","C":1,"H":[[1]]}`), "dtype", "unknown dtype"},
		{JSON, []byte(`{"dtype":"float64","C":1,"H":[["NaN!"]]}`), "not a number", "bad string"},
		{JSON, []byte(`{"dtype":"float64","C":1,"H":[[1]]} {}`), "trailing", "two objects"},
		{JSON, []byte(`{"dtype":"float64","C":1}`), "missing", "no H"},
		{JSON, []byte(`[1,2]`), "matrix object", "not an object"},
		{NPY, npy[:len(npy)-3], "truncated", "npy data cut short"},
		{NPY, npy[:20], "truncated", "npy header cut short"},
		{NPY, npy[:5], "magic", "npy magic cut short"},
		{NPY, append(append([]byte{}, npy...), 0), "trailing", "npy with an extra byte"},
		{NPY, absurdNPY("(30000, 30000)"), "truncated", "absurd shape: 7.2 GB declared, 32 bytes present"},
		{NPY, absurdNPY("(100000000000, 100000000000)"), "exceeds", "absurd shape beyond MaxC"},
		{NPY, absurdNPY("(99999999999999999999999, 1)"), "absurd", "dimension overflowing int"},
		{NPY, absurdNPY("(2, 3)"), "square", "not square"},
		{NPY, absurdNPY("(0, 0)"), "C = 0", "empty array"},
		{NPY, absurdNPY("(4,)"), "square", "1-D array"},
		{NPY, bytes.Replace(npy, []byte("<f8"), []byte("<i8"), 1), "dtype", "integer array"},
		{NPY, bytes.Replace(npy, []byte("<f8"), []byte("|O8"), 1), "dtype", "object (pickle) array"},
		{NPY, bytes.Replace(npy, []byte("\n"), []byte(" "), 1), "newline", "header without its newline (npyio panics here)"},
		{NPY, bytes.Replace(npy, []byte("False"), []byte("Maybe"), 1), "fortran_order", "bad fortran_order"},
		{NPY, append([]byte("\x93NUMPY\x02\x00\xff\xff\xff\xff"), make([]byte, 64)...), "exceeds", "4 GiB declared header"},
		{NPY, append([]byte("\x93NUMPY\x09\x00"), make([]byte, 64)...), "version", "unknown version"},
		{BinaryProto, nil, "empty", "empty binaryproto"},
		{BinaryProto, proto64[:len(proto64)-5], "", "truncated binaryproto"},
		{BinaryProto, proto64[:3], "", "binaryproto cut in the shape"},
		{BinaryProto, []byte{0xff, 0xff, 0xff}, "", "garbage tag"},
		{BinaryProto, absurdProto(1 << 20), "declares", "absurd shape: 2^40 values declared, 4 present"},
		{BinaryProto, absurdProto(1 << 31), "declares", "absurd shape whose count is 2^62"},
		{BinaryProto, absurdProto(1 << 40), "overflows", "absurd shape whose count overflows int64"},
		{BinaryProto, absurdProto(-1), "negative", "negative dimension"},
		{BinaryProto, legacy, "1×1×C×C", "legacy 1×1×2×3 blob: not square"},
		{BinaryProto, absurdProto(0)[:len(absurdProto(0))-18], "C = 0", "zero shape"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Decode(tt.in, tt.f, Float64)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: %s: no error", tt.why, tt.f)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %s: error %q, want one mentioning %q", tt.why, tt.f, err, tt.want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: %s: allocated %d bytes to reject a %d-byte input", tt.why, tt.f, alloc, len(tt.in))
		}
	}
}

// TestBinaryProtoAsCaffeReadsIt checks Blob::FromProto's rules: the legacy
// 4-D shape wins when present, double_data wins over data, unpacked
// repeated values are accepted.
func TestBinaryProtoAsCaffeReadsIt(t *testing.T) {
	f32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = protowire.AppendFixed32(b, math.Float32bits(v))
		}
		return b
	}
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = protowire.AppendFixed64(b, math.Float64bits(v))
		}
		return b
	}
	var legacy []byte
	for i, v := range []uint64{1, 1, 2, 2} {
		legacy = protowire.AppendTag(legacy, protowire.Number(i+1), protowire.VarintType)
		legacy = protowire.AppendVarint(legacy, v)
	}
	legacy = protowire.AppendTag(legacy, fieldData, protowire.BytesType)
	legacy = protowire.AppendBytes(legacy, f32(1, 2, 3, 4))

	var unpacked []byte
	unpacked = append(unpacked, absurdProto(2)[:len(absurdProto(2))-18]...) // shape only
	for _, v := range []float64{1, 2, 3, 4} {
		unpacked = protowire.AppendTag(unpacked, fieldDoubleData, protowire.Fixed64Type)
		unpacked = protowire.AppendFixed64(unpacked, math.Float64bits(v))
	}
	both := append([]byte{}, unpacked...)
	both = protowire.AppendTag(both, fieldData, protowire.BytesType)
	both = protowire.AppendBytes(both, f32(9, 9, 9, 9))
	both = protowire.AppendTag(both, fieldDiff, protowire.BytesType) // ignored
	both = protowire.AppendBytes(both, f32(7))
	_ = f64
	for _, tt := range []struct {
		in  []byte
		dt  DType
		why string
	}{
		{legacy, Float32, "legacy num/channels/height/width shape"},
		{unpacked, Float64, "unpacked double_data"},
		{both, Float64, "double_data wins over data; diff is skipped"},
	} {
		f, err := Decode(tt.in, BinaryProto, "")
		if err != nil {
			t.Errorf("%s: %v", tt.why, err)
			continue
		}
		if d := sameBits(f.H, &Matrix{C: 2, Data: []float64{1, 2, 3, 4}}); d != "" || f.DType != tt.dt {
			t.Errorf("%s: %s, dtype %s want %s", tt.why, d, f.DType, tt.dt)
		}
	}
}

func TestReadWriteFile(t *testing.T) {
	dir := t.TempDir()
	H := roundTripMatrix(Float32, 5, 1)
	for _, name := range []string{"h.csv", "h.json", "h.npy", "h.binaryproto", "h.pb"} {
		p := filepath.Join(dir, name)
		if err := WriteFile(p, H, "", Float32); err != nil {
			t.Fatal(err)
		}
		f, err := ReadFile(p, "", Float32)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameBits(H, f.H); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "h.txt"), "", ""); err == nil {
		t.Error("unknown extension: no error")
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.csv"), "", ""); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}
