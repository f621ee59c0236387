package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/props"
	"github.com/infogain-dev/infogain/reports"
)

// shardExtra is what a check shard keeps in its partial file's done line
// (reports.ShardOptions.Extra): the property battery's results, on the
// shard that ran it (shard 0), and the program's protocol error, if any.
type shardExtra struct {
	Properties  []propRecord `json:",omitempty"`
	ProtocolErr string       `json:",omitempty"`
}

// propRecord is a props.Result as JSON: the counterexample as its
// docs/design.md §7 JSON line (CaseJSON) and the batch as its batch line,
// which round-trip every float bit for bit (encoding/json refuses NaN).
type propRecord struct {
	ID, Property, Impl string
	Passed             bool
	Skipped            string `json:",omitempty"`
	Tests, Vacuous     int
	Seed               int64
	Detail             string   `json:",omitempty"`
	CaseJSON           string   `json:",omitempty"`
	Batch              string   `json:",omitempty"`
	Shrinks            int      `json:",omitempty"`
	Replay             []string `json:",omitempty"`
}

func toRecord(r props.Result) propRecord {
	rec := propRecord{ID: r.ID, Property: r.Property, Impl: r.Impl, Passed: r.Passed, Skipped: r.Skipped,
		Tests: r.Tests, Vacuous: r.Vacuous, Seed: r.Seed, Detail: r.Detail, CaseJSON: r.CaseJSON,
		Shrinks: r.Shrinks, Replay: r.Replay}
	if r.Batch != nil {
		rec.Batch = batchString(r.Batch)
	}
	return rec
}

// result is the props.Result rec was made from, but for Case and Batch,
// which stay nil: a counterexample may be an invalid case (the battery
// checks rejections), which the JSON-lines parser refuses. Their lines
// are CaseJSON and, for the verdict, the batch line returned with it.
func (rec propRecord) result() (props.Result, string) {
	return props.Result{ID: rec.ID, Property: rec.Property, Impl: rec.Impl, Passed: rec.Passed, Skipped: rec.Skipped,
		Tests: rec.Tests, Vacuous: rec.Vacuous, Seed: rec.Seed, Detail: rec.Detail, CaseJSON: rec.CaseJSON,
		Shrinks: rec.Shrinks, Replay: rec.Replay}, rec.Batch
}

// RunShard is one shard of Run, for spreading a check over machines
// (`infogain check --shard I/N`, docs/scale-out.md): it evaluates only the
// suite's cases of shard sh — the partition of reports.EachCase, the same
// as `infogain report --shard` — sending only those to the implementation,
// and writes a partial result to path in the format of reports.RunShard
// (resumable the same way). The property battery runs, whole, on shard 0
// (the implementation's shard: reports runs implementation k's properties
// on shard k mod N). MergeShards turns the N partials into Run's Result.
func RunShard(ctx context.Context, cfg Config, sh reports.Shard, path string, log io.Writer) (*reports.ShardResult, error) {
	im := cfg.Impl
	if im == nil {
		return nil, errors.New("check: no implementation")
	}
	if cfg.Properties != nil {
		return nil, errors.New("check: a property's replay (--property) runs no family: run it unsharded")
	}
	cfg = cfg.withDefaults()
	rcfg := cfg.reportsConfig()
	rcfg.Progress = nil
	var mine []cases.Case
	if err := reports.EachCase(rcfg, sh, func(_ int, c *cases.Case) error {
		mine = append(mine, *c)
		return nil
	}); err != nil {
		return nil, err
	}
	rcfg.Impls = []*impls.Impl{Prefetch(im, mine)}
	var mu sync.Mutex
	var rs []props.Result
	rcfg.Properties = propertiesHook(im, cfg.propsOptions(), &mu, &rs)
	extra := func() (json.RawMessage, error) {
		var x shardExtra
		mu.Lock()
		for _, r := range rs {
			x.Properties = append(x.Properties, toRecord(r))
		}
		mu.Unlock()
		if err := im.ProtocolErr(); err != nil {
			x.ProtocolErr = err.Error()
		}
		return json.Marshal(x)
	}
	res, err := reports.RunShard(ctx, rcfg, reports.ShardOptions{Shard: sh, Path: path, Log: log, LogPrefix: "check", Extra: extra})
	if err == nil && im.ProtocolErr() != nil {
		err = fmt.Errorf("shard %s: %v (recorded in %s; the merge reports it too)", sh, im.ProtocolErr(), path)
	}
	return res, err
}

// MergeShards combines the partial results of the N shards of one check
// (RunShard; reports.MergeExtra refuses anything but the N shards of one
// run of one build) into the Result the unsharded Run gives: the same
// properties, the same family verdicts and worst cases, the same report
// (for --baseline). The suite — size, seed, families, dtypes — is the
// shards'; cfg.Impl must be the program the shards checked (same name and
// command line): it is asked again for each family's worst case, for the
// diagnostic, as Run does. Run's Progress, Size, Seed, Families and
// DTypes in cfg are ignored.
func MergeShards(cfg Config, paths []string) (*Result, error) {
	im := cfg.Impl
	if im == nil {
		return nil, errors.New("check: no implementation")
	}
	rep, extras, err := reports.MergeExtra(paths)
	if err != nil {
		return nil, err
	}
	if rep.Meta.Command != "infogain check" {
		return nil, fmt.Errorf("check: these are partials of %q, not of infogain check --shard (merge them with infogain merge)", rep.Meta.Command)
	}
	if len(rep.Impls) != 1 || rep.Impls[0].Name != im.Name || rep.Impls[0].Doc != im.Doc {
		var got []string
		for _, ii := range rep.Impls {
			got = append(got, fmt.Sprintf("%s (%s)", ii.Name, ii.Doc))
		}
		return nil, fmt.Errorf("check: the shards checked %v, not %s (%s): give the --cmd and --name the shards ran", got, im.Name, im.Doc)
	}
	cfg.Size, cfg.Seed, cfg.Families, cfg.DTypes = rep.Meta.Size, rep.Meta.Seed, rep.Meta.Families, rep.Meta.DTypes
	cfg.Properties = nil
	cfg = cfg.withDefaults()
	all, err := reports.Suite(cfg.reportsConfig())
	if err != nil {
		return nil, err
	}
	res := &Result{Impl: im.Name, Report: rep}
	var perr []error
	for i, raw := range extras {
		if raw == nil {
			return nil, fmt.Errorf("check: shard %d/%d holds no check data (a partial of infogain report?)", i, len(extras))
		}
		var x shardExtra
		if err := json.Unmarshal(raw, &x); err != nil {
			return nil, fmt.Errorf("check: shard %d/%d: %v", i, len(extras), err)
		}
		for _, rec := range x.Properties {
			r, batch := rec.result()
			res.Properties = append(res.Properties, r)
			res.batchLines = append(res.batchLines, batch)
		}
		if x.ProtocolErr != "" {
			perr = append(perr, errors.New(x.ProtocolErr))
		}
	}
	res.Families = verdicts(im, all, rep, cfg)
	if err := im.ProtocolErr(); err != nil {
		perr = append(perr, err)
	}
	res.ProtocolErr = errors.Join(perr...)
	return res, nil
}
