package fused_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/fused"
)

// goldenHashes are SHA-256 digests of every output bit (loss and gradient,
// IEEE bits) of Loss and BatchLoss over the inputs of goldenGroups. They
// were recorded by the code of commit fa622c4 (before the issue 11 item 4
// refactor of the fast/slow/exact router, and before the issue 15 speed
// work) with `go test ./fused -run Golden -v` (the test logs the digests it
// computes). They are not a statement of accuracy (TestAccuracyAgainstRef
// and TestHardCases are): they pin that a refactor or a faster loop changes
// no output bit, in either build (pure Go or GOEXPERIMENT=simd).
var goldenHashes = map[string]string{
	"families": "698fb62314fabc8fdf3cd711b0c4ceb645b78d67f21856dc8ebfa5278409675b",
	"hard":     "98778d740cfdcfbc45a4d8caa263009ae485cf73a2e0cb0bddf31136d8bb8a02",
	"random":   "4b573d891bf8f2b7ecf50859c64a8d14926e77e995f20711fb20013331a49018",
	"batch":    "9e8662bff3ab80d5638309ad70f2cc0f2e80cbe29bbe99bb4228b67b64539e1a",
}

// goldenGroups are the inputs: every family of cases (of fa622c4) at the gate size of
// reports (40 cases per family and dtype) for seeds 1–3; the hand-made rows
// of hard_test.go in both dtypes; random rows built to reach every branch
// of the router (signed, huge, tiny and zero h, wide and huge logits, −Inf,
// NaN and +Inf logits, C from 1 to 40); and Caffe batches through
// BatchLoss (strided and not, ignored labels, every normalization).
var goldenGroups = []struct {
	name string
	run  func(t *testing.T, w hash.Hash)
}{
	{"families", goldenFamilies},
	{"hard", goldenHard},
	{"random", goldenRandom},
	{"batch", goldenBatch},
}

func TestGoldenOutputs(t *testing.T) {
	for _, g := range goldenGroups {
		w := sha256.New()
		g.run(t, w)
		got := hex.EncodeToString(w.Sum(nil))
		t.Logf("%q: %q,", g.name, got)
		if want := goldenHashes[g.name]; got != want {
			t.Errorf("%s: outputs digest %s, want %s (recorded from commit fa622c4): some output bit changed", g.name, got, want)
		}
	}
}

func put64(w hash.Hash, v float64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
	w.Write(b[:])
}

func put32(w hash.Hash, v float32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
	w.Write(b[:])
}

// goldenRow hashes Loss's outputs on one row in dtype dt.
func goldenRow(w hash.Hash, dt cases.DType, x, h []float64) {
	if dt == cases.Float32 {
		g := make([]float32, len(x))
		put32(w, fused.Loss(g, narrow(x), narrow(h)))
		for _, v := range g {
			put32(w, v)
		}
		return
	}
	g := make([]float64, len(x))
	put64(w, fused.Loss(g, x, h))
	for _, v := range g {
		put64(w, v)
	}
}

// goldenFamilyNames are the families of commit fa622c4, when the digest
// was recorded; a family added later (h-tree) would change the digest
// without any output of an existing input changing.
var goldenFamilyNames = []string{"moderate", "wide", "huge", "tiny-diff", "dominant", "shared-offset", "many-classes",
	"h-identity", "h-smoothing", "h-weights", "h-dense", "h-sparse", "h-rowsum", "h-zero", "h-signed", "h-huge",
	"masked", "nonfinite"}

func goldenFamilies(t *testing.T, w hash.Hash) {
	for seed := uint64(1); seed <= 3; seed++ {
		for _, fam := range goldenFamilyNames {
			for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
				cs, err := cases.Generate(fam, seed, dt, 40)
				if err != nil {
					t.Fatal(err)
				}
				for i := range cs {
					goldenRow(w, dt, cs[i].Logits, cs[i].H)
				}
			}
		}
	}
}

func goldenHard(t *testing.T, w hash.Hash) {
	for _, hc := range hardCases {
		goldenRow(w, cases.Float64, hc.x, hc.h)
		// Every row in float32 too, its values rounded (overflowing ones
		// become ±Inf: valid logits, and h rows Loss still answers).
		goldenRow(w, cases.Float32, hc.x, hc.h)
	}
}

