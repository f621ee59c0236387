package jsonl

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

const goodLine = `{"id":"good","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`

// malformed lines: each must give a LineError and leave the decoder able
// to read the next line. Also the seeds of FuzzDecode.
var malformed = []struct {
	line string
	err  string // substring of the error
	id   string // the id the LineError must carry
	why  string
}{
	{`{"id":"t","dtype":"float64","logits":[1,2`, "unexpected end", "t", "truncated JSON"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1`, "unexpected end", "t", "truncated before the closing brace"},
	{`{`, "unexpected end", "", "a lone brace"},
	{`hello`, "invalid character", "", "not JSON"},
	{`[1,2]`, "want a JSON object", "", "an array, not an object"},
	{`"case"`, "want a JSON object", "", "a string, not an object"},
	{`{}`, `missing field "logits"`, "", "empty object"},
	{`{"id":"t","dtype":"float64","logits":"1,2","h":[0,1],"label":1}`, "logits: got a string, want an array", "t", "logits as a string"},
	{`{"id":"t","dtype":"float64","logits":null,"h":[0,1],"label":1}`, "logits: got null", "t", "null logits"},
	{`{"id":"t","dtype":"float64","logits":[1,true],"h":[0,1],"label":1}`, "logits[1]: got a boolean", "t", "a boolean element"},
	{`{"id":"t","dtype":"float64","logits":[1,[2]],"h":[0,1],"label":1}`, "logits[1]: got an array", "t", "a nested array"},
	{`{"id":"t","dtype":"float64","logits":[1,"Infinity"],"h":[0,1],"label":1}`, `string "Infinity"`, "t", "only inf, -inf, nan are accepted"},
	{`{"id":"t","dtype":"float64","logits":[1,"1"],"h":[0,1],"label":1}`, `string "1"`, "t", "a quoted number"},
	{`{"id":"t","dtype":"float64","logits":[01],"h":[0],"label":0}`, "invalid character", "t", "leading zero is not JSON"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":"1"}`, "label: got a string", "t", "label as a string"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":0.5}`, "not an integer", "t", "fractional label"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1e0}`, "not an integer", "t", "integer value in exponent form"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1e30}`, "not an integer", "t", "label beyond int"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1]}`, `missing field "label"`, "t", "missing label"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"label":0}`, `missing field "h"`, "t", "missing h"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[1],"label":0}`, "len(h) = 1, want C = 2", "t", "mismatched lengths"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":2}`, "label 2 out of range", "t", "label = C"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":-1}`, "label -1 out of range", "t", "negative label"},
	{`{"id":"t","dtype":"float64","logits":[],"h":[],"label":0}`, "C = 0", "t", "no classes"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":["nan",1],"label":1}`, "h[0] = NaN is not finite", "t", "NaN in h"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,"inf"],"label":1}`, "h[1] = +Inf is not finite", "t", "Inf in h"},
	{`{"id":"t","dtype":"float16","logits":[1,2],"h":[0,1],"label":1}`, `unknown dtype "float16"`, "t", "unknown dtype"},
	{`{"id":"t","logits":[1,2],"h":[0,1],"label":1}`, "missing dtype", "t", "missing dtype"},
	{`{"id":"t","dtype":"float32","logits":[1,0.1000000015],"h":[0,1],"label":1}`, "logits[1] = 0.1000000015: not a float32 value", "t", "float32 case with a non-float32 value"},
	{`{"id":"t","dtype":"float64","logits":[1,1e400],"h":[0,1],"label":1}`, "beyond the float64 range", "t", "float64 overflow"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"H":[0,1],"label":1}`, `unknown field "H"`, "t", "field names are case-sensitive"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1,"weight":2}`, `unknown field "weight"`, "t", "unknown field"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"logits":[1,2],"h":[0,1],"label":1}`, `duplicate field "logits"`, "t", "repeated field"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1} x`, "invalid character", "t", "trailing garbage"},
	{`{"id":"t","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}{}`, "trailing data", "t", "two objects on a line"},
	{`{"id":7,"dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`, "id: got a number", "", "id as a number"},
	{`{"dtype":"float64","logits":[1,true],"h":[0,1],"label":1,"id":"late"}`, "logits[1]: got a boolean", "late", "id after a wrong-typed value, recovered from the valid JSON"},
	{`{"dtype":"float64","logits":[1,2,"id":"late"}`, `logits[2]: string "id"`, "", "id after a syntax error cannot be read"},
	{`{"dtype":"float64","logits":[1,2],"h":[0,1],"label":5,"id":"late"}`, "out of range", "late", "id after the fields, recovered"},
	{`{"dtype":"float64","logits":[1,2],"h":[0,1],"label":"x","id":"late"}`, "label: got a string", "late", "id recovered by peekID after a parse error"},
	{`{"ID":"x","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`, `unknown field "ID"`, "", "peekID matches the key exactly too"},
	{`{"id":"a\qb","dtype":"float64","logits":[1],"h":[1],"label":0}`, "invalid escape", "", "bad escape in a string"},
	{`{"id":"a\u12","dtype":"float64","logits":[1],"h":[1],"label":0}`, "invalid \\u escape", "", "short \\u escape"},
	{"{\"id\":\"a\tb\",\"dtype\":\"float64\",\"logits\":[1],\"h\":[1],\"label\":0}", "control character", "", "raw tab inside a string"},
	{`{"id":"t","dtype":"float64","logits":[1.],"h":[1],"label":0}`, "in a number", "t", "no digit after the point"},
	{`{"id":"t","dtype":"float64","logits":[.5],"h":[1],"label":0}`, "logits[0]: got invalid character '.'", "t", "no digit before the point"},
	{`{"id":"t","dtype":"float64","logits":[1e],"h":[1],"label":0}`, "in a number", "t", "empty exponent"},
	{`{"id":"t","dtype":"float64","logits":[+1],"h":[1],"label":0}`, "got invalid character '+'", "t", "a plus sign is not JSON"},
	{`{"id":"t","dtype":"float64","logits":[-],"h":[1],"label":0}`, "in a number", "t", "a lone minus"},
	{`{"id":"t","dtype":"float64","logits":[1,],"h":[1],"label":0}`, "logits[1]: got invalid character ']'", "t", "trailing comma"},
	{`{"id":"t","dtype":"float64","logits":[1 2],"h":[1],"label":0}`, "want ',' or ']'", "t", "missing comma"},
	{`{"id":"t" "dtype":"float64"}`, "want ',' or '}'", "t", "missing comma between fields"},
	{`{"id":"t",}`, "want a field name", "t", "trailing comma in the object"},
	{`{id:"t"}`, "want a field name", "", "unquoted key"},
	{`{"id":"t","dtype":"float64","logits":[NaN],"h":[1],"label":0}`, "logits[0]: got invalid character 'N'", "t", "bare NaN is not JSON"},
}

