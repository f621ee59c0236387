package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/infogain-dev/infogain/cases"
)

// PartialFiles returns the partial files under the given paths: a
// directory contributes every partial-*.jsonl in it (not recursively), a
// file itself. The list is sorted and free of duplicates.
func PartialFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reports: %v", err)
		}
		if !st.IsDir() {
			out = append(out, filepath.Clean(p))
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "partial-*.jsonl"))
		if err != nil {
			return nil, fmt.Errorf("reports: %v", err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("reports: no partial-*.jsonl in %s", p)
		}
		out = append(out, m...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// mergeSkip are the header fields allowed to differ between the shards of
// one sweep.
var mergeSkip = []string{"Shard", "Cases", "CheckpointEvery"}

// Merge reads the partial results of the N shards of one sweep and returns
// the report the unsharded sweep gives: the same Meta, implementations,
// properties and per-case scores in the same order, summarized by the same
// code, so WriteDir writes byte-identical files (for any N). Meta.Command
// is the shards' command, which has no --out: the caller sets it.
//
// Merge refuses, naming the files: shards of different runs (seed, size,
// families, dtypes, implementations, code version or fingerprint, Go
// version, GOARCH, N), a duplicate or missing shard, an incomplete shard
// (no done line: resume it), and records that contradict the header (a case
// outside the shard, twice, or missing).
func Merge(paths []string) (*Report, error) {
	rep, _, err := MergeExtra(paths)
	return rep, err
}

// MergeExtra is Merge that also returns the shards' extra data
// (ShardOptions.Extra), indexed by shard: extra[I] is shard I's (nil if it
// stored none).
func MergeExtra(paths []string) (*Report, []json.RawMessage, error) {
	rep, extra, err := merge(paths)
	if err != nil {
		return nil, nil, err
	}
	return rep, extra, nil
}

func merge(paths []string) (*Report, []json.RawMessage, error) {
	if len(paths) == 0 {
		return nil, nil, errors.New("reports: no partial result to merge")
	}
	type shardFile struct {
		path string
		raw  []byte
		hdr  PartialHeader
	}
	files := make([]shardFile, len(paths))
	for i, p := range paths {
		raw, hdr, err := readPartialHeader(p)
		if err != nil {
			return nil, nil, err
		}
		files[i] = shardFile{p, raw, hdr}
	}
	h0 := &files[0].hdr
	for _, f := range files[1:] {
		if d := headerDiff(f.raw, files[0].raw, mergeSkip); d != "" {
			return nil, nil, fmt.Errorf("reports: %s and %s are not shards of one sweep: %s", f.path, files[0].path, d)
		}
	}
	seen := make([]string, h0.Shards)
	for _, f := range files {
		if f.hdr.Shard < 0 || f.hdr.Shard >= h0.Shards {
			return nil, nil, fmt.Errorf("reports: %s: shard %d/%d out of range", f.path, f.hdr.Shard, f.hdr.Shards)
		}
		if prev := seen[f.hdr.Shard]; prev != "" {
			return nil, nil, fmt.Errorf("reports: shard %d/%d given twice: %s and %s", f.hdr.Shard, h0.Shards, prev, f.path)
		}
		seen[f.hdr.Shard] = f.path
	}
	var missing []int
	for i, p := range seen {
		if p == "" {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("reports: %d of %d shards missing: %s", len(missing), h0.Shards, shardList(missing, h0.Shards))
	}

	nImpl := len(h0.Impls)
	total := h0.Meta.Cases
	rep := &Report{Meta: h0.Meta, Scores: make([]CaseScore, total*nImpl)}
	rep.Impls = slices.Clone(h0.ImplInfo)
	filled := make([]bool, total)
	in := interner{}
	propsFrom := make([]string, nImpl)
	sum := 0
	extra := make([]json.RawMessage, h0.Shards)
	for _, f := range files {
		sh := Shard{I: f.hdr.Shard, N: f.hdr.Shards}
		done, err := readPartialRecords(f.path, func(k int, s []CaseScore) error {
			if k < 0 || k >= total {
				return fmt.Errorf("case index %d outside the sweep's %d cases", k, total)
			}
			if len(s) != nImpl {
				return fmt.Errorf("case %d has %d scores, want %d", k, len(s), nImpl)
			}
			if !sh.Contains(CaseKey(s[0].DType, s[0].ID)) {
				return fmt.Errorf("case %d (%s) does not belong to shard %s", k, CaseKey(s[0].DType, s[0].ID), sh)
			}
			if filled[k] {
				return fmt.Errorf("case %d (%s) recorded twice", k, s[0].ID)
			}
			filled[k] = true
			for j := range s {
				in.score(&s[j], s[0].ID)
			}
			copy(rep.Scores[k*nImpl:], s)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("reports: %s: %v", f.path, err)
		}
		if done.Cases != f.hdr.Cases {
			return nil, nil, fmt.Errorf("reports: %s: %d cases, its header says %d", f.path, done.Cases, f.hdr.Cases)
		}
		sum += done.Cases
		extra[sh.I] = done.Extra
		for _, pi := range done.Properties {
			k := slices.IndexFunc(rep.Impls, func(im ImplInfo) bool { return im.Name == pi.Name })
			if k < 0 || k%sh.N != sh.I || propsFrom[k] != "" {
				return nil, nil, fmt.Errorf("reports: %s: unexpected properties of %q", f.path, pi.Name)
			}
			propsFrom[k] = f.path
			rep.Impls[k].PropertiesChecked = pi.PropertiesChecked
			rep.Impls[k].FailingProperties = pi.FailingProperties
			rep.Impls[k].Findings = pi.Findings
		}
	}
	if sum != total {
		return nil, nil, fmt.Errorf("reports: the shards hold %d cases, the sweep has %d", sum, total)
	}
	if i := slices.Index(filled, false); i >= 0 {
		return nil, nil, fmt.Errorf("reports: case %d is in no shard", i)
	}
	for k, from := range propsFrom {
		if from == "" {
			return nil, nil, fmt.Errorf("reports: no shard ran the properties and diagnosis of %s (shard %d/%d should have)", rep.Impls[k].Name, k%h0.Shards, h0.Shards)
		}
	}
	rep.summarize(rep.Meta.Families, rep.Meta.DTypes)
	rep.grade()
	return rep, extra, nil
}

func shardList(idx []int, n int) string {
	var b bytes.Buffer
	for i, k := range idx {
		if i == 8 {
			fmt.Fprintf(&b, " …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d/%d", k, n)
	}
	return b.String()
}

// readPartialHeader returns the first line of a partial file and its
// decoding.
func readPartialHeader(path string) ([]byte, PartialHeader, error) {
	var hdr PartialHeader
	f, err := os.Open(path)
	if err != nil {
		return nil, hdr, fmt.Errorf("reports: %v", err)
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, 1<<16).ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, hdr, fmt.Errorf("reports: %s: %v", path, err)
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	if err := json.Unmarshal(line, &hdr); err != nil || hdr.Format != PartialFormat {
		return nil, hdr, fmt.Errorf("reports: %s is not a partial result (want a first line with Format %q)", path, PartialFormat)
	}
	if hdr.Shards < 1 || len(hdr.Impls) == 0 || len(hdr.Impls) != len(hdr.ImplInfo) || hdr.Meta.Cases < 0 {
		return nil, hdr, fmt.Errorf("reports: %s: inconsistent header", path)
	}
	return line, hdr, nil
}

// readPartialRecords calls fn on every case record of a complete partial
// file, in order, and returns its done line. An incomplete file (no done
// line) is an error that says to resume the shard.
func readPartialRecords(path string, fn func(k int, s []CaseScore) error) (*partialComplete, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	if _, err := r.ReadBytes('\n'); err != nil {
		return nil, errors.New("no header line")
	}
	n, line := 0, 1
	last := -1
	for {
		b, err := r.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("incomplete after %d cases (no done line): run the same shard command again to resume it", n)
		}
		line++
		var pl partialLine
		if err := json.Unmarshal(b, &pl); err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		switch {
		case pl.K != nil:
			if *pl.K <= last {
				return nil, fmt.Errorf("line %d: case %d after case %d (records must increase)", line, *pl.K, last)
			}
			last = *pl.K
			if err := fn(*pl.K, pl.S); err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			n++
		case pl.Checkpoint != nil:
			if pl.Checkpoint.Cases != n {
				return nil, fmt.Errorf("line %d: checkpoint counts %d cases, the file has %d", line, pl.Checkpoint.Cases, n)
			}
		case pl.Done != nil:
			if pl.Done.Cases != n {
				return nil, fmt.Errorf("line %d: done line counts %d cases, the file has %d", line, pl.Done.Cases, n)
			}
			if _, err := r.ReadByte(); err == nil {
				return nil, fmt.Errorf("line %d: data after the done line", line)
			}
			return pl.Done, nil
		default:
			return nil, fmt.Errorf("line %d: not a case, checkpoint or done line", line)
		}
	}
}

// interner shares the strings that repeat across scores (implementation,
// family, dtype, class, error messages, and a case's id across its
// implementations): a merge holds every score, and the copies would be
// most of its memory.
type interner map[string]string

func (in interner) str(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

func (in interner) score(c *CaseScore, id string) {
	c.Impl = in.str(c.Impl)
	c.Family = in.str(c.Family)
	c.DType = cases.DType(in.str(string(c.DType)))
	c.Class = Class(in.str(string(c.Class)))
	if c.Err != "" {
		c.Err = in.str(c.Err)
	}
	if c.ID == id {
		c.ID = id
	}
}
