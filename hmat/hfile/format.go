package hfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/infogain-dev/infogain/hmat"
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
	H     *hmat.Matrix
	DType hmat.DType
}

// Decode parses data in format f. textDType is the dtype of CSV input
// (parsed directly to that precision, so a float32 file written by Encode
// reads back bit for bit); the other formats carry their dtype. Every
// error names what is wrong; no input panics, and nothing larger than
// data's own size (times 2 for float32 to float64) is allocated.
func Decode(data []byte, f Format, textDType hmat.DType) (File, error) {
	if textDType == "" {
		textDType = hmat.Float64
	}
	if textDType != hmat.Float64 && textDType != hmat.Float32 {
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
func Encode(w io.Writer, H *hmat.Matrix, f Format, dt hmat.DType) error {
	enc, err := encoder(H, f, dt)
	if err != nil {
		return err
	}
	// Streamed through a small buffer: encoding holds no copy of H, so a
	// large H costs its own 8·C² bytes and no more.
	bw := bufio.NewWriterSize(w, 1<<16)
	enc(bw, H, dt)
	return bw.Flush()
}

// encoder checks everything Encode checks before writing a byte and
// returns the encoder of f.
func encoder(H *hmat.Matrix, f Format, dt hmat.DType) (func(writer, *hmat.Matrix, hmat.DType), error) {
	if err := H.Validate(); err != nil {
		return nil, err
	}
	switch dt {
	case hmat.Float64:
	case hmat.Float32:
		for k, v := range H.Data {
			if !math.IsNaN(v) && float64(float32(v)) != v {
				return nil, fmt.Errorf("entry H[%d,%d] = %v is not exactly a float32; round the matrix to float32 first", k/H.C, k%H.C, v)
			}
		}
	default:
		return nil, fmt.Errorf("unknown dtype %q", string(dt))
	}
	switch f {
	case CSV:
		return encodeCSV, nil
	case JSON:
		return encodeJSON, nil
	case NPY:
		return encodeNPY, nil
	case BinaryProto:
		return encodeBinaryProto, nil
	}
	return nil, fmt.Errorf("unknown format %q", string(f))
}

// writer is what the encoders write to (a *bufio.Writer; its first error
// sticks and is returned by Flush).
type writer interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// maxFileBytes bounds what ReadFile reads: a MaxC×MaxC matrix in CSV at
// 25 bytes per entry.
const maxFileBytes = int64(hmat.MaxC) * hmat.MaxC * 25

// ReadFile reads and decodes path; f "" takes the format from the
// extension.
func ReadFile(path string, f Format, textDType hmat.DType) (File, error) {
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
		return File{}, fmt.Errorf("%s: larger than %d bytes, more than any %d×%d matrix needs", path, maxFileBytes, hmat.MaxC, hmat.MaxC)
	}
	file, err := Decode(data, f, textDType)
	if err != nil {
		return File{}, fmt.Errorf("%s: %s: %w", path, f, err)
	}
	return file, nil
}

// WriteFile encodes H to path (format from the extension if f is ""),
// streaming: it holds no copy of H or of the file in memory. What Encode
// refuses (a float64 value asked for as float32, …) is refused before path
// is touched; a write error removes the partial file.
func WriteFile(path string, H *hmat.Matrix, f Format, dt hmat.DType) error {
	if f == "" {
		var err error
		if f, err = FormatOf(path); err != nil {
			return err
		}
	}
	if _, err := encoder(H, f, dt); err != nil {
		return err // before touching path
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	err = Encode(fh, H, f, dt)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // no partial file left behind
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

var errTrailing = errors.New("trailing data after the matrix")
