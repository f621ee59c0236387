package reports

import (
	"fmt"
	"io"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Size selects how many cases a sweep runs.
type Size string

const (
	// SizeGate is the sweep `infogain gate` recomputes: small enough to run
	// in well under a minute on two cores.
	SizeGate Size = "gate"
	// SizeFull is the sweep of `make report`: under five minutes on two cores.
	SizeFull Size = "full"
	// SizeHuge is the many-machine sweep (HugeCases cases): practical only
	// sharded (RunShard, `infogain report --shard I/N`) and merged; see
	// docs/scale-out.md.
	SizeHuge Size = "huge"
)

// sizing is how many cases each part of a sweep gets.
type sizing struct {
	// perFamily is the number of cases asked of cases.Generate per family
	// and dtype.
	perFamily int
	// gridReps is the number of cases per (spread, C, dtype) point of the
	// spread × C grid (see grid.go).
	gridReps int
	// blocks: cases are generated in independently seeded blocks (see
	// shardplan.go), so that a shard generates only the blocks it needs.
	blocks bool
}

func (s Size) sizing() (sizing, error) {
	switch s {
	case SizeGate:
		return sizing{perFamily: gatePerFamily, gridReps: gateGridReps}, nil
	case SizeFull:
		return sizing{perFamily: fullPerFamily, gridReps: fullGridReps}, nil
	case SizeHuge:
		return sizing{perFamily: hugePerFamily, gridReps: hugeGridReps, blocks: true}, nil
	}
	return sizing{}, fmt.Errorf("unknown size %q (want gate, full or huge)", string(s))
}

// Case counts per size. Measured on the 2-core machine of the project, all
// eight registered implementations, props battery included (user+sys CPU
// seconds, the honest figure on a shared machine; wall time on 2 idle cores
// is about half of it), measured with 18 families (before h-tree; now gate
// 1,856 and full 12,744 cases): gate 1,776 cases, 3.4 s CPU (4.1 s wall at load
// 10); full 12,144 cases, 32 s CPU (162 s wall at load 10, 17 s when the
// machine was quieter). The many-classes family (C up to 1e5, the
// reference's slowest rows) takes about 90% of the sweep itself.
const (
	gatePerFamily = 40
	gateGridReps  = 2
	fullPerFamily = 300
	fullGridReps  = 8
	// Huge: 19 families × 300,000 + 84 grid points × 6,000, per dtype;
	// HugeCases in all (checked by a test against the plan).
	hugePerFamily = 300_000
	hugeGridReps  = 6_000
)

// HugeCases is the number of cases of a --size huge sweep over every family
// and both dtypes: 2 × (19 × 300,000 + 84 × 6,000) = 12,408,000.
const HugeCases = 12_408_000

// Config describes one sweep. Impls are scored against Reference, which is
// evaluated once per case.
type Config struct {
	// Impls are the implementations under test, in report order. The
	// reference may be among them (it then scores 0 ulps, a check of the
	// harness itself).
	Impls []*impls.Impl
	// Reference is the certified reference (impls.Reference()).
	Reference *impls.Impl
	Size      Size
	Seed      uint64
	// Families restricts the case families (nil: every family of
	// cases.Families(), plus the spread × C grid family GridFamily).
	Families []string
	// DTypes restricts the dtypes (nil: float64 and float32).
	DTypes []cases.DType
	// Workers is the number of goroutines (≤ 0: GOMAXPROCS).
	Workers int
	// Command is the command line that regenerates the report, recorded in
	// report.md and report.json.
	Command string
	// Progress, if not nil, receives a progress bar ("\r"-redrawn).
	Progress io.Writer
	// Properties, if not nil, returns the names of the properties the
	// implementation fails (the props battery, wired by the caller so that
	// reports does not depend on props). Nil leaves the column empty.
	Properties func(im *impls.Impl) ([]string, error)
}