func TestDecodeMalformed(t *testing.T) {
	for _, tt := range malformed {
		// A blank line first: line numbers count it.
		d := NewDecoder(strings.NewReader("\n" + tt.line + "\n" + goodLine + "\n"))
		_, err := d.Next()
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("%s: %s: err = %v (%T), want a *LineError", tt.why, tt.line, err, err)
			continue
		}
		if le.Line != 2 || le.ID != tt.id || !strings.Contains(le.Error(), tt.err) {
			t.Errorf("%s: %s:\n got line %d id %q: %v\nwant line 2 id %q, error containing %q", tt.why, tt.line, le.Line, le.ID, le.Err, tt.id, tt.err)
		}
		c, err := d.Next()
		if err != nil || c.ID != "good" {
			t.Errorf("%s: the next line gives %+v, %v; want the good case", tt.why, c, err)
		}
		if _, err := d.Next(); err != io.EOF {
			t.Errorf("%s: at the end err = %v, want io.EOF", tt.why, err)
		}
	}
}

func TestDecodeStrings(t *testing.T) {
	for _, tt := range []struct {
		json, want, why string
	}{
		{`"plain/0001"`, "plain/0001", "no escapes: taken as is"},
		{`"a\"b\\c\/d"`, `a"b\c/d`, "simple escapes"},
		{`"\u00e9\ud83d\ude00"`, "é😀", "\\u escapes and a surrogate pair"},
		{`"é"`, "é", "raw UTF-8"},
		{"\"\xff\"", "\ufffd", "invalid UTF-8 becomes U+FFFD, as in encoding/json"},
		{`"\ud800"`, "\ufffd", "a lone surrogate becomes U+FFFD, as in encoding/json"},
	} {
		line := `{"id":` + tt.json + `,"dtype":"float64","logits":[1],"h":[1],"label":0}`
		c, err := ParseCase([]byte(line))
		if err != nil || c.ID != tt.want {
			t.Errorf("%s: id %q, %v; want %q", tt.why, c.ID, err, tt.want)
		}
	}
}

func TestSeedsRoundTrip(t *testing.T) {
	for _, s := range cases.Seeds() {
		if d := roundTrip(&s.Case); d != "" {
			t.Errorf("seed %s: %s", s.Name, d)
		}
	}
}
