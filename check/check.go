package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/props"
	"github.com/infogain-dev/infogain/reports"
)

// Config describes one check of one implementation.
type Config struct {
	// Impl is the implementation under test (impls.Command's, usually).
	Impl *impls.Impl
	// Size, Seed, Families and DTypes select the suite's cases, as for
	// reports.Run (Seed 0 means reports.DefaultSeed).
	Size     reports.Size
	Seed     uint64
	Families []string
	DTypes   []cases.DType
	// PropsTests is the number of random cases per property (0: the
	// battery's short count for the gate size, its default otherwise).
	PropsTests int
	// Properties restricts the battery to these IDs and skips the
	// families (a property's replay); nil runs everything.
	Properties []string
	// Replay is the command line that runs the implementation (e.g. the
	// --cmd of infogain check); verdicts print replay commands with it.
	Replay string
	// Progress, if not nil, receives reports' progress bars.
	Progress io.Writer
}

// Result is a check's outcome.
type Result struct {
	Impl       string
	Properties []props.Result
	Families   []Verdict
	// Report is the sweep behind Families (nil when only properties ran);
	// Report.Baseline() is what --baseline compares.
	Report *reports.Report
	// ProtocolErr is the implementation's protocol error, if any
	// (impls.Impl.ProtocolErr): results after it are errors.
	ProtocolErr error
	// batchLines are, for a merged check (MergeShards), each property's
	// batch counterexample as its batch line ("" if none): there
	// Properties[i].Batch is nil.
	batchLines []string
}

// Verdict is the verdict on one family and dtype of the suite.
type Verdict struct {
	Family string
	DType  cases.DType
	// Cases counts the cases; Violations those whose result breaks the
	// implementation's declared contract (impls.Contract.Judge), errors
	// and non-finite outputs included; Unsupported those of a dtype it
	// does not support (then nothing else is counted).
	Cases, Violations, Errors, NonFinite, Mismatches, Unsupported int
	// The worst errors over the scored cases (docs/design.md §5).
	LossWorstULP    uint64
	LossScaledWorst float64
	GradScaledWorst float64
	// Worst is the worst case: the violation with the largest error
	// relative to the bound (any case, when none violates), as a JSON
	// line; Why is the judge's diagnostic on it; Replay the command that
	// reproduces it.
	WorstID string
	Worst   string
	Why     string
	Replay  string
}

// Pass reports whether the family holds the contract on every case.
func (v *Verdict) Pass() bool { return v.Violations == 0 }

// OK reports whether everything passed: every property, every family, no
// protocol error.
func (r *Result) OK() bool {
	if r.ProtocolErr != nil {
		return false
	}
	for _, p := range r.Properties {
		if !p.Passed {
			return false
		}
	}
	for _, v := range r.Families {
		if !v.Pass() {
			return false
		}
	}
	return true
}

// Run checks cfg.Impl: the property battery (props.Run, fixed seed) and
// the scored families of the suite against the reference, each judged by
// the implementation's declared contract. The suite's cases go to the
// implementation in batches first (impls.Impl.CaseBatch: one round trip
// per batch for a program), and the sweep reuses those results.
func Run(cfg Config) (*Result, error) {
	im := cfg.Impl
	if im == nil {
		return nil, errors.New("check: no implementation")
	}
	cfg = cfg.withDefaults()
	res := &Result{Impl: im.Name}
	popts := cfg.propsOptions()
	if cfg.Properties != nil {
		for _, id := range cfg.Properties {
			if props.Name(id) == "" {
				return nil, fmt.Errorf("check: unknown property %q (known: %s)", id, strings.Join(props.IDs(), ", "))
			}
		}
		res.Properties = props.Run(im, append(popts, props.Only(cfg.Properties...))...)
		res.ProtocolErr = im.ProtocolErr()
		return res, nil
	}
	rcfg := cfg.reportsConfig()
	all, err := reports.Suite(rcfg)
	if err != nil {
		return nil, err
	}
	// Batched first: the sweep asks case by case, from its workers.
	pre := Prefetch(im, all)
	rcfg.Impls = []*impls.Impl{pre}
	var mu sync.Mutex
	rcfg.Properties = propertiesHook(im, popts, &mu, &res.Properties)
	rep, err := reports.Run(rcfg)
	if err != nil {
		return nil, err
	}
	res.Report = rep
	res.Families = verdicts(im, all, rep, cfg)
	res.ProtocolErr = im.ProtocolErr()
	return res, nil
}

