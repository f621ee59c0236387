package hmat

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// xcheckPython is the interpreter with Debian's python3-numpy and
// python3-protobuf (not a pyenv python3 that may come first on PATH).
const xcheckPython = "/usr/bin/python3"

// xcheckTools reports why the cross-check cannot run, or "".
func xcheckTools() string {
	if _, err := os.Stat(xcheckPython); err != nil {
		return xcheckPython + " not found"
	}
	if _, err := exec.LookPath("protoc"); err != nil {
		return "protoc not found (Debian protobuf-compiler; make hmat-xcheck installs it)"
	}
	out, err := exec.Command(xcheckPython, "-c", "import numpy, google.protobuf").CombinedOutput()
	if err != nil {
		return fmt.Sprintf("%s cannot import numpy and google.protobuf (Debian python3-numpy, python3-protobuf; make hmat-xcheck installs them): %s", xcheckPython, out)
	}
	return ""
}

type xcheckFile struct {
	Shape  []int64 `json:"shape"`
	Legacy []int64 `json:"legacy"`
	Field  string  `json:"field"`
	DType  string  `json:"dtype"`
	Same   *bool   `json:"reserialized_identical"`
	Bits   []string
}

// TestCrossCheckWithPython has scripts/hmat_xcheck.py decode the
// binaryproto files with python3-protobuf (schema compiled by protoc from
// caffe_blob.proto) and the .npy files with numpy, and compares every
// value bit for bit; then reads back what Python wrote with the same tools.
func TestCrossCheckWithPython(t *testing.T) {
	if why := xcheckTools(); why != "" {
		t.Skip("cross-check skipped: " + why)
	}
	dir := t.TempDir()
	type wantFile struct {
		H  *Matrix
		dt DType
	}
	want := map[string]wantFile{}
	for _, dt := range []DType{Float64, Float32} {
		for _, f := range []Format{BinaryProto, NPY} {
			H := roundTripMatrix(dt, 23, 5)
			name := fmt.Sprintf("h-%s.%s", dt, f)
			if err := WriteFile(filepath.Join(dir, name), H, f, dt); err != nil {
				t.Fatal(err)
			}
			want[name] = wantFile{H, dt}
		}
	}
	// A realistic H too: a 3-level tree, Gauss, rows normalised.
	tr, _ := LevelTree(60, 3, 4)
	D, _ := tr.Distances()
	b, err := Build(D, Spec{Transform: Gauss, Tau: 1.5, Normalize: NormalizeRowsTo1, DType: Float32})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "tree.binaryproto"), b.H, BinaryProto, Float32); err != nil {
		t.Fatal(err)
	}
	want["tree.binaryproto"] = wantFile{b.H, Float32}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, xcheckPython, filepath.Join("..", "scripts", "hmat_xcheck.py"), dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/hmat_xcheck.py %s: %v", dir, err)
	}
	var res struct {
		Numpy    string
		Protobuf string
		Files    map[string]xcheckFile
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("script output: %v\n%s", err, out)
	}
	t.Logf("numpy %s, python protobuf %s", res.Numpy, res.Protobuf)
	for name, w := range want {
		H, wantDT := w.H, w.dt
		got, ok := res.Files[name]
		if !ok {
			t.Errorf("%s: not decoded by the script", name)
			continue
		}
		f, _ := FormatOf(name)
		dt := Float64
		if got.DType == "float32" {
			dt = Float32
		}
		if dt != wantDT {
			t.Errorf("%s: python sees dtype %s, want %s", name, got.DType, wantDT)
		}
		if f == BinaryProto {
			wantField := map[DType]string{Float32: "data", Float64: "double_data"}[wantDT]
			if got.Field != wantField || len(got.Shape) != 4 || got.Shape[0] != 1 || got.Shape[1] != 1 ||
				got.Shape[2] != int64(H.C) || got.Shape[3] != int64(H.C) {
				t.Errorf("%s: python sees shape %v in %s, want [1 1 %d %d] in %s", name, got.Shape, got.Field, H.C, H.C, wantField)
			}
			if got.Same == nil || !*got.Same {
				t.Errorf("%s: Python's SerializeToString does not reproduce hmat's bytes", name)
			}
		} else if len(got.Shape) != 2 || got.Shape[0] != int64(H.C) || got.Shape[1] != int64(H.C) {
			t.Errorf("%s: numpy sees shape %v, want (%d, %d)", name, got.Shape, H.C, H.C)
		}
		if len(got.Bits) != len(H.Data) {
			t.Errorf("%s: %d values, want %d", name, len(got.Bits), len(H.Data))
			continue
		}
		bad := 0
		for k, s := range got.Bits {
			u, err := strconv.ParseUint(s, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			var v float64
			if wantDT == Float32 {
				v = float64(math.Float32frombits(uint32(u)))
			} else {
				v = math.Float64frombits(u)
			}
			if math.Float64bits(v) != math.Float64bits(H.Data[k]) {
				if bad++; bad <= 3 {
					t.Errorf("%s: entry [%d,%d]: python %v, hmat %v", name, k/H.C, k%H.C, v, H.Data[k])
				}
			}
		}
		// What Python wrote with the same tools, read by hmat.
		back, err := ReadFile(filepath.Join(dir, "py-"+name), "", "")
		if err != nil {
			t.Errorf("py-%s: %v", name, err)
			continue
		}
		if d := sameBits(H, back.H); d != "" || back.DType != wantDT {
			t.Errorf("py-%s: hmat reads %s, dtype %s", name, d, back.DType)
		}
	}
}
