package impls

import (
	"errors"
	"fmt"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

// resultFields are the fields a result line may have (docs/protocol.md);
// a name starting with "_" is the program's own (timings, notes) and is
// ignored.
var resultFields = map[string]bool{"id": true, "loss": true, "grad": true, "error": true, "certified": true}

// ParseResultLine decodes one result line of the protocol (without its
// newline) as the answer to c, sent with id sentID. It errors, naming what
// is wrong, on: a line that is not one JSON object of the result format
// (jsonl.DecodeResult), an unknown field, an id other than sentID, a
// gradient with other than C entries, and for a float32 case a loss or
// gradient entry that is not a float32 value (exactly, or written as the
// shortest decimal of one). The returned result carries sentID.
func ParseResultLine(line []byte, sentID string, c *cases.Case) (cases.Result, error) {
	return parseResultLine(line, sentID, c)
}

func parseResultLine(line []byte, sentID string, c *cases.Case) (cases.Result, error) {
	if len(line) == 0 {
		return cases.Result{}, errors.New("an empty line where a result was due")
	}
	keys, err := topLevelKeys(line)
	if err != nil {
		return cases.Result{}, fmt.Errorf("not a JSON object (%v): %s", err, quoteLine(line))
	}
	for _, k := range keys {
		if !resultFields[k] && (len(k) == 0 || k[0] != '_') {
			return cases.Result{}, fmt.Errorf("unknown field %q (a result has id, loss, grad or error; a program's own fields start with _): %s", k, quoteLine(line))
		}
	}
	r, err := jsonl.DecodeResult(line)
	if err != nil {
		return cases.Result{}, fmt.Errorf("bad result line (%v): %s", err, quoteLine(line))
	}
	if r.ID != sentID {
		return cases.Result{}, fmt.Errorf("result id %q, want %q (results must come one per case, in order)", r.ID, sentID)
	}
	if r.Err != "" {
		return r, nil
	}
	if len(r.Grad) != c.C() {
		return cases.Result{}, fmt.Errorf("%d gradient entries for C = %d", len(r.Grad), c.C())
	}
	if c.DType == cases.Float32 {
		v, ok := isFloat32Value(r.Loss)
		if !ok {
			return cases.Result{}, fmt.Errorf("loss %v of a float32 case is not a float32 value", r.Loss)
		}
		r.Loss = v
		for j, g := range r.Grad {
			v, ok := isFloat32Value(g)
			if !ok {
				return cases.Result{}, fmt.Errorf("grad[%d] = %v of a float32 case is not a float32 value", j, g)
			}
			r.Grad[j] = v
		}
	}
	return r, nil
}

// topLevelKeys returns the names of the fields of the JSON object in line,
// in order, without decoding their values; it errors when line is not a
// single object (the values themselves are checked by jsonl.DecodeResult).
// Names with escapes are returned raw.
func topLevelKeys(line []byte) ([]string, error) {
	i := skipWS(line, 0)
	if i >= len(line) || line[i] != '{' {
		return nil, errors.New("does not start with {")
	}
	var keys []string
	depth := 0
	expectKey := true
	for ; i < len(line); i++ {
		switch b := line[i]; b {
		case '{', '[':
			depth++
			if b == '{' && depth == 1 {
				expectKey = true
			}
		case '}', ']':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced brackets")
			}
			if depth == 0 {
				if skipWS(line, i+1) != len(line) {
					return nil, errors.New("text after the object")
				}
				return keys, nil
			}
		case ',':
			if depth == 1 {
				expectKey = true
			}
		case '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(line) {
				return nil, errors.New("unterminated string")
			}
			if depth == 1 && expectKey {
				keys = append(keys, string(line[i+1:j]))
				expectKey = false
			}
			i = j
		}
	}
	return nil, errors.New("unterminated object")
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}
