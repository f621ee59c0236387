package jsonl

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
)

// numTok is a value of "logits" or "h" as written: a JSON number or one of
// the special strings. Conversion waits until the dtype is known.
type numTok struct {
	s       string
	special bool
}

func convert(toks []numTok, dt cases.DType, key string) ([]float64, error) {
	out := make([]float64, len(toks))
	for j, t := range toks {
		v, err := parseValue(t, dt)
		if err != nil {
			return nil, fmt.Errorf("%s[%d] = %s: %v", key, j, t.s, err)
		}
		out[j] = v
	}
	return out, nil
}

var errNotFloat32 = errors.New("not a float32 value")

func parseValue(t numTok, dt cases.DType) (float64, error) {
	if t.special {
		switch t.s {
		case "inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		default:
			return math.NaN(), nil
		}
	}
	v, err := strconv.ParseFloat(t.s, 64)
	if err != nil {
		// The tokenizer already checked the syntax: this is overflow.
		return 0, errors.New(`beyond the float64 range (write "inf" or "-inf")`)
	}
	if dt != cases.Float32 || cases.IsFloat32(v) {
		return v, nil
	}
	f, err := strconv.ParseFloat(t.s, 32)
	if err != nil {
		return 0, errNotFloat32
	}
	short, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
	if short != v {
		return 0, errNotFloat32
	}
	return f, nil
}

// FormatFloat returns v in the form the codec writes: the shortest decimal
// that reads back to v in dtype dt (strconv 'g', precision -1, bit size 32
// for cases.Float32 and 64 otherwise), or the quoted JSON strings "inf", "-inf",
// "nan". For cases.Float32, v is first rounded to float32; pass float32 values.
//
// Special cases are:
//
//	FormatFloat(±Inf, dt) = `"inf"`, `"-inf"`
//	FormatFloat(NaN, dt) = `"nan"` (any payload, any sign)
//	FormatFloat(-0, dt) = "-0"
func FormatFloat(v float64, dt cases.DType) string {
	return string(appendFloat(nil, v, dt))
}

func appendFloat(b []byte, v float64, dt cases.DType) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"nan"`...)
	case math.IsInf(v, 1):
		return append(b, `"inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-inf"`...)
	}
	bits := 64
	if dt == cases.Float32 {
		bits = 32
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

func appendFloats(b []byte, vs []float64, dt cases.DType) []byte {
	b = append(b, '[')
	for j, v := range vs {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, v, dt)
	}
	return append(b, ']')
}
