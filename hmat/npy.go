package hmat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The .npy format (NumPy NEP 1): the magic "\x93NUMPY", a major and minor
// version byte, the header length (uint16 little-endian for version 1,
// uint32 for 2 and 3), and the header, a Python dict literal with keys
// 'descr', 'fortran_order' and 'shape', padded with spaces and ended by
// '\n' so that the data starts at a multiple of 64 bytes; then the raw
// data.
//
// This codec is written here rather than taken from
// codeberg.org/sbinet/npyio (v0.14.0): that package panics on a header
// without '\n' (slice bounds out of range), allocates the declared header
// length (up to 4 GiB) and the declared shape's data before reading, so a
// 100-byte file declaring shape (100000, 100000) kills the process with
// "fatal error: runtime: out of memory", and it cannot write a 2-D float32
// array (its only 2-D writer takes a float64 gonum mat.Dense). The tests
// still use npyio as an independent reader of what this codec writes.
var npyMagic = []byte("\x93NUMPY")

// maxNPYHeader bounds the header length (NumPy itself refuses headers
// over 10,000 bytes by default).
const maxNPYHeader = 1 << 16

func encodeNPY(b *bytes.Buffer, H *Matrix, dt DType) {
	descr := "<f8"
	if dt == Float32 {
		descr = "<f4"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, H.C, H.C)
	// 10 bytes of preamble (version 1.0), the header, spaces, '\n'.
	pad := 64 - (10+len(hdr)+1)%64
	if pad == 64 {
		pad = 0
	}
	hdr += strings.Repeat(" ", pad) + "\n"
	b.Write(npyMagic)
	b.Write([]byte{1, 0})
	var l [2]byte
	binary.LittleEndian.PutUint16(l[:], uint16(len(hdr)))
	b.Write(l[:])
	b.WriteString(hdr)
	var buf [8]byte
	for _, v := range H.Data {
		if dt == Float32 {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(float32(v)))
			b.Write(buf[:4])
		} else {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
			b.Write(buf[:])
		}
	}
}

func decodeNPY(data []byte) (File, error) {
	if len(data) < 10 || !bytes.Equal(data[:6], npyMagic) {
		return File{}, errors.New("not a .npy file (no \\x93NUMPY magic)")
	}
	major := data[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(data[8:10])), 10
	case 2, 3:
		if len(data) < 12 {
			return File{}, errors.New("truncated .npy preamble")
		}
		h := binary.LittleEndian.Uint32(data[8:12])
		if h > maxNPYHeader {
			return File{}, fmt.Errorf("header length %d exceeds %d bytes", h, maxNPYHeader)
		}
		hlen, start = int(h), 12
	default:
		return File{}, fmt.Errorf("unsupported .npy version %d.%d (want 1.0, 2.0 or 3.0)", major, data[7])
	}
	if hlen > len(data)-start {
		return File{}, fmt.Errorf("truncated: header of %d bytes, file has %d after the preamble", hlen, len(data)-start)
	}
	descr, fortran, shape, err := parseNPYHeader(string(data[start : start+hlen]))
	if err != nil {
		return File{}, fmt.Errorf("header: %v", err)
	}
	var dt DType
	var order binary.ByteOrder = binary.LittleEndian
	switch descr {
	case "<f8", "f8", "=f8":
		dt = Float64
	case ">f8":
		dt, order = Float64, binary.BigEndian
	case "<f4", "f4", "=f4":
		dt = Float32
	case ">f4":
		dt, order = Float32, binary.BigEndian
	default:
		return File{}, fmt.Errorf("dtype %q: want a float64 ('<f8') or float32 ('<f4') array", descr)
	}
	if len(shape) != 2 || shape[0] != shape[1] {
		return File{}, fmt.Errorf("shape %v: want a square 2-D array (C, C)", shape)
	}
	C := shape[0]
	if err := checkC(C); err != nil {
		return File{}, err
	}
	size := 8
	if dt == Float32 {
		size = 4
	}
	payload := data[start+hlen:]
	if want := C * C * size; len(payload) != want {
		if len(payload) < want {
			return File{}, fmt.Errorf("truncated: shape (%d, %d) needs %d data bytes, file has %d", C, C, want, len(payload))
		}
		return File{}, fmt.Errorf("%d data bytes, want %d for shape (%d, %d): %w", len(payload), want, C, C, errTrailing)
	}
	m := &Matrix{C: C, Data: make([]float64, C*C)}
	for k := range m.Data {
		if dt == Float32 {
			m.Data[k] = float64(math.Float32frombits(order.Uint32(payload[4*k:])))
		} else {
			m.Data[k] = math.Float64frombits(order.Uint64(payload[8*k:]))
		}
	}
	if fortran {
		for i := 0; i < C; i++ {
			for j := i + 1; j < C; j++ {
				m.Data[i*C+j], m.Data[j*C+i] = m.Data[j*C+i], m.Data[i*C+j]
			}
		}
	}
	return File{m, dt}, nil
}

