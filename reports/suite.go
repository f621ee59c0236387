package reports

import (
	"fmt"

	"github.com/infogain-dev/infogain/cases"
)

// Suite returns the cases a sweep of cfg runs (cfg's Size, Seed, Families
// and DTypes; its implementations are not needed), in the sweep's order
// and with the ids its report, baseline and gate diffs print, so that any
// of those ids can be reproduced (`infogain cases --id ID`). It repeats the
// generation of Run; TestSuiteMatchesRun keeps the two equal.
func Suite(cfg Config) ([]cases.Case, error) {
	sz, err := cfg.Size.sizing()
	if err != nil {
		return nil, err
	}
	families, err := selectFamilies(cfg.Families)
	if err != nil {
		return nil, err
	}
	dtypes, err := selectDTypes(cfg.DTypes)
	if err != nil {
		return nil, err
	}
	var all []cases.Case
	for _, fam := range families {
		for _, dt := range dtypes {
			var cs []cases.Case
			if fam == GridFamily {
				cs = gridCases(cfg.Seed, dt, sz.gridReps)
			} else {
				cs, err = cases.Generate(fam, cfg.Seed, dt, sz.perFamily)
				if err != nil {
					return nil, fmt.Errorf("reports: family %s: %v", fam, err)
				}
			}
			for i := range cs {
				if cs[i].Family == "" {
					cs[i].Family = fam
				}
			}
			all = append(all, cs...)
		}
	}
	return all, nil
}
