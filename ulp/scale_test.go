package ulp

import (
	"bufio"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"strconv"
	"testing"
)

// goldenScale is one row of testdata/scales.jsonl: exact scales, loss and
// gradient computed from the definitions at 4000 bits with mpmath by
// testdata/gen_scales.py (the command is in its header).
type goldenScale struct {
	Why   string    `json:"why"`
	DType string    `json:"dtype"`
	X     []string  `json:"x"`
	H     []string  `json:"h"`
	D     string    `json:"D"`
	L     *string   `json:"L"`
	G     []string  `json:"G"`
	Grad  []string  `json:"g"`
	x, h  []float64 // parsed
}

func loadGolden(t *testing.T) []goldenScale {
	t.Helper()
	f, err := os.Open("testdata/scales.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []goldenScale
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r goldenScale
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		r.x, r.h = parseFloats(t, r.X), parseFloats(t, r.H)
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 20 {
		t.Fatalf("only %d golden rows: testdata/scales.jsonl truncated?", len(rows))
	}
	return rows
}

func parseFloats(t *testing.T, ss []string) []float64 {
	t.Helper()
	out := make([]float64, len(ss))
	for i, s := range ss {
		v, err := strconv.ParseFloat(s, 64) // Python repr: shortest round trip, exact
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	return out
}

func parseBig(t *testing.T, s string) *big.Float {
	t.Helper()
	v, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func (r *goldenScale) unit() float64 {
	if r.DType == "float32" {
		return U32
	}
	return U64
}

func xfBig(a xf) *big.Float {
	return new(big.Float).SetPrec(256).SetMantExp(big.NewFloat(a.f), a.e)
}

// denOf returns u·scale + η exactly (at 256 bits) from a golden scale.
func denOf(t *testing.T, scale string, u float64) *big.Float {
	d := parseBig(t, scale)
	d.Mul(d, big.NewFloat(u))
	return d.Add(d, big.NewFloat(floorOf(u)))
}

// relDiff returns |got − want| / want for want > 0.
func relDiff(got, want *big.Float) float64 {
	d := new(big.Float).SetPrec(256).Sub(got, want)
	d.Quo(d.Abs(d), want)
	r, _ := d.Float64()
	return r
}

func TestDenominatorsAgainstMpmath(t *testing.T) {
	for _, r := range loadGolden(t) {
		u := r.unit()
		den, ok := lossDen(r.x, r.h, u)
		if r.D == "inf" {
			if ok {
				t.Errorf("%s: lossDen ok = true, want false (infinite scale)", r.Why)
			}
		} else if !ok {
			t.Errorf("%s: lossDen ok = false", r.Why)
		} else if e := relDiff(xfBig(den), denOf(t, r.D, u)); !(e <= ScaledRelErr) {
			t.Errorf("%s: loss denominator %v·2^%d off by %.3g relative (limit %g)", r.Why, den.f, den.e, e, ScaledRelErr)
		}
		dens := make([]xf, len(r.x))
		if !gradDens(dens, r.x, r.h, u) {
			t.Errorf("%s: gradDens ok = false", r.Why)
			continue
		}
		for j, g := range r.G {
			if e := relDiff(xfBig(dens[j]), denOf(t, g, u)); !(e <= ScaledRelErr) {
				t.Errorf("%s: gradient denominator %d: %v·2^%d off by %.3g relative (limit %g)",
					r.Why, j, dens[j].f, dens[j].e, e, ScaledRelErr)
			}
		}
	}
}

// roundTo rounds an exact value to the case's type, correctly (big.Float
// rounds subnormals directly, no double rounding), and returns the
// neighbour one step away from zero, both as float64.
func roundTo(t *testing.T, s *string, dt32 bool) (want, next float64) {
	if s == nil {
		return math.NaN(), math.NaN()
	}
	v := parseBig(t, *s)
	if dt32 {
		w, _ := v.Float32()
		return float64(w), float64(math.Nextafter32(w, float32(math.Copysign(math.Inf(1), float64(w)))))
	}
	w, _ := v.Float64()
	return w, math.Nextafter(w, math.Copysign(math.Inf(1), w))
}

// TestScaledAgainstMpmath checks the exported metrics end to end: want is
// the correctly rounded exact value, got its neighbour away from zero, and
// the expected score |got − want| / (u·scale + η) uses the exact scale.
func TestScaledAgainstMpmath(t *testing.T) {
	for _, r := range loadGolden(t) {
		u := r.unit()
		dt32 := r.DType == "float32"
		if want, got := roundTo(t, r.L, dt32); r.L != nil && !math.IsInf(want, 0) {
			// (An exact loss that overflows the type is a special case, tested apart.)
			score := LossScaled(got, want, r.x, r.h, u)
			if exp := exactScore(t, got, want, r.D, u); !(relDiff(big.NewFloat(score), exp) <= ScaledRelErr) {
				t.Errorf("%s: LossScaled(%v, %v) = %v, want %v (exact scale)", r.Why, got, want, score, exp)
			}
		}
		n := len(r.x)
		got, want := make([]float64, n), make([]float64, n)
		for j := range r.Grad {
			want[j], got[j] = roundTo(t, &r.Grad[j], dt32)
		}
		each := GradScaledEach(make([]float64, n), got, want, r.x, r.h, u)
		for j := range n {
			if exp := exactScore(t, got[j], want[j], r.G[j], u); !(relDiff(big.NewFloat(each[j]), exp) <= ScaledRelErr) {
				t.Errorf("%s: GradScaledEach[%d] = %v, want %v (exact scale)", r.Why, j, each[j], exp)
			}
		}
	}
}

func exactScore(t *testing.T, got, want float64, scale string, u float64) *big.Float {
	exp := new(big.Float).SetPrec(256).Sub(big.NewFloat(got), big.NewFloat(want))
	return exp.Quo(exp.Abs(exp), denOf(t, scale, u))
}
