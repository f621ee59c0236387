package jsonl

import (
	"errors"
	"fmt"

	"github.com/infogain-dev/infogain/cases"
)

// EncodeResult writes r as one line: {"id":…,"loss":…,"grad":[…]} or, when
// r.Err is set, {"id":…,"error":"…"}; "certified" follows when set. Values
// are written in float64 shortest form, which is exact for float32 results
// too (a float32 widened to float64 reads back to the same value).
func (e *Encoder) EncodeResult(r *cases.Result) error {
	b := append(e.buf[:0], `{"id":`...)
	b = appendString(b, r.ID)
	if r.Err != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, r.Err)
	} else {
		b = append(b, `,"loss":`...)
		b = appendFloat(b, r.Loss, cases.Float64)
		b = append(b, `,"grad":`...)
		b = appendFloats(b, r.Grad, cases.Float64)
	}
	if r.Certified != "" {
		b = append(b, `,"certified":`...)
		b = appendString(b, r.Certified)
	}
	b = append(b, "}\n"...)
	e.buf = b
	_, err := e.w.Write(b)
	return err
}

// DecodeResult parses one result line (without its newline). The id is
// required, and either "error" or both "loss" and "grad"; values are read
// as float64 (numbers or "inf", "-inf", "nan"). Unknown fields are ignored,
// so that an implementation may add its own (timings, say); a repeated
// field is an error.
func DecodeResult(line []byte) (cases.Result, error) {
	var r cases.Result
	p := &scanner{s: string(line)}
	seen := map[string]bool{}
	err := p.object(func(key string) error {
		if seen[key] {
			return fmt.Errorf("duplicate field %q", key)
		}
		seen[key] = true
		var err error
		switch key {
		case "id":
			r.ID, err = stringValue(p, key)
		case "error":
			r.Err, err = stringValue(p, key)
		case "certified":
			r.Certified, err = stringValue(p, key)
		case "loss":
			var t numTok
			if t, err = numValue(p, key, -1); err == nil {
				if r.Loss, err = parseValue(t, cases.Float64); err != nil {
					err = fmt.Errorf("loss = %s: %v", t.s, err)
				}
			}
		case "grad":
			var toks []numTok
			if toks, err = numArray(p, key, cases.MaxClasses); err == nil {
				r.Grad, err = convert(toks, cases.Float64, key)
			}
		default:
			err = p.skip(0)
		}
		return err
	})
	if err != nil {
		return r, err
	}
	switch {
	case !seen["id"]:
		return r, errors.New(`missing field "id"`)
	case seen["error"] && (seen["loss"] || seen["grad"]):
		return r, errors.New(`both "error" and a loss or gradient`)
	case !seen["error"] && !(seen["loss"] && seen["grad"]):
		return r, errors.New(`want "error", or both "loss" and "grad"`)
	case seen["error"] && r.Err == "":
		return r, errors.New(`empty "error"`)
	}
	return r, nil
}
