package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary streams to the Decoder. It must never panic;
// every line gives a case or a *LineError; and a decoded case, re-encoded,
// decodes to the same bits (NaN as NaN) and re-encodes to the same line.
// Seeds: the seed table, one case of every family, and the malformed lines
// of TestDecodeMalformed.
//
//	go test ./cases -run '^$' -fuzz FuzzDecode -fuzztime 60s
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for _, c := range SeedCases() {
		enc.Encode(&c)
	}
	for _, name := range FamilyNames() {
		if name == "many-classes" {
			continue // a megabyte per case: too slow a seed for the mutator
		}
		for _, dt := range []DType{Float64, Float32} {
			cs, _ := Generate(name, 1, dt, 1)
			enc.Encode(&cs[0])
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		f.Add([]byte(line))
	}
	for _, m := range malformed {
		f.Add([]byte(m.line + "\n" + goodLine))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The scanner must accept nothing that is not JSON.
		if _, err := ParseCase(data); err == nil && !json.Valid(data) {
			t.Fatalf("ParseCase accepted invalid JSON %q", data)
		}
		if _, err := DecodeResult(data); err == nil && !json.Valid(data) {
			t.Fatalf("DecodeResult accepted invalid JSON %q", data)
		}
		d := NewDecoder(bytes.NewReader(data))
		// Every call consumes a line, so there are at most lines+1 calls.
		for calls := 0; calls <= bytes.Count(data, []byte("\n"))+1; calls++ {
			c, err := d.Next()
			if err != nil {
				var le *LineError
				if errors.As(err, &le) {
					if le.Line != d.line {
						t.Fatalf("LineError on line %d, decoder at line %d", le.Line, d.line)
					}
					continue
				}
				if err != io.EOF {
					t.Fatalf("Next: %v (%T), want a *LineError or io.EOF", err, err)
				}
				return
			}
			if d := roundTrip(&c); d != "" {
				t.Fatalf("decoded case does not round-trip: %s", d)
			}
		}
		t.Fatalf("Next did not reach io.EOF after every line")
	})
}
