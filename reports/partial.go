package reports

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// PartialFormat names the format of a shard's partial result, the first
// field of its header. The format (docs/scale-out.md) is JSON lines:
//
//	{"Format":"infogain-partial/1","Shard":3,"Shards":8,...}   header
//	{"k":17,"s":[CaseScore, …]}                                  one case: global index, one score per implementation
//	{"checkpoint":{"cases":256,"next":2049}}                     every CheckpointEvery cases, after an fsync
//	{"done":{"cases":301,"properties":[ImplInfo, …]}}            last line of a complete shard
//
// Cases appear in increasing global index. A shard that is interrupted
// leaves a file whose lines up to the last checkpoint are complete; RunShard
// on the same file cuts what follows the checkpoint and goes on from there.
const PartialFormat = "infogain-partial/1"

// DefaultCheckpointEvery is the number of cases between checkpoints.
const DefaultCheckpointEvery = 256

// PartialName is the file name of shard s's partial result,
// "partial-I-of-N.jsonl": distinct per shard, so that every shard may write
// into one shared directory.
func PartialName(s Shard) string { return fmt.Sprintf("partial-%d-of-%d.jsonl", s.I, s.N) }

// ShardOptions says which shard RunShard evaluates and where it writes.
type ShardOptions struct {
	Shard Shard
	// Path is the partial file: created, or resumed if it exists.
	Path string
	// CheckpointEvery is the number of cases between checkpoints
	// (≤ 0: DefaultCheckpointEvery). It is part of the header: a resumed
	// file must have been started with the same value.
	CheckpointEvery int
	// Log, if not nil, receives progress lines ("report: shard 3/8: …");
	// LogPrefix replaces their "report" (infogain check's shards: "check").
	Log       io.Writer
	LogPrefix string
	// CodeVersion identifies the code (default: CodeVersion()).
	CodeVersion string
	// BuildID identifies the executable (default: ExecutableID()).
	BuildID string
	// Extra, if not nil, is called once the shard's cases and properties
	// are done; what it returns is stored in the done line ("extra") and
	// handed back by MergeExtra, in shard order. Commands that shard their
	// own verdicts (infogain check --shard) keep their per-shard data there.
	Extra func() (json.RawMessage, error)
}

// ShardResult says what RunShard did.
type ShardResult struct {
	Shard Shard
	// Cases is the number of cases of the shard, Total of the sweep.
	Cases, Total int
	// Resumed is the number of cases already in the partial file when
	// RunShard started (all of them if it was complete).
	Resumed int
	// AlreadyDone: the file was complete; nothing was evaluated.
	AlreadyDone bool
}

// PartialHeader is the first line of a partial file: everything that must
// agree between the shards of one sweep, and this shard's place in it.
type PartialHeader struct {
	Format     string
	Shard      int
	Shards     int
	Seed       uint64
	Size       Size
	Families   []string
	DTypes     []cases.DType
	Impls      []string
	Reference  string
	Properties bool
	// CodeVersion is the VCS revision or module version of the binary
	// (CodeVersion()); Fingerprint a hash of the case list and of every
	// implementation's results on the first case of each part, so that
	// shards of different code are told apart even without VCS stamps.
	CodeVersion string
	// BuildID is the SHA-256 (first 16 bytes, hex) of the running
	// executable (ExecutableID): it tells apart builds that CodeVersion
	// cannot ("devel" without VCS stamps, "+modified" for any dirty tree).
	BuildID         string
	Fingerprint     string
	GoVersion       string
	GOARCH          string
	CheckpointEvery int
	// Cases is the number of cases of this shard.
	Cases int
	// Meta and ImplInfo are the unsharded report's, properties aside.
	Meta     Meta
	ImplInfo []ImplInfo
}

type partialLine struct {
	K          *int             `json:"k,omitempty"`
	S          []CaseScore      `json:"s,omitempty"`
	Checkpoint *partialCheckpt  `json:"checkpoint,omitempty"`
	Done       *partialComplete `json:"done,omitempty"`
}

type partialCheckpt struct {
	Cases int `json:"cases"` // records so far
	Next  int `json:"next"`  // global index to go on from
}

