package ref

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// The golden tables are made by scripts/gen_ref_tables.py with Debian's
// python3-mpmath (the command is in each table's first line). They are the
// independent oracle: mpmath's exp/log/log1p, exact Fractions for the exact
// parts and the script's own round-to-nearest-even.

// jfloat decodes a JSON number or one of "inf", "-inf", "nan".
type jfloat float64

func (f *jfloat) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		switch s {
		case "inf":
			*f = jfloat(math.Inf(1))
		case "-inf":
			*f = jfloat(math.Inf(-1))
		case "nan":
			*f = jfloat(math.NaN())
		default:
			return fmt.Errorf("bad float string %q", s)
		}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jfloat(v)
	return nil
}

type tableRow struct {
	ID     string   `json:"id"`
	Family string   `json:"family"`
	DType  string   `json:"dtype"`
	Label  int      `json:"label"`
	Logits []jfloat `json:"logits"`
	H      []jfloat `json:"h"`
	Loss   string   `json:"loss"`
	Grad   []string `json:"grad"`
}

// readTable decodes a gzipped JSON-lines table into rows of type T,
// skipping the header line.
func readTable[T any](t testing.TB, name string) []T {
	t.Helper()
	fh, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var rows []T
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// parseBits decodes the table's hex bit pattern of a float64 or float32;
// every NaN is written as one pattern and compared as "is NaN".
func parseBits(s, dtype string) float64 {
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		panic(err)
	}
	if dtype == "float32" {
		return float64(math.Float32frombits(uint32(u)))
	}
	return math.Float64frombits(u)
}

// sameOutput compares bit for bit (±0 distinct), NaN equal to NaN.
func sameOutput(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Float64bits(got) == math.Float64bits(want)
}

// evalRow evaluates a table row with Eval64 or Eval32, widened to float64.
func evalRow(r *tableRow) (float64, []float64, Cert) {
	C := len(r.Logits)
	if r.DType == "float32" {
		x, h, g := make([]float32, C), make([]float32, C), make([]float32, C)
		for j := range x {
			x[j], h[j] = float32(r.Logits[j]), float32(r.H[j])
		}
		loss, cert := Eval32(g, x, h)
		out := make([]float64, C)
		for j, v := range g {
			out[j] = float64(v)
		}
		return float64(loss), out, cert
	}
	x, h, g := make([]float64, C), make([]float64, C), make([]float64, C)
	for j := range x {
		x[j], h[j] = float64(r.Logits[j]), float64(r.H[j])
	}
	loss, cert := Eval64(g, x, h)
	return loss, g, cert
}

// TestTableRows is the acceptance check: 0 misrounded outputs (loss
// and every gradient entry, float64 and float32) against mpmath on every
// row of every family, and never Uncertified.
func TestTableRows(t *testing.T) {
	rows := readTable[tableRow](t, "rows.jsonl.gz")
	if len(rows) < 2000 {
		t.Fatalf("only %d rows in the table, want ≥ 2000", len(rows))
	}
	before := ReadStats()
	families := map[string]int{}
	slowByFamily := map[string]int{}
	outputs, bad := 0, 0
	for i := range rows {
		r := &rows[i]
		if testing.Short() && len(r.Logits) > 20000 {
			continue
		}
		families[r.Family]++
		fastBefore := ReadStats().FastRows
		loss, grad, cert := evalRow(r)
		if ReadStats().FastRows == fastBefore {
			slowByFamily[r.Family]++
		}
		if cert.Kind == Uncertified {
			t.Errorf("%s: %v", r.ID, cert)
		}
		outputs += 1 + len(grad)
		if want := parseBits(r.Loss, r.DType); !sameOutput(loss, want) {
			bad++
			t.Errorf("%s: loss = %v (%x), want %v (%x)", r.ID, loss, loss, want, want)
		}
		for j, g := range grad {
			if want := parseBits(r.Grad[j], r.DType); !sameOutput(g, want) {
				bad++
				if bad < 50 {
					t.Errorf("%s: grad[%d] = %v (%x), want %v (%x)", r.ID, j, g, g, want, want)
				}
			}
		}
	}
	after := ReadStats()
	rowsRun := after.Rows - before.Rows
	fast := after.FastRows - before.FastRows
	t.Logf("%d rows, %d outputs, %d misrounded; fast path settled %d of %d rows (%.1f%%), %d trivial; families %v",
		rowsRun, outputs, bad, fast, rowsRun, 100*float64(fast)/float64(rowsRun), after.Trivial-before.Trivial, families)
	t.Logf("rows not settled by the fast path, by family: %v", slowByFamily)
	for _, fam := range []string{"moderate", "wide", "huge", "tiny", "dominant", "offset", "many", "hrow", "masked", "nonfinite",
		"ties", "zerograd", "smallloss", "overflow", "soverflow"} {
		if families[fam] == 0 {
			t.Errorf("family %q has no rows in the table", fam)
		}
	}
}
