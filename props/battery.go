package props

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
)

// DefaultSeed is the seed of every run that is not given one.
const DefaultSeed = 20260101

// DefaultTests is the number of random cases each property draws after its
// corpus (the first cases of every family in every dtype); Short runs draw
// ShortTests.
const (
	DefaultTests = 1000
	ShortTests   = 100
)

// config is what the Options set.
type config struct {
	bounds     *impls.Bounds // nil: the implementation's declared bounds
	seed       int64
	seedSet    bool
	tests      int
	maxShrinks int
	ref        *impls.Impl
	only       map[string]bool
	maxC       int
	testName   string // set by Check: the test that replays
}

// An Option changes how Run and Check judge an implementation.
type Option func(*config)

// WithBounds judges the implementation within b instead of the bounds its
// contract declares (Impl.Declared), in the units of docs/design.md §5 for
// both dtypes.
func WithBounds(b impls.Bounds) Option {
	return func(c *config) { c.bounds = &b }
}

// Seed fixes the seed (default DefaultSeed, or the environment variable
// PROPS_SEED: a number, or "random" for a seed from the clock).
func Seed(seed int64) Option { return func(c *config) { c.seed, c.seedSet = seed, true } }

// Tests sets the number of random cases each property draws after its
// corpus (default DefaultTests; ShortTests under Check with -short).
func Tests(n int) Option { return func(c *config) { c.tests = n } }

// Reference sets the certified reference (default impls.Reference()).
func Reference(ref *impls.Impl) Option { return func(c *config) { c.ref = ref } }

// Only restricts the run to the properties with the given IDs (see IDs).
// It panics on an unknown ID.
func Only(ids ...string) Option {
	return func(c *config) {
		c.only = map[string]bool{}
		for _, id := range ids {
			if Name(id) == "" {
				panic("props: Only: unknown property ID")
			}
			c.only[id] = true
		}
	}
}

// MaxClasses caps C for generated cases (default 64), keeping the reference
// fast; the many-classes family is drawn only when the cap allows.
func MaxClasses(n int) Option { return func(c *config) { c.maxC = n } }

// Result is the outcome of one property on one implementation.
type Result struct {
	// ID is the property's short name (a subtest name); Property the
	// sentence it checks.
	ID       string
	Property string
	Impl     string
	Passed   bool
	// Skipped is why the property was not run (no reference, no float32
	// path, …); Passed is then true.
	Skipped string
	// Tests is the number of cases that passed before the verdict;
	// Vacuous counts those among them the property could not judge (and
	// shrink candidates it could not judge, after a failure).
	Tests   int
	Vacuous int
	// Seed is the run's seed; with Only(ID) it replays this property.
	Seed int64
	// Detail is the failing check's diagnostic, or the panic.
	Detail string
	// Case is the shrunk counterexample of a per-case property, Batch that
	// of a batch property; CaseJSON is Case as a docs/design.md §7 JSON line.
	Case     *cases.Case
	Batch    *cases.Batch
	CaseJSON string
	Shrinks  int
	// Replay holds the commands that reproduce the failure.
	Replay []string
}

