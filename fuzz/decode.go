package fuzz

import (
	"encoding/binary"
	"math"

	"github.com/infogain-dev/infogain/cases"
)

// MaxC bounds the number of classes Decode produces. Every failure class
// of docs/design.md §7 shows at C ≤ 16 except "many classes", which the property
// battery and the reports cover; a small C keeps the differential target
// fast enough to search deeply.
const MaxC = 16

// The byte layout read by Decode (a missing byte reads as 0, extra bytes
// are ignored, so every []byte is an input):
//
//	byte 0   header: bit 0 float32, bits 1–3 logit regime, bits 4–6 H regime
//	byte 1   C − 1 (mod MaxC)
//	byte 2   label (mod C)
//	byte 3   parameter of the logit regime
//	byte 4   parameter of the H regime
//	then C logit tokens, then the H row as its regime reads it
//
// A value token is a kind byte (low 3 bits: the kind; bit 7: the sign
// where a kind has none) followed by its payload:
//
//	kindSmall    1 byte  int8/4: moderate logits, exact in float32
//	kindRaw      8 bytes float64 bits (4 bytes float32 bits): anything
//	kindSpecial  1 byte  an entry of specials: NaN, ±Inf, ±0, ±MaxFloat,
//	                     the exp thresholds, tracker values (37.43…, 1e8)
//	kindStep     1 byte  the previous value moved int8 ulps: near-ties
//	kindTie      none    the previous value again: exact ties
//	kindSubnorm  4 bytes a subnormal with those mantissa bits
//	kindScaled   2 bytes int8 · 2^int8: wide spreads
//	kindNearMax  1 byte  ±MaxFloat·(1 − k/512): logits near ±1.6e308
//
// Values are rounded to float32 (exactly, kind by kind) when the header
// says float32, so a float32 case is always made of float32 values.
const (
	kindSmall = iota
	kindRaw
	kindSpecial
	kindStep
	kindTie
	kindSubnorm
	kindScaled
	kindNearMax
)

// Logit regimes: a transform of the decoded logits, with the parameter
// byte p.
const (
	logitsAsIs     = iota // the tokens as they are
	logitsOffset          // + offsets[p]: shared offset 1e4..1e16, 2^52, 1e300
	logitsScale           // · 2^(int8(p)/2): spreads from 1e-19 to 1e19
	logitsDominant        // x_l (p odd) or x_(l+1) (p even) += 8·p: a dominant class
	logitsExpEdge         // x_j −= edges[p] for j ≥ 1: differences at exp's underflow
	logitsTinyDiff        // x_j = base(p) + token·ulp: all within a few ulps
	logitsHuge            // x_j · MaxFloat/16: magnitudes to ±1.6e308
	logitsRaw             // as logitsAsIs; the regime Encode writes
	numLogitRegimes
)

// H regimes: how the row h is read, with the parameter byte p.
const (
	hIdentity  = iota // e_l: softmax cross-entropy
	hSmoothing        // (1 − ε)e_l + ε/C, ε = p/256: label smoothing
	hWeight           // w·e_l, w a value token: class weights, tiny to huge
	hDense            // byte/16 per class: dense similarities
	hRaw              // value tokens: signed, non-finite, anything; Encode's
	hScaled           // byte/16 · 2^(8·int8(p)): sums from 1e-300 to overflow
	hSigned           // int8/16 per class: distances misused as similarities
	hZero             // all zero
	numHRegimes
)

// specials are the values kindSpecial draws from: what the frameworks'
// trackers and docs/design.md §7 name as the hard places.
var specials = [...]float64{
	math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
	math.MaxFloat64, -math.MaxFloat64, 1.6e308, -1.6e308,
	709.782712893384,   // log(MaxFloat64): exp overflows above
	-745.1332191019411, // log of the least subnormal: exp underflows below
	-708.3964185322641, // log(MinNormal): exp goes subnormal below
	math.SmallestNonzeroFloat64, 0x1p-1022,
	37.42994775023705, // dominant 2-class case whose tail gradient frameworks zero
	1e8, 1e16, -1e16, 50, 2000, 1, -1,
	math.MaxFloat32, 0x1p-149, 88.72283935546875, -103.97208404541016, // float32 edges
}

// offsets are the shared offsets of logitsOffset.
var offsets = [...]float64{1e4, 1e8, 1e12, 1e16, -1e16, 0x1p52, 0x1p60, 1e300, -1e300, 1.6e308}

// edges are the differences of logitsExpEdge: around exp's underflow in
// float64 and float32, and where x − m starts losing the last bits.
var edges = [...]float64{745.1332191019411, 708.3964185322641, 744.4400719213812, 103.97208404541016, 87.33654475055310, 36.04365338911715}

