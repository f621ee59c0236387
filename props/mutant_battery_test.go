package props

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls/builtin"
)

// TestMutantBattery is the battery layer of mutation/layers (issue #17): in
// a copy of the module whose fused carries one mutant, it runs the whole
// battery on the registered fused, as `infogain check` would, prints one
// PROPERTY-FAILED line per failing property and fails if any does. Outside
// that driver (MUTANT_BATTERY unset) it is skipped: TestBattery already
// runs the battery on the unmutated fused.
func TestMutantBattery(t *testing.T) {
	if os.Getenv("MUTANT_BATTERY") == "" {
		t.Skip("run by mutation/layers with MUTANT_BATTERY=1")
	}
	im, err := builtin.Lookup("fused")
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, r := range Run(im) {
		if !r.Passed {
			failed++
			fmt.Printf("PROPERTY-FAILED %s\n", r.ID)
			t.Log(r.String())
		}
	}
	if failed > 0 {
		t.Fatalf("%d properties failed on the mutated fused", failed)
	}
}

// TestPropertyMatrix runs every property on every deliberately flawed
// variant of broken_test.go (the subjects with a catches list) and prints
// which properties catch which variant, so that a property that never fires
// is visible (issue #17). It checks that each variant is caught by at least
// the properties its catches list names; the rest of the matrix is
// information (a variant may rightly fail more properties than it is meant
// to, e.g. non-finite output also fails the reference).
func TestPropertyMatrix(t *testing.T) {
	ids := IDs()
	fired := map[string][]string{}
	var rows []string
	for _, s := range append(subjects(), extraFlawed()...) {
		if len(s.catches) == 0 {
			continue // the implementations that must pass, and the control
		}
		var caught []string
		for _, r := range Run(s.im, append(batteryOpts(), Tests(ShortTests))...) {
			if !r.Passed {
				caught = append(caught, r.ID)
				fired[r.ID] = append(fired[r.ID], s.im.Name)
			}
		}
		for _, want := range s.catches {
			if !contains(caught, want) {
				t.Errorf("%s: %s did not fire (%s)", s.im.Name, want, s.why)
			}
		}
		rows = append(rows, fmt.Sprintf("%-18s %s", s.im.Name, strings.Join(caught, ", ")))
	}
	var never []string
	for _, id := range ids {
		if len(fired[id]) == 0 {
			never = append(never, id)
		}
	}
	sort.Strings(never)
	t.Logf("flawed variant → properties that fail:\n  %s\nproperties no flawed variant fires: %s",
		strings.Join(rows, "\n  "), strings.Join(never, ", "))
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}

// extraFlawed are flawed variants for the properties no variant of
// broken_test.go fires (batch-layout, batch-loss-weight, no-panic), so that
// TestPropertyMatrix shows each of them catching a flaw of its kind.
func extraFlawed() []subject {
	layout := batchVariant("inner-major-layout", "reads logits as (outer, inner, C)", 0)
	layout.B64 = func(dst []float64, b *cases.Batch) float64 {
		t := *b
		t.Logits = make([]float64, len(b.Logits))
		// Transpose (o, i, j) → (o, j, i): the flaw reads x_j at (o·inner+i)·C+j.
		for o := 0; o < b.Outer; o++ {
			for i := 0; i < b.Inner; i++ {
				for j := 0; j < b.C; j++ {
					t.Logits[(o*b.C+j)*b.Inner+i] = b.Logits[(o*b.Inner+i)*b.C+j]
				}
			}
		}
		return brokenBatch(0)(dst, &t)
	}
	weighted := batchVariant("weight-on-loss", "loss_weight also scales the loss", 0)
	weighted.B64 = func(dst []float64, b *cases.Batch) float64 {
		return brokenBatch(0)(dst, b) * b.Opts.LossWeight
	}
	panicky := perSample("panics-on-nan", "indexes out of range on a NaN logit", func(dst, x, h []float64) float64 {
		for _, v := range x {
			if math.IsNaN(v) {
				return dst[len(dst)] // the flaw: a panic instead of NaN
			}
		}
		return careful(dst, x, h)
	})
	return []subject{
		{layout, []string{IDLayout}, "a fast path that assumes inner = 1 reads the wrong logits when inner > 1"},
		{weighted, []string{IDLossWeight}, "Caffe applies loss_weight to the top diff, i.e. the gradient only"},
		{panicky, []string{IDNoPanic}, "a NaN logit must give NaN, not a panic"},
	}
}

// TestHardRegimeShapes checks that the hard regimes draw valid cases of the
// shapes they exist for; a generator that silently draws something milder
// (or invalid cases, which the properties discard) weakens the battery
// without failing any property. It kills props/gen.go:571:14
// ARITHMETIC_BASE (`C − 1 − r` → `C + 1 − r`: hard-underflow labels out of
// range), props/gen.go:701:16 CONDITIONALS_NEGATION (the far Δ ranges of
// float32 and float64 swapped: float32 overflow-edge rows collapse to one
// class),
// props/gen.go:444:39 ARITHMETIC_BASE (`(0.5+r)·small` → `/small`: the
// entries under the big one become huge) and props/gen.go:512:24
// ARITHMETIC_BASE (`big/2^19` → `big·2^19`: every entry counts as small, so
// the dominant logit lands on a big ±v instead of a small entry).
func TestHardRegimeShapes(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	argmax := func(x []float64) int {
		k := 0
		for j, v := range x {
			if v > x[k] {
				k = j
			}
		}
		return k
	}
	for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
		for _, hr := range hardRegimes {
			for i := 0; i < 200; i++ {
				if c := hr.draw(r, dt); c.Validate() != nil {
					t.Fatalf("%s %s: invalid case (%v): %v %v label %d", dt, hr.name, c.Validate(), c.Logits, c.H, c.Label)
				}
			}
		}
		for i := 0; i < 200; i++ {
			if c := drawOverflowEdge(r, dt); len(c.H) < 3 {
				t.Fatalf("%s overflow-edge: %d classes, want the max class and at least two terms: %v %v", dt, len(c.H), c.Logits, c.H)
			}
		}
		for i := 0; i < 200; i++ {
			c := drawCancelUnderBig(r, dt)
			k := argmax(c.Logits)
			var rest []float64
			restMax := 0.0
			for j, v := range c.H {
				if j != k {
					rest = append(rest, v)
					restMax = math.Max(restMax, math.Abs(v))
				}
			}
			if !(math.Abs(c.H[k]) >= 0x1p18*restMax) {
				t.Fatalf("%s under-big: h_k = %v on the dominant class is not 2^18 above the rest (max %v): %v", dt, c.H[k], restMax, c.H)
			}
			if s := exactSum(rest); restMax > 0 && !(math.Abs(s) <= restMax/16) {
				t.Fatalf("%s under-big: the rest does not cancel: Σ = %v, max %v: %v", dt, s, restMax, c.H)
			}
		}
		smallDominant := 0
		const n = 400
		for i := 0; i < n; i++ {
			c := drawCancelPairs(r, dt)
			hmax := 0.0
			for _, v := range c.H {
				hmax = math.Max(hmax, math.Abs(v))
			}
			if k := argmax(c.Logits); math.Abs(c.H[k]) < hmax/0x1p18 {
				smallDominant++
			}
		}
		// 3/4 of the draws make a small entry's class dominant (a random
		// logit in [−4, 4] may also be the max of the others).
		if smallDominant < n/2 {
			t.Errorf("%s pairs: a small entry's class is dominant in %d of %d draws, want most", dt, smallDominant, n)
		}
	}
}
