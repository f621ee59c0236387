package cases

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

var dtypes = []DType{Float64, Float32}

// genN is the number of cases per family and dtype in the invariant tests:
// enough to hit every kind (the families cycle through at most 4 kinds).
func genN(family string) int {
	switch {
	case family == "many-classes":
		return 3 // up to 1e5 classes each
	case testing.Short():
		return 12
	}
	return 60
}

func TestFamilyNamesAreStable(t *testing.T) {
	// The names are part of every generated id and of committed reports:
	// renaming or reordering one is a visible, deliberate change here.
	want := []string{"moderate", "wide", "huge", "tiny-diff", "dominant", "shared-offset",
		"many-classes", "h-identity", "h-smoothing", "h-weights", "h-dense", "h-sparse",
		"h-rowsum", "h-zero", "h-signed", "h-huge", "masked", "nonfinite"}
	if got := FamilyNames(); !slices.Equal(got, want) {
		t.Errorf("FamilyNames() = %v\nwant %v", got, want)
	}
	for _, f := range Families() {
		if !strings.Contains(f.Doc, "Provokes") {
			t.Errorf("family %s: Doc must say which failure class it provokes: %q", f.Name, f.Doc)
		}
		if f.Gen == nil {
			t.Errorf("family %s: no generator", f.Name)
		}
	}
}