type reader struct{ b []byte }

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) n(k int) []byte {
	var buf [8]byte
	m := copy(buf[:k], r.b)
	r.b = r.b[m:]
	return buf[:k]
}

// Decode reads data as a case (see the byte layout above): 1 ≤ C ≤ MaxC,
// 0 ≤ label < C, DType Float64 or Float32 (then every value is exactly a
// float32). Every []byte decodes; the case need not be valid (a raw H row
// may hold NaN): callers check Case.Validate.
func Decode(data []byte) cases.Case {
	return decodeCase(&reader{b: data})
}

func decodeCase(r *reader) cases.Case {
	hdr := r.byte()
	dt32 := hdr&1 != 0
	lr := int(hdr>>1) & 7
	hr := int(hdr>>4) & 7
	C := 1 + int(r.byte())%MaxC
	label := int(r.byte()) % C
	lp, hp := r.byte(), r.byte()
	c := cases.Case{ID: "fuzz", Family: "fuzz", DType: cases.Float64, Label: label}
	if dt32 {
		c.DType = cases.Float32
	}
	c.Logits = make([]float64, C)
	prev := 0.0
	for j := range c.Logits {
		prev = r.value(prev, dt32)
		c.Logits[j] = prev
	}
	transformLogits(c.Logits, lr, lp, label, dt32)
	c.H = readH(r, C, label, hr, hp, dt32)
	return c
}

// round gives v in the case's type: rounded to float32 when dt32.
func round(v float64, dt32 bool) float64 {
	if dt32 {
		return float64(float32(v))
	}
	return v
}

// value reads one value token; prev is the value before it.
func (r *reader) value(prev float64, dt32 bool) float64 {
	kb := r.byte()
	neg := kb&0x80 != 0
	sign := func(v float64) float64 {
		if neg {
			return -v
		}
		return v
	}
	switch kb & 7 {
	case kindSmall:
		return float64(int8(r.byte())) / 4
	case kindRaw:
		if dt32 {
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(r.n(4))))
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(r.n(8)))
	case kindSpecial:
		return round(specials[int(r.byte())%len(specials)], dt32)
	case kindStep:
		return step(prev, int(int8(r.byte())), dt32)
	case kindTie:
		return prev
	case kindSubnorm:
		m := binary.LittleEndian.Uint32(r.n(4))
		if dt32 {
			return sign(float64(math.Float32frombits(m & (1<<23 - 1))))
		}
		return sign(math.Float64frombits(uint64(m) << 20)) // < 2^52: subnormal
	case kindScaled:
		b := r.n(2)
		return round(math.Ldexp(float64(int8(b[0])), int(int8(b[1]))), dt32)
	default: // kindNearMax
		k := float64(r.byte())
		max := math.MaxFloat64
		if dt32 {
			max = math.MaxFloat32
		}
		return round(sign(max*(1-k/512)), dt32)
	}
}

// step moves v by n ulps of its type (n < 0 toward −Inf). NaN stays NaN.
func step(v float64, n int, dt32 bool) float64 {
	dir := math.Inf(1)
	if n < 0 {
		dir, n = math.Inf(-1), -n
	}
	for ; n > 0; n-- {
		if dt32 {
			v = float64(math.Nextafter32(float32(v), float32(dir)))
		} else {
			v = math.Nextafter(v, dir)
		}
	}
	return v
}

func transformLogits(x []float64, regime int, p byte, label int, dt32 bool) {
	switch regime {
	case logitsOffset:
		off := offsets[int(p)%len(offsets)]
		for j := range x {
			x[j] = round(x[j]+off, dt32)
		}
	case logitsScale:
		e := int(int8(p)) / 2
		for j := range x {
			x[j] = round(math.Ldexp(x[j], e), dt32)
		}
	case logitsDominant:
		k := label
		if p%2 == 0 {
			k = (label + 1) % len(x)
		}
		x[k] = round(x[k]+8*float64(p), dt32)
	case logitsExpEdge:
		d := edges[int(p)%len(edges)]
		for j := 1; j < len(x); j++ {
			x[j] = round(x[j]-d, dt32)
		}
	case logitsTinyDiff:
		base := round(float64(p)*0.37, dt32)
		for j := range x {
			if n := x[j]; n == math.Trunc(n) && math.Abs(n) < 64 {
				x[j] = step(base, int(n), dt32)
			}
		}
	case logitsHuge:
		max := math.MaxFloat64
		if dt32 {
			max = math.MaxFloat32
		}
		for j := range x {
			x[j] = round(max*math.Max(-1, math.Min(1, x[j]/16)), dt32)
		}
	}
}

