package jsonl

import (
	"bytes"
	"io"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// benchCase is a float64 case of C moderate logits with a soft row.
func benchCase(b *testing.B, C int) cases.Case {
	cs, err := cases.Generate("many-classes", 1, cases.Float64, 2)
	if err != nil {
		b.Fatal(err)
	}
	c := cs[0]
	c.Logits, c.H = c.Logits[:C], c.H[:C]
	c.H[0], c.Label = 1, 0
	return c
}

// go test ./cases/jsonl -run '^$' -bench Codec -benchmem
func benchmarkDecode(b *testing.B, C int) {
	c := benchCase(b, C)
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(&c); err != nil {
		b.Fatal(err)
	}
	line := buf.Bytes()
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCase(line); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkEncode(b *testing.B, C int) {
	c := benchCase(b, C)
	enc := NewEncoder(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.Encode(&c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodecDecodeC1000(b *testing.B) { benchmarkDecode(b, 1000) }

func BenchmarkCodecEncodeC1000(b *testing.B) { benchmarkEncode(b, 1000) }

func BenchmarkCodecDecodeC100(b *testing.B) { benchmarkDecode(b, 100) }

func BenchmarkCodecDecodeC10000(b *testing.B) { benchmarkDecode(b, 10000) }
