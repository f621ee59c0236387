package jsonl

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
)

func appendString(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		panic("jsonl: json.Marshal of a string failed: " + err.Error())
	}
	return append(b, q...)
}

// An Encoder writes cases and results as JSON lines, one Write per line.
type Encoder struct {
	w   io.Writer
	buf []byte
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: w} }

// Encode writes c as one line with the fields id, family (omitted if
// empty), dtype, logits, h, label, every value in its shortest round-trip
// form. A case that fails cases.Case.Validate is not written and its error is
// returned, so that every line written decodes. Invalid UTF-8 in the id or
// family is written as U+FFFD.
func (e *Encoder) Encode(c *cases.Case) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("jsonl: encode %q: %w", c.ID, err)
	}
	b := append(e.buf[:0], `{"id":`...)
	b = appendString(b, c.ID)
	if c.Family != "" {
		b = append(b, `,"family":`...)
		b = appendString(b, c.Family)
	}
	b = append(b, `,"dtype":`...)
	b = appendString(b, string(c.DType))
	b = append(b, `,"logits":`...)
	b = appendFloats(b, c.Logits, c.DType)
	b = append(b, `,"h":`...)
	b = appendFloats(b, c.H, c.DType)
	b = append(b, `,"label":`...)
	b = strconv.AppendInt(b, int64(c.Label), 10)
	b = append(b, "}\n"...)
	e.buf = b
	_, err := e.w.Write(b)
	return err
}
