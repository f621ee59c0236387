package jsonl

import (
	"fmt"

	"github.com/infogain-dev/infogain/cases"
)

// ParseCase decodes one line (without its newline) under the rules of the
// format and validates the result. On error the returned case carries the
// line's id when it could be read, and nothing else.
func ParseCase(line []byte) (cases.Case, error) {
	s := string(line)
	c, err := parseCase(s)
	if err != nil {
		id := c.ID
		if id == "" {
			id = peekID(s)
		}
		return cases.Case{ID: id}, err
	}
	if err := c.Validate(); err != nil {
		return cases.Case{ID: c.ID}, err
	}
	return c, nil
}

const (
	fieldID = 1 << iota
	fieldFamily
	fieldDType
	fieldLogits
	fieldH
	fieldLabel
)

var caseFields = map[string]int{
	"id": fieldID, "family": fieldFamily, "dtype": fieldDType,
	"logits": fieldLogits, "h": fieldH, "label": fieldLabel,
}

func parseCase(s string) (cases.Case, error) {
	var c cases.Case
	p := &scanner{s: s}
	var seen int
	var logits, h []numTok
	err := p.object(func(key string) error {
		bit, ok := caseFields[key]
		if !ok {
			return fmt.Errorf("unknown field %q (want id, family, dtype, logits, h, label)", key)
		}
		if seen&bit != 0 {
			return fmt.Errorf("duplicate field %q", key)
		}
		seen |= bit
		var err error
		switch bit {
		case fieldID:
			c.ID, err = stringValue(p, key)
		case fieldFamily:
			c.Family, err = stringValue(p, key)
		case fieldDType:
			var dt string
			dt, err = stringValue(p, key)
			c.DType = cases.DType(dt)
		case fieldLogits:
			logits, err = numArray(p, key, cases.MaxClasses)
		case fieldH:
			h, err = numArray(p, key, cases.MaxClasses)
		case fieldLabel:
			c.Label, err = intValue(p, key)
		}
		return err
	})
	if err != nil {
		return c, err
	}
	for _, f := range []struct {
		bit  int
		name string
	}{{fieldLogits, "logits"}, {fieldH, "h"}, {fieldLabel, "label"}} {
		if seen&f.bit == 0 {
			return c, fmt.Errorf("missing field %q", f.name)
		}
	}
	if c.Logits, err = convert(logits, c.DType, "logits"); err != nil {
		return c, err
	}
	if c.H, err = convert(h, c.DType, "h"); err != nil {
		return c, err
	}
	return c, nil
}