// withDefaults fills in the seed and the number of cases per property.
func (cfg Config) withDefaults() Config {
	if cfg.Seed == 0 {
		cfg.Seed = reports.DefaultSeed
	}
	if cfg.PropsTests <= 0 {
		cfg.PropsTests = props.DefaultTests
		if cfg.Size == reports.SizeGate {
			cfg.PropsTests = props.ShortTests
		}
	}
	return cfg
}

func (cfg Config) propsOptions() []props.Option {
	return []props.Option{props.Seed(props.DefaultSeed), props.Tests(cfg.PropsTests)}
}

// reportsConfig is the sweep behind the families' verdicts (no
// implementation yet): the same for Run and every shard of RunShard.
func (cfg Config) reportsConfig() reports.Config {
	return reports.Config{Reference: impls.Reference(), Size: cfg.Size, Seed: cfg.Seed,
		Families: cfg.Families, DTypes: cfg.DTypes, Progress: cfg.Progress, Command: "infogain check"}
}

// propertiesHook is the sweep's properties hook: it runs the battery on im
// (the program itself, not a prefetched copy) and keeps the results in *out.
func propertiesHook(im *impls.Impl, popts []props.Option, mu *sync.Mutex, out *[]props.Result) func(*impls.Impl) ([]string, error) {
	return func(*impls.Impl) ([]string, error) {
		rs := props.Run(im, popts...)
		mu.Lock()
		*out = rs
		mu.Unlock()
		var failing []string
		for _, r := range rs {
			if !r.Passed {
				failing = append(failing, r.ID)
			}
		}
		return failing, nil
	}
}

// Prefetch evaluates cs through im's batched path (impls.Impl.CaseBatch:
// a program's round trips of many cases) and returns a copy of im that
// answers each of those cases once from the results (matched by the
// case's content and id) and any other case through im: a sweep that asks
// case by case then costs no round trip per case.
func Prefetch(im *impls.Impl, cs []cases.Case) *impls.Impl {
	var send []cases.Case
	for i := range cs {
		if im.Supports(cs[i].DType) {
			send = append(send, cs[i])
		}
	}
	rs := im.CaseBatch(send)
	var mu sync.Mutex
	cache := make(map[string]cases.Result, len(send))
	for i := range send {
		cache[caseKey(&send[i])] = rs[i]
	}
	return im.WithCases(func(batch []cases.Case) []cases.Result {
		out := make([]cases.Result, len(batch))
		var miss []int
		mu.Lock()
		for i := range batch {
			k := caseKey(&batch[i])
			if r, ok := cache[k]; ok {
				delete(cache, k)
				out[i] = r
			} else {
				miss = append(miss, i)
			}
		}
		mu.Unlock()
		if len(miss) > 0 {
			var rest []cases.Case
			for _, i := range miss {
				rest = append(rest, batch[i])
			}
			for k, r := range im.CaseBatch(rest) {
				out[miss[k]] = r
			}
		}
		return out
	})
}

func caseKey(c *cases.Case) string {
	var b bytes.Buffer
	jsonl.NewEncoder(&b).Encode(c)
	return b.String()
}

