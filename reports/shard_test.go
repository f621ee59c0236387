package reports

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
		why  string
	}{
		{"0/1", Shard{0, 1}, "", "the whole list as one shard"},
		{"3/8", Shard{3, 8}, "", "an ordinary shard"},
		{" 7/8 ", Shard{7, 8}, "", "spaces around, as from an environment variable"},
		{"8/8", Shard{}, "I must be between 0 and N−1", "the index is 0-based: N is out of range"},
		{"-1/8", Shard{}, "I must be between", "negative index"},
		{"0/0", Shard{}, "N must be between", "no shard at all"},
		{"1/2000000", Shard{}, "N must be between", "more shards than MaxShards"},
		{"3", Shard{}, "want I/N", "no slash"},
		{"a/b", Shard{}, "integers", "not numbers"},
		{"1/2/3", Shard{}, "integers", "two slashes"},
	} {
		got, err := ParseShard(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShard(%q) error = %v, want %q (%s)", tc.in, err, tc.err, tc.why)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v (%s)", tc.in, got, err, tc.want, tc.why)
		}
	}
}

// planKeys returns the shard keys of every case of a plan, in global order.
func planKeys(p *plan) []string {
	var keys []string
	for _, pt := range p.parts {
		for i := range pt.n {
			keys = append(keys, CaseKey(pt.dtype, pt.caseID(i)))
		}
	}
	return keys
}

// TestShardPartition: every case of the gate sweep is in exactly one shard
// for several N, the keys are distinct, and the shards are balanced: no
// shard holds more than mean + 5·√mean cases (a hash partition's counts
// are about Poisson; 5σ is far beyond chance over these few N).
func TestShardPartition(t *testing.T) {
	p, err := newPlan(Config{Size: SizeGate, Seed: DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	keys := planKeys(p)
	if len(keys) != p.total || len(slices.Compact(slices.Sorted(slices.Values(keys)))) != len(keys) {
		t.Fatalf("%d keys for %d cases, or duplicates: a key must name one case", len(keys), p.total)
	}
	for _, n := range []int{1, 2, 7, 64, 1000} {
		counts := make([]int, n)
		for _, k := range keys {
			in := 0
			for i := range n {
				if (Shard{i, n}).Contains(k) {
					in++
					counts[i]++
				}
			}
			if in != 1 {
				t.Fatalf("N=%d: case %s is in %d shards", n, k, in)
			}
		}
		mean := float64(len(keys)) / float64(n)
		if hi := slices.Max(counts); float64(hi) > mean+5*math.Sqrt(mean) {
			t.Errorf("N=%d: largest shard has %d cases, mean %.1f: unbalanced", n, hi, mean)
		}
	}
}

// TestHugeCases: the documented case count of --size huge is the plan's,
// at least 10^7.
func TestHugeCases(t *testing.T) {
	p, err := newPlan(Config{Size: SizeHuge, Seed: DefaultSeed})
	if err != nil {
		t.Fatal(err)
	}
	if p.total != HugeCases || HugeCases < 1e7 {
		t.Errorf("huge plan has %d cases, HugeCases = %d (want equal and ≥ 1e7)", p.total, HugeCases)
	}
	if _, err := Run(Config{Size: SizeHuge, Reference: testRef, Impls: nil}); err == nil {
		t.Error("Run accepted a config without implementations")
	}
	if _, err := Run(testConfigSize(SizeHuge)); err == nil || !strings.Contains(err.Error(), "--shard") {
		t.Errorf("unsharded huge run: error %v, want one pointing to --shard", err)
	}
}

func testConfigSize(s Size) Config {
	cfg := testConfig(testRef)
	cfg.Size = s
	return cfg
}

// TestHugeBlocks: a huge case is the same whichever shard generates it
// (blocks are independent of the order they are needed in), cases are
// valid, and their ids are the plan's.
func TestHugeBlocks(t *testing.T) {
	cfg := Config{Size: SizeHuge, Seed: DefaultSeed, Families: []string{"many-classes", "dominant", GridFamily}, DTypes: []cases.DType{cases.Float32}}
	p, err := newPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Two shards of 100000: about 10 cases of these three families' 1.1e6.
	got := map[int]cases.Case{}
	for _, sh := range []Shard{{5, 100000}, {77, 100000}} {
		err := p.each(sh, 0, func(k int, c *cases.Case) error {
			if err := c.Validate(); err != nil {
				t.Errorf("case %d: %v", k, err)
			}
			got[k] = *c
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(got) == 0 {
		t.Fatal("no case in two shards of 100000")
	}
	// Regenerate each from its own index on (a resumed shard does that).
	for k, want := range got {
		n := 0
		err := p.each(Shard{}, k, func(k2 int, c *cases.Case) error {
			if k2 != k || c.ID != want.ID || !slices.Equal(c.Logits, want.Logits) || !slices.Equal(c.H, want.H) {
				t.Errorf("case %d regenerated as %d %s, differs from %s", k, k2, c.ID, want.ID)
			}
			n++
			return errStop
		})
		if err != errStop || n != 1 {
			t.Fatalf("case %d: %v", k, err)
		}
	}
}

// TestEachCase: the exported iteration gives, over the N shards, each case
// of the unsharded list once, with its global index.
func TestEachCase(t *testing.T) {
	cfg := testConfig(testRef)
	var all []string
	if err := EachCase(cfg, Shard{}, func(k int, c *cases.Case) error {
		if k != len(all) {
			t.Fatalf("unsharded: index %d at position %d", k, len(all))
		}
		all = append(all, CaseKey(c.DType, c.ID))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	seen := make([]int, len(all))
	for i := range 7 {
		if err := EachCase(cfg, Shard{i, 7}, func(k int, c *cases.Case) error {
			if all[k] != CaseKey(c.DType, c.ID) {
				t.Errorf("shard %d: index %d is %s, unsharded %s", i, k, CaseKey(c.DType, c.ID), all[k])
			}
			seen[k]++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("case %s in %d of the 7 shards", all[k], n)
		}
	}
	if err := EachCase(cfg, Shard{7, 7}, nil); err == nil {
		t.Error("EachCase accepted shard 7/7")
	}
}
