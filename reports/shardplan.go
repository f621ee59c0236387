package reports

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
)

// plan is the deterministic case list of a sweep, described without
// generating it: parts (one per family and dtype, in report order) of
// known sizes, and case ids that are a function of the part and the index.
// Global index k numbers the cases of every part in order; it is the case's
// row in the unsharded report.
type plan struct {
	seed     uint64
	sz       sizing
	families []string
	dtypes   []cases.DType
	parts    []part
	total    int
}

type part struct {
	family string
	dtype  cases.DType
	n      int // cases
	offset int // global index of the part's first case
}

// hugeBlock is the number of cases of a family generated from one seed in a
// sized-by-blocks sweep (--size huge): a multiple of 3 so that families that
// cycle over i mod 3 (many-classes) keep their mix. Block b of a family is
// Family.Gen's first hugeBlock cases from its own PCG stream, so the first
// case of every block is the family's case 0 (for dominant, the fixed case
// [37.43, 0]: 1 in 12 of that family's cases).
const hugeBlock = 12

// gridBlock is one pass over the spread-grid's points (one case per point).
var gridBlock = len(gridSpreads()) * len(gridClasses)

func newPlan(cfg Config) (*plan, error) {
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
	p := &plan{seed: cfg.Seed, sz: sz, families: families, dtypes: dtypes}
	for _, fam := range families {
		for _, dt := range dtypes {
			n := sz.perFamily
			if fam == GridFamily {
				n = sz.gridReps * gridBlock
			}
			p.parts = append(p.parts, part{family: fam, dtype: dt, n: n, offset: p.total})
			p.total += n
		}
	}
	return p, nil
}

// caseID is the id the generators give case i of a part: "family/0007", and
// "spread-grid/float32/0007" for the grid.
func (pt *part) caseID(i int) string {
	if pt.family == GridFamily {
		return GridFamily + "/" + string(pt.dtype) + "/" + pad4(i)
	}
	return pt.family + "/" + pad4(i)
}

func pad4(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// each calls fn, in global order from index from on, for every case of the
// plan that belongs to shard s. Cases are generated only as needed: a whole
// part at once for gate and full (their generators are sequential streams),
// one block at a time for huge.
func (p *plan) each(s Shard, from int, fn func(k int, c *cases.Case) error) error {
	for pi := range p.parts {
		pt := &p.parts[pi]
		if from >= pt.offset+pt.n {
			continue
		}
		var whole []cases.Case // gate/full: the part, generated on first use
		var block []cases.Case // huge: the last block generated
		blockNo := -1
		for i := max(0, from-pt.offset); i < pt.n; i++ {
			id := pt.caseID(i)
			if !s.Contains(CaseKey(pt.dtype, id)) {
				continue
			}
			var c cases.Case
			switch {
			case !p.sz.blocks:
				if whole == nil {
					var err error
					if whole, err = p.generatePart(pt); err != nil {
						return err
					}
				}
				c = whole[i]
			default:
				size := hugeBlock
				if pt.family == GridFamily {
					size = gridBlock
				}
				if b := i / size; b != blockNo {
					var err error
					if block, err = p.generateBlock(pt, b, size); err != nil {
						return err
					}
					blockNo = b
				}
				c = block[i%size]
				c.ID = id
			}
			if c.ID != id {
				return fmt.Errorf("reports: case %d of %s/%s has id %q, the plan expects %q", i, pt.family, pt.dtype, c.ID, id)
			}
			if err := fn(pt.offset+i, &c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *plan) generatePart(pt *part) ([]cases.Case, error) {
	var cs []cases.Case
	if pt.family == GridFamily {
		cs = gridCases(p.seed, pt.dtype, p.sz.gridReps)
	} else {
		var err error
		cs, err = cases.Generate(pt.family, p.seed, pt.dtype, pt.n)
		if err != nil {
			return nil, fmt.Errorf("reports: family %s: %v", pt.family, err)
		}
	}
	if len(cs) != pt.n {
		return nil, fmt.Errorf("reports: family %s/%s generated %d cases, want %d", pt.family, pt.dtype, len(cs), pt.n)
	}
	for i := range cs {
		if cs[i].Family == "" {
			cs[i].Family = pt.family
		}
	}
	return cs, nil
}

// generateBlock returns block b of a part of a sized-by-blocks sweep, from
// its own stream: PCG(seed, FNV-1a of "family/dtype/b") for a family, and
// one pass of the grid seeded by seed ⊕ splitmix64(b+1) for the grid. The
// cases are validated like cases.Generate's.
func (p *plan) generateBlock(pt *part, b, size int) ([]cases.Case, error) {
	var cs []cases.Case
	if pt.family == GridFamily {
		cs = gridCases(p.seed^mix64(uint64(b)+1), pt.dtype, 1)
	} else {
		fam, ok := familyByName(pt.family)
		if !ok {
			return nil, fmt.Errorf("reports: unknown family %q", pt.family)
		}
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%s/%d", pt.family, pt.dtype, b)
		cs = fam.Gen(rand.New(rand.NewPCG(p.seed, h.Sum64())), pt.dtype, size)
	}
	if len(cs) != size {
		return nil, fmt.Errorf("reports: block %d of %s/%s has %d cases, want %d", b, pt.family, pt.dtype, len(cs), size)
	}
	for i := range cs {
		cs[i].Family = pt.family
		if err := cs[i].Validate(); err != nil {
			return nil, fmt.Errorf("reports: block %d of %s/%s: invalid case %d: %v", b, pt.family, pt.dtype, i, err)
		}
	}
	return cs, nil
}

func familyByName(name string) (cases.Family, bool) {
	for _, f := range cases.Families() {
		if f.Name == name {
			return f, true
		}
	}
	return cases.Family{}, false
}

// EachCase calls fn, in report order, for every case of the sweep cfg
// describes (its Size, Seed, Families and DTypes) that belongs to shard sh
// (the zero Shard: every case), with the case's global index k — its row
// in the unsharded report. Cases are generated as needed, so a shard of a
// huge sweep costs memory for one block, not for the sweep. It is the case
// list of Run and RunShard, for commands that shard their own work the same
// way (`infogain check --shard`). fn's error stops the iteration and is
// returned.
func EachCase(cfg Config, sh Shard, fn func(k int, c *cases.Case) error) error {
	if err := sh.Validate(); err != nil {
		return fmt.Errorf("reports: %v", err)
	}
	p, err := newPlan(cfg)
	if err != nil {
		return err
	}
	return p.each(sh, 0, fn)
}
