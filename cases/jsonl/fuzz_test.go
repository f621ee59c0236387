package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// FuzzDecodeBatch is FuzzDecode for the batch form.
//
//	go test ./cases/jsonl -run '^$' -fuzz FuzzDecodeBatch -fuzztime 60s
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(goodBatch))
	f.Add([]byte(`{"id":"b","dtype":"float32","shape":[2,2,2],"logits":["-inf",0,1,2,3,"nan",5,6],"labels":[0,1,-1,1],"H":[1,0.5,0.5,1],"ignore_label":-1,"normalization":"FULL","loss_weight":0.5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, _, err := ParseBatch(data); err == nil && !json.Valid(data) {
			t.Fatalf("ParseBatch accepted invalid JSON %q", data)
		}
		d := NewDecoder(bytes.NewReader(data))
		for calls := 0; calls <= bytes.Count(data, []byte("\n"))+1; calls++ {
			id, b, err := d.NextBatch()
			if err == io.EOF {
				return
			}
			var le *LineError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("NextBatch: %v (%T)", err, err)
			}
			if err == nil {
				if d := roundTripBatch(id, &b); d != "" {
					t.Fatalf("decoded batch does not round-trip: %s", d)
				}
			}
		}
		t.Fatalf("NextBatch did not reach io.EOF")
	})
}

// FuzzDecode feeds arbitrary streams to the Decoder. It must never panic;
// every line gives a case or a *LineError; and a decoded case, re-encoded,
// decodes to the same bits (NaN as NaN) and re-encodes to the same line.
// Seeds: the seed table, one case of every family, and the malformed lines
// of TestDecodeMalformed.
//
//	go test ./cases/jsonl -run '^$' -fuzz FuzzDecode -fuzztime 60s
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for _, c := range cases.SeedCases() {
		enc.Encode(&c)
	}
	for _, name := range cases.FamilyNames() {
		if name == "many-classes" {
			continue // a megabyte per case: too slow a seed for the mutator
		}
		for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
			cs, _ := cases.Generate(name, 1, dt, 1)
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
