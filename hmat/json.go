package hmat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

func encodeJSON(b *bytes.Buffer, H *Matrix, dt DType) {
	fmt.Fprintf(b, "{\"dtype\":%q,\"C\":%d,\"H\":[", string(dt), H.C)
	for i := 0; i < H.C; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n[")
		for j, v := range H.Row(i) {
			if j > 0 {
				b.WriteByte(',')
			}
			switch {
			case math.IsNaN(v):
				b.WriteString(`"nan"`)
			case math.IsInf(v, 1):
				b.WriteString(`"inf"`)
			case math.IsInf(v, -1):
				b.WriteString(`"-inf"`)
			default:
				b.WriteString(formatFloat(v, dt))
			}
		}
		b.WriteByte(']')
	}
	b.WriteString("]}\n")
}

type jsonFile struct {
	DType *string             `json:"dtype"`
	C     *int                `json:"C"`
	H     [][]json.RawMessage `json:"H"`
}

func decodeJSON(data []byte) (File, error) {
	var jf jsonFile
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&jf); err != nil {
		return File{}, fmt.Errorf("not a matrix object {\"dtype\",\"C\",\"H\"}: %v", err)
	}
	if d.More() {
		return File{}, errTrailing
	}
	if jf.DType == nil || jf.C == nil || jf.H == nil {
		return File{}, fmt.Errorf("missing field: want \"dtype\", \"C\" and \"H\"")
	}
	dt, err := ParseDType(*jf.DType)
	if err != nil {
		return File{}, err
	}
	C := *jf.C
	if err := checkC(C); err != nil {
		return File{}, err
	}
	if len(jf.H) != C {
		return File{}, fmt.Errorf("declared C = %d but H has %d rows", C, len(jf.H))
	}
	bits := bitsOf(dt)
	m := &Matrix{C: C, Data: make([]float64, 0, C*C)}
	for i, row := range jf.H {
		if len(row) != C {
			return File{}, fmt.Errorf("row %d has %d entries, want C = %d", i, len(row), C)
		}
		for j, raw := range row {
			v, err := parseJSONFloat(raw, bits)
			if err != nil {
				return File{}, fmt.Errorf("entry H[%d][%d]: %v", i, j, err)
			}
			m.Data = append(m.Data, v)
		}
	}
	return File{m, dt}, nil
}

func parseJSONFloat(raw json.RawMessage, bits int) (float64, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		switch s {
		case "nan":
			return math.NaN(), nil
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("string %q is not a number (only \"nan\", \"inf\", \"-inf\")", s)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%s is not a number", raw)
	}
	v, err := strconv.ParseFloat(string(n), bits)
	if err != nil {
		return 0, fmt.Errorf("%s is out of the float%d range", n, bits)
	}
	return v, nil
}
