package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
	"github.com/infogain-dev/infogain/props"
	"github.com/infogain-dev/infogain/reports"
)

// listFlag collects a repeatable, comma-separable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "reports/latest", "directory to write report.md, report.json, cases.csv and the plots into")
	size := fs.String("size", string(reports.SizeFull), "sweep size: gate, full or huge (huge needs --shard)")
	seed := fs.Uint64("seed", reports.DefaultSeed, "seed of the case generators")
	workers := fs.Int("workers", 0, "goroutines (0: GOMAXPROCS); the output does not depend on it")
	withProps := fs.Bool("props", true, "run the props battery for the failing-properties column")
	shardFlag := fs.String("shard", "", "evaluate only shard I/N (0 ≤ I < N) and write DIR/partial-I-of-N.jsonl, resuming it if it exists; combine the N partials with infogain merge")
	var implNames, families, dtypes listFlag
	fs.Var(&implNames, "impl", "implementations to score, comma-separated or repeated (default all): "+strings.Join(builtin.Names(), ", "))
	fs.Var(&families, "family", "case families, comma-separated or repeated (default all): "+strings.Join(append(cases.FamilyNames(), reports.GridFamily), ", "))
	fs.Var(&dtypes, "dtype", "dtypes: float64, float32 (default both)")
	checkpoint := fs.Int("checkpoint", reports.DefaultCheckpointEvery, "with --shard: cases between checkpoints of the partial file")
	var cmds, agrees pairFlag
	fs.Var(&cmds, "cmd", "NAME='PROGRAM ARGS': a program speaking docs/protocol.md as a report row (repeatable)")
	fs.Var(&agrees, "agree", "A=B: print how often implementations A and B agree bit for bit (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain report [--out DIR] [--size gate|full|huge] [--seed N] [--impl NAME,...] [--family NAME,...] [--dtype T,...] [--shard I/N] [--cmd NAME='PROGRAM ARGS' ...] [--agree A=B ...]

Runs a deterministic sweep (case families × logit spreads × C × dtype ×
implementations), scores every implementation against the certified
reference, and writes report.md, report.json, cases.csv and PNG/SVG plots
to DIR. The same command gives byte-identical files. A progress bar goes to
stderr when it is a terminal.

With --shard I/N it evaluates only shard I of the case list (a hash of each
case's dtype and id) and writes DIR/partial-I-of-N.jsonl, with a progress
line per 5%% on stderr; run again, it resumes after the last checkpoint.
'infogain merge DIR... --out DIR' turns the N partials into the files the
unsharded command writes, byte for byte. --size huge (%s cases)
runs only sharded: see docs/scale-out.md.

Flags:
`, thousands(reports.HugeCases))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "infogain report: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := sweepConfig(implNames, families, dtypes)
	if err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	cfg.Size = reports.Size(*size)
	cfg.Seed = *seed
	var sh reports.Shard
	if *shardFlag != "" {
		if sh, err = reports.ParseShard(*shardFlag); err != nil {
			fmt.Fprintf(stderr, "infogain report: --shard: %v\n", err)
			return 2
		}
	}
	if err := addCommands(&cfg, cmds, sh, stderr); err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	if *withProps {
		cfg.Properties = props.Failing(propsTests(cfg.Size))
	}
	cfg.Seed = *seed
	cfg.Workers = *workers
	cfg.Progress = progressWriter(stderr)
	cfg.Command = reportCommand(*out, *size, *seed, implNames, families, dtypes)
	if !*withProps {
		cfg.Command += " --props=false"
	}
	cfg.Command += pairFlags(cmds, agrees)
	if *shardFlag != "" {
		return runReportShard(cfg, *shardFlag, *out, *checkpoint, stdout, stderr)
	}
	rep, err := reports.Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	if err := rep.WriteDir(*out); err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "infogain report: %d cases × %d implementations → %s/%s\n", rep.Meta.Cases, len(rep.Impls), *out, reports.MarkdownFile)
	return printAgreements(cfg, agrees, stdout, stderr)
}

// thousands formats n with commas between groups of three digits
// (12408000 → "12,408,000").
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// sweepConfig resolves the implementation names and the family and dtype
// filters; nil lists mean everything registered.
func sweepConfig(implNames, families, dtypes []string) (reports.Config, error) {
	cfg := reports.Config{Reference: impls.Reference(), Families: families}
	if cfg.Reference == nil {
		return cfg, errors.New("no reference implementation is registered")
	}
	if len(implNames) == 0 {
		cfg.Impls = builtin.All()
	}
	for _, name := range implNames {
		im, err := builtin.Lookup(name)
		if err != nil {
			return cfg, err
		}
		cfg.Impls = append(cfg.Impls, im)
	}
	for _, d := range dtypes {
		cfg.DTypes = append(cfg.DTypes, cases.DType(d))
	}
	return cfg, nil
}

// propsTests is the number of random cases per property: the battery's
// default for a full report, its short count for the gate, which must stay
// well under a minute on a loaded 2-core machine (measured over the eight
// implementations: 1000 cases per property cost about 3 s of CPU, 100 cost
// too little to tell from the noise of the sweep's own 3 s).
func propsTests(size reports.Size) int {
	if size == reports.SizeGate {
		return props.ShortTests
	}
	return props.DefaultTests
}

// reportCommand is the canonical command line of a report: date-free and
// independent of flag order, so that it can be committed with the report.
func reportCommand(out, size string, seed uint64, implNames, families, dtypes []string) string {
	parts := []string{"infogain report", "--out " + out, "--size " + size, "--seed " + strconv.FormatUint(seed, 10)}
	if len(implNames) > 0 {
		parts = append(parts, "--impl "+strings.Join(implNames, ","))
	}
	if len(families) > 0 {
		parts = append(parts, "--family "+strings.Join(families, ","))
	}
	if len(dtypes) > 0 {
		parts = append(parts, "--dtype "+strings.Join(dtypes, ","))
	}
	return strings.Join(parts, " ")
}

// progressWriter returns stderr when it is a terminal, else nil (quiet).
func progressWriter(stderr io.Writer) io.Writer {
	f, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return stderr
}
