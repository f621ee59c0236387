package libcompare

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	v2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	goccy "github.com/goccy/go-json"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

// A candidate reads one case line and writes one case line.
type candidate struct {
	name   string
	parse  func(line []byte) (cases.Case, error)
	encode func(c *cases.Case) ([]byte, error) // nil: not measured
}

var candidates = []candidate{
	{"scanner", jsonl.ParseCase, encodeScanner},
	{"encoding-json", parseV1, encodeV1},
	{"goccy-go-json", parseGoccy, encodeGoccy},
	{"go-json-experiment", parseV2, encodeV2},
}

// scannerOut and scannerEnc are reused, as by a stream writer: Encode
// allocates nothing once the buffer has grown. The result is valid until
// the next call.
var (
	scannerOut bytes.Buffer
	scannerEnc = jsonl.NewEncoder(&scannerOut)
)

func encodeScanner(c *cases.Case) ([]byte, error) {
	scannerOut.Reset()
	err := scannerEnc.Encode(c)
	return scannerOut.Bytes(), err
}

// tok is an element of "logits" or "h" as written.
type tok struct {
	s       string
	special bool
}

var errSpecial = errors.New(`want a number or "inf", "-inf", "nan"`)

// numV1 keeps the text of an element for encoding/json and goccy, which
// call UnmarshalJSON with the raw value (null included).
type numV1 tok

func (t *numV1) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := stdjson.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "inf" && s != "-inf" && s != "nan" {
			return errSpecial
		}
		*t = numV1{s, true}
	case len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9'):
		*t = numV1{string(b), false}
	default:
		return errSpecial
	}
	return nil
}

type caseV1 struct {
	ID     string   `json:"id"`
	Family string   `json:"family"`
	DType  string   `json:"dtype"`
	Logits *[]numV1 `json:"logits"`
	H      *[]numV1 `json:"h"`
	Label  *int     `json:"label"`
}

func (v *caseV1) toCase() (cases.Case, error) {
	c := cases.Case{ID: v.ID, Family: v.Family, DType: cases.DType(v.DType)}
	switch {
	case v.Logits == nil:
		return c, errors.New(`missing field "logits"`)
	case v.H == nil:
		return c, errors.New(`missing field "h"`)
	case v.Label == nil:
		return c, errors.New(`missing field "label"`)
	}
	c.Label = *v.Label
	var err error
	if c.Logits, err = convertV1(*v.Logits, c.DType); err != nil {
		return c, err
	}
	if c.H, err = convertV1(*v.H, c.DType); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func convertV1(ts []numV1, dt cases.DType) ([]float64, error) {
	out := make([]float64, len(ts))
	for j, t := range ts {
		v, err := convert(tok(t), dt)
		if err != nil {
			return nil, fmt.Errorf("[%d] = %s: %v", j, t.s, err)
		}
		out[j] = v
	}
	return out, nil
}

// parseV1 is encoding/json at its strictest: DisallowUnknownFields and
// nothing after the object.
func parseV1(line []byte) (cases.Case, error) {
	var v caseV1
	d := stdjson.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		return cases.Case{}, err
	}
	if _, err := d.Token(); err != io.EOF {
		return cases.Case{}, errors.New("trailing data after the object")
	}
	return v.toCase()
}

func parseGoccy(line []byte) (cases.Case, error) {
	var v caseV1
	d := goccy.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		return cases.Case{}, err
	}
	if d.More() {
		return cases.Case{}, errors.New("trailing data after the object")
	}
	return v.toCase()
}

// numV2 reads an element straight from the jsontext.Decoder.
type numV2 tok

func (t *numV2) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	switch d.PeekKind() {
	case '"':
		tk, err := d.ReadToken()
		if err != nil {
			return err
		}
		s := tk.String()
		if s != "inf" && s != "-inf" && s != "nan" {
			return errSpecial
		}
		*t = numV2{s, true}
	case '0':
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		*t = numV2{string(v), false}
	default:
		return errSpecial
	}
	return nil
}

type caseV2 struct {
	ID     string   `json:"id"`
	Family string   `json:"family"`
	DType  string   `json:"dtype"`
	Logits *[]numV2 `json:"logits"`
	H      *[]numV2 `json:"h"`
	Label  *int     `json:"label"`
}

// parseV2 is go-json-experiment/json (the code of Go's encoding/json/v2)
// with unknown members rejected; duplicate names are rejected and names
// matched case-sensitively by default; invalid UTF-8 is allowed (replaced
// by U+FFFD) as in the format.
func parseV2(line []byte) (cases.Case, error) {
	var v caseV2
	if err := v2.Unmarshal(line, &v, v2.RejectUnknownMembers(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return cases.Case{}, err
	}
	w := caseV1{ID: v.ID, Family: v.Family, DType: v.DType, Label: v.Label}
	if v.Logits != nil {
		l := make([]numV1, len(*v.Logits))
		for j, t := range *v.Logits {
			l[j] = numV1(t)
		}
		w.Logits = &l
	}
	if v.H != nil {
		h := make([]numV1, len(*v.H))
		for j, t := range *v.H {
			h[j] = numV1(t)
		}
		w.H = &h
	}
	return w.toCase()
}

// convert is jsonl's parseValue: "inf"/"-inf"/"nan", overflow an error, and
// for float32 the value exactly a float32 or the shortest float32 form.
func convert(t tok, dt cases.DType) (float64, error) {
	if t.special {
		switch t.s {
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(t.s, 64)
	if err != nil {
		return 0, errors.New("beyond the float64 range")
	}
	if dt != cases.Float32 || cases.IsFloat32(v) {
		return v, nil
	}
	f, err := strconv.ParseFloat(t.s, 32)
	if err != nil {
		return 0, errors.New("not a float32 value")
	}
	if short, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64); short != v {
		return 0, errors.New("not a float32 value")
	}
	return f, nil
}

// Encoding with the libraries' own float formatting: float64 values as
// []float64 (float32 cases as []float32, which the libraries write in
// float32 shortest form). Non-finite values cannot be written this way
// (encoding/json: UnsupportedValueError), and the text differs from
// strconv 'g' in form (1e+06 is written 1000000), so these only measure
// speed.
type outV1 struct {
	ID     string    `json:"id"`
	Family string    `json:"family,omitempty"`
	DType  string    `json:"dtype"`
	Logits []float64 `json:"logits"`
	H      []float64 `json:"h"`
	Label  int       `json:"label"`
}

func out(c *cases.Case) outV1 {
	return outV1{c.ID, c.Family, string(c.DType), c.Logits, c.H, c.Label}
}

func encodeV1(c *cases.Case) ([]byte, error)    { return stdjson.Marshal(out(c)) }
func encodeGoccy(c *cases.Case) ([]byte, error) { return goccy.Marshal(out(c)) }
func encodeV2(c *cases.Case) ([]byte, error)    { return v2.Marshal(out(c)) }