type partialComplete struct {
	Cases int `json:"cases"`
	// Properties are the ImplInfo of the implementations whose props
	// battery this shard ran (implementation k runs on shard k mod N).
	Properties []ImplInfo `json:"properties"`
	// Extra is ShardOptions.Extra's data, if any.
	Extra json.RawMessage `json:"extra,omitempty"`
}

// CodeVersion identifies the running code from its build information: the
// VCS revision ("vcs:<rev>", "+modified" for a dirty tree) when the binary
// was built with VCS stamping, else the module version, else "devel".
func CodeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		if modified == "true" {
			rev += "+modified"
		}
		return "vcs:" + rev
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return "module:" + v
	}
	return "devel"
}

var (
	exeOnce sync.Once
	exeID   string
)

// ExecutableID identifies the running executable: "sha256:" and the first
// 16 bytes, in hex, of the SHA-256 of the file os.Executable names, read
// and hashed once per process (≈ 0.1 s for a 30 MB binary). Shards whose
// binaries differ in any byte — another commit, a dirty tree, another
// toolchain or flags — get different ids, even when CodeVersion is "devel"
// or "vcs:X+modified". If the executable cannot be read the id says so
// ("unreadable: …"), and such shards merge only with each other.
func ExecutableID() string {
	exeOnce.Do(func() {
		exeID = executableID()
	})
	return exeID
}

