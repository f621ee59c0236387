package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/infogain-dev/infogain/props"
	"github.com/infogain-dev/infogain/reports"
)

func runGate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseline := fs.String("baseline", reports.DefaultBaseline, "committed baseline to compare with")
	update := fs.Bool("update", false, "rewrite the baseline from a fresh gate-size report instead of comparing")
	anyArch := fs.Bool("any-arch", false, "compare even if the baseline was recorded on another GOARCH")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain gate [--baseline FILE] [--update] [--any-arch]

Recomputes the gate-size report over every registered implementation and
compares it with the baseline. Any growth of a worst-case ulp error beyond
the tolerance the baseline records, of a worst scaled loss or gradient
error, or of the count of cases outside an implementation's declared
contract; any new non-finite output, error or special-value mismatch; and
any newly failing property exits 1 with a (-want +got) diff and, per
regression, the cases behind it with the commands that print and replay
them; otherwise it exits 0 with a one-line summary.
--update rewrites the baseline (run it after an intended change and commit
the file). Exit status 2 on usage or I/O errors.

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
		fmt.Fprintf(stderr, "infogain gate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := sweepConfig(nil, nil, nil)
	if err != nil {
		fmt.Fprintf(stderr, "infogain gate: %v\n", err)
		return 2
	}
	cfg.Progress = progressWriter(stderr)
	cfg.Command = "infogain gate --update"
	cfg.Seed = reports.DefaultSeed
	cfg.Properties = props.Failing(propsTests(reports.SizeGate))
	var want *reports.Baseline
	if !*update {
		if want, err = reports.ReadBaseline(*baseline); err != nil {
			fmt.Fprintf(stderr, "infogain gate: %v\n", err)
			return 2
		}
	}
	verdict, got, err := reports.Gate(cfg, want, *anyArch)
	if err != nil {
		fmt.Fprintf(stderr, "infogain gate: %v\n", err)
		return 2
	}
	if *update {
		if err := reports.WriteBaseline(*baseline, got); err != nil {
			fmt.Fprintf(stderr, "infogain gate: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "gate: wrote %s: %d entries\n", *baseline, len(got.Entries))
		return 0
	}
	if !verdict.OK() {
		fmt.Fprintln(stdout, verdict.Summary(len(want.Entries)))
		for _, r := range verdict.Regressions {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
		fmt.Fprintf(stdout, "diff against %s (-want +got):\n%s", *baseline, verdict.Diff)
		return 1
	}
	fmt.Fprintln(stdout, verdict.Summary(len(want.Entries)))
	return 0
}
