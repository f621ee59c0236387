package reports

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Run performs the sweep cfg describes and returns its report. The
// reference is evaluated once per case; every implementation is scored
// against that result. Cases are spread over cfg.Workers goroutines and
// results are stored by index, so the report does not depend on scheduling.
//
// Run returns an error for a Config it cannot run (no reference, no
// implementation, an unknown size, family or dtype); an implementation
// that panics on a case is recorded as an error on that case.
func Run(cfg Config) (*Report, error) {
	if cfg.Reference == nil {
		return nil, errors.New("reports: no reference implementation")
	}
	if len(cfg.Impls) == 0 {
		return nil, errors.New("reports: no implementation to score")
	}
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if p.sz.blocks {
		return nil, fmt.Errorf("reports: size %s has %d cases: run it in shards (RunShard; infogain report --shard I/N) and merge them (docs/scale-out.md)", cfg.Size, p.total)
	}
	families, dtypes, sz := p.families, p.dtypes, p.sz
	all := make([]cases.Case, 0, p.total)
	if err := p.each(Shard{}, 0, func(_ int, c *cases.Case) error {
		all = append(all, *c)
		return nil
	}); err != nil {
		return nil, err
	}
	scores := evaluate(cfg, all)

	rep := &Report{
		Meta:   newMeta(cfg, families, dtypes, sz, len(all)),
		Scores: scores,
	}
	rep.Impls = implInfos(cfg)
	if cfg.Properties != nil {
		if err := checkProperties(cfg, rep.Impls); err != nil {
			return nil, err
		}
	}
	diagnoseImpls(cfg, rep.Impls)
	rep.summarize(families, dtypes)
	rep.grade()
	return rep, nil
}

// implInfos describes cfg's implementations for the report, before the
// properties battery (Run, and the header of a shard's partial result).
func implInfos(cfg Config) []ImplInfo {
	var out []ImplInfo
	for _, im := range cfg.Impls {
		out = append(out, ImplInfo{Name: im.Name, Doc: im.Doc})
	}
	return out
}

// checkProperties runs cfg.Properties on every implementation, up to
// cfg.Workers at a time, and records the sorted failing properties.
func checkProperties(cfg Config, infos []ImplInfo) error {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bar := newProgress(cfg.Progress, "properties", "implementations", len(cfg.Impls))
	errs := make([]error, len(cfg.Impls))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for k, im := range cfg.Impls {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			failing, err := cfg.Properties(im)
			if err != nil {
				errs[k] = fmt.Errorf("reports: properties of %s: %v", im.Name, err)
				return
			}
			infos[k].PropertiesChecked = true
			infos[k].FailingProperties = slices.Sorted(slices.Values(failing))
			bar.add(1)
		})
	}
	wg.Wait()
	bar.done()
	return errors.Join(errs...)
}

// evaluate runs the reference and every implementation on every case and
// returns the scores in case-major order: scores[i*len(cfg.Impls)+k] is
// implementation k on case i.
func evaluate(cfg Config, all []cases.Case) []CaseScore {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nImpl := len(cfg.Impls)
	scores := make([]CaseScore, len(all)*nImpl)
	bar := newProgress(cfg.Progress, "cases", "cases", len(all))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(all) {
					return
				}
				scoreCase(cfg, &all[i], scores[i*nImpl:(i+1)*nImpl])
				bar.add(1)
			}
		})
	}
	wg.Wait()
	bar.done()
	return scores
}

// scoreCase evaluates the reference and every implementation on c and
// writes their scores into dst (len(cfg.Impls) entries). It is the one
// per-case step of both Run and RunShard.
func scoreCase(cfg Config, c *cases.Case, dst []CaseScore) {
	want := safeCase(cfg.Reference, c)
	spr := spread(c.Logits)
	for k, im := range cfg.Impls {
		if !im.Supports(c.DType) {
			dst[k] = CaseScore{Impl: im.Name, Family: c.Family, DType: c.DType, ID: c.ID,
				C: c.C(), Spread: spr, Unsupported: true}
			continue
		}
		var got cases.Result
		if im == cfg.Reference {
			got = want
		} else {
			got = safeCase(im, c)
		}
		dst[k] = score(c, spr, &want, &got, im)
	}
}

// safeCase evaluates one case and turns a panic into an error result: a
// report records the failure and goes on.
func safeCase(im *impls.Impl, c *cases.Case) (r cases.Result) {
	defer func() {
		if p := recover(); p != nil {
			r = cases.Result{ID: c.ID, Err: fmt.Sprintf("panic: %v", p)}
		}
	}()
	return im.Case(c)
}

func selectFamilies(names []string) ([]string, error) {
	var known []string
	for _, f := range cases.Families() {
		known = append(known, f.Name)
	}
	known = append(known, GridFamily)
	if len(names) == 0 {
		return known, nil
	}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("reports: unknown family %q (known: %v)", n, known)
		}
	}
	// Keep the canonical order whatever order the flags came in.
	var out []string
	for _, k := range known {
		if slices.Contains(names, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

func selectDTypes(dts []cases.DType) ([]cases.DType, error) {
	canonical := []cases.DType{cases.Float64, cases.Float32}
	if len(dts) == 0 {
		return canonical, nil
	}
	for _, d := range dts {
		if !slices.Contains(canonical, d) {
			return nil, fmt.Errorf("reports: unknown dtype %q (want float64 or float32)", string(d))
		}
	}
	var out []cases.DType
	for _, d := range canonical {
		if slices.Contains(dts, d) {
			out = append(out, d)
		}
	}
	return out, nil
}
