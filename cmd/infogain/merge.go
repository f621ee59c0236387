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
	"strings"
	"syscall"

	"github.com/infogain-dev/infogain/reports"
)

// runReportShard is `infogain report --shard I/N`: it writes the partial
// result of one shard into out. The recorded command is the unsharded one
// without --out (merge adds its own), so that the merged report names the
// command that regenerates it in one piece.
func runReportShard(cfg reports.Config, shard, out string, every int, stdout, stderr io.Writer) int {
	sh, err := reports.ParseShard(shard)
	if err != nil {
		fmt.Fprintf(stderr, "infogain report: --shard: %v\n", err)
		return 2
	}
	cfg.Command = withoutOut(cfg.Command, out)
	cfg.Progress = nil
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	path := filepath.Join(out, reports.PartialName(sh))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := reports.RunShard(ctx, cfg, reports.ShardOptions{Shard: sh, Path: path, CheckpointEvery: every, Log: stderr})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "infogain report: shard %s interrupted; run the same command again to resume %s\n", sh, path)
			return 2
		}
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "infogain report: shard %s: %d of %d cases × %d implementations → %s\n", sh, res.Cases, res.Total, len(cfg.Impls), path)
	return 0
}

// withoutOut removes " --out DIR" from a canonical report command.
func withoutOut(command, out string) string {
	return strings.Replace(command, " --out "+out, "", 1)
}

// withOut puts " --out DIR" back after "infogain report".
func withOut(command, out string) string {
	const prefix = "infogain report"
	if rest, ok := strings.CutPrefix(command, prefix); ok {
		return prefix + " --out " + out + rest
	}
	return command
}

func runMerge(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "reports/latest", "directory to write the merged report into")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain merge DIR|FILE... [--out DIR]

Combines the partial results of the N shards of one sweep (the
partial-I-of-N.jsonl files that 'infogain report --shard I/N' writes; a
directory contributes every such file in it) into the report the unsharded
command writes: report.md, report.json, cases.csv and the plots, byte for
byte. It refuses, with the reason, shards of different seeds, sizes,
families, dtypes, implementations, code versions, builds (the executable's
hash), Go versions or GOARCH, a duplicate, missing or unfinished shard.
The partials of 'infogain check --shard' merge into a verdict with
'infogain check --cmd ... --merge DIR...'.

Flags:
`)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after the directories.
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
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "infogain merge: no partial results given (want DIR or FILE arguments)\n")
		fs.Usage()
		return 2
	}
	files, err := reports.PartialFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "infogain merge: %v\n", err)
		return 2
	}
	rep, err := reports.Merge(files)
	if err != nil {
		fmt.Fprintf(stderr, "infogain merge: %v\n", err)
		return 2
	}
	rep.Meta.Command = withOut(rep.Meta.Command, *out)
	if err := rep.WriteDir(*out); err != nil {
		fmt.Fprintf(stderr, "infogain merge: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "infogain merge: %d shards, %d cases × %d implementations → %s/%s\n",
		len(files), rep.Meta.Cases, len(rep.Impls), *out, reports.MarkdownFile)
	return 0
}