// goldenRandom draws rows whose scales reach every path: logits with
// spreads from 2^-60 to 2^1020, some −Inf (masked), rarely NaN or +Inf;
// h non-negative, signed, zero, concentrated, tiny (2^-1000) or huge
// (2^1000).
func goldenRandom(t *testing.T, w hash.Hash) {
	r := rand.New(rand.NewPCG(11, 4))
	pow := func(lo, hi int) float64 { return math.Ldexp(1, lo+r.IntN(hi-lo+1)) }
	for i := 0; i < 6000; i++ {
		c := 1 + r.IntN(40)
		if i%50 == 0 {
			c = 1 + r.IntN(300)
		}
		x := make([]float64, c)
		h := make([]float64, c)
		spread := pow(-60, 12)
		switch r.IntN(6) {
		case 0:
			spread = pow(8, 1020)
		case 1:
			spread = pow(8, 11) // widths around 700
		}
		off := 0.0
		if r.IntN(4) == 0 {
			off = pow(0, 1020) * float64(1-2*r.IntN(2))
		}
		for j := range x {
			x[j] = off + spread*(2*r.Float64()-1)
			if math.IsInf(x[j], 0) {
				x[j] = off
			}
			switch r.IntN(40) {
			case 0:
				x[j] = math.Inf(-1)
			case 1:
				if r.IntN(10) == 0 {
					x[j] = math.NaN()
				}
			case 2:
				if r.IntN(10) == 0 {
					x[j] = math.Inf(1)
				}
			case 3:
				x[j] = off // ties
			}
		}
		hs := pow(-8, 8)
		switch r.IntN(8) {
		case 0:
			hs = pow(-1074, -400)
		case 1:
			hs = pow(400, 1023)
		}
		mode := r.IntN(5)
		for j := range h {
			switch mode {
			case 0: // non-negative
				h[j] = hs * r.Float64()
			case 1: // signed
				h[j] = hs * (2*r.Float64() - 1)
			case 2: // sparse
				if r.IntN(4) == 0 {
					h[j] = hs * r.Float64()
				}
			case 3: // concentrated with tiny others
				h[j] = hs * r.Float64() * 0x1p-40
			case 4: // cancelling pairs
				h[j] = hs * float64(1-2*(j&1))
			}
		}
		if mode == 3 {
			h[r.IntN(c)] = hs
		}
		if mode == 4 && r.IntN(2) == 0 {
			h[r.IntN(c)] += hs * 0x1p-30
		}
		goldenRow(w, cases.Float64, x, h)
		goldenRow(w, cases.Float32, x, h)
	}
}

func goldenBatch(t *testing.T, w hash.Hash) {
	r := rand.New(rand.NewPCG(12, 5))
	for i := 0; i < 200; i++ {
		outer, c, inner := 1+r.IntN(40), 1+r.IntN(30), 1
		if i%3 == 0 {
			inner = 1 + r.IntN(4)
		}
		x := make([]float64, outer*c*inner)
		for j := range x {
			x[j] = 16*r.Float64() - 8
			if r.IntN(50) == 0 {
				x[j] = math.Inf(-1)
			}
		}
		H := make([]float64, c*c)
		for j := range H {
			if r.IntN(2) == 0 {
				H[j] = r.Float64()
			}
			if i%7 == 0 && r.IntN(5) == 0 {
				H[j] = -r.Float64()
			}
		}
		labels := make([]int, outer*inner)
		opt := fused.BatchOptions{Normalization: r.IntN(4), LossWeight: 0.5 + r.Float64()}
		if r.IntN(2) == 0 {
			opt.HasIgnoreLabel, opt.IgnoreLabel = true, -1
		}
		for j := range labels {
			labels[j] = r.IntN(c)
			if opt.HasIgnoreLabel && r.IntN(8) == 0 {
				labels[j] = -1
			}
		}
		g := make([]float64, len(x))
		put64(w, fused.BatchLoss(g, x, labels, H, outer, c, inner, opt))
		for _, v := range g {
			put64(w, v)
		}
		g32 := make([]float32, len(x))
		put32(w, fused.BatchLoss(g32, narrow(x), labels, narrow(H), outer, c, inner, opt))
		for _, v := range g32 {
			put32(w, v)
		}
	}
}
