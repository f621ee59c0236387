package hmat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Caffe's BlobProto (BVLC/caffe src/caffe/proto/caffe.proto; the subset
// this package uses is hmat/caffe_blob.proto):
//
//	message BlobShape { repeated int64 dim = 1 [packed = true]; }
//	message BlobProto {
//	  optional BlobShape shape = 7;
//	  repeated float data = 5 [packed = true];
//	  repeated float diff = 6 [packed = true];
//	  repeated double double_data = 8 [packed = true];
//	  repeated double double_diff = 9 [packed = true];
//	  optional int32 num = 1 [default = 0];      // 4-D legacy shape
//	  optional int32 channels = 2 [default = 0];
//	  optional int32 height = 3 [default = 0];
//	  optional int32 width = 4 [default = 0];
//	}
//
// InfogainLossLayer::LayerSetUp reads infogain_loss_param.source with
// ReadProtoFromBinaryFile into a BlobProto and calls Blob::FromProto,
// which takes the legacy (num, channels, height, width) shape if any of
// the four is present and shape.dim otherwise, then copies double_data if
// it is non-empty, else data, checking that the count matches the shape.
// Reshape then checks count = C·C. The wire format is read and written
// with google.golang.org/protobuf/encoding/protowire; the encoder emits
// the fields in field-number order, as protobuf's own serializers do, so
// the bytes equal those of Python's SerializeToString (checked by
// scripts/hmat_xcheck.py).
const (
	fieldNum        protowire.Number = 1
	fieldChannels   protowire.Number = 2
	fieldHeight     protowire.Number = 3
	fieldWidth      protowire.Number = 4
	fieldData       protowire.Number = 5
	fieldDiff       protowire.Number = 6
	fieldShape      protowire.Number = 7
	fieldDoubleData protowire.Number = 8
	fieldDoubleDiff protowire.Number = 9
	fieldDim        protowire.Number = 1 // in BlobShape
)

func encodeBinaryProto(b *bytes.Buffer, H *Matrix, dt DType) {
	var shape []byte
	var dims []byte
	for _, d := range []int{1, 1, H.C, H.C} {
		dims = protowire.AppendVarint(dims, uint64(d))
	}
	shape = protowire.AppendTag(shape, fieldDim, protowire.BytesType)
	shape = protowire.AppendBytes(shape, dims)

	var out []byte
	if dt == Float32 {
		vals := make([]byte, 0, 4*len(H.Data))
		for _, v := range H.Data {
			vals = protowire.AppendFixed32(vals, math.Float32bits(float32(v)))
		}
		out = protowire.AppendTag(out, fieldData, protowire.BytesType)
		out = protowire.AppendBytes(out, vals)
		out = protowire.AppendTag(out, fieldShape, protowire.BytesType)
		out = protowire.AppendBytes(out, shape)
	} else {
		vals := make([]byte, 0, 8*len(H.Data))
		for _, v := range H.Data {
			vals = protowire.AppendFixed64(vals, math.Float64bits(v))
		}
		out = protowire.AppendTag(out, fieldShape, protowire.BytesType)
		out = protowire.AppendBytes(out, shape)
		out = protowire.AppendTag(out, fieldDoubleData, protowire.BytesType)
		out = protowire.AppendBytes(out, vals)
	}
	b.Write(out)
}

// blobFields collects a BlobProto's fields without copying the values:
// packed runs are kept as byte slices of the input.
type blobFields struct {
	legacy     [4]int64
	hasLegacy  bool
	dims       []int64
	data       [][]byte // runs of little-endian float32
	nData      int
	doubleData [][]byte // runs of little-endian float64
	nDouble    int
}

func protoErr(what string, n int) error {
	return fmt.Errorf("%s: %v", what, protowire.ParseError(n))
}

func decodeBinaryProto(in []byte) (File, error) {
	if len(in) == 0 {
		return File{}, errors.New("empty file (no BlobProto)")
	}
	var f blobFields
	b := in
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return File{}, protoErr("field tag", n)
		}
		b = b[n:]
		switch {
		case num >= fieldNum && num <= fieldWidth && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return File{}, protoErr("legacy shape field", n)
			}
			b = b[n:]
			f.legacy[num-1] = int64(int32(v)) // int32 on the wire: sign-extended varint
			f.hasLegacy = true
		case num == fieldShape && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return File{}, protoErr("shape", n)
			}
			b = b[n:]
			// A repeated occurrence of a message field merges: dims append.
			if err := f.parseShape(v); err != nil {
				return File{}, err
			}
		case (num == fieldData || num == fieldDoubleData) && (typ == protowire.BytesType || typ == protowire.Fixed32Type || typ == protowire.Fixed64Type):
			size, want := 4, protowire.Fixed32Type
			if num == fieldDoubleData {
				size, want = 8, protowire.Fixed64Type
			}
			var run []byte
			switch typ {
			case protowire.BytesType: // packed
				v, n := protowire.ConsumeBytes(b)
				if n < 0 {
					return File{}, protoErr("packed values", n)
				}
				if len(v)%size != 0 {
					return File{}, fmt.Errorf("packed field %d: %d bytes is not a multiple of %d", num, len(v), size)
				}
				run, b = v, b[n:]
			case want: // one unpacked value
				if len(b) < size {
					return File{}, protoErr("value", -1)
				}
				run, b = b[:size], b[size:]
			default:
				return File{}, fmt.Errorf("field %d has wire type %d, want packed bytes or fixed%d", num, typ, 8*size)
			}
			if num == fieldData {
				f.data = append(f.data, run)
				f.nData += len(run) / 4
			} else {
				f.doubleData = append(f.doubleData, run)
				f.nDouble += len(run) / 8
			}
		default:
			// diff, double_diff, and unknown fields: skipped, as protobuf
			// parsers do, but they must be well-formed.
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return File{}, protoErr(fmt.Sprintf("field %d", num), n)
			}
			b = b[n:]
		}
	}

	// The shape, as Blob::FromProto takes it.
	dims := f.dims
	if f.hasLegacy {
		dims = f.legacy[:]
	}
	if len(dims) == 0 {
		return File{}, errors.New("no shape (neither shape.dim nor num/channels/height/width)")
	}
	count := int64(1)
	for _, d := range dims {
		if d < 0 {
			return File{}, fmt.Errorf("shape %v has a negative dimension", dims)
		}
		if d != 0 && count > math.MaxInt64/d {
			return File{}, fmt.Errorf("shape %v: the element count overflows", dims)
		}
		count *= d
	}
	// The values: double_data if any, else data (Blob::FromProto).
	runs, have, dt, size := f.data, int64(f.nData), Float32, 4
	if f.nDouble > 0 {
		runs, have, dt, size = f.doubleData, int64(f.nDouble), Float64, 8
	}
	if count != have {
		return File{}, fmt.Errorf("shape %v declares %d values, the blob holds %d in %s (truncated or corrupted)", dims, count, have, map[DType]string{Float32: "data", Float64: "double_data"}[dt])
	}
	// Square: the last two dimensions C×C, every other one 1.
	k := len(dims)
	if k < 2 || dims[k-1] != dims[k-2] {
		return File{}, fmt.Errorf("shape %v: want 1×1×C×C (the last two dimensions equal)", dims)
	}
	for _, d := range dims[:k-2] {
		if d != 1 {
			return File{}, fmt.Errorf("shape %v: want 1×1×C×C (leading dimensions 1)", dims)
		}
	}
	if dims[k-1] > MaxC || dims[k-1] == 0 {
		if err := checkC(int(min(dims[k-1], MaxC+1))); err != nil {
			return File{}, err
		}
	}
	C := int(dims[k-1])
	m := &Matrix{C: C, Data: make([]float64, 0, C*C)}
	for _, run := range runs {
		for i := 0; i < len(run); i += size {
			if size == 4 {
				m.Data = append(m.Data, float64(math.Float32frombits(binary.LittleEndian.Uint32(run[i:]))))
			} else {
				m.Data = append(m.Data, math.Float64frombits(binary.LittleEndian.Uint64(run[i:])))
			}
		}
	}
	return File{m, dt}, nil
}

// parseShape appends the dims of a BlobShape message (packed or not).
func (f *blobFields) parseShape(b []byte) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protoErr("shape tag", n)
		}
		b = b[n:]
		if num != fieldDim {
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return protoErr("shape field", n)
			}
			b = b[n:]
			continue
		}
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return protoErr("shape dims", n)
			}
			b = b[n:]
			for len(v) > 0 {
				d, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return protoErr("shape dim", n)
				}
				if err := f.addDim(int64(d)); err != nil {
					return err
				}
				v = v[n:]
			}
		case protowire.VarintType:
			d, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return protoErr("shape dim", n)
			}
			b = b[n:]
			if err := f.addDim(int64(d)); err != nil {
				return err
			}
		default:
			return fmt.Errorf("shape dim has wire type %d, want varint", typ)
		}
	}
	return nil
}

func (f *blobFields) addDim(d int64) error {
	if len(f.dims) >= 32 { // Caffe's kMaxBlobAxes
		return errors.New("shape has more than 32 dimensions (Caffe's kMaxBlobAxes)")
	}
	f.dims = append(f.dims, d)
	return nil
}
