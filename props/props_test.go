package props

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
	"github.com/infogain-dev/infogain/naive"
	"github.com/infogain-dev/infogain/peers"
	"github.com/infogain-dev/infogain/ref"
)

// Replay: PROPS_SEED=N go test ./props -run 'TestBattery/IMPL/PROPERTY' -v,
// or -props.seed=N; PROPS_SEED=random or -props.random draw a fresh seed,
// which every failure report prints.
// Heavier runs: -props.tests=N random cases per property.

// subject is an implementation under the battery and the properties that
// must catch its flaw. An empty catches means every property must pass.
type subject struct {
	im      *impls.Impl
	catches []string
	why     string
}

// subjects are the registered implementations (built from their packages
// when the registry does not hold them yet) and the deliberately broken
// variants of broken_test.go.
func subjects() []subject {
	reg := func(name string, build func() *impls.Impl) *impls.Impl {
		if im, err := builtin.Lookup(name); err == nil {
			return im
		}
		return build()
	}
	generic := func(name string, f64 func(dst, x, h []float64) float64, f32 func(dst, x, h []float32) float32) func() *impls.Impl {
		return func() *impls.Impl { return &impls.Impl{Name: name, F64: f64, F32: f32} }
	}
	return []subject{
		{refImpl(), nil, "the reference: every property (trivially against itself)"},
		{reg("fused", func() *impls.Impl { panic("props: fused is not registered") }), nil,
			"the suite's implementation: every property, at its own declared bounds"},
		{reg("naive", generic("naive", naive.Loss[float64], naive.Loss[float32])), []string{IDIdentity},
			"log of a separately rounded softmax (and the 1e-20 clamp): [32, 0] loses its tiny loss 1.27e-14"},
		{reg("caffe", generic("caffe", peers.Caffe[float64], peers.Caffe[float32])), []string{IDIdentity},
			"Caffe after #3855 keeps the forward −Σ h log max(p, 1e-20) over a rounded p"},
		{reg("tf", generic("tf", peers.TF[float64], peers.TF[float32])), []string{IDGradSum},
			"softmax − labels sums to 1 − S"},
		{reg("torch", generic("torch", peers.Torch[float64], peers.Torch[float32])), []string{IDIdentity},
			"log_softmax forms log Σ exp(x − m) with log, not log1p: [32, 0] loses its tiny loss"},
		{reg("lse-at-scale", generic("lse-at-scale", peers.LSEAtScale[float64], peers.LSEAtScale[float32])), []string{IDShift},
			"LSE(x) − x_l at the logits' scale changes with the shift"},
		{reg("gonum-lse", generic("gonum-lse", peers.GonumLSE[float64], peers.GonumLSE[float32])), []string{IDIdentity},
			"floats.LogSumExp uses log, not log1p"},

		{perSample("careful", "the control: careful with no flaw", careful),
			[]string{}, "passes what the broken variants fail (checked in TestControl)"},
		{perSample("no-max-shift", "exp(x_j) without the max shift", withFlaw(flawNoMaxShift)), []string{IDShift},
			"exp overflows once the logits are shifted up"},
		{perSample("log-not-log1p", "log(1+s) instead of log1p(s)", withFlaw(flawLog)), []string{IDIdentity},
			"a dominant label's loss log1p(s) ≈ s < u becomes 0"},
		{perSample("p-minus-h", "gradient p − h", withFlaw(flawPMinusH)), []string{IDGradSum},
			"Σ_j (p_j − h_j) = 1 − S"},
		{perSample("clamped", "−Σ h_j log max(p_j, 1e-20)", withFlaw(flawClamped)), []string{IDIdentity},
			"log of a rounded p, clamped at 1e-20: tiny losses lost, an underflowed p_l's loss capped at 46.05"},
		{perSample("one-minus-p", "q_k = 1 − p_k for the max class", withFlaw(flawOneMinusP)), []string{IDGradSum},
			"1 − p_k rounds where the tail gradient p_j does not: [32, 0] sums to 7.6e-18"},
		{batchVariant("wrong-normalizer", "BATCH_SIZE divides by outer·inner", flawBatchSizeIsPositions), []string{IDNormalizer},
			"BATCH_SIZE normalizes by the batch dimension outer only"},
		{batchVariant("ignore-keeps-grad", "ignored positions keep softmax(x) as gradient", flawIgnoreKeepsGrad), []string{IDIgnore},
			"an ignored position must get a zero gradient"},
	}
}