func TestGenerateIsDeterministicAndValid(t *testing.T) {
	for _, name := range FamilyNames() {
		for _, dt := range dtypes {
			n := genN(name)
			a, err := Generate(name, 7, dt, n)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Generate(name, 7, dt, n)
			other, _ := Generate(name, 8, dt, n)
			if len(a) != n {
				t.Fatalf("%s %s: %d cases, want %d", name, dt, len(a), n)
			}
			differs := false
			for i := range a {
				if err := a[i].Validate(); err != nil {
					t.Errorf("%s: invalid: %v", a[i].ID, err)
				}
				if want := fmt.Sprintf("%s/%04d", name, i); a[i].ID != want || a[i].Family != name || a[i].DType != dt {
					t.Errorf("case %d: id %q family %q dtype %q, want %q %q %q", i, a[i].ID, a[i].Family, a[i].DType, want, name, dt)
				}
				if d := diffCases(&a[i], &b[i]); d != "" {
					t.Errorf("%s %s: same seed, different case: %s", a[i].ID, dt, d)
				}
				differs = differs || diffCases(&a[i], &other[i]) != ""
			}
			if !differs {
				t.Errorf("%s %s: seeds 7 and 8 give the same cases", name, dt)
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, tt := range []struct {
		family string
		dt     DType
		n      int
		why    string
	}{
		{"no-such-family", Float64, 1, "unknown family"},
		{"moderate", "float16", 1, "unknown dtype"},
		{"moderate", Float64, -1, "negative count"},
	} {
		if _, err := Generate(tt.family, 1, tt.dt, tt.n); err == nil {
			t.Errorf("%s: Generate(%q, 1, %q, %d) gave no error", tt.why, tt.family, tt.dt, tt.n)
		}
	}
	if cs, err := Generate("moderate", 1, Float64, 0); err != nil || len(cs) != 0 {
		t.Errorf("n = 0: %v, %v; want no cases and no error", cs, err)
	}
}

// Helpers for the invariants.

func maxMin(x []float64) (hi, lo float64) {
	hi, lo = math.Inf(-1), math.Inf(1)
	for _, v := range x {
		hi, lo = math.Max(hi, v), math.Min(lo, v)
	}
	return hi, lo
}

func count(x []float64, pred func(float64) bool) int {
	n := 0
	for _, v := range x {
		if pred(v) {
			n++
		}
	}
	return n
}

func sum(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s
}

// ulpOf is the spacing of the dtype's values at |v|.
func ulpOf(v float64, dt DType) float64 {
	v = math.Abs(v)
	if dt == Float32 {
		f := float32(v)
		return float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
	}
	return math.Nextafter(v, math.Inf(1)) - v
}

func allFinite(x []float64) bool {
	return count(x, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) == 0
}

func isOneHot(h []float64, l int) bool {
	return h[l] == 1 && count(h, func(v float64) bool { return v != 0 }) == 1
}

// familyInvariants says what each family promises about its cases; the
// check returns "" or what is wrong. A generator change that stops
// provoking its failure class fails here.
var familyInvariants = []struct {
	family string
	check  func(i int, c *Case) string
	why    string
}{
	{"moderate", func(i int, c *Case) string {
		if hi, lo := maxMin(c.Logits); hi > 16 || lo < -16 || !allFinite(c.Logits) {
			return fmt.Sprintf("logits in [%v, %v], want within ±16", lo, hi)
		}
		return ""
	}, "moderate means finite logits within ±16"},
	{"wide", func(i int, c *Case) string {
		hi, lo := maxMin(c.Logits)
		if spread := hi - lo; spread < 1e2*(1-1e-6) || spread > 1e5 {
			return fmt.Sprintf("spread %v, want in [1e2, 1e5]", spread)
		}
		return ""
	}, "the spread is the family's parameter"},
	{"huge", func(i int, c *Case) string {
		L := limitsOf(c.DType)
		hi, lo := maxMin(c.Logits)
		switch i % 4 {
		case 0:
			if !(hi > 0 && lo < 0 && float64(hi-lo) > L.max) {
				return fmt.Sprintf("max %v − min %v must overflow", hi, lo)
			}
		case 1:
			if lo < L.expOver-2.01 || hi > L.expOver+2.01 {
				return fmt.Sprintf("logits in [%v, %v], want around %v", lo, hi, L.expOver)
			}
		case 2:
			for _, v := range c.Logits {
				if d := v - hi; d != 0 && (d < L.expUnder-8.01 || d > L.expUnder+8.01) {
					return fmt.Sprintf("x − m = %v, want around %v", d, L.expUnder)
				}
			}
		case 3:
			if count(c.Logits, func(v float64) bool { return math.Abs(v) < L.huge/2 }) > 0 {
				return "a logit below huge/2 in magnitude"
			}
		}
		return ""
	}, "each kind sits at its threshold: x − m overflow, exp overflow, exp underflow, huge magnitudes"},
	{"tiny-diff", func(i int, c *Case) string {
		hi, lo := maxMin(c.Logits)
		switch i % 4 {
		case 0:
			if hi != lo {
				return "kind 0 must be exact ties"
			}
		case 1:
			if hi == lo || hi-lo > 4*ulpOf(hi, c.DType)*1.0000001 {
				return fmt.Sprintf("spread %v ulps, want 1 to 4", (hi-lo)/ulpOf(hi, c.DType))
			}
		default:
			tiny := 0x1p-1022
			if c.DType == Float32 {
				tiny = 0x1p-126
			}
			if math.Abs(hi) >= tiny || math.Abs(lo) >= tiny {
				return fmt.Sprintf("logits in [%v, %v], want subnormal or zero", lo, hi)
			}
		}
		return ""
	}, "ties, a few ulps, subnormals"},
	{"dominant", func(i int, c *Case) string {
		if i == 0 {
			want := Case{Logits: []float64{float64(float32(37.42994775023705)), 0}, H: []float64{1, 0}}
			if c.DType == Float64 {
				want.Logits[0] = 37.42994775023705
			}
			if c.Label != 0 || !slices.Equal(c.Logits, want.Logits) || !slices.Equal(c.H, want.H) {
				return fmt.Sprintf("case 0 is %v %v %d, want the [37.42994775023705, 0] seed", c.Logits, c.H, c.Label)
			}
			return ""
		}
		hi, _ := maxMin(c.Logits)
		tops := count(c.Logits, func(v float64) bool { return v == hi })
		second := math.Inf(-1)
		for _, v := range c.Logits {
			if v != hi {
				second = math.Max(second, v)
			}
		}
		if tops < 1 || tops > 2 || hi-second < 50 || hi-second > 2008 {
			return fmt.Sprintf("%d top logits, gap %v; want 1 or 2, gap 50..2000 (+ the rest's 8)", tops, hi-second)
		}
		return ""
	}, "one or two dominant logits 50..2000 above the rest"},
	{"shared-offset", func(i int, c *Case) string {
		hi, lo := maxMin(c.Logits)
		mag := math.Max(math.Abs(hi), math.Abs(lo))
		if math.Min(math.Abs(hi), math.Abs(lo)) < 1e4*(1-1e-6) || mag > 1e16 {
			return fmt.Sprintf("offset %v, want magnitude 1e4..1e16", hi)
		}
		if hi-lo > 6+2*ulpOf(mag, c.DType) {
			return fmt.Sprintf("spread %v, want at most 6 plus rounding", hi-lo)
		}
		return ""
	}, "near-uniform logits at a large shared offset"},
	{"many-classes", func(i int, c *Case) string {
		if c.C() < 1000 || c.C() >= 100000 {
			return fmt.Sprintf("C = %d, want 1e3..1e5", c.C())
		}
		return ""
	}, "C is the family's parameter"},
	{"h-identity", func(i int, c *Case) string {
		if !isOneHot(c.H, c.Label) {
			return fmt.Sprintf("h = %v, want e_%d", c.H, c.Label)
		}
		return ""
	}, "H = I"},
	{"h-smoothing", func(i int, c *Case) string {
		off := c.H[(c.Label+1)%c.C()]
		for j, v := range c.H {
			if j != c.Label && v != off {
				return fmt.Sprintf("h = %v: off-label entries differ", c.H)
			}
		}
		if s := sum(c.H); off <= 0 || math.Abs(s-1) > 1e-5 {
			return fmt.Sprintf("h = %v: sum %v, off-label %v; want sum 1, off-label > 0", c.H, s, off)
		}
		return ""
	}, "(1−ε)e_l + ε/C, ε > 0"},
	{"h-weights", func(i int, c *Case) string {
		w := c.H[c.Label]
		if count(c.H, func(v float64) bool { return v != 0 }) != 1 || w < 1e-3 || w >= 1e3 {
			return fmt.Sprintf("h = %v, want w·e_l with w in [1e-3, 1e3)", c.H)
		}
		return ""
	}, "diag(w)"},
	{"h-dense", func(i int, c *Case) string {
		if c.H[c.Label] != 1 || count(c.H, func(v float64) bool { return v <= 0 || v > 1 }) > 0 {
			return fmt.Sprintf("h = %v, want entries in (0, 1], 1 on the label", c.H)
		}
		return ""
	}, "dense similarities"},
	{"h-sparse", func(i int, c *Case) string {
		nz := count(c.H, func(v float64) bool { return v != 0 })
		if c.H[c.Label] != 1 || nz < 2 || nz > 4 {
			return fmt.Sprintf("h = %v, want the label and 1 to 3 others", c.H)
		}
		return ""
	}, "few non-zeros"},
	{"h-rowsum", func(i int, c *Case) string {
		if s := sum(c.H); s < 1e-30*(1-1e-5) || s > 1e15*(1+1e-5) || count(c.H, func(v float64) bool { return v < 0 }) > 0 {
			return fmt.Sprintf("S = %v, want 1e-30..1e15 and h ≥ 0", s)
		}
		return ""
	}, "the row sum is the family's parameter"},
	{"h-zero", func(i int, c *Case) string {
		if count(c.H, func(v float64) bool { return v != 0 }) > 0 {
			return fmt.Sprintf("h = %v, want zeros", c.H)
		}
		return ""
	}, "zero rows"},
	{"h-signed", func(i int, c *Case) string {
		if count(c.H, func(v float64) bool { return v < 0 }) == 0 {
			return fmt.Sprintf("h = %v has no negative entry", c.H)
		}
		return ""
	}, "signed rows"},
	{"h-huge", func(i int, c *Case) string {
		var s float64
		if c.DType == Float32 {
			var s32 float32
			for _, v := range c.H {
				s32 += float32(v)
			}
			s = float64(s32)
		} else {
			s = sum(c.H)
		}
		if !math.IsInf(s, 1) || !allFinite(c.H) || c.H[c.Label] == 0 {
			return fmt.Sprintf("S = %v, want +Inf in the dtype with finite entries, h_l > 0", s)
		}
		return ""
	}, "the row sum overflows"},
	{"masked", func(i int, c *Case) string {
		masked := 0
		for j, v := range c.Logits {
			if math.IsInf(v, -1) {
				masked++
				if c.H[j] != 0 {
					return fmt.Sprintf("h[%d] = %v on a −Inf logit", j, c.H[j])
				}
			}
		}
		if masked == 0 || masked == c.C() || math.IsInf(c.Logits[c.Label], -1) {
			return fmt.Sprintf("%d of %d masked, label logit %v", masked, c.C(), c.Logits[c.Label])
		}
		return ""
	}, "−Inf logits under h = 0 only"},
	{"nonfinite", func(i int, c *Case) string {
		x := c.Logits
		ok := false
		switch i % 4 {
		case 0:
			ok = count(x, math.IsNaN) == 1
		case 1:
			ok = count(x, func(v float64) bool { return math.IsInf(v, 1) }) == 1
		case 2:
			ok = count(x, func(v float64) bool { return math.IsInf(v, -1) }) == len(x)
		default:
			ok = math.IsInf(x[c.Label], -1) && c.H[c.Label] > 0
		}
		if !ok {
			return fmt.Sprintf("kind %d: logits %v h %v label %d", i%4, x, c.H, c.Label)
		}
		return ""
	}, "NaN, +Inf, all −Inf, −Inf under h > 0"},
}

// invariantSeeds is how many seeds TestFamilyInvariants sweeps (the
// many-classes family: 3).
func invariantSeeds(family string) uint64 {
	switch {
	case family == "many-classes":
		return 3
	case testing.Short():
		return 3
	}
	return 30
}

func TestFamilyInvariants(t *testing.T) {
	checked := map[string]bool{}
	for _, tt := range familyInvariants {
		checked[tt.family] = true
		for _, dt := range dtypes {
			for seed := uint64(1); seed <= invariantSeeds(tt.family); seed++ {
				cs, err := Generate(tt.family, seed, dt, genN(tt.family))
				if err != nil {
					t.Fatal(err)
				}
				for i := range cs {
					if d := tt.check(i, &cs[i]); d != "" {
						t.Errorf("%s (%s, seed %d): %s [%s]", cs[i].ID, dt, seed, d, tt.why)
					}
				}
			}
		}
	}
	for _, name := range FamilyNames() {
		if !checked[name] {
			t.Errorf("family %s has no invariant", name)
		}
	}
}

func TestSeedTable(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Seeds() {
		if names[s.Name] {
			t.Errorf("seed %s: duplicate name", s.Name)
		}
		names[s.Name] = true
		if err := s.Case.Validate(); err != nil {
			t.Errorf("seed %s: %v", s.Name, err)
		}
		if s.Why == "" || s.Case.ID != "seed/"+s.Name {
			t.Errorf("seed %s: why %q, id %q", s.Name, s.Why, s.Case.ID)
		}
	}
	// The rows the issue names.
	for _, name := range []string{"dominant-37", "f32-1e8-x3", "masked-neginf",
		"huge-opposite-label-min", "h-sum-overflow", "clamp-100"} {
		if !names[name] {
			t.Errorf("seed table lacks %s", name)
		}
	}
	if got := SeedCases(); len(got) != len(Seeds()) || got[0].ID != Seeds()[0].Case.ID {
		t.Errorf("SeedCases does not follow Seeds")
	}
}

func ExampleGenerate() {
	cs, err := Generate("dominant", 1, Float64, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(cs[0].ID, cs[0].Logits, cs[0].H, cs[0].Label)
	fmt.Println(cs[1].ID, len(cs[1].Logits))
	// Output:
	// dominant/0000 [37.42994775023705 0] [1 0] 0
	// dominant/0001 2
}