// String formats r as a report block: the verdict line, then for a failure
// the diagnostic, the counterexample and the replay commands.
func (r *Result) String() string {
	var b strings.Builder
	switch {
	case r.Skipped != "":
		fmt.Fprintf(&b, "SKIP %s: %s (%s)", r.Impl, r.Property, r.Skipped)
	case r.Passed:
		fmt.Fprintf(&b, "ok   %s: %s (%d cases, %d not judged)", r.Impl, r.Property, r.Tests, r.Vacuous)
	default:
		fmt.Fprintf(&b, "FAIL %s: %s [%s] after %d cases, seed %d\n", r.Impl, r.Property, r.ID, r.Tests, r.Seed)
		fmt.Fprintf(&b, "  why: %s\n", r.Detail)
		if r.CaseJSON != "" {
			fmt.Fprintf(&b, "  shrunk case (%d shrinks): %s\n", r.Shrinks, r.CaseJSON)
		}
		if r.Batch != nil {
			fmt.Fprintf(&b, "  shrunk batch (%d shrinks): %s\n", r.Shrinks, formatBatch(r.Batch))
		}
		for _, cmd := range r.Replay {
			fmt.Fprintf(&b, "  replay: %s\n", cmd)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Run checks every property of the battery on im and returns one Result per
// property, in battery order. It never fails a test; an implementation's
// panic is a failed property, not a panic of Run.
func Run(im *impls.Impl, opts ...Option) []Result {
	cfg := newConfig(im, opts)
	var out []Result
	for _, p := range battery() {
		if cfg.only != nil && !cfg.only[p.id] {
			continue
		}
		out = append(out, runProperty(p, im, cfg))
	}
	return out
}

// Check runs the battery on im as subtests of t, one per property (named by
// its ID), and fails each subtest whose property fails, printing the seed,
// the shrunk case and the replay commands.
func Check(t *testing.T, im *impls.Impl, opts ...Option) {
	t.Helper()
	cfg := newConfig(im, opts)
	cfg.testName = t.Name()
	if testing.Short() && !cfg.testsSet() {
		cfg.tests = ShortTests
	}
	for _, p := range battery() {
		if cfg.only != nil && !cfg.only[p.id] {
			continue
		}
		t.Run(p.id, func(t *testing.T) {
			r := runProperty(p, im, cfg)
			switch {
			case r.Skipped != "":
				t.Skip(r.String())
			case !r.Passed:
				t.Error(r.String())
			default:
				t.Log(r.String())
			}
		})
	}
}

const testsUnset = -1

func (c *config) testsSet() bool { return c.tests != testsUnset }

func newConfig(im *impls.Impl, opts []Option) *config {
	cfg := &config{
		tests:      testsUnset,
		maxShrinks: 200,
		maxC:       64,
	}
	for _, o := range opts {
		o(cfg)
	}
	if !cfg.seedSet {
		// PROPS_SEED is read only when the caller does not fix the seed, so a
		// malformed value cannot stop a program that passes Seed (the CLI).
		cfg.seed = envSeed()
	}
	if cfg.ref == nil {
		cfg.ref = impls.Reference()
	}
	return cfg
}

func (c *config) numTests() int {
	if c.tests == testsUnset {
		return DefaultTests
	}
	return c.tests
}

// envSeed reads PROPS_SEED; a malformed value is a programmer error.
func envSeed() int64 {
	v := os.Getenv("PROPS_SEED")
	switch v {
	case "":
		return DefaultSeed
	case "random":
		return time.Now().UnixNano()
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		panic("props: PROPS_SEED must be an integer or \"random\"")
	}
	return n
}

// propertySeed derives a property's own seed from the run's seed and its ID,
// so that running one property alone (Only) draws the same cases.
func propertySeed(seed int64, id string) int64 {
	f := fnv.New64a()
	f.Write([]byte(id))
	return seed ^ int64(f.Sum64())
}

// property is one entry of the battery.
type property struct {
	id       string
	name     string // a sentence
	needsRef bool
	// prop builds the gopter property; it returns a non-empty skip reason
	// when the implementation cannot be judged by it.
	prop func(env *env) (gopter.Prop, string)
}

// env is what a property sees.
type env struct {
	im  *impls.Impl
	cfg *config
	// nVacuous counts the cases a property could not judge (they pass).
	nVacuous int
}

// vacuous records a case the property cannot judge and lets it pass.
func (e *env) vacuous() string {
	e.nVacuous++
	return ""
}

// bounds are the bounds the implementation is judged within: its declared
// contract's, unless WithBounds overrides them. They are in units of the
// output type, so one set serves both dtypes.
func (e *env) bounds(cases.DType) impls.Bounds {
	if e.cfg.bounds != nil {
		return *e.cfg.bounds
	}
	return e.im.Declared().Bounds
}

func runProperty(p property, im *impls.Impl, cfg *config) Result {
	r := Result{ID: p.id, Property: p.name, Impl: im.Name, Seed: cfg.seed}
	if p.needsRef && cfg.ref == nil {
		r.Passed, r.Skipped = true, "no reference registered"
		return r
	}
	e := &env{im: im, cfg: cfg}
	gp, skip := p.prop(e)
	if skip != "" {
		r.Passed, r.Skipped = true, skip
		return r
	}
	params := gopter.DefaultTestParametersWithSeed(propertySeed(cfg.seed, p.id))
	params.Rng = rand.New(gopter.NewLockedSource(propertySeed(cfg.seed, p.id)))
	params.MinSuccessfulTests = cfg.numTests() + corpusSize()
	params.MaxShrinkCount = cfg.maxShrinks
	params.MaxDiscardRatio = 20
	tr := gp.Check(params)
	r.Tests, r.Vacuous = tr.Succeeded, e.nVacuous
	if tr.Passed() {
		r.Passed = true
		return r
	}
	switch tr.Status {
	case gopter.TestExhausted:
		r.Detail = fmt.Sprintf("generator exhausted: %d cases discarded", tr.Discarded)
	case gopter.TestError:
		r.Detail = fmt.Sprintf("%v", tr.Error)
	default:
		r.Detail = strings.Join(tr.Labels, "; ")
	}
	if len(tr.Args) > 0 {
		a := tr.Args[0]
		r.Shrinks = a.Shrinks
		switch v := a.Arg.(type) {
		case cases.Case:
			c := v
			r.Case = &c
			r.CaseJSON = caseJSON(&c)
		case batchInput:
			b := v.b
			r.Batch = &b
		}
		if tr.Status == gopter.TestError && r.Detail == "" {
			r.Detail = fmt.Sprintf("%v", tr.Error)
		}
	}
	r.Replay = replay(r, cfg.testName)
	return r
}

// replay returns the commands that reproduce r: the test that ran it (under
// Check) or the Go call (under Run), and for a per-case failure the eval
// command on its JSON line (for a registered implementation).
func replay(r Result, testName string) []string {
	var cmds []string
	if testName != "" {
		parts := strings.Split(testName+"/"+r.ID, "/")
		for i, p := range parts {
			parts[i] = "^" + regexp.QuoteMeta(p) + "$"
		}
		cmds = append(cmds, fmt.Sprintf("PROPS_SEED=%d go test -run '%s' -v", r.Seed, strings.Join(parts, "/")))
	} else {
		cmds = append(cmds, fmt.Sprintf("props.Run(im, props.Seed(%d), props.Only(%q))", r.Seed, r.ID))
	}
	if r.CaseJSON != "" {
		cmds = append(cmds, fmt.Sprintf("echo '%s' | go run ./cmd/infogain eval --impl %s", r.CaseJSON, r.Impl))
	}
	return cmds
}

// caseJSON encodes c as one docs/design.md §7 line, without the trailing newline.
func caseJSON(c *cases.Case) string {
	var buf bytes.Buffer
	if err := jsonl.NewEncoder(&buf).Encode(c); err != nil {
		// Invalid input (the no-panic property): the same fields by hand.
		return fmt.Sprintf(`{"id":%q,"family":%q,"dtype":%q,"logits":%s,"h":%s,"label":%d}`,
			c.ID, c.Family, c.DType, floats(c.Logits), floats(c.H), c.Label)
	}
	return strings.TrimRight(buf.String(), "\n")
}

// floats formats v as a JSON array in the notation of docs/design.md §7.
func floats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = jsonl.FormatFloat(x, cases.Float64)
	}
	return "[" + strings.Join(s, ",") + "]"
}