// verdicts pools the sweep's scores per family and dtype and picks each
// group's worst case.
func verdicts(im *impls.Impl, all []cases.Case, rep *reports.Report, cfg Config) []Verdict {
	type key struct {
		fam string
		dt  cases.DType
	}
	byKey := map[key]*Verdict{}
	worst := map[key]rank{}
	worstAt := map[key]int{}
	var order []key
	k := im.Declared()
	for i := range rep.Scores {
		s := &rep.Scores[i]
		kk := key{s.Family, s.DType}
		v := byKey[kk]
		if v == nil {
			v = &Verdict{Family: s.Family, DType: s.DType}
			byKey[kk] = v
			order = append(order, kk)
			worstAt[kk] = -1
		}
		v.Cases++
		if s.Unsupported {
			v.Unsupported++
			continue
		}
		if s.Violation {
			v.Violations++
		}
		if s.Err != "" && s.Class != reports.RefRejected {
			v.Errors++
		}
		if s.NonFinite {
			v.NonFinite++
		}
		if s.Mismatch {
			v.Mismatches++
		}
		if s.LossScored && s.LossULP > v.LossWorstULP {
			v.LossWorstULP = s.LossULP
		}
		v.LossScaledWorst = math.Max(v.LossScaledWorst, s.LossScaled)
		v.GradScaledWorst = math.Max(v.GradScaledWorst, s.GradScaled)
		bad := rank{s.Violation, badness(s, k)}
		if worstAt[kk] < 0 || bad.worse(worst[kk]) {
			worst[kk], worstAt[kk] = bad, i
		}
	}
	ref := impls.Reference()
	var out []Verdict
	for _, kk := range order {
		v := byKey[kk]
		if i := worstAt[kk]; i >= 0 {
			c := &all[i]
			v.WorstID = c.ID
			v.Worst = caseJSON(c)
			got, want := im.Case(c), ref.Case(c)
			if vd := k.Judge(c, &got, &want); !vd.OK {
				v.Why = strings.Join(vd.Violations, "; ")
			}
			v.Replay = fmt.Sprintf("infogain cases --size %s --seed %d --family %s --dtype %s --id %s | %s",
				cfg.Size, cfg.Seed, c.Family, c.DType, c.ID, cfg.Replay)
		}
		out = append(out, *v)
	}
	return out
}

// rank orders cases from best to worst: any violation is worse than any
// result within bounds, then by badness.
type rank struct {
	violation bool
	bad       float64
}

func (a rank) worse(b rank) bool {
	if a.violation != b.violation {
		return a.violation
	}
	return a.bad > b.bad
}

// badness is how far a score is from its bounds: the largest of its
// errors over the declared bound (+Inf for an error or a non-finite or
// mismatched output).
func badness(s *reports.CaseScore, k impls.Contract) float64 {
	if (s.Err != "" && s.Class != reports.RefRejected) || s.NonFinite || s.Mismatch {
		return math.Inf(1)
	}
	b := 0.0
	ratio := func(e, bound float64) float64 {
		if bound <= 0 {
			if e > 0 {
				return math.Inf(1)
			}
			return 0
		}
		return e / bound
	}
	if s.LossScored {
		b = math.Max(b, ratio(s.LossScaled, k.LossScaled))
	}
	if s.GradScored {
		b = math.Max(b, ratio(s.GradScaled, k.GradScaled))
	}
	return b
}

func caseJSON(c *cases.Case) string {
	var b bytes.Buffer
	if err := jsonl.NewEncoder(&b).Encode(c); err != nil {
		return fmt.Sprintf("(unencodable case %s: %v)", c.ID, err)
	}
	return strings.TrimRight(b.String(), "\n")
}

