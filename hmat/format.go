package hmat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Format is a file format of an infogain matrix.
type Format string

const (
	// CSV is one row per line, entries separated by commas, in shortest
	// round-trip decimal form (strconv 'g', -1) of the dtype; "NaN", "+Inf"
	// and "-Inf" for non-finite entries. Lines starting with # are
	// comments. CSV has no dtype: readers are told it (default float64).
	CSV Format = "csv"
	// JSON is {"dtype":"float64","C":C,"H":[[…],…]} with numbers in
	// shortest round-trip form of the dtype and "nan", "inf", "-inf" as
	// strings.
	JSON Format = "json"
	// NPY is NumPy's .npy format (NEP 1, versions 1.0–3.0), a 2-D C×C
	// array of '<f8' or '<f4' ('>' read too; Fortran order read too).
	NPY Format = "npy"
	// BinaryProto is Caffe's serialized BlobProto, as InfogainLossLayer
	// reads its infogain_loss_param.source: shape 1×1×C×C, the values in
	// data (float32) or double_data (float64).
	BinaryProto Format = "binaryproto"
)

// Formats lists the formats in a stable order.
func Formats() []Format { return []Format{CSV, JSON, NPY, BinaryProto} }

// ParseFormat accepts a format name.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "csv":
		return CSV, nil
	case "json":
		return JSON, nil
	case "npy":
		return NPY, nil
	case "binaryproto", "protobin", "pb", "caffe":
		return BinaryProto, nil
	}
	return "", fmt.Errorf("unknown format %q (want csv, json, npy or binaryproto)", s)
}

// FormatOf returns the format named by path's extension: .csv, .json,
// .npy, .binaryproto (also .protobin, .pb).
func FormatOf(path string) (Format, error) {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return "", fmt.Errorf("%s: no extension to tell the format (use .csv, .json, .npy or .binaryproto, or give the format)", path)
	}
	f, err := ParseFormat(ext)
	if err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	return f, nil
}

// File is a decoded matrix and the dtype it was stored in.
type File struct {
	H     *Matrix
	DType DType
}

// Decode parses data in format f. textDType is the dtype of CSV input
// (parsed directly to that precision, so a float32 file written by Encode
// reads back bit for bit); the other formats carry their dtype. Every
// error names what is wrong; no input panics, and nothing larger than
// data's own size (times 2 for float32 to float64) is allocated.
func Decode(data []byte, f Format, textDType DType) (File, error) {
	if textDType == "" {
		textDType = Float64
	}
	if textDType != Float64 && textDType != Float32 {
		return File{}, fmt.Errorf("unknown dtype %q", string(textDType))
	}
	switch f {
	case CSV:
		H, err := decodeCSV(data, textDType)
		return File{H, textDType}, err
	case JSON:
		return decodeJSON(data)
	case NPY:
		return decodeNPY(data)
	case BinaryProto:
		return decodeBinaryProto(data)
	}
	return File{}, fmt.Errorf("unknown format %q", string(f))
}

// Encode writes H in format f and dtype dt. For Float32 every entry must
// already be exactly a float32 (Matrix.Round(Float32) rounds): Encode
// never rounds silently. The output is deterministic (the same bytes for
// the same H).
func Encode(w io.Writer, H *Matrix, f Format, dt DType) error {
	if err := H.Validate(); err != nil {
		return err
	}
	switch dt {
	case Float64:
	case Float32:
		for k, v := range H.Data {
			if !math.IsNaN(v) && float64(float32(v)) != v {
				return fmt.Errorf("entry H[%d,%d] = %v is not exactly a float32; round the matrix to float32 first", k/H.C, k%H.C, v)
			}
		}
	default:
		return fmt.Errorf("unknown dtype %q", string(dt))
	}
	var b bytes.Buffer
	switch f {
	case CSV:
		encodeCSV(&b, H, dt)
	case JSON:
		encodeJSON(&b, H, dt)
	case NPY:
		encodeNPY(&b, H, dt)
	case BinaryProto:
		encodeBinaryProto(&b, H, dt)
	default:
		return fmt.Errorf("unknown format %q", string(f))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// maxFileBytes bounds what ReadFile reads: a MaxC×MaxC matrix in CSV at
// 25 bytes per entry.
const maxFileBytes = int64(MaxC) * MaxC * 25

// ReadFile reads and decodes path; f "" takes the format from the
// extension.
func ReadFile(path string, f Format, textDType DType) (File, error) {
	if f == "" {
		var err error
		if f, err = FormatOf(path); err != nil {
			return File{}, err
		}
	}
	fh, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileBytes+1))
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > maxFileBytes {
		return File{}, fmt.Errorf("%s: larger than %d bytes, more than any %d×%d matrix needs", path, maxFileBytes, MaxC, MaxC)
	}
	file, err := Decode(data, f, textDType)
	if err != nil {
		return File{}, fmt.Errorf("%s: %s: %w", path, f, err)
	}
	return file, nil
}

// WriteFile encodes H to path (format from the extension if f is "").
func WriteFile(path string, H *Matrix, f Format, dt DType) error {
	if f == "" {
		var err error
		if f, err = FormatOf(path); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if err := Encode(&b, H, f, dt); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

var errTrailing = errors.New("trailing data after the matrix")
