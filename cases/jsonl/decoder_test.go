package jsonl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestDecoderLines(t *testing.T) {
	// CRLF endings, blank and whitespace-only lines, a last line without a
	// newline.
	in := "\r\n  \t\n" + goodLine + "\r\n\n" + strings.Replace(goodLine, "good", "last", 1)
	d := NewDecoder(strings.NewReader(in))
	var ids []string
	for {
		c, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		ids = append(ids, c.ID)
	}
	if strings.Join(ids, ",") != "good,last" {
		t.Errorf("ids = %v, want [good last]", ids)
	}
	if d.line != 5 {
		t.Errorf("counted %d lines, want 5", d.line)
	}
}

type failingReader struct{ n int }

var errDisk = errors.New("disk on fire")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		r.n++
		return copy(p, goodLine+"\n"+`{"id":"cut`), nil
	}
	return 0, errDisk
}

func TestDecoderReadErrorIsSticky(t *testing.T) {
	d := NewDecoder(&failingReader{})
	if c, err := d.Next(); err != nil || c.ID != "good" {
		t.Fatalf("first Next = %v, %v; want the good case", c.ID, err)
	}
	for i := 0; i < 2; i++ {
		_, err := d.Next()
		var le *LineError
		if err != errDisk || errors.As(err, &le) {
			t.Errorf("Next #%d: err = %v, want the reader's error as is", i+2, err)
		}
	}
}

// TestDecoderBufferBoundaries puts line ends ("\r\n" pairs included) around
// the 64 KiB reader buffer, where ReadSlice splits a line in pieces. A stray
// "\r" is JSON whitespace, so what can fail here is the joining of pieces.
func TestDecoderBufferBoundaries(t *testing.T) {
	const bufSize = 64 << 10
	for _, n := range []int{bufSize - 2, bufSize - 1, bufSize, bufSize + 1, 2*bufSize - 1, 2 * bufSize} {
		for _, eol := range []string{"\n", "\r\n"} {
			// A first line of n bytes, end of line included, then goodLine.
			first := goodLine[:len(goodLine)-1] + strings.Repeat(" ", n-len(goodLine)-len(eol)) + "}"
			d := NewDecoder(strings.NewReader(first + eol + goodLine + eol))
			for i := 0; i < 2; i++ {
				if c, err := d.Next(); err != nil || c.ID != "good" {
					t.Errorf("n = %d, eol %q, line %d: %q, %v", n, eol, i+1, c.ID, err)
				}
			}
			if _, err := d.Next(); err != io.EOF {
				t.Errorf("n = %d, eol %q: at the end %v", n, eol, err)
			}
		}
	}
}

func ExampleDecoder() {
	in := `{"id":"dominant/0000","dtype":"float64","logits":[37.42994775023705,0],"h":[1,0],"label":0}
{"id":"bad","dtype":"float64","logits":[1,2],"h":[1],"label":0}
{"id":"masked","dtype":"float32","logits":["-inf",0],"h":[0,1],"label":1}
`
	d := NewDecoder(strings.NewReader(in))
	for {
		c, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(c.ID, c.DType, c.Logits, c.H, c.Label)
	}
	// Output:
	// dominant/0000 float64 [37.42994775023705 0] [1 0] 0
	// line 2 (id bad): len(h) = 1, want C = 2
	// masked float32 [-Inf 0] [0 1] 1
}