// Write prints the verdict: one line per property and per family and
// dtype (PASS or FAIL, with the worst errors), and for each failure the
// diagnostic, the worst case as a JSON line and a replay command; then a
// summary line.
func (r *Result) Write(w io.Writer, replay string) {
	fmt.Fprintf(w, "infogain check %s\n", r.Impl)
	if len(r.Properties) > 0 {
		fmt.Fprintf(w, "\nproperties (props battery, seed %d):\n", props.DefaultSeed)
	}
	failedProps := 0
	for i, p := range r.Properties {
		switch {
		case p.Skipped != "":
			fmt.Fprintf(w, "  SKIP %-28s %s\n", p.ID, p.Skipped)
		case p.Passed:
			fmt.Fprintf(w, "  PASS %-28s %d cases\n", p.ID, p.Tests)
		default:
			failedProps++
			fmt.Fprintf(w, "  FAIL %-28s %s\n", p.ID, p.Property)
			fmt.Fprintf(w, "       why:    %s\n", p.Detail)
			if p.CaseJSON != "" {
				fmt.Fprintf(w, "       case:   %s\n", p.CaseJSON)
				fmt.Fprintf(w, "       replay: echo %s | %s\n", shellQuote(p.CaseJSON), replay)
			}
			if p.Batch != nil {
				fmt.Fprintf(w, "       batch:  %s\n", batchString(p.Batch))
			} else if i < len(r.batchLines) && r.batchLines[i] != "" {
				fmt.Fprintf(w, "       batch:  %s\n", r.batchLines[i])
			}
			fmt.Fprintf(w, "       replay: infogain check --cmd %s --property %s\n", shellQuote(replay), p.ID)
		}
	}
	failedFams := 0
	if len(r.Families) > 0 {
		fmt.Fprintf(w, "\nfamilies (scored against the certified reference; bounds: the declared contract):\n")
		fmt.Fprintf(w, "  %-4s %-20s %-7s %6s %5s %6s %12s %11s %11s\n", "", "family", "dtype", "cases", "bad", "errors", "loss ulps", "loss scaled", "grad scaled")
	}
	for _, v := range r.Families {
		status := "PASS"
		if !v.Pass() {
			status = "FAIL"
			failedFams++
		}
		if v.Unsupported == v.Cases {
			fmt.Fprintf(w, "  %-4s %-20s %-7s %6d   not supported\n", "SKIP", v.Family, v.DType, v.Cases)
			continue
		}
		fmt.Fprintf(w, "  %-4s %-20s %-7s %6d %5d %6d %12d %11.3g %11.3g\n", status, v.Family, v.DType, v.Cases,
			v.Violations, v.Errors, v.LossWorstULP, v.LossScaledWorst, v.GradScaledWorst)
		if !v.Pass() {
			if v.Why != "" {
				fmt.Fprintf(w, "       why:    %s\n", v.Why)
			}
			fmt.Fprintf(w, "       worst:  %s\n", v.Worst)
			fmt.Fprintf(w, "       replay: %s\n", v.Replay)
		}
	}
	fmt.Fprintln(w)
	if r.ProtocolErr != nil {
		fmt.Fprintf(w, "PROTOCOL ERROR: %v\n", r.ProtocolErr)
	}
	switch {
	case r.OK():
		fmt.Fprintf(w, "check: PASS: %d properties, %d families × dtypes\n", len(r.Properties), len(r.Families))
	default:
		var names []string
		for _, p := range r.Properties {
			if !p.Passed {
				names = append(names, p.ID)
			}
		}
		var fams []string
		for _, v := range r.Families {
			if !v.Pass() {
				fams = append(fams, v.Family+"/"+string(v.DType))
			}
		}
		sort.Strings(fams)
		fmt.Fprintf(w, "check: FAIL: %d of %d properties (%s), %d of %d families × dtypes (%s)\n",
			failedProps, len(r.Properties), strings.Join(names, ", "), failedFams, len(r.Families), strings.Join(fams, ", "))
	}
}

func batchString(b *cases.Batch) string {
	var buf bytes.Buffer
	if err := jsonl.NewEncoder(&buf).EncodeBatch("batch", b); err != nil {
		return fmt.Sprintf("%+v", *b)
	}
	return strings.TrimRight(buf.String(), "\n")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return impls.JoinCommandLine([]string{s})
}
