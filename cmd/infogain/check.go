package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
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
	shardFlag := fs.String("shard", "", "check only shard I/N (0 ≤ I < N) of the suite's cases (the partition of report --shard) and write DIR/partial-I-of-N.jsonl; shard 0 also runs the property battery")
	out := fs.String("out", "check-partials", "with --shard: the directory of the partial result")
	mergeFlag := fs.Bool("merge", false, "combine the partials of check --shard (the DIR|FILE arguments) into the verdict of the unsharded check")
	var dtypes, families, only listFlag
	fs.Var(&dtypes, "dtype", "dtypes the program supports: float64, float32 (default both); others are not supported, never sent")
	fs.Var(&families, "family", "case families, comma-separated or repeated (default all)")
	fs.Var(&only, "property", "run only these properties of the battery and no family (a property's replay): "+strings.Join(props.IDs(), ", "))
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain check --cmd 'PROGRAM ARGS' [--name N] [--size gate|full] [--dtype D] [--timeout D] [--baseline FILE [--update]]
       infogain check --cmd 'PROGRAM ARGS' [flags as above] --shard I/N [--out DIR]
       infogain check --cmd 'PROGRAM ARGS' [--name N] [--dtype D] --merge DIR|FILE... [--baseline FILE [--update]]

Starts PROGRAM once; it must speak the protocol of docs/protocol.md (JSON-lines
cases on stdin, one result line per case on stdout, in order). Runs the
property battery and the scored families of the suite against the certified
reference, and prints a verdict per property and per family: PASS or FAIL,
the worst errors, and for each failure the worst case as a JSON line and a
command that replays it with your program.

  infogain check --cmd 'infogain eval --impl fused'
  infogain check --cmd '/usr/bin/python3 adapters/torch_xent.py' --name torch-real

Sharded (docs/scale-out.md): each of N machines runs the same command with
--shard I/N; it sends only its shard's cases and writes a partial result
(resumable). --merge with the same --cmd, --name and --dtype prints the
verdict and exit status of the unsharded check (the size, seed, families
and dtypes are the shards').

Exit status: 0 everything passes, 1 something fails (with --baseline: a
regression against it), 2 usage error or protocol error (the program
crashed, hung, or wrote something that is not one result per case).

Flags:
`)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after --merge's directories.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(paths) > 0 && !*mergeFlag {
		fmt.Fprintf(stderr, "infogain check: unexpected argument %q (quote the whole command line in --cmd)\n", paths[0])
		return 2
	}
	if *mergeFlag && len(paths) == 0 {
		fmt.Fprintf(stderr, "infogain check: --merge needs the partial results (DIR or FILE arguments)\n")
		return 2
	}
	if *mergeFlag && *shardFlag != "" {
		fmt.Fprintf(stderr, "infogain check: --merge and --shard exclude each other\n")
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
	if *shardFlag != "" {
		return runCheckShard(cfg, *shardFlag, *out, stdout, stderr)
	}
	start := time.Now()
	var res *check.Result
	if *mergeFlag {
		files, ferr := reports.PartialFiles(paths)
		if ferr != nil {
			fmt.Fprintf(stderr, "infogain check: %v\n", ferr)
			return 2
		}
		res, err = check.MergeShards(cfg, files)
	} else {
		res, err = check.Run(cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	res.Write(stdout, *cmdLine)
	if res.Report != nil {
		*size, *seed = string(res.Report.Meta.Size), res.Report.Meta.Seed
	}
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

// runCheckShard is `infogain check --shard I/N`: one shard's partial
// result in out (resumed if it exists); the verdict comes from --merge.
func runCheckShard(cfg check.Config, shard, out string, stdout, stderr io.Writer) int {
	sh, err := reports.ParseShard(shard)
	if err != nil {
		fmt.Fprintf(stderr, "infogain check: --shard: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	path := filepath.Join(out, reports.PartialName(sh))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := check.RunShard(ctx, cfg, sh, path, stderr)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "infogain check: shard %s interrupted; run the same command again to resume %s\n", sh, path)
			return 2
		}
		fmt.Fprintf(stderr, "infogain check: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "infogain check: shard %s: %d of %d cases → %s (the verdict: infogain check --cmd ... --merge %s ...)\n", sh, res.Cases, res.Total, path, out)
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
