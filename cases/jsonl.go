package cases

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// The JSON-lines format of docs/design.md §7, one case per line:
//
//	{"id":"dominant/0007","family":"dominant","dtype":"float64","logits":[37.42994775023705,0],"h":[1,0],"label":0}
//
// Reading rules (Decoder, ParseCase):
//   - Each line is one JSON object under RFC 8259's strict syntax (no NaN or
//     Infinity literals, no trailing commas, no comments); blank lines are
//     skipped.
//   - Field names are matched exactly (case-sensitive); an unknown or a
//     repeated field is an error, so that a misspelt "logit" or "H" is caught
//     instead of read as a missing field. "id" and "family" are optional.
//   - A value in "logits" or "h" is a JSON number or one of the strings
//     "inf", "-inf", "nan" (lower case, nothing else). A number beyond the
//     float64 range (e.g. 1e400) is an error; write "inf". A float64 number is
//     rounded to nearest as usual (so any decimal is accepted).
//   - For dtype "float32" every number must denote a float32: either its
//     float64 value is exactly a float32, or it is the shortest float32 form
//     of a float32 f, i.e. ParseFloat(s, 64) == ParseFloat(FormatFloat(f,
//     'g', -1, 32), 64) with f = ParseFloat(s, 32) ("0.1" denotes
//     float32(0.1)); anything else is "not a float32 value".
//   - "label" is a JSON integer (no fraction, no exponent).
//   - "id", "family" and "dtype" are JSON strings; escapes are decoded and
//     invalid UTF-8 becomes U+FFFD, as with encoding/json.
//   - The decoded case must pass Case.Validate (non-finite h is an error).
//
// Writing (Encoder) uses the shortest form that reads back to the same bits:
// strconv 'g' with precision -1 in the case's dtype, "-0" for negative zero.
// NaN payloads and signs are not kept: every NaN is written "nan" and read
// back as math.NaN().

// MaxLineBytes bounds the length of one line, newline excluded. A longer line
// is reported as a LineError and skipped: at most MaxLineBytes of it is ever
// buffered, the rest is read and dropped in 64 KiB pieces. 64 MiB
// holds a float64 case of about 2.5 million classes in shortest form (at most
// 25 bytes per value), far more than the many-classes family uses.
const MaxLineBytes = 64 << 20

// ErrLineTooLong is the Err of a LineError for a line longer than
// MaxLineBytes.
var ErrLineTooLong = fmt.Errorf("line longer than MaxLineBytes = %d bytes", MaxLineBytes)

// LineError is an error in one line of a JSON-lines stream.
type LineError struct {
	Line int    // 1-based line number
	ID   string // the line's "id" if it could be read, else ""
	Err  error
}

