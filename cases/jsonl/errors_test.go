package jsonl

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestLineErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		e    LineError
		want string
	}{
		{LineError{Line: 3, ID: "x/0001", Err: errors.New("boom")}, "line 3 (id x/0001): boom"},
		{LineError{Line: 1, Err: errors.New("boom")}, "line 1: boom"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// repeatReader yields pattern repeated until n bytes have been read.
type repeatReader struct {
	pattern string
	n, off  int64
	chunk   []byte // the pattern repeated, so that Read copies in bulk
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if r.chunk == nil {
		r.chunk = []byte(strings.Repeat(r.pattern, (64<<10)/len(r.pattern)+1))
	}
	if rest := r.n - r.off; int64(len(p)) > rest {
		p = p[:rest]
	}
	k := 0
	for k < len(p) {
		start := int((r.off + int64(k)) % int64(len(r.pattern)))
		k += copy(p[k:], r.chunk[start:])
	}
	r.off += int64(k)
	return k, nil
}

// hugeLine returns a reader of one line of about n bytes (a case whose
// logits never end) followed by goodLine.
func hugeLine(n int64) io.Reader {
	return io.MultiReader(
		strings.NewReader(`{"id":"huge","dtype":"float64","logits":[`),
		&repeatReader{pattern: "0,", n: n},
		strings.NewReader("0],\"h\":[1],\"label\":0}\n"+goodLine+"\n"))
}

func TestDecoder100MBLine(t *testing.T) {
	d := NewDecoder(hugeLine(100 << 20))
	_, err := d.Next()
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1 || !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("Next = %v, want a LineError on line 1 wrapping ErrLineTooLong", err)
	}
	c, err := d.Next()
	if err != nil || c.ID != "good" || le.ID != "" {
		t.Fatalf("after the long line: %q, %v; want the good case on line 2", c.ID, err)
	}
	if d.line != 2 {
		t.Errorf("line count %d, want 2", d.line)
	}
}

// TestDecoderSkipsLongLineInBoundedMemory lowers the limit to 1 MiB and
// feeds a 64 MiB line: the bytes allocated while skipping must stay near
// the limit (buffer doubling: under 2 MiB for the line, plus the 64 KiB
// reader buffer), not near the line.
func TestDecoderSkipsLongLineInBoundedMemory(t *testing.T) {
	const limit = 1 << 20
	const maxAllocBytes = 4 << 20 // 2× the limit for doubling, 2× again as slack
	d := NewDecoder(hugeLine(64 << 20))
	d.maxLine = limit
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := d.Next()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("Next = %v, want ErrLineTooLong", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > maxAllocBytes {
		t.Errorf("skipping a 64 MiB line allocated %d bytes, want ≤ %d", got, maxAllocBytes)
	}
	if c, err := d.Next(); err != nil || c.ID != "good" {
		t.Errorf("after the long line: %q, %v", c.ID, err)
	}
}

// TestDecoderLineAtLimit checks the boundary: a line of exactly the limit
// is read, one byte more is skipped.
func TestDecoderLineAtLimit(t *testing.T) {
	for _, tt := range []struct {
		extra   int
		tooLong bool
		why     string
	}{
		{0, false, "exactly the limit, newline excluded"},
		{1, true, "one byte over"},
	} {
		pad := strings.Repeat(" ", 4096-len(goodLine)+tt.extra)
		d := NewDecoder(strings.NewReader(goodLine + pad + "\n" + goodLine))
		d.maxLine = 4096
		_, err := d.Next()
		if got := errors.Is(err, ErrLineTooLong); got != tt.tooLong || (!tt.tooLong && err != nil) {
			t.Errorf("%s: err = %v", tt.why, err)
		}
		if c, err := d.Next(); err != nil || c.ID != "good" {
			t.Errorf("%s: next line %q, %v", tt.why, c.ID, err)
		}
	}
}
