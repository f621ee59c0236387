package check

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/infogain-dev/infogain/reports"
)

// TestShardMergeIdentity: the N shards of a check (RunShard), merged
// (MergeShards), give the unsharded Run's verdict — the same printed
// verdict, byte for byte, and the same OK — for N = 1, 2 and 7, on an
// implementation that passes (fused) and one that fails properties and
// families (tf's p − h gradient, TestRunVerdicts).
func TestShardMergeIdentity(t *testing.T) {
	for _, name := range []string{"fused", "tf"} {
		cfg := Config{Impl: lookup(t, name), Size: reports.SizeGate, Families: []string{"h-weights", "moderate"}, PropsTests: 20, Replay: "mine"}
		want, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var wb bytes.Buffer
		want.Write(&wb, "mine")
		if ok := name == "fused"; want.OK() != ok {
			t.Fatalf("%s: unsharded OK = %v, want %v\n%s", name, want.OK(), ok, wb.String())
		}
		for _, n := range []int{1, 2, 7} {
			dir := t.TempDir()
			var paths []string
			for i := n - 1; i >= 0; i-- { // any order
				sh := reports.Shard{I: i, N: n}
				path := filepath.Join(dir, reports.PartialName(sh))
				if _, err := RunShard(context.Background(), cfg, sh, path, nil); err != nil {
					t.Fatalf("%s: shard %s: %v", name, sh, err)
				}
				paths = append(paths, path)
			}
			got, err := MergeShards(Config{Impl: lookup(t, name), Replay: "mine"}, paths)
			if err != nil {
				t.Fatalf("%s, N=%d: %v", name, n, err)
			}
			var gb bytes.Buffer
			got.Write(&gb, "mine")
			if gb.String() != wb.String() || got.OK() != want.OK() {
				t.Errorf("%s, N=%d: merged verdict (OK %v) differs from the unsharded (OK %v):\n--- merged\n%s--- unsharded\n%s", name, n, got.OK(), want.OK(), gb.String(), wb.String())
			}
			gbl, err1 := json.Marshal(got.Report.Baseline())
			wbl, err2 := json.Marshal(want.Report.Baseline())
			if err1 != nil || err2 != nil || !bytes.Equal(gbl, wbl) {
				t.Errorf("%s, N=%d: merged baseline differs from the unsharded", name, n)
			}
		}
	}
	// Another program than the shards': refused.
	dir := t.TempDir()
	sh := reports.Shard{I: 0, N: 1}
	path := filepath.Join(dir, reports.PartialName(sh))
	if _, err := RunShard(context.Background(), Config{Impl: lookup(t, "fused"), Size: reports.SizeGate, Families: []string{"moderate"}, PropsTests: 5}, sh, path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeShards(Config{Impl: lookup(t, "naive")}, []string{path}); err == nil {
		t.Errorf("merging fused's shards as naive's: no error")
	}
}
