package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/infogain-dev/infogain/check"
	"github.com/infogain-dev/infogain/impls"
)

func runScore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	casesPath := fs.String("cases", "", "the cases, as JSON lines (infogain cases --out FILE) (required)")
	resultsPath := fs.String("results", "", "one result line per case, in the same order (the protocol's output) (required)")
	name := fs.String("name", "results", "the implementation's name in the verdict")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain score --cases FILE --results FILE [--name N]

Judges results computed elsewhere (a GPU job, a cluster run) against the
certified reference, with the standard contract, and prints the verdict per
family and dtype as infogain check does:

  infogain cases --size gate --out cases.jsonl
  my-gpu-job < cases.jsonl > results.jsonl
  infogain score --cases cases.jsonl --results results.jsonl

Each result line must answer its case as docs/protocol.md says (its id, C
gradient entries, float32 values for a float32 case). Exit status: 0 every
family passes, 1 something fails, 2 usage error or files that do not match.

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
	if fs.NArg() > 0 || *casesPath == "" || *resultsPath == "" {
		fmt.Fprintf(stderr, "infogain score: --cases and --results are required, and nothing else\n")
		return 2
	}
	cf, err := os.Open(*casesPath)
	if err != nil {
		fmt.Fprintf(stderr, "infogain score: %v\n", err)
		return 2
	}
	defer cf.Close()
	rf, err := os.Open(*resultsPath)
	if err != nil {
		fmt.Fprintf(stderr, "infogain score: %v\n", err)
		return 2
	}
	defer rf.Close()
	res, err := check.Score(*name, cf, rf, impls.Standard, *casesPath)
	if err != nil {
		fmt.Fprintf(stderr, "infogain score: %v\n", err)
		return 2
	}
	res.Write(stdout, "")
	if !res.OK() {
		return 1
	}
	return 0
}
