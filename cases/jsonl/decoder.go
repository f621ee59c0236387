package jsonl

import (
	"bufio"
	"bytes"
	"io"

	"github.com/infogain-dev/infogain/cases"
)

// A Decoder reads cases from a JSON-lines stream. Its memory is bounded by
// the longest accepted line (at most MaxLineBytes) plus the decoded case.
type Decoder struct {
	r       *bufio.Reader
	line    int
	buf     []byte
	err     error // sticky read error other than io.EOF
	maxLine int   // 0: MaxLineBytes; tests lower it
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next case. At the end of the stream it returns io.EOF.
// A bad line gives a *LineError and the following call goes on with the
// next line: malformed JSON, a wrong type, a missing or unknown field, a
// label that is not an integer, a number that is not a float32 in a float32
// case, a line longer than MaxLineBytes, or a case that fails cases.Case.Validate
// (lengths, label range, C = 0, non-finite h). Blank lines are skipped but
// counted. An error of the underlying reader is returned as is, and again
// on every later call.
func (d *Decoder) Next() (cases.Case, error) {
	line, err := d.nextLine()
	if err != nil {
		return cases.Case{}, err
	}
	c, err := ParseCase(line)
	if err != nil {
		return cases.Case{}, &LineError{Line: d.line, ID: c.ID, Err: err}
	}
	return c, nil
}

// NextBatch is Next for a stream in the batch form (see EncodeBatch): it
// returns the next batch and its id, with the same error behaviour.
func (d *Decoder) NextBatch() (id string, b cases.Batch, err error) {
	line, err := d.nextLine()
	if err != nil {
		return "", cases.Batch{}, err
	}
	id, b, err = ParseBatch(line)
	if err != nil {
		return "", cases.Batch{}, &LineError{Line: d.line, ID: id, Err: err}
	}
	return id, b, nil
}

// nextLine returns the next non-blank line, a LineError for a line that is
// too long, or the reader's error.
func (d *Decoder) nextLine() ([]byte, error) {
	for {
		line, tooLong, err := d.readLine()
		if err != nil {
			return nil, err
		}
		d.line++
		if tooLong {
			return nil, &LineError{Line: d.line, Err: ErrLineTooLong}
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
}

// readLine returns the next line without its "\n" (or "\r\n"). A line longer
// than the limit is consumed in buffer-sized pieces and reported with
// tooLong set: at most the limit is ever held. A last line without a
// newline is a line; io.EOF comes only when nothing is left.
func (d *Decoder) readLine() (line []byte, tooLong bool, err error) {
	if d.err != nil {
		return nil, false, d.err
	}
	limit := d.maxLine
	if limit == 0 {
		limit = MaxLineBytes
	}
	// Do not keep the buffer of a huge accepted line past that line.
	if cap(d.buf) > 1<<20 {
		d.buf = nil
	}
	d.buf = d.buf[:0]
	n := 0 // bytes of this line read so far, newline included
	for {
		frag, err := d.r.ReadSlice('\n')
		n += len(frag)
		if !tooLong {
			body := n // the limit excludes the newline
			if err == nil {
				body--
			}
			if body > limit {
				tooLong = true
				d.buf = d.buf[:0]
			} else {
				d.buf = appendDoubling(d.buf, frag, limit+1)
			}
		}
		switch err {
		case nil:
			if tooLong {
				return nil, true, nil
			}
			line = d.buf[:len(d.buf)-1]
			if k := len(line); k > 0 && line[k-1] == '\r' {
				line = line[:k-1]
			}
			return line, false, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if n == 0 {
				return nil, false, io.EOF
			}
			if tooLong {
				return nil, true, nil
			}
			return d.buf, false, nil
		default:
			d.err = err
			return nil, false, err
		}
	}
}

// appendDoubling appends frag to buf, doubling the capacity when it grows
// (append's 1.25× growth for large slices would allocate about five times
// the final size on the way), never beyond limit unless needed.
func appendDoubling(buf, frag []byte, limit int) []byte {
	need := len(buf) + len(frag)
	if need > cap(buf) {
		c := max(2*cap(buf), need)
		if c > limit {
			c = max(need, limit)
		}
		nb := make([]byte, len(buf), c)
		copy(nb, buf)
		buf = nb
	}
	return append(buf, frag...)
}