func (e *LineError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (id %s): %v", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// A Decoder reads cases from a JSON-lines stream. Its memory is bounded by
// the longest accepted line (at most MaxLineBytes) plus the decoded case.
type Decoder struct {
	r       *bufio.Reader
	line    int
	buf     []byte
	err     error // sticky read error other than io.EOF
	maxLine int   // 0: MaxLineBytes; tests lower it
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next case. At the end of the stream it returns io.EOF.
// A bad line gives a *LineError and the following call goes on with the
// next line: malformed JSON, a wrong type, a missing or unknown field, a
// label that is not an integer, a number that is not a float32 in a float32
// case, a line longer than MaxLineBytes, or a case that fails Case.Validate
// (lengths, label range, C = 0, non-finite h). Blank lines are skipped but
// counted. An error of the underlying reader is returned as is, and again
// on every later call.
func (d *Decoder) Next() (Case, error) {
	line, err := d.nextLine()
	if err != nil {
		return Case{}, err
	}
	c, err := ParseCase(line)
	if err != nil {
		return Case{}, &LineError{Line: d.line, ID: c.ID, Err: err}
	}
	return c, nil
}

// NextBatch is Next for a stream in the batch form (see EncodeBatch): it
// returns the next batch and its id, with the same error behaviour.
func (d *Decoder) NextBatch() (id string, b Batch, err error) {
	line, err := d.nextLine()
	if err != nil {
		return "", Batch{}, err
	}
	id, b, err = ParseBatch(line)
	if err != nil {
		return "", Batch{}, &LineError{Line: d.line, ID: id, Err: err}
	}
	return id, b, nil
}

// nextLine returns the next non-blank line, a LineError for a line that is
// too long, or the reader's error.
func (d *Decoder) nextLine() ([]byte, error) {
	for {
		line, tooLong, err := d.readLine()
		if err != nil {
			return nil, err
		}
		d.line++
		if tooLong {
			return nil, &LineError{Line: d.line, Err: ErrLineTooLong}
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

// readLine returns the next line without its "\n" (or "\r\n"). A line longer
// than the limit is consumed in buffer-sized pieces and reported with
// tooLong set: at most the limit is ever held. A last line without a
// newline is a line; io.EOF comes only when nothing is left.
func (d *Decoder) readLine() (line []byte, tooLong bool, err error) {
	if d.err != nil {
		return nil, false, d.err
	}
	limit := d.maxLine
	if limit == 0 {
		limit = MaxLineBytes
	}
	// Do not keep the buffer of a huge accepted line past that line.
	if cap(d.buf) > 1<<20 {
		d.buf = nil
	}
	d.buf = d.buf[:0]
	n := 0 // bytes of this line read so far, newline included
	for {
		frag, err := d.r.ReadSlice('\n')
		n += len(frag)
		if !tooLong {
			body := n // the limit excludes the newline
			if err == nil {
				body--
			}
			if body > limit {
				tooLong = true
				d.buf = d.buf[:0]
			} else {
				d.buf = appendDoubling(d.buf, frag, limit+1)
			}
		}
		switch err {
		case nil:
			if tooLong {
				return nil, true, nil
			}
			line = d.buf[:len(d.buf)-1]
			if k := len(line); k > 0 && line[k-1] == '\r' {
				line = line[:k-1]
			}
			return line, false, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if n == 0 {
				return nil, false, io.EOF
			}
			if tooLong {
				return nil, true, nil
			}
			return d.buf, false, nil
		default:
			d.err = err
			return nil, false, err
		}
	}
}

// appendDoubling appends frag to buf, doubling the capacity when it grows
// (append's 1.25× growth for large slices would allocate about five times
// the final size on the way), never beyond limit unless needed.
func appendDoubling(buf, frag []byte, limit int) []byte {
	need := len(buf) + len(frag)
	if need > cap(buf) {
		c := max(2*cap(buf), need)
		if c > limit {
			c = max(need, limit)
		}
		nb := make([]byte, len(buf), c)
		copy(nb, buf)
		buf = nb
	}
	return append(buf, frag...)
}

// ParseCase decodes one line (without its newline) under the rules of the
// format and validates the result. On error the returned case carries the
// line's id when it could be read, and nothing else.
func ParseCase(line []byte) (Case, error) {
	s := string(line)
	c, err := parseCase(s)
	if err != nil {
		id := c.ID
		if id == "" {
			id = peekID(s)
		}
		return Case{ID: id}, err
	}
	if err := c.Validate(); err != nil {
		return Case{ID: c.ID}, err
	}
	return c, nil
}

var errFound = errors.New("found")

// peekID recovers the id of a line whose error came before its "id" field:
// it skips the other fields, so it succeeds when the line is valid JSON up
// to the id.
func peekID(s string) string {
	p := &scanner{s: s}
	var id string
	err := p.object(func(key string) error {
		if key == "id" && p.peek() == '"' {
			v, err := p.str()
			if err != nil {
				return err
			}
			id = v
			return errFound
		}
		return p.skip(0)
	})
	if err == errFound {
		return id
	}
	return ""
}

// numTok is a value of "logits" or "h" as written: a JSON number or one of
// the special strings. Conversion waits until the dtype is known.
type numTok struct {
	s       string
	special bool
}

const (
	fieldID = 1 << iota
	fieldFamily
	fieldDType
	fieldLogits
	fieldH
	fieldLabel
)

var caseFields = map[string]int{
	"id": fieldID, "family": fieldFamily, "dtype": fieldDType,
	"logits": fieldLogits, "h": fieldH, "label": fieldLabel,
}

func parseCase(s string) (Case, error) {
	var c Case
	p := &scanner{s: s}
	var seen int
	var logits, h []numTok
	err := p.object(func(key string) error {
		bit, ok := caseFields[key]
		if !ok {
			return fmt.Errorf("unknown field %q (want id, family, dtype, logits, h, label)", key)
		}
		if seen&bit != 0 {
			return fmt.Errorf("duplicate field %q", key)
		}
		seen |= bit
		var err error
		switch bit {
		case fieldID:
			c.ID, err = stringValue(p, key)
		case fieldFamily:
			c.Family, err = stringValue(p, key)
		case fieldDType:
			var dt string
			dt, err = stringValue(p, key)
			c.DType = DType(dt)
		case fieldLogits:
			logits, err = numArray(p, key, MaxClasses)
		case fieldH:
			h, err = numArray(p, key, MaxClasses)
		case fieldLabel:
			c.Label, err = intValue(p, key)
		}
		return err
	})
	if err != nil {
		return c, err
	}
	for _, f := range []struct {
		bit  int
		name string
	}{{fieldLogits, "logits"}, {fieldH, "h"}, {fieldLabel, "label"}} {
		if seen&f.bit == 0 {
			return c, fmt.Errorf("missing field %q", f.name)
		}
	}
	if c.Logits, err = convert(logits, c.DType, "logits"); err != nil {
		return c, err
	}
	if c.H, err = convert(h, c.DType, "h"); err != nil {
		return c, err
	}
	return c, nil
}

func stringValue(p *scanner, key string) (string, error) {
	if p.peek() != '"' {
		return "", fmt.Errorf("%s: got %s, want a string", key, p.describe())
	}
	v, err := p.str()
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

func intValue(p *scanner, key string) (int, error) {
	if c := p.peek(); c != '-' && !isDigit(c) {
		return 0, fmt.Errorf("%s: got %s, want an integer", key, p.describe())
	}
	n, err := p.number()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	v, err := strconv.Atoi(n)
	if err != nil {
		return 0, fmt.Errorf("%s: %s is not an integer in range", key, n)
	}
	return v, nil
}

// numValue reads a number or one of the strings "inf", "-inf", "nan": the
// value key[idx], or key itself when idx < 0 (named in errors only, as
// formatting it for every element would cost more than the parse).
func numValue(p *scanner, key string, idx int) (numTok, error) {
	where := func() string {
		if idx < 0 {
			return key
		}
		return fmt.Sprintf("%s[%d]", key, idx)
	}
	switch c := p.peek(); {
	case c == '"':
		v, err := p.str()
		if err != nil {
			return numTok{}, fmt.Errorf("%s: %w", where(), err)
		}
		if v != "inf" && v != "-inf" && v != "nan" {
			return numTok{}, fmt.Errorf("%s: string %q, want a number or \"inf\", \"-inf\", \"nan\"", where(), v)
		}
		return numTok{s: v, special: true}, nil
	case c == '-' || isDigit(c):
		n, err := p.number()
		if err != nil {
			return numTok{}, fmt.Errorf("%s: %w", where(), err)
		}
		return numTok{s: n}, nil
	case c == 0:
		return numTok{}, fmt.Errorf("%s: %w", where(), errEnd)
	default:
		return numTok{}, fmt.Errorf("%s: got %s, want a number", where(), p.describe())
	}
}

func numArray(p *scanner, key string, limit int) ([]numTok, error) {
	if p.peek() != '[' {
		return nil, fmt.Errorf("%s: got %s, want an array", key, p.describe())
	}
	p.i++
	vals := []numTok{}
	if p.peek() == ']' {
		p.i++
		return vals, nil
	}
	for {
		t, err := numValue(p, key, len(vals))
		if err != nil {
			return nil, err
		}
		vals = append(vals, t)
		if len(vals) > limit {
			return nil, fmt.Errorf("%s: more than %d values", key, limit)
		}
		more, err := p.next(']', "an array element")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if !more {
			return vals, nil
		}
	}
}

func convert(toks []numTok, dt DType, key string) ([]float64, error) {
	out := make([]float64, len(toks))
	for j, t := range toks {
		v, err := parseValue(t, dt)
		if err != nil {
			return nil, fmt.Errorf("%s[%d] = %s: %v", key, j, t.s, err)
		}
		out[j] = v
	}
	return out, nil
}

var errNotFloat32 = errors.New("not a float32 value")

func parseValue(t numTok, dt DType) (float64, error) {
	if t.special {
		switch t.s {
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		default:
			return math.NaN(), nil
		}
	}
	v, err := strconv.ParseFloat(t.s, 64)
	if err != nil {
		// The tokenizer already checked the syntax: this is overflow.
		return 0, errors.New(`beyond the float64 range (write "inf" or "-inf")`)
	}
	if dt != Float32 || IsFloat32(v) {
		return v, nil
	}
	f, err := strconv.ParseFloat(t.s, 32)
	if err != nil {
		return 0, errNotFloat32
	}
	short, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
	if short != v {
		return 0, errNotFloat32
	}
	return f, nil
}

// FormatFloat returns v in the form the codec writes: the shortest decimal
// that reads back to v in dtype dt (strconv 'g', precision -1, bit size 32
// for Float32 and 64 otherwise), or the quoted JSON strings "inf", "-inf",
// "nan". For Float32, v is first rounded to float32; pass float32 values.
//
// Special cases are:
//
//	FormatFloat(±Inf, dt) = `"inf"`, `"-inf"`
//	FormatFloat(NaN, dt) = `"nan"` (any payload, any sign)
//	FormatFloat(-0, dt) = "-0"
func FormatFloat(v float64, dt DType) string {
	return string(appendFloat(nil, v, dt))
}

func appendFloat(b []byte, v float64, dt DType) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"nan"`...)
	case math.IsInf(v, 1):
		return append(b, `"inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-inf"`...)
	}
	bits := 64
	if dt == Float32 {
		bits = 32
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

func appendFloats(b []byte, vs []float64, dt DType) []byte {
	b = append(b, '[')
	for j, v := range vs {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, v, dt)
	}
	return append(b, ']')
}

func appendString(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		panic("cases: json.Marshal of a string failed: " + err.Error())
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
// form. A case that fails Case.Validate is not written and its error is
// returned, so that every line written decodes. Invalid UTF-8 in the id or
// family is written as U+FFFD.
func (e *Encoder) Encode(c *Case) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("cases: encode %q: %w", c.ID, err)
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

// EncodeResult writes r as one line: {"id":…,"loss":…,"grad":[…]} or, when
// r.Err is set, {"id":…,"error":"…"}; "certified" follows when set. Values
// are written in float64 shortest form, which is exact for float32 results
// too (a float32 widened to float64 reads back to the same value).
func (e *Encoder) EncodeResult(r *Result) error {
	b := append(e.buf[:0], `{"id":`...)
	b = appendString(b, r.ID)
	if r.Err != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, r.Err)
	} else {
		b = append(b, `,"loss":`...)
		b = appendFloat(b, r.Loss, Float64)
		b = append(b, `,"grad":`...)
		b = appendFloats(b, r.Grad, Float64)
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
func DecodeResult(line []byte) (Result, error) {
	var r Result
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
				if r.Loss, err = parseValue(t, Float64); err != nil {
					err = fmt.Errorf("loss = %s: %v", t.s, err)
				}
			}
		case "grad":
			var toks []numTok
			if toks, err = numArray(p, key, MaxClasses); err == nil {
				r.Grad, err = convert(toks, Float64, key)
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
