package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/reports"
)

func runCases(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cases", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", string(reports.SizeGate), "suite size: gate, full or huge")
	seed := fs.Uint64("seed", reports.DefaultSeed, "seed of the case generators")
	out := fs.String("out", "-", "output file (- for stdout)")
	var families, dtypes, ids listFlag
	fs.Var(&families, "family", "case families, comma-separated or repeated (default all): "+strings.Join(append(cases.FamilyNames(), reports.GridFamily), ", "))
	fs.Var(&dtypes, "dtype", "dtypes: float64, float32 (default both)")
	fs.Var(&ids, "id", "only the cases with these ids, comma-separated or repeated")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain cases [--size gate|full] [--family F,...] [--dtype D] [--seed N] [--id ID,...] [--out FILE]

Writes the suite's cases as JSON lines (docs/design.md §7), in the order and
with the ids that reports, gate diffs and infogain check print: any id
printed anywhere comes back with one command, and pipes into a program
that speaks docs/protocol.md:

  infogain cases --size gate --dtype float64 --id dominant/0007 | PROGRAM ARGS

Ids repeat across dtypes: add --dtype for one case. An --id that matches
nothing exits 2.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "infogain cases: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg := reports.Config{Size: reports.Size(*size), Seed: *seed, Families: families}
	for _, d := range dtypes {
		cfg.DTypes = append(cfg.DTypes, cases.DType(d))
	}
	all, err := reports.Suite(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "infogain cases: %v\n", err)
		return 2
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var w io.Writer = stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "infogain cases: %v\n", err)
			return 2
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := jsonl.NewEncoder(bw)
	found := map[string]bool{}
	for i := range all {
		if len(want) > 0 && !want[all[i].ID] {
			continue
		}
		found[all[i].ID] = true
		if err := enc.Encode(&all[i]); err != nil {
			fmt.Fprintf(stderr, "infogain cases: %v\n", err)
			return 2
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "infogain cases: %v\n", err)
		return 2
	}
	if f != nil {
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "infogain cases: %v\n", err)
			return 2
		}
	}
	for _, id := range ids {
		if !found[id] {
			fmt.Fprintf(stderr, "infogain cases: no case with id %q in the %s suite (seed %d, families %v, dtypes %v)\n", id, *size, *seed, []string(families), []string(dtypes))
			return 2
		}
	}
	return 0
}
