package jsonl

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/leanovate/gopter"
)

var dtypes = []cases.DType{cases.Float64, cases.Float32}

var seedFlag = flag.Int64("jsonl.seed", 1, "seed of the gopter properties (0: from the clock)")

// propParams returns gopter parameters with the fixed default seed (or the
// clock's with -jsonl.seed=0) and prints the replay command on failure.
func propParams(t *testing.T, n int) *gopter.TestParameters {
	seed := *seedFlag
	if seed == 0 {
		seed = gopter.DefaultTestParameters().Seed()
	}
	p := gopter.DefaultTestParametersWithSeed(seed)
	p.MinSuccessfulTests = n
	if testing.Short() {
		p.MinSuccessfulTests = n / 10
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay: go test ./cases/jsonl -run '^%s$' -jsonl.seed=%d", t.Name(), seed)
		}
	})
	return p
}

// sameBits reports whether a and b are the same float64 bits, any NaN
// matching any NaN (the format keeps NaN, not its payload).
func sameBits(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// diffCases returns "" if a and b are the same case bit for bit, else the
// first difference, values printed with %v and %x.
func diffCases(a, b *cases.Case) string {
	switch {
	case a.ID != b.ID:
		return fmt.Sprintf("id %q != %q", a.ID, b.ID)
	case a.Family != b.Family:
		return fmt.Sprintf("family %q != %q", a.Family, b.Family)
	case a.DType != b.DType:
		return fmt.Sprintf("dtype %q != %q", a.DType, b.DType)
	case a.Label != b.Label:
		return fmt.Sprintf("label %d != %d", a.Label, b.Label)
	case len(a.Logits) != len(b.Logits) || len(a.H) != len(b.H):
		return fmt.Sprintf("lengths (%d, %d) != (%d, %d)", len(a.Logits), len(a.H), len(b.Logits), len(b.H))
	}
	for j := range a.Logits {
		if !sameBits(a.Logits[j], b.Logits[j]) {
			return fmt.Sprintf("logits[%d] = %v (%x) != %v (%x)", j, a.Logits[j], a.Logits[j], b.Logits[j], b.Logits[j])
		}
	}
	for j := range a.H {
		if !sameBits(a.H[j], b.H[j]) {
			return fmt.Sprintf("h[%d] = %v (%x) != %v (%x)", j, a.H[j], a.H[j], b.H[j], b.H[j])
		}
	}
	return ""
}

// roundTrip encodes c, decodes the line and re-encodes the result; it
// returns a diagnostic or "".
func roundTrip(c *cases.Case) string {
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(c); err != nil {
		return "encode: " + err.Error()
	}
	line := buf.String()
	got, err := NewDecoder(strings.NewReader(line)).Next()
	if err != nil {
		return fmt.Sprintf("decode %s: %v", line, err)
	}
	if d := diffCases(c, &got); d != "" {
		return fmt.Sprintf("%s after %s", d, line)
	}
	var again bytes.Buffer
	if err := NewEncoder(&again).Encode(&got); err != nil {
		return "re-encode: " + err.Error()
	}
	if again.String() != line {
		return fmt.Sprintf("not canonical: %q then %q", line, again.String())
	}
	return ""
}

func anys[T any](v []T) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}
