package jsonl

import "fmt"

// MaxLineBytes bounds the length of one line, newline excluded. A longer line
// is reported as a LineError and skipped: at most MaxLineBytes of it is ever
// buffered, the rest is read and dropped in 64 KiB pieces. 64 MiB
// holds a float64 case of about 2.5 million classes in shortest form (at most
// 25 bytes per value), far more than the many-classes family uses.
const MaxLineBytes = 64 << 20

// ErrLineTooLong is the Err of a LineError for a line longer than
// MaxLineBytes.
var ErrLineTooLong = fmt.Errorf("line longer than MaxLineBytes = %d bytes", MaxLineBytes)

// LineError is an error in one line of a JSON-lines stream.
type LineError struct {
	Line int    // 1-based line number
	ID   string // the line's "id" if it could be read, else ""
	Err  error
}

func (e *LineError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (id %s): %v", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }
