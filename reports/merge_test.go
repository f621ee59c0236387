package reports

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/impls"
)

// shardTestConfig is a gate-size sweep small enough to run many times in
// seconds: three cheap implementations on the test families (40 cases per
// family and dtype, so N = 64 exceeds every family's count), with a stub
// properties battery so that the properties path is merged too.
func shardTestConfig() Config {
	cfg := testConfig(testRef, goodFused, brokenFused2())
	cfg.Properties = func(im *impls.Impl) ([]string, error) {
		if im.Name == "fused-log" {
			return []string{"reference", "finite-differences"}, nil
		}
		return nil, nil
	}
	return cfg
}

// runShards runs the n shards of cfg into dir (in a scrambled order: the
// result must not depend on it) and merges them.
func runShards(t *testing.T, cfg Config, n int, dir string) *Report {
	t.Helper()
	order := make([]int, n)
	for i := range order {
		order[i] = (i*5 + 3) % n // a permutation when gcd(5, n) = 1
	}
	if n%5 == 0 {
		for i := range order {
			order[i] = n - 1 - i
		}
	}
	for _, i := range order {
		sh := Shard{I: i, N: n}
		_, err := RunShard(context.Background(), cfg, ShardOptions{Shard: sh, Path: filepath.Join(dir, PartialName(sh)), CheckpointEvery: 16})
		if err != nil {
			t.Fatalf("shard %s: %v", sh, err)
		}
	}
	files, err := PartialFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != n {
		t.Fatalf("%d partial files for %d shards", len(files), n)
	}
	rep, err := Merge(files)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// sameDirs fails unless a and b hold the same files with the same bytes.
func sameDirs(t *testing.T, a, b string) {
	t.Helper()
	na, nb := listDir(t, a), listDir(t, b)
	if !slices.Equal(na, nb) {
		t.Fatalf("file sets differ:\n%v\n%v", na, nb)
	}
	for _, n := range na {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the unsharded and the merged report", n)
		}
	}
}

// TestMergeIdentity is the merge identity of issue 16: for N = 1, 2, 7 and
// 64 shards of a gate-size sweep (64 > the 40 cases of each family and
// dtype, so some shards hold no case of a family, a few none at all), the
// merged report's files are byte-identical to the unsharded run's — every
// file WriteDir writes, whatever it writes.
func TestMergeIdentity(t *testing.T) {
	cfg := shardTestConfig()
	want := t.TempDir()
	rep, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteDir(want); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 7, 64} {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			merged := runShards(t, cfg, n, t.TempDir())
			got := t.TempDir()
			if err := merged.WriteDir(got); err != nil {
				t.Fatal(err)
			}
			sameDirs(t, want, got)
		})
	}
}

// TestMergeRefuses: shards that are not the N shards of one sweep are
// refused with an error that names what differs.
func TestMergeRefuses(t *testing.T) {
	cfg := shardTestConfig()
	cfg.Families = []string{"moderate"}
	cfg.Properties = nil
	base := t.TempDir()
	run := func(cfg Config, sh Shard, dir string) string {
		path := filepath.Join(dir, PartialName(sh))
		if _, err := RunShard(context.Background(), cfg, ShardOptions{Shard: sh, Path: path}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	s0 := run(cfg, Shard{0, 2}, base)
	s1 := run(cfg, Shard{1, 2}, base)
	if _, err := Merge([]string{s0, s1}); err != nil {
		t.Fatalf("the two shards of one sweep: %v", err)
	}
	other := func(edit func(*Config)) string {
		c := cfg
		edit(&c)
		return run(c, Shard{1, 2}, t.TempDir())
	}
	// rewrite returns a copy of s1 with one header field replaced (a shard
	// from another machine or build).
	rewrite := func(old, new string) string {
		b, _ := os.ReadFile(s1)
		hdr, rest, _ := bytes.Cut(b, []byte("\n"))
		if !bytes.Contains(hdr, []byte(old)) {
			t.Fatalf("header lacks %s", old)
		}
		hdr = bytes.Replace(hdr, []byte(old), []byte(new), -1)
		p := filepath.Join(t.TempDir(), PartialName(Shard{1, 2}))
		os.WriteFile(p, append(append(hdr, '\n'), rest...), 0o644)
		return p
	}
	// otherBuild is shard 1 run by another executable (ShardOptions.BuildID
	// stands in for ExecutableID of a different binary).
	otherBuild := func() string {
		path := filepath.Join(t.TempDir(), PartialName(Shard{1, 2}))
		if _, err := RunShard(context.Background(), cfg, ShardOptions{Shard: Shard{1, 2}, Path: path, BuildID: "sha256:0123456789abcdef0123456789abcdef"}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	truncated := func() string {
		b, _ := os.ReadFile(s1)
		p := filepath.Join(t.TempDir(), PartialName(Shard{1, 2}))
		os.WriteFile(p, b[:bytes.LastIndex(b[:len(b)-1], []byte("\n"))+1], 0o644) // drop the done line
		return p
	}
	for _, tc := range []struct {
		files []string
		want  string
		why   string
	}{
		{[]string{s0, other(func(c *Config) { c.Seed = 2 })}, "Seed differs: 2 vs 1", "another seed"},
		{[]string{s0, other(func(c *Config) { c.Size = SizeFull })}, `Size differs: "full" vs "gate"`, "another size"},
		{[]string{s0, other(func(c *Config) { c.Impls = c.Impls[:2] })}, "Impls differs", "another implementation list"},
		{[]string{s0, rewrite(`"CodeVersion":"`, `"CodeVersion":"vcs:0123abc`)}, "CodeVersion differs", "another build"},
		{[]string{s0, otherBuild()}, `BuildID differs: "sha256:0123456789abcdef0123456789abcdef" vs "sha256:`, "another executable with the same CodeVersion (devel, or a dirty tree)"},
		{[]string{s0, rewrite(`"GOARCH":"`, `"GOARCH":"riscv`)}, "GOARCH differs", "another architecture"},
		{[]string{s0, rewrite(`"Fingerprint":"`, `"Fingerprint":"ff`)}, "Fingerprint differs", "code that evaluates differently"},
		{[]string{s0, run(cfg, Shard{1, 3}, t.TempDir())}, "Shards differs: 3 vs 2", "another N"},
		{[]string{s0, s1, run(cfg, Shard{1, 2}, t.TempDir())}, "given twice", "a duplicate shard"},
		{[]string{s0}, "1 of 2 shards missing: 1/2", "a missing shard"},
		{[]string{s0, truncated()}, "incomplete", "a shard that has not finished"},
		{[]string{s0, writeTemp(t, "not a partial\n")}, "not a partial result", "a foreign file"},
	} {
		_, err := Merge(tc.files)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Merge error = %v, want it to say %q", tc.why, err, tc.want)
		}
	}
}

// TestExecutableID: the header's BuildID is the SHA-256 of the running
// executable's bytes (computed here from the file, independently of the
// cached value), stable within a process.
func TestExecutableID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Skip(err)
	}
	sum := sha256.Sum256(b)
	want := "sha256:" + hex.EncodeToString(sum[:16])
	if got := ExecutableID(); got != want || ExecutableID() != got {
		t.Errorf("ExecutableID() = %q, want %q (sha256 of %s)", got, want, exe)
	}
}

func writeTemp(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "x.jsonl")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
