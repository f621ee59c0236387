package hmat

import (
	"bytes"
	"fmt"
	"strconv"
)

func bitsOf(dt DType) int {
	if dt == Float32 {
		return 32
	}
	return 64
}

// formatFloat is the shortest decimal that parses back to v in dt.
func formatFloat(v float64, dt DType) string {
	return strconv.FormatFloat(v, 'g', -1, bitsOf(dt))
}

func encodeCSV(b *bytes.Buffer, H *Matrix, dt DType) {
	for i := 0; i < H.C; i++ {
		for j, v := range H.Row(i) {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(formatFloat(v, dt))
		}
		b.WriteByte('\n')
	}
}

func decodeCSV(data []byte, dt DType) (*Matrix, error) {
	bits := bitsOf(dt)
	var vals []float64
	C := -1
	rows := 0
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			line, data = data[:k], data[k+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		n := 0
		for f := range bytes.SplitSeq(line, []byte{','}) {
			n++
			if C >= 0 && n > C {
				return nil, fmt.Errorf("line %d: more than %d fields (ragged: every row must have C entries)", lineNo, C)
			}
			if C < 0 && n > MaxC {
				return nil, fmt.Errorf("line %d: more than %d fields", lineNo, MaxC)
			}
			s := string(bytes.TrimSpace(f))
			v, err := strconv.ParseFloat(s, bits)
			if err != nil {
				if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
					return nil, fmt.Errorf("line %d field %d: %q is out of the %s range", lineNo, n, s, dt)
				}
				return nil, fmt.Errorf("line %d field %d: %q is not a number", lineNo, n, s)
			}
			vals = append(vals, v)
		}
		if C < 0 {
			C = n
		} else if n != C {
			return nil, fmt.Errorf("line %d: %d fields, want %d like the first row (ragged CSV)", lineNo, n, C)
		}
		rows++
		if rows > C {
			return nil, fmt.Errorf("line %d: more rows than the %d columns: H must be square", lineNo, C)
		}
	}
	if rows == 0 {
		return nil, fmt.Errorf("no rows (C = 0)")
	}
	if rows != C {
		return nil, fmt.Errorf("%d rows of %d entries: H must be square (C×C)", rows, C)
	}
	return &Matrix{C: C, Data: vals}, nil
}
