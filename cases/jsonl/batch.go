package jsonl

import (
	"fmt"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
)

// The batch JSON-lines form, one Batch per line:
//
//	{"id":"b1","dtype":"float64","shape":[2,3,1],"logits":[…6 values],"labels":[0,2],"H":[…9 values],"ignore_label":-1,"normalization":"VALID","loss_weight":1}
//
// "shape" is [outer, C, inner] (Caffe layout, class axis in the middle),
// "logits" has outer·C·inner values, "labels" outer·inner integers, "H" C·C
// values, row-major. "ignore_label" is optional (absent: no ignore label);
// "normalization" (FULL, VALID, BATCH_SIZE, NONE) and "loss_weight" are
// optional with Caffe's defaults VALID and 1. Values follow the rules of
// the case form (shortest round-trip numbers, "inf", "-inf", "nan", exact
// float32 values for dtype float32), and the batch must pass
// cases.Batch.Validate. Field names are exact; unknown or repeated fields are
// errors.

// EncodeBatch writes b with the given id as one line of the batch form. A
// batch that fails cases.Batch.Validate is not written and its error returned.
func (e *Encoder) EncodeBatch(id string, b *cases.Batch) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("jsonl: encode batch %q: %w", id, err)
	}
	w := append(e.buf[:0], `{"id":`...)
	w = appendString(w, id)
	w = append(w, `,"dtype":`...)
	w = appendString(w, string(b.DType))
	w = fmt.Appendf(w, `,"shape":[%d,%d,%d],"logits":`, b.Outer, b.C, b.Inner)
	w = appendFloats(w, b.Logits, b.DType)
	w = append(w, `,"labels":[`...)
	for k, l := range b.Labels {
		if k > 0 {
			w = append(w, ',')
		}
		w = strconv.AppendInt(w, int64(l), 10)
	}
	w = append(w, `],"H":`...)
	w = appendFloats(w, b.H, b.DType)
	if b.Opts.HasIgnoreLabel {
		w = append(w, `,"ignore_label":`...)
		w = strconv.AppendInt(w, int64(b.Opts.IgnoreLabel), 10)
	}
	w = append(w, `,"normalization":`...)
	w = appendString(w, b.Opts.Normalization.String())
	w = append(w, `,"loss_weight":`...)
	w = appendFloat(w, b.Opts.LossWeight, b.DType)
	w = append(w, "}\n"...)
	e.buf = w
	_, err := e.w.Write(w)
	return err
}

// ParseBatch decodes one line of the batch form and validates the batch.
// On error the id is returned when it could be read.
func ParseBatch(line []byte) (id string, b cases.Batch, err error) {
	s := string(line)
	p := &scanner{s: s}
	b.Opts = cases.DefaultOptions()
	seen := map[string]bool{}
	var logits, h []numTok
	var weight numTok
	var shape []int
	err = p.object(func(key string) error {
		if seen[key] {
			return fmt.Errorf("duplicate field %q", key)
		}
		seen[key] = true
		var err error
		switch key {
		case "id":
			id, err = stringValue(p, key)
		case "dtype":
			var dt string
			dt, err = stringValue(p, key)
			b.DType = cases.DType(dt)
		case "shape":
			shape, err = intArray(p, key)
		case "logits":
			logits, err = numArray(p, key, cases.MaxBatchElements)
		case "labels":
			b.Labels, err = intArray(p, key)
		case "H":
			h, err = numArray(p, key, cases.MaxBatchElements)
		case "ignore_label":
			b.Opts.HasIgnoreLabel = true
			b.Opts.IgnoreLabel, err = intValue(p, key)
		case "normalization":
			var n string
			if n, err = stringValue(p, key); err == nil {
				b.Opts.Normalization, err = cases.ParseNormalization(n)
			}
		case "loss_weight":
			weight, err = numValue(p, key, -1)
		default:
			err = fmt.Errorf("unknown field %q (want id, dtype, shape, logits, labels, H, ignore_label, normalization, loss_weight)", key)
		}
		return err
	})
	if err != nil {
		if id == "" {
			id = peekID(s)
		}
		return id, cases.Batch{}, err
	}
	for _, name := range []string{"dtype", "shape", "logits", "labels", "H"} {
		if !seen[name] {
			return id, cases.Batch{}, fmt.Errorf("missing field %q", name)
		}
	}
	if len(shape) != 3 {
		return id, cases.Batch{}, fmt.Errorf("shape has %d dimensions, want [outer, C, inner]", len(shape))
	}
	b.Outer, b.C, b.Inner = shape[0], shape[1], shape[2]
	if b.Logits, err = convert(logits, b.DType, "logits"); err != nil {
		return id, cases.Batch{}, err
	}
	if b.H, err = convert(h, b.DType, "H"); err != nil {
		return id, cases.Batch{}, err
	}
	if seen["loss_weight"] {
		if b.Opts.LossWeight, err = parseValue(weight, b.DType); err != nil {
			return id, cases.Batch{}, fmt.Errorf("loss_weight = %s: %v", weight.s, err)
		}
	}
	if err := b.Validate(); err != nil {
		return id, cases.Batch{}, err
	}
	return id, b, nil
}
