package reports

import (
	"fmt"

	"github.com/infogain-dev/infogain/cases"
)

// Suite returns the cases a sweep of cfg runs (cfg's Size, Seed, Families
// and DTypes; its implementations are not needed), in the sweep's order
// and with the ids its report, baseline and gate diffs print, so that any
// of those ids can be reproduced (`infogain cases --id ID`). It is the
// sweep's own case list (EachCase over every shard), so the two cannot
// drift apart; a size run only in shards (huge) is refused here as in Run.
func Suite(cfg Config) ([]cases.Case, error) {
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if p.sz.blocks {
		return nil, fmt.Errorf("reports: size %s has %d cases: list one shard's with EachCase (infogain cases takes the gate and full sizes)", cfg.Size, p.total)
	}
	all := make([]cases.Case, 0, p.total)
	err = p.each(Shard{}, 0, func(_ int, c *cases.Case) error {
		all = append(all, *c)
		return nil
	})
	return all, err
}
