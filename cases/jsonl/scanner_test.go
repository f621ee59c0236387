package jsonl

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestScannerNumber checks the number grammar of RFC 8259 against an
// independent oracle, encoding/json's Valid: number() must consume the
// whole token exactly when the token alone is a valid JSON number.
func TestScannerNumber(t *testing.T) {
	for _, tt := range []struct{ in, why string }{
		{"0", "zero"},
		{"-0", "negative zero"},
		{"123", "integer"},
		{"-1.5e-300", "fraction and negative exponent"},
		{"1E+2", "capital E and a plus sign"},
		{"4.9e-324", "least subnormal"},
		{"01", "leading zero"},
		{"-", "a lone minus"},
		{"1.", "no digit after the point"},
		{".5", "no digit before the point"},
		{"1e", "empty exponent"},
		{"1e+", "signed empty exponent"},
		{"+1", "plus sign"},
		{"0x10", "hexadecimal"},
		{"1_000", "digit separator"},
		{"Infinity", "not a JSON number"},
	} {
		p := &scanner{s: tt.in}
		n, err := p.number()
		got := err == nil && n == tt.in
		if want := json.Valid([]byte(tt.in)); got != want {
			t.Errorf("%s: number(%q) = %q, %v; json.Valid = %v", tt.why, tt.in, n, err, want)
		}
	}
}

// TestScannerSkipDepth: skipping an unknown result field stops at
// maxSkipDepth levels of nesting with an error instead of recursing on.
func TestScannerSkipDepth(t *testing.T) {
	for _, tt := range []struct {
		depth int
		ok    bool
		why   string
	}{
		{maxSkipDepth + 1, true, "the deepest accepted nesting (skip starts at depth 0)"},
		{maxSkipDepth + 2, false, "one level more"},
		{100000, false, "deep enough to exhaust a recursive skip's stack"},
	} {
		v := strings.Repeat("[", tt.depth) + strings.Repeat("]", tt.depth)
		p := &scanner{s: v}
		err := p.skip(0)
		if (err == nil) != tt.ok || (err == nil && p.i != len(v)) {
			t.Errorf("%s: skip of %d nested arrays: %v (consumed %d of %d)", tt.why, tt.depth, err, p.i, len(v))
		}
	}
}

// TestScannerObject checks the object walk on its own: keys in order,
// nothing but spaces after the object.
func TestScannerObject(t *testing.T) {
	for _, tt := range []struct {
		in, keys string
		ok       bool
		why      string
	}{
		{` { "a" : 1 , "b":[true,null,{"c":"d"}] } `, "a,b", true, "spaces everywhere JSON allows them"},
		{`{}`, "", true, "empty object"},
		{`{"a":1}   x`, "a", false, "garbage after the object"},
		{`{"a":1,}`, "a", false, "trailing comma"},
		{`{"a" 1}`, "", false, "missing colon"},
		{`{'a':1}`, "", false, "single quotes"},
	} {
		p := &scanner{s: tt.in}
		var keys []string
		err := p.object(func(key string) error {
			keys = append(keys, key)
			return p.skip(0)
		})
		if (err == nil) != tt.ok || strings.Join(keys, ",") != tt.keys {
			t.Errorf("%s: object(%s) keys %v, err %v; want keys %q, ok %v", tt.why, tt.in, keys, err, tt.keys, tt.ok)
		}
	}
}