func readH(r *reader, C, label, regime int, p byte, dt32 bool) []float64 {
	h := make([]float64, C)
	switch regime {
	case hIdentity:
		h[label] = 1
	case hSmoothing:
		eps := float64(p) / 256
		for j := range h {
			h[j] = round(eps/float64(C), dt32)
		}
		h[label] = round(1-eps+eps/float64(C), dt32)
	case hWeight:
		h[label] = r.value(1, dt32)
	case hDense:
		for j := range h {
			h[j] = float64(r.byte()) / 16
		}
	case hRaw:
		prev := 0.0
		for j := range h {
			prev = r.value(prev, dt32)
			h[j] = prev
		}
	case hScaled:
		e := 8 * int(int8(p))
		for j := range h {
			h[j] = round(math.Ldexp(float64(r.byte())/16, e), dt32)
		}
	case hSigned:
		for j := range h {
			h[j] = float64(int8(r.byte())) / 16
		}
	}
	return h
}

// Encode returns bytes that Decode reads back as c, bit for bit (ID and
// Family aside: Decode names every case "fuzz"). ok is false when c cannot
// be encoded: C = 0 or C > MaxC, a label out of range, or a dtype other
// than Float64 and Float32. For Float32 the values must be float32 values.
func Encode(c *cases.Case) (data []byte, ok bool) {
	C := len(c.Logits)
	if C == 0 || C > MaxC || len(c.H) != C || c.Label < 0 || c.Label >= C {
		return nil, false
	}
	var hdr byte
	switch c.DType {
	case cases.Float64:
	case cases.Float32:
		hdr = 1
	default:
		return nil, false
	}
	hdr |= logitsRaw<<1 | hRaw<<4
	data = []byte{hdr, byte(C - 1), byte(c.Label), 0, 0}
	dt32 := c.DType == cases.Float32
	for _, vs := range [][]float64{c.Logits, c.H} {
		for _, v := range vs {
			data = append(data, kindRaw)
			if dt32 {
				if !cases.IsFloat32(v) {
					return nil, false
				}
				data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(v)))
			} else {
				data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
			}
		}
	}
	return data, true
}

// lossWeights are the loss_weight values DecodeBatch draws from.
var lossWeights = [...]float64{1, 0, 0.5, -2, 3, 0x1p-30, 1e-300, 1e300}

// DecodeBatch reads data as a batch: the case of Decode, then one byte of
// shape and options and one label byte per position:
//
//	shape byte    bits 0–1 outer − 1 (mod 3), bits 2–3 inner − 1 (mod 3),
//	              bits 4–5 normalization, bit 6 has ignore_label,
//	              bit 7 ignore_label = −1 (else C)
//	weight byte   loss_weight = lossWeights[byte mod 8]
//	label bytes   position 0 keeps the case's label; position q gets
//	              byte mod (C+1), where C means the ignore label when
//	              enabled and 0 otherwise
//
// Position q holds the case's logits rotated by q classes, in Caffe's
// layout; row r of H is the case's row rotated by r − label, so that
// H[label,:] is the case's h. Like Decode, every []byte decodes and the
// batch need not be valid.
func DecodeBatch(data []byte) cases.Batch {
	r := &reader{b: data}
	c := decodeCase(r)
	C := len(c.Logits)
	shape := r.byte()
	b := cases.Batch{
		DType: c.DType,
		Outer: 1 + int(shape&3)%3,
		C:     C,
		Inner: 1 + int(shape>>2&3)%3,
		Opts: cases.Options{
			HasIgnoreLabel: shape&0x40 != 0,
			IgnoreLabel:    C,
			Normalization:  cases.Normalization(shape >> 4 & 3),
			LossWeight:     lossWeights[int(r.byte())%len(lossWeights)],
		},
	}
	if shape&0x80 != 0 {
		b.Opts.IgnoreLabel = -1
	}
	n := b.Outer * b.Inner
	b.Logits = make([]float64, b.Outer*C*b.Inner)
	b.Labels = make([]int, n)
	for q := 0; q < n; q++ {
		o, i := q/b.Inner, q%b.Inner
		for j := 0; j < C; j++ {
			b.Logits[(o*C+j)*b.Inner+i] = c.Logits[(j+q)%C]
		}
		if q == 0 {
			b.Labels[q] = c.Label
			continue
		}
		l := int(r.byte()) % (C + 1)
		if l == C {
			l = 0
			if b.Opts.HasIgnoreLabel {
				l = b.Opts.IgnoreLabel
			}
		}
		b.Labels[q] = l
	}
	b.H = make([]float64, C*C)
	for row := 0; row < C; row++ {
		for j := 0; j < C; j++ {
			b.H[row*C+j] = c.H[((j-(row-c.Label))%C+C)%C]
		}
	}
	return b
}
