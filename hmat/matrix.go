package hmat

import (
	"errors"
	"fmt"
	"math"
)

// MaxC bounds the number of classes of every matrix this package builds or
// reads. A C×C float64 matrix at MaxC is 8 GiB; larger declared shapes are
// rejected as absurd before anything is allocated.
const MaxC = 1 << 15

// DType is the floating-point type a matrix is stored in, or trained in.
type DType string

const (
	Float64 DType = "float64"
	Float32 DType = "float32"
)

// ParseDType accepts "float64" and "float32" (also "f64", "f32", "double",
// "float").
func ParseDType(s string) (DType, error) {
	switch s {
	case "float64", "f64", "double":
		return Float64, nil
	case "float32", "f32", "float":
		return Float32, nil
	}
	return "", fmt.Errorf("unknown dtype %q (want float64 or float32)", s)
}

// Matrix is a C×C matrix in row-major order: entry (i, j) is Data[i*C+j].
// For an infogain matrix, row l is the weight vector h = H[l,:] of a sample
// whose label is l. Values are held in float64; a float32 matrix holds
// values that are exactly float32.
type Matrix struct {
	C    int
	Data []float64
}

// New returns a C×C zero matrix, or an error for C ≤ 0 or C > MaxC.
func New(C int) (*Matrix, error) {
	if err := checkC(C); err != nil {
		return nil, err
	}
	return &Matrix{C: C, Data: make([]float64, C*C)}, nil
}

// Identity returns the C×C identity (softmax cross-entropy as an infogain
// matrix).
func Identity(C int) (*Matrix, error) {
	m, err := New(C)
	if err != nil {
		return nil, err
	}
	for i := 0; i < C; i++ {
		m.Data[i*C+i] = 1
	}
	return m, nil
}

// FromRows copies rows into a matrix. The rows must form a non-empty square.
func FromRows(rows [][]float64) (*Matrix, error) {
	C := len(rows)
	if err := checkC(C); err != nil {
		return nil, err
	}
	m := &Matrix{C: C, Data: make([]float64, 0, C*C)}
	for i, r := range rows {
		if len(r) != C {
			return nil, fmt.Errorf("row %d has %d entries, want %d (the matrix must be square: %d rows)", i, len(r), C, C)
		}
		m.Data = append(m.Data, r...)
	}
	return m, nil
}

func checkC(C int) error {
	switch {
	case C <= 0:
		return errors.New("empty matrix (C = 0): an infogain matrix needs at least one class")
	case C > MaxC:
		return fmt.Errorf("too many classes: C = %d exceeds the limit %d (a %d×%d float64 matrix would need %.3g GiB)", C, MaxC, C, C, float64(C)*float64(C)*8/(1<<30))
	}
	return nil
}

// At returns entry (i, j).
func (m *Matrix) At(i, j int) float64 { return m.Data[i*m.C+j] }

// Row returns row i (aliasing m's storage).
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.C : (i+1)*m.C] }

// Clone returns a deep copy.
func (m *Matrix) Clone() *Matrix {
	return &Matrix{C: m.C, Data: append([]float64(nil), m.Data...)}
}

// Validate reports whether m is well-formed: 1 ≤ C ≤ MaxC and C² entries.
// It does not judge the values; Check does.
func (m *Matrix) Validate() error {
	if m == nil {
		return errors.New("nil matrix")
	}
	if err := checkC(m.C); err != nil {
		return err
	}
	if len(m.Data) != m.C*m.C {
		return fmt.Errorf("%d entries, want C² = %d", len(m.Data), m.C*m.C)
	}
	return nil
}

// Round returns a copy of m with every entry rounded to dt (float32:
// round to nearest even; float64: unchanged).
func (m *Matrix) Round(dt DType) *Matrix {
	out := m.Clone()
	if dt == Float32 {
		for i, v := range out.Data {
			out.Data[i] = float64(float32(v))
		}
	}
	return out
}

// checkFinite returns an error naming the first non-finite entry.
func (m *Matrix) checkFinite(what string) error {
	for k, v := range m.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s[%d,%d] = %v is not finite", what, k/m.C, k%m.C, v)
		}
	}
	return nil
}
