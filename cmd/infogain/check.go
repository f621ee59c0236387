package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/check"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/props"
	"github.com/infogain-dev/infogain/reports"
)

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cmdLine := fs.String("cmd", "", "the program and its arguments, as one shell-quoted string (required)")
	name := fs.String("name", "", "the implementation's name in the verdict (default: the program's base name)")
	size := fs.String("size", string(reports.SizeGate), "suite size: gate or full")
	seed := fs.Uint64("seed", reports.DefaultSeed, "seed of the suite's case generators")
	timeout := fs.Duration("timeout", impls.DefaultCommandTimeout, "longest wait for each answer: a program silent that long while a case awaits its result is killed")
	baseline := fs.String("baseline", "", "your own regression gate: compare with this baseline file, as infogain gate does")
	update := fs.Bool("update", false, "with --baseline: write the baseline instead of comparing")
	var dtypes, families, only listFlag
	fs.Var(&dtypes, "dtype", "dtypes the program supports: float64, float32 (default both); others are not supported, never sent")
	fs.Var(&families, "family", "case families, comma-separated or repeated (default all)")
	fs.Var(&only, "property", "run only these properties of the battery and no family (a property's replay): "+strings.Join(props.IDs(), ", "))
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain check --cmd 'PROGRAM ARGS' [--name N] [--size gate|full] [--dtype D] [--timeout D] [--baseline FILE [--update]]

Starts PROGRAM once; it must speak the protocol of docs/protocol.md (JSON-lines
cases on stdin, one result line per case on stdout, in order). Runs the
property battery and the scored families of the suite against the certified
reference, and prints a verdict per property and per family: PASS or FAIL,
the worst errors, and for each failure the worst case as a JSON line and a
command that replays it with your program.

  infogain check --cmd 'infogain eval --impl fused'
  infogain check --cmd '/usr/bin/python3 adapters/torch_xent.py' --name torch-real

Exit status: 0 everything passes, 1 something fails (with --baseline: a
regression against it), 2 usage error or protocol error (the program
crashed, hung, or wrote something that is not one result per case).

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
		fmt.Fprintf(stderr, "infogain check: unexpected argument %q (quote the whole command line in --cmd)\n", fs.Arg(0))
		return 2
	}
	if *cmdLine == "" {
		fmt.Fprintf(stderr, "infogain check: --cmd is required\n")
		return 2
	}
	if *update && *baseline == "" {
		fmt.Fprintf(stderr, "infogain check: --update needs --baseline FILE\n")
		return 2
	}
	argv, err := impls.SplitCommandLine(*cmdLine)
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: --cmd: %v\n", err)
		return 2
	}
	if *name == "" {
		*name = filepath.Base(argv[0])
	}
	var dts []cases.DType
	for _, d := range dtypes {
		dts = append(dts, cases.DType(d))
	}
	im, err := impls.Command(*name, argv, impls.CommandOptions{DTypes: dts, Timeout: *timeout, Stderr: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	defer im.Close()
	cfg := check.Config{Impl: im, Size: reports.Size(*size), Seed: *seed, Families: families, DTypes: dts,
		Properties: only, Replay: *cmdLine, Progress: progressWriter(stderr)}
	start := time.Now()
	res, err := check.Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	res.Write(stdout, *cmdLine)
	fmt.Fprintf(stdout, "(%s suite, seed %d, %.1f s)\n", *size, *seed, time.Since(start).Seconds())
	if res.ProtocolErr != nil {
		return 2
	}
	if *baseline != "" && res.Report != nil {
		return checkBaseline(res, *baseline, *update, *cmdLine, stdout, stderr)
	}
	if !res.OK() {
		return 1
	}
	return 0
}

// checkBaseline is infogain gate for one program: the same baseline file
// format, comparison and (-want +got) diff.
func checkBaseline(res *check.Result, path string, update bool, cmdLine string, stdout, stderr io.Writer) int {
	got := res.Report.Baseline()
	got.Command = "infogain check --cmd " + impls.JoinCommandLine([]string{cmdLine}) + " --baseline " + path + " --update"
	if update {
		if err := reports.WriteBaseline(path, got); err != nil {
			fmt.Fprintf(stderr, "infogain check: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "gate: wrote %s: %d entries\n", path, len(got.Entries))
		return 0
	}
	want, err := reports.ReadBaseline(path)
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	if want.Size != got.Size || want.Seed != got.Seed {
		fmt.Fprintf(stderr, "infogain check: %s records size %s seed %d; this check ran size %s seed %d\n", path, want.Size, want.Seed, got.Size, got.Seed)
		return 2
	}
	if want.GOARCH != runtime.GOARCH {
		fmt.Fprintf(stderr, "infogain check: %s was recorded on GOARCH %s, this is %s\n", path, want.GOARCH, runtime.GOARCH)
		return 2
	}
	v := reports.Compare(want, got)
	fmt.Fprintln(stdout, v.Summary(len(want.Entries)))
	if !v.OK() {
		for _, r := range v.Regressions {
			fmt.Fprintf(stdout, "  %s\n", r)
		}
		fmt.Fprintf(stdout, "diff against %s (-want +got):\n%s", path, v.Diff)
		return 1
	}
	return 0
}
