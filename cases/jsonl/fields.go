package jsonl

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
)

var errFound = errors.New("found")

// peekID recovers the id of a line whose error came before its "id" field:
// it skips the other fields, so it succeeds when the line is valid JSON up
// to the id.
func peekID(s string) string {
	p := &scanner{s: s}
	var id string
	err := p.object(func(key string) error {
		if key == "id" && p.peek() == '"' {
			v, err := p.str()
			if err != nil {
				return err
			}
			id = v
			return errFound
		}
		return p.skip(0)
	})
	if err == errFound {
		return id
	}
	return ""
}

func stringValue(p *scanner, key string) (string, error) {
	if p.peek() != '"' {
		return "", fmt.Errorf("%s: got %s, want a string", key, p.describe())
	}
	v, err := p.str()
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

func intValue(p *scanner, key string) (int, error) {
	if c := p.peek(); c != '-' && !isDigit(c) {
		return 0, fmt.Errorf("%s: got %s, want an integer", key, p.describe())
	}
	n, err := p.number()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	v, err := strconv.Atoi(n)
	if err != nil {
		return 0, fmt.Errorf("%s: %s is not an integer in range", key, n)
	}
	return v, nil
}

// numValue reads a number or one of the strings "inf", "-inf", "nan": the
// value key[idx], or key itself when idx < 0 (named in errors only, as
// formatting it for every element would cost more than the parse).
func numValue(p *scanner, key string, idx int) (numTok, error) {
	where := func() string {
		if idx < 0 {
			return key
		}
		return fmt.Sprintf("%s[%d]", key, idx)
	}
	switch c := p.peek(); {
	case c == '"':
		v, err := p.str()
		if err != nil {
			return numTok{}, fmt.Errorf("%s: %w", where(), err)
		}
		if v != "inf" && v != "-inf" && v != "nan" {
			return numTok{}, fmt.Errorf("%s: string %q, want a number or \"inf\", \"-inf\", \"nan\"", where(), v)
		}
		return numTok{s: v, special: true}, nil
	case c == '-' || isDigit(c):
		n, err := p.number()
		if err != nil {
			return numTok{}, fmt.Errorf("%s: %w", where(), err)
		}
		return numTok{s: n}, nil
	case c == 0:
		return numTok{}, fmt.Errorf("%s: %w", where(), errEnd)
	default:
		return numTok{}, fmt.Errorf("%s: got %s, want a number", where(), p.describe())
	}
}

func numArray(p *scanner, key string, limit int) ([]numTok, error) {
	if p.peek() != '[' {
		return nil, fmt.Errorf("%s: got %s, want an array", key, p.describe())
	}
	p.i++
	vals := []numTok{}
	if p.peek() == ']' {
		p.i++
		return vals, nil
	}
	for {
		t, err := numValue(p, key, len(vals))
		if err != nil {
			return nil, err
		}
		vals = append(vals, t)
		if len(vals) > limit {
			return nil, fmt.Errorf("%s: more than %d values", key, limit)
		}
		more, err := p.next(']', "an array element")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if !more {
			return vals, nil
		}
	}
}

// intArray reads an array of JSON integers.
func intArray(p *scanner, key string) ([]int, error) {
	if p.peek() != '[' {
		return nil, fmt.Errorf("%s: got %s, want an array", key, p.describe())
	}
	p.i++
	vals := []int{}
	if p.peek() == ']' {
		p.i++
		return vals, nil
	}
	for {
		v, err := intValue(p, key+"["+strconv.Itoa(len(vals))+"]")
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if len(vals) > cases.MaxBatchElements {
			return nil, fmt.Errorf("%s: more than %d values", key, cases.MaxBatchElements)
		}
		more, err := p.next(']', "an array element")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if !more {
			return vals, nil
		}
	}
}