func executableID() string {
	path, err := os.Executable()
	if err != nil {
		return "unreadable: " + err.Error()
	}
	f, err := os.Open(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unreadable: " + err.Error()
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// RunShard evaluates shard opt.Shard of the sweep cfg describes and writes
// its partial result to opt.Path, streaming: memory does not grow with the
// number of cases. If opt.Path exists and was started by the same command
// (identical header), RunShard goes on after its last checkpoint; the
// finished file is byte-identical to that of an uninterrupted run. If the
// file is complete, it returns at once.
//
// Properties (cfg.Properties) run for the implementations k with
// k mod N = I, so that merging the N shards gives every implementation's.
// ctx cancels the run (the file then ends at a checkpoint or mid-batch and
// can be resumed).
func RunShard(ctx context.Context, cfg Config, opt ShardOptions) (*ShardResult, error) {
	if cfg.Reference == nil {
		return nil, errors.New("reports: no reference implementation")
	}
	if len(cfg.Impls) == 0 {
		return nil, errors.New("reports: no implementation to score")
	}
	sh := opt.Shard
	if sh == (Shard{}) {
		sh = Shard{I: 0, N: 1}
	}
	if err := sh.Validate(); err != nil {
		return nil, fmt.Errorf("reports: %v", err)
	}
	if opt.Path == "" {
		return nil, errors.New("reports: no partial file given")
	}
	every := opt.CheckpointEvery
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	hdr, err := newPartialHeader(cfg, p, sh, every, opt.CodeVersion, opt.BuildID)
	if err != nil {
		return nil, err
	}
	hdrLine, err := json.Marshal(hdr)
	if err != nil {
		return nil, fmt.Errorf("reports: %v", err)
	}
	f, st, err := openPartial(opt.Path, hdrLine)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res := &ShardResult{Shard: sh, Cases: hdr.Cases, Total: p.total, Resumed: st.cases, AlreadyDone: st.done}
	logf := func(format string, a ...any) {
		if opt.Log != nil {
			prefix := opt.LogPrefix
			if prefix == "" {
				prefix = "report"
			}
			fmt.Fprintf(opt.Log, "%s: shard %s: "+format+"\n", append([]any{prefix, sh}, a...)...)
		}
	}
	if st.done {
		logf("%s is complete (%d cases), nothing to do", opt.Path, st.cases)
		return res, nil
	}
	if st.cases > 0 {
		logf("%d of %d cases (size %s, %d in all), resuming after %d done", hdr.Cases, p.total, cfg.Size, p.total, st.cases)
	} else {
		logf("%d of %d cases (size %s)", hdr.Cases, p.total, cfg.Size)
	}
	start := time.Now()
	w := bufio.NewWriterSize(f, 1<<16)
	done, err := streamShard(ctx, cfg, p, sh, st, every, hdr.Cases, f, w, func(n int) {
		logf("%d/%d cases (%d%%), %.1f s", n, hdr.Cases, pctOf(n, hdr.Cases), time.Since(start).Seconds())
	})
	if err != nil {
		w.Flush()
		return res, err
	}
	if done != hdr.Cases {
		return res, fmt.Errorf("reports: shard %s wrote %d cases, its header says %d", sh, done, hdr.Cases)
	}
	props, err := shardProperties(cfg, sh)
	if err != nil {
		w.Flush()
		return res, err
	}
	var extra json.RawMessage
	if opt.Extra != nil {
		if extra, err = opt.Extra(); err != nil {
			w.Flush()
			return res, err
		}
	}
	if err := writeLine(w, partialLine{Done: &partialComplete{Cases: done, Properties: props, Extra: extra}}); err != nil {
		return res, err
	}
	if err := syncPartial(f, w); err != nil {
		return res, err
	}
	logf("done: %d cases in %.1f s → %s", done-st.cases, time.Since(start).Seconds(), opt.Path)
	return res, f.Close()
}

func pctOf(n, of int) int {
	if of == 0 {
		return 100
	}
	return n * 100 / of
}

func newPartialHeader(cfg Config, p *plan, sh Shard, every int, version, buildID string) (*PartialHeader, error) {
	if version == "" {
		version = CodeVersion()
	}
	if buildID == "" {
		buildID = ExecutableID()
	}
	fp, err := fingerprint(cfg, p)
	if err != nil {
		return nil, err
	}
	n := 0
	for pi := range p.parts {
		pt := &p.parts[pi]
		for i := range pt.n {
			if sh.Contains(CaseKey(pt.dtype, pt.caseID(i))) {
				n++
			}
		}
	}
	hdr := &PartialHeader{
		Format: PartialFormat, Shard: sh.I, Shards: sh.N,
		Seed: cfg.Seed, Size: cfg.Size, Families: p.families, DTypes: p.dtypes,
		Reference: cfg.Reference.Name, Properties: cfg.Properties != nil,
		CodeVersion: version, BuildID: buildID, Fingerprint: fp,
		GoVersion: runtime.Version(), GOARCH: runtime.GOARCH,
		CheckpointEvery: every, Cases: n,
		Meta: newMeta(cfg, p.families, p.dtypes, p.sz, p.total),
	}
	for _, im := range cfg.Impls {
		hdr.Impls = append(hdr.Impls, im.Name)
	}
	hdr.ImplInfo = implInfos(cfg)
	return hdr, nil
}

// fingerprint hashes what the code does with this sweep: the plan's parts,
// the implementations' names, docs and declared contracts, and for each part the bits of its
// first case and of every implementation's result on it (the reference's
// included). Shards whose code generates or evaluates differently disagree.
func fingerprint(cfg Config, p *plan) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "infogain-fingerprint/1\nref %q\n", cfg.Reference.Name)
	for _, im := range cfg.Impls {
		fmt.Fprintf(h, "impl %q %q %+v\n", im.Name, im.Doc, im.Declared())
	}
	for pi := range p.parts {
		pt := &p.parts[pi]
		fmt.Fprintf(h, "part %s %s %d %d\n", pt.family, pt.dtype, pt.n, pt.offset)
		if pt.n == 0 {
			continue
		}
		one := &plan{seed: p.seed, sz: p.sz, families: p.families, dtypes: p.dtypes, parts: []part{{family: pt.family, dtype: pt.dtype, n: 1}}, total: 1}
		if !p.sz.blocks {
			one.parts[0].n = pt.n // a sequential part is generated whole
		}
		err := one.each(Shard{}, 0, func(k int, c *cases.Case) error {
			if k > 0 {
				return errStop
			}
			hashCase(h, c)
			hashResult(h, safeCase(cfg.Reference, c))
			for _, im := range cfg.Impls {
				hashResult(h, safeCase(im, c))
			}
			return errStop
		})
		if err != nil && !errors.Is(err, errStop) {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

var errStop = errors.New("stop")

func hashFloats(h hash.Hash, v []float64) {
	var b [8]byte
	for _, x := range v {
		u := math.Float64bits(x)
		for i := range b {
			b[i] = byte(u >> (8 * i))
		}
		h.Write(b[:])
	}
}

func hashCase(h hash.Hash, c *cases.Case) {
	fmt.Fprintf(h, "case %s %s %d %d\n", c.ID, c.DType, c.Label, len(c.Logits))
	hashFloats(h, c.Logits)
	hashFloats(h, c.H)
}

// hashResult hashes whether r is an error, not the error's text: a program
// that broke the protocol (impls.Command) answers with errors whose text
// depends on when each shard met the breakage, and its shards must still
// merge (into a verdict that reports the protocol error).
func hashResult(h hash.Hash, r cases.Result) {
	fmt.Fprintf(h, "result %t %q %d\n", r.Err != "", r.Certified, len(r.Grad))
	hashFloats(h, []float64{r.Loss})
	hashFloats(h, r.Grad)
}

// shardProperties runs the props battery (if wired) on the implementations
// this shard owns: k mod N = I.
func shardProperties(cfg Config, sh Shard) ([]ImplInfo, error) {
	var mine []*impls.Impl
	infos := []ImplInfo{}
	all := implInfos(cfg)
	for k, im := range cfg.Impls {
		if k%sh.N == sh.I {
			mine = append(mine, im)
			infos = append(infos, all[k])
		}
	}
	if len(mine) == 0 {
		return infos, nil
	}
	sub := cfg
	sub.Impls = mine
	sub.Progress = nil
	if cfg.Properties != nil {
		if err := checkProperties(sub, infos); err != nil {
			return nil, err
		}
	}
	diagnoseImpls(sub, infos)
	return infos, nil
}

// partialState is where a partial file stands.
type partialState struct {
	cases int // records up to the last checkpoint
	next  int // global index to go on from
	done  bool
}

// openPartial opens or creates the partial file at path. A new (or empty)
// file gets the header; an existing one must start with exactly hdr, and is
// cut after its last checkpoint, ready to be appended to.
func openPartial(path string, hdr []byte) (*os.File, partialState, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, partialState{}, fmt.Errorf("reports: %v", err)
	}
	fail := func(err error) (*os.File, partialState, error) {
		f.Close()
		return nil, partialState{}, err
	}
	r := bufio.NewReaderSize(f, 1<<16)
	first, err := r.ReadBytes('\n')
	if err != nil || len(first) == 0 {
		// Empty, or killed while writing the header: start afresh if what is
		// there is a prefix of the header (or nothing).
		if !bytes.HasPrefix(append(slices.Clone(hdr), '\n'), first) {
			return fail(fmt.Errorf("reports: %s is not a partial result of this run (its first line is incomplete and is not this run's header)", path))
		}
		if err := f.Truncate(0); err != nil {
			return fail(fmt.Errorf("reports: %v", err))
		}
		if _, err := f.WriteAt(append(slices.Clone(hdr), '\n'), 0); err != nil {
			return fail(fmt.Errorf("reports: %v", err))
		}
		if err := f.Sync(); err != nil {
			return fail(fmt.Errorf("reports: %v", err))
		}
		if _, err := f.Seek(int64(len(hdr)+1), io.SeekStart); err != nil {
			return fail(fmt.Errorf("reports: %v", err))
		}
		return f, partialState{}, nil
	}
	if !bytes.Equal(bytes.TrimSuffix(first, []byte("\n")), hdr) {
		d := headerDiff(bytes.TrimSuffix(first, []byte("\n")), hdr, nil)
		if d == "" {
			d = "headers differ"
		}
		return fail(fmt.Errorf("reports: %s was started by another run: %s; remove it or give another --out", path, d))
	}
	off := int64(len(first))
	good := off
	var st partialState
	records := 0
	for {
		line, err := r.ReadBytes('\n')
		if err != nil { // EOF: a torn last line, or the end
			break
		}
		var pl partialLine
		if json.Unmarshal(line, &pl) != nil {
			break // torn or garbage after the last good checkpoint
		}
		off += int64(len(line))
		switch {
		case pl.K != nil:
			records++
		case pl.Checkpoint != nil:
			if pl.Checkpoint.Cases != records {
				return fail(fmt.Errorf("reports: %s: checkpoint at byte %d counts %d cases, the file has %d before it", path, off, pl.Checkpoint.Cases, records))
			}
			st = partialState{cases: records, next: pl.Checkpoint.Next}
			good = off
		case pl.Done != nil:
			if pl.Done.Cases != records {
				return fail(fmt.Errorf("reports: %s: done line counts %d cases, the file has %d", path, pl.Done.Cases, records))
			}
			st = partialState{cases: records, done: true}
			good = off
		}
		if st.done {
			break
		}
	}
	if !st.done {
		if err := f.Truncate(good); err != nil {
			return fail(fmt.Errorf("reports: %v", err))
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		return fail(fmt.Errorf("reports: %v", err))
	}
	return f, st, nil
}

// streamShard evaluates the shard's cases from st.next on, over cfg.Workers
// goroutines, and writes their records in global order with a checkpoint
// every `every` cases. It returns the number of records in the file.
func streamShard(ctx context.Context, cfg Config, p *plan, sh Shard, st partialState, every, shardCases int,
	f *os.File, w *bufio.Writer, progress func(n int)) (int, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nImpl := len(cfg.Impls)
	type job struct {
		seq, k int
		c      cases.Case
	}
	type result struct {
		seq, k int
		s      []CaseScore
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	window := make(chan struct{}, 4*workers) // cases in flight: bounds memory
	genErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		seq := 0
		genErr <- p.each(sh, st.next, func(k int, c *cases.Case) error {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- job{seq, k, *c}:
			case <-ctx.Done():
				return ctx.Err()
			}
			seq++
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				s := make([]CaseScore, nImpl)
				scoreCase(cfg, &j.c, s)
				results <- result{j.seq, j.k, s}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	n := st.cases
	pending := map[int]result{}
	next := 0
	var werr error
	step := func(n int) int { return n * 20 / max(1, shardCases) } // progress every 5%
	lastStep := step(n)
	for r := range results {
		pending[r.seq] = r
		for {
			q, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			if werr != nil || ctx.Err() != nil {
				continue // drain
			}
			k := q.k
			if werr = writeLine(w, partialLine{K: &k, S: q.s}); werr != nil {
				cancel()
				continue
			}
			n++
			if n%every == 0 {
				if werr = writeLine(w, partialLine{Checkpoint: &partialCheckpt{Cases: n, Next: k + 1}}); werr == nil {
					werr = syncPartial(f, w)
				}
				if werr != nil {
					cancel()
					continue
				}
			}
			if progress != nil {
				if s := step(n); s > lastStep {
					lastStep = s
					progress(n)
				}
			}
		}
	}
	if err := <-genErr; err != nil && werr == nil {
		werr = err
	}
	if werr == nil {
		werr = ctx.Err()
	}
	if werr != nil {
		return n, werr
	}
	return n, nil
}

func writeLine(w *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("reports: %v", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("reports: %v", err)
	}
	return nil
}

// syncPartial flushes w and fsyncs f: what precedes is on disk.
func syncPartial(f *os.File, w *bufio.Writer) error {
	if err := w.Flush(); err != nil {
		return fmt.Errorf("reports: %v", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("reports: %v", err)
	}
	return nil
}

// headerFieldOrder is the order headerDiff reports fields in: what a user
// can act on first; Meta and ImplInfo, which repeat them, last.
var headerFieldOrder = []string{"Format", "Seed", "Size", "Families", "DTypes", "Impls", "Reference", "Properties",
	"Shards", "Shard", "CodeVersion", "BuildID", "GoVersion", "GOARCH", "Fingerprint", "CheckpointEvery", "Cases", "Meta", "ImplInfo"}

// headerDiff names the header fields whose JSON differ between a and b
// (skipping the keys in skip), as "Seed differs: 2 vs 1", most telling
// first; "" if none does. Meta and ImplInfo are named only when nothing
// else differs (they repeat the other fields).
func headerDiff(a, b []byte, skip []string) string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return "its header is not a partial-result header"
	}
	keys := slices.Clone(headerFieldOrder)
	for _, m := range []map[string]json.RawMessage{ma, mb} {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	var diffs []string
	for _, k := range keys {
		if slices.Contains(skip, k) || bytes.Equal(ma[k], mb[k]) {
			continue
		}
		if (k == "Meta" || k == "ImplInfo") && len(diffs) > 0 {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s differs: %s vs %s", k, short(ma[k]), short(mb[k])))
		if k == "Format" {
			break
		}
	}
	return strings.Join(diffs, "; ")
}

func short(b json.RawMessage) string {
	s := string(b)
	if s == "" {
		s = "(missing)"
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
