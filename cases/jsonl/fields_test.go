package jsonl

import (
	"strings"
	"testing"
)

func TestPeekID(t *testing.T) {
	for _, tt := range []struct{ line, want, why string }{
		{`{"id":"a","x":1}`, "a", "id first"},
		{`{"x":[1,{"y":2}],"id":"b"}`, "b", "id after values of every kind, skipped"},
		{`{"x":[1,2,"id":"c"}`, "", "a syntax error before the id"},
		{`{"id":7}`, "", "a non-string id"},
		{`{"ID":"d"}`, "", "keys match exactly"},
		{`not json`, "", "not an object"},
	} {
		if got := peekID(tt.line); got != tt.want {
			t.Errorf("%s: peekID(%s) = %q, want %q", tt.why, tt.line, got, tt.want)
		}
	}
}

func TestIntValue(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		err  string
		why  string
	}{
		{"0", 0, "", "zero"},
		{"-3", -3, "", "negative"},
		{"9223372036854775807", 1<<63 - 1, "", "largest int64"},
		{"9223372036854775808", 0, "not an integer in range", "beyond int64"},
		{"1.0", 0, "not an integer", "a fraction, even an integral one"},
		{"2e1", 0, "not an integer", "an exponent"},
		{`"1"`, 0, "got a string", "a quoted integer"},
		{"", 0, "got end of line", "nothing"},
	} {
		v, err := intValue(&scanner{s: tt.in}, "label")
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: intValue(%s) = %d, %v; want an error containing %q", tt.why, tt.in, v, err, tt.err)
			}
		case err != nil || v != tt.want:
			t.Errorf("%s: intValue(%s) = %d, %v; want %d", tt.why, tt.in, v, err, tt.want)
		}
	}
}

// TestNumArrayLimit: an array longer than its limit is an error as soon as
// the limit is passed, not after reading it all.
func TestNumArrayLimit(t *testing.T) {
	p := &scanner{s: "[1,2,3,4" + strings.Repeat(",5", 1000)}
	_, err := numArray(p, "logits", 3)
	if err == nil || !strings.Contains(err.Error(), "more than 3 values") {
		t.Fatalf("numArray with limit 3: %v", err)
	}
	if p.i > len("[1,2,3,4") {
		t.Errorf("numArray read to offset %d, past the 4th value", p.i)
	}
}
