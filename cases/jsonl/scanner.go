package jsonl

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// scanner is a strict JSON lexer over one line, enough for the flat objects
// of the format. It is kept instead of a JSON library because it was faster
// than each library measured, allocates per line rather than per value, and
// decides the format's rules (exact field names, duplicates, the number
// grammar) itself: see "Why a hand-written scanner" in the package doc.
// Numbers follow RFC 8259's grammar exactly; strings are validated here and
// unescaped by encoding/json (so escapes, surrogates and invalid UTF-8
// behave as in encoding/json). FuzzDecode checks that nothing json.Valid
// rejects is accepted.
type scanner struct {
	s string
	i int
}

var errEnd = errors.New("unexpected end of line")

// maxSkipDepth bounds the nesting of a skipped value (unknown fields of
// results) so that skipping cannot recurse without limit.
const maxSkipDepth = 100

func (p *scanner) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *scanner) peek() byte {
	p.ws()
	if p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

// describe names the JSON value starting at the current position.
func (p *scanner) describe() string {
	switch c := p.peek(); {
	case c == 0:
		return "end of line"
	case c == '"':
		return "a string"
	case c == '[':
		return "an array"
	case c == '{':
		return "an object"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || ('0' <= c && c <= '9'):
		return "a number"
	default:
		return fmt.Sprintf("invalid character %q", c)
	}
}

// expect consumes byte c (after spaces) or fails naming what was wanted.
func (p *scanner) expect(c byte, want string) error {
	switch got := p.peek(); {
	case got == c:
		p.i++
		return nil
	case got == 0:
		return fmt.Errorf("%w, want %s", errEnd, want)
	default:
		return fmt.Errorf("invalid character %q at offset %d, want %s", got, p.i, want)
	}
}

// next consumes ',' and returns true, or consumes close and returns false.
func (p *scanner) next(close byte, what string) (bool, error) {
	switch c := p.peek(); c {
	case ',':
		p.i++
		return true, nil
	case close:
		p.i++
		return false, nil
	case 0:
		return false, errEnd
	default:
		return false, fmt.Errorf("invalid character %q at offset %d after %s, want ',' or %q", c, p.i, what, close)
	}
}

// str consumes a JSON string and returns its value.
func (p *scanner) str() (string, error) {
	if err := p.expect('"', "a string"); err != nil {
		return "", err
	}
	start := p.i - 1
	escaped, ascii := false, true
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			raw := p.s[start:p.i]
			if !escaped && (ascii || utf8.ValidString(raw)) {
				return raw[1 : len(raw)-1], nil
			}
			var v string
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return "", err
			}
			return v, nil
		case c == '\\':
			escaped = true
			if p.i+1 >= len(p.s) {
				return "", errEnd
			}
			switch p.s[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.s) {
					return "", errEnd
				}
				for _, h := range []byte(p.s[p.i+2 : p.i+6]) {
					if !isHex(h) {
						return "", fmt.Errorf("invalid \\u escape at offset %d", p.i)
					}
				}
				p.i += 6
			default:
				return "", fmt.Errorf("invalid escape %q at offset %d", p.s[p.i:p.i+2], p.i)
			}
		case c < 0x20:
			return "", fmt.Errorf("control character %#x in a string at offset %d", c, p.i)
		default:
			ascii = ascii && c < utf8.RuneSelf
			p.i++
		}
	}
	return "", errEnd
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number consumes a JSON number, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?,
// and returns its text.
func (p *scanner) number() (string, error) {
	p.ws()
	s, start := p.s, p.i
	i := start
	digits := func() error {
		if i >= len(s) {
			return errEnd
		}
		if !isDigit(s[i]) {
			return fmt.Errorf("invalid character %q in a number at offset %d", s[i], i)
		}
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return nil
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return "", errEnd
	case s[i] == '0':
		i++
	default:
		if err := digits(); err != nil {
			return "", err
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		if err := digits(); err != nil {
			return "", err
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if err := digits(); err != nil {
			return "", err
		}
	}
	p.i = i
	return s[start:i], nil
}

// literal consumes one of true, false, null.
func (p *scanner) literal() error {
	p.ws()
	for _, lit := range []string{"true", "false", "null"} {
		if len(p.s)-p.i >= len(lit) && p.s[p.i:p.i+len(lit)] == lit {
			p.i += len(lit)
			return nil
		}
	}
	if p.i >= len(p.s) {
		return errEnd
	}
	return fmt.Errorf("invalid character %q at offset %d, want a value", p.s[p.i], p.i)
}

// skip consumes any JSON value, nested at most maxSkipDepth deep.
func (p *scanner) skip(depth int) error {
	if depth > maxSkipDepth {
		return fmt.Errorf("value nested deeper than %d", maxSkipDepth)
	}
	switch c := p.peek(); {
	case c == '"':
		_, err := p.str()
		return err
	case c == '-' || isDigit(c):
		_, err := p.number()
		return err
	case c == '[' || c == '{':
		p.i++
		close := byte(']')
		if c == '{' {
			close = '}'
		}
		if p.peek() == close {
			p.i++
			return nil
		}
		for {
			if c == '{' {
				if _, err := p.str(); err != nil {
					return err
				}
				if err := p.expect(':', "':'"); err != nil {
					return err
				}
			}
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			more, err := p.next(close, "a value")
			if err != nil || !more {
				return err
			}
		}
	default:
		return p.literal()
	}
}

// object calls field for each key of a JSON object, positioned at its
// value; field must consume the value. It then checks that nothing but
// spaces follows the object.
func (p *scanner) object(field func(key string) error) error {
	if err := p.expect('{', "a JSON object"); err != nil {
		if p.peek() != 0 && p.peek() != '{' {
			return fmt.Errorf("got %s, want a JSON object", p.describe())
		}
		return err
	}
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			if p.peek() != '"' {
				if p.peek() == 0 {
					return errEnd
				}
				return fmt.Errorf("got %s at offset %d, want a field name", p.describe(), p.i)
			}
			key, err := p.str()
			if err != nil {
				return err
			}
			if err := p.expect(':', "':' after a field name"); err != nil {
				return err
			}
			if err := field(key); err != nil {
				return err
			}
			more, err := p.next('}', "a field")
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	if c := p.peek(); c != 0 {
		return fmt.Errorf("trailing data after the object: invalid character %q at offset %d", c, p.i)
	}
	return nil
}