// parseNPYHeader parses the dict literal of a .npy header strictly: the
// three keys exactly once each, in any order, a trailing comma allowed,
// then only spaces and a final '\n'.
func parseNPYHeader(h string) (descr string, fortran bool, shape []int, err error) {
	p := &pyLit{s: h}
	p.space()
	if !p.eat('{') {
		return "", false, nil, errors.New("does not start with '{'")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return "", false, nil, err
		}
		if seen[key] {
			return "", false, nil, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return "", false, nil, fmt.Errorf("no ':' after key %q", key)
		}
		p.space()
		switch key {
		case "descr":
			if descr, err = p.str(); err != nil {
				return "", false, nil, fmt.Errorf("descr: %v", err)
			}
		case "fortran_order":
			switch {
			case strings.HasPrefix(p.rest(), "True"):
				fortran, p.i = true, p.i+4
			case strings.HasPrefix(p.rest(), "False"):
				fortran, p.i = false, p.i+5
			default:
				return "", false, nil, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if shape, err = p.tuple(); err != nil {
				return "", false, nil, fmt.Errorf("shape: %v", err)
			}
		default:
			return "", false, nil, fmt.Errorf("unknown key %q", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return "", false, nil, errors.New("expected ',' or '}'")
		}
		break
	}
	if !seen["descr"] || !seen["fortran_order"] || !seen["shape"] {
		return "", false, nil, errors.New("want the keys 'descr', 'fortran_order' and 'shape'")
	}
	rest := p.rest()
	if !strings.HasSuffix(rest, "\n") || strings.TrimLeft(rest, " ") != "\n" {
		return "", false, nil, errors.New("not padded with spaces and ended by a newline")
	}
	return descr, fortran, shape, nil
}

type pyLit struct {
	s string
	i int
}

func (p *pyLit) rest() string { return p.s[p.i:] }

func (p *pyLit) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *pyLit) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str parses a quoted string without escapes (NumPy never writes any in
// the keys and descr it accepts).
func (p *pyLit) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	s := p.s[p.i+1 : p.i+1+end]
	if strings.ContainsAny(s, "\\\n") {
		return "", errors.New("escapes are not supported")
	}
	p.i += end + 2
	return s, nil
}

// tuple parses a tuple of non-negative integers: (), (n,), (n, m), ….
func (p *pyLit) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("expected '('")
	}
	var out []int
	for {
		p.space()
		if p.eat(')') {
			return out, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, errors.New("expected a non-negative integer")
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || n > 1<<40 {
			return nil, fmt.Errorf("dimension %q is absurd", p.s[p.i:j])
		}
		if len(out) >= 32 {
			return nil, errors.New("more than 32 dimensions")
		}
		out = append(out, n)
		p.i = j
		p.space()
		if p.eat(')') {
			return out, nil
		}
		if !p.eat(',') {
			return nil, errors.New("expected ',' or ')'")
		}
	}
}