func TestBattery(t *testing.T) {
	known := map[string]bool{}
	for _, s := range subjects() {
		known[s.im.Name] = true
	}
	for _, im := range builtin.All() {
		if !known[im.Name] {
			t.Errorf("registered implementation %q has no entry in subjects(): say which property names its flaw", im.Name)
		}
	}
	for _, s := range subjects() {
		t.Run(s.im.Name, func(t *testing.T) {
			if s.catches == nil {
				Check(t, s.im, batteryOpts()...)
				return
			}
			if len(s.catches) == 0 {
				t.Skip("control: see TestControl")
			}
			results := Run(s.im, append(batteryOpts(), Only(s.catches...))...)
			for _, r := range results {
				t.Run(r.ID, func(t *testing.T) {
					if r.Passed {
						t.Errorf("%s: the property %q did not catch the flaw (%s)\n%s", s.im.Name, r.Property, s.why, r.String())
						return
					}
					if r.Detail == "" || (r.Case == nil && r.Batch == nil) {
						t.Errorf("%s: failure without a diagnostic or counterexample:\n%s", s.im.Name, r.String())
					}
					t.Logf("caught (%s):\n%s\n  replay: PROPS_SEED=%d go test ./props -run '^TestBattery$/^%s$/^%s$' -v",
						s.why, r.String(), r.Seed, s.im.Name, r.ID)
				})
			}
		})
	}
}

// TestControl runs the unbroken variant through every property that catches
// a broken one: each failure above is due to its flaw.
func TestControl(t *testing.T) {
	var ids []string
	seen := map[string]bool{}
	for _, s := range subjects() {
		for _, id := range s.catches {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	ctl := perSample("careful", "control", careful)
	Check(t, ctl, append(batteryOpts(), Only(ids...))...)
	bctl := batchVariant("careful-batch", "control", 0)
	Check(t, bctl, append(batteryOpts(), Only(IDIgnore, IDNormalizer, IDLossWeight, IDLayout))...)
}

var (
	seedFlag   = flag.Int64("props.seed", 0, "seed of the battery (0: PROPS_SEED or DefaultSeed)")
	randomFlag = flag.Bool("props.random", false, "seed the battery from the clock (printed on failure)")
	testsFlag  = flag.Int("props.tests", 0, "random cases per property after the corpus (0: DefaultTests, or ShortTests with -short)")
	maxCFlag   = flag.Int("props.maxc", 0, "largest C drawn (0: the default 64; 100000 admits the many-classes family)")
)

func batteryOpts() []Option {
	opts := []Option{Reference(refImpl())}
	switch {
	case *randomFlag:
		opts = append(opts, Seed(time.Now().UnixNano()))
	case *seedFlag != 0:
		opts = append(opts, Seed(*seedFlag))
	}
	if *maxCFlag > 0 {
		opts = append(opts, MaxClasses(*maxCFlag))
	}
	switch {
	case *testsFlag > 0:
		opts = append(opts, Tests(*testsFlag))
	case testing.Short():
		opts = append(opts, Tests(ShortTests))
	}
	return opts
}

// refImpl is the registered reference, or one built from package ref while
// the registry does not hold it.
func refImpl() *impls.Impl {
	if r := impls.Reference(); r != nil {
		return r
	}
	return &impls.Impl{
		Name: "ref",
		C64: func(dst, x, h []float64) (float64, string) {
			l, c := ref.Eval64(dst, x, h)
			return l, c.String()
		},
		C32: func(dst, x, h []float32) (float32, string) {
			l, c := ref.Eval32(dst, x, h)
			return l, c.String()
		},
	}
}

// TestIDsAreSentences checks the battery's bookkeeping: unique IDs, names
// that are sentences.
func TestIDsAreSentences(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range battery() {
		if seen[p.id] {
			t.Errorf("duplicate property ID %q", p.id)
		}
		seen[p.id] = true
		if !strings.HasSuffix(p.name, ".") || strings.ToUpper(p.name[:1]) != p.name[:1] && !strings.HasPrefix(p.name, "loss_weight") {
			t.Errorf("property %q: name %q is not a sentence", p.id, p.name)
		}
	}
}

var matrixFlag = flag.Bool("props.matrix", false, "log the verdict of every property on every subject (TestMatrix)")

// TestMatrix logs, with -props.matrix, which properties each subject fails:
// the whole picture behind the flaw table.
func TestMatrix(t *testing.T) {
	if !*matrixFlag {
		t.Skip("run with -props.matrix -v")
	}
	ids := IDs()
	var b strings.Builder
	b.WriteString("| subject | " + strings.Join(ids, " | ") + " |\n|---|" + strings.Repeat("---|", len(ids)) + "\n")
	for _, s := range subjects() {
		b.WriteString("| " + s.im.Name + " |")
		for _, r := range Run(s.im, batteryOpts()...) {
			switch {
			case r.Skipped != "":
				b.WriteString(" skip |")
			case r.Passed:
				b.WriteString(" ok |")
			default:
				b.WriteString(" **FAIL** |")
			}
		}
		b.WriteString("\n")
	}
	t.Log("\n" + b.String())
}

// TestSingleDType: a float64-only implementation (impls.FromFunc64 over
// fused's float64 path) passes the whole battery; its float32 cases are
// not supported, never failures.
func TestSingleDType(t *testing.T) {
	f, err := builtin.Lookup("fused")
	if err != nil {
		t.Fatal(err)
	}
	im := impls.FromFunc64("fused64", "fused's float64 path alone", f.F64, impls.Standard.Bounds)
	for _, r := range Run(im, Seed(1), Tests(ShortTests)) {
		if !r.Passed {
			t.Errorf("%s: %s", r.ID, r.Detail)
		}
	}
}
