// Command infogain runs implementations of the softmax-with-infogain loss,
// scores them against the certified reference, and gates regressions.
//
// Usage:
//
//	infogain eval   --impl NAME [--in FILE] [--out FILE]
//	infogain report [--out DIR] [--size gate|full|huge] [--seed N] [--shard I/N] ...
//	infogain merge  DIR... [--out DIR]
//	infogain gate   [--baseline FILE] [--update]
//	infogain cases  [--size gate|full] [--family F,...] [--dtype D] [--seed N] [--id ID]
//	infogain check  --cmd 'PROGRAM ARGS' [--name N] [--size gate|full] [--dtype D] [--timeout D] [--baseline FILE] [--update]
//	infogain check  --cmd 'PROGRAM ARGS' ... --shard I/N [--out DIR]   then   infogain check --cmd 'PROGRAM ARGS' --merge DIR...
//	infogain score  --cases FILE --results FILE
//
// This file and its siblings only parse flags and wire packages together;
// the logic lives in cases, impls and reports.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/infogain-dev/infogain/impls"
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"eval", "evaluate one implementation on JSON-lines cases", runEval},
		{"report", "write a stability report scored against the reference", runReport},
		{"merge", "combine the partial results of report --shard into the full report", runMerge},
		{"gate", "compare a fresh gate-size report with the committed baseline", runGate},
		{"h", "infogain matrices H: h build, h check, h convert (docs/hmat.md)", runH},
		{"cases", "write the suite's cases as JSON lines, with the ids reports print", runCases},
		{"check", "judge a program that speaks docs/protocol.md: properties and scored families", runCheck},
		{"score", "judge results computed elsewhere against the reference", runScore},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "infogain: numerical soundness of softmax-with-infogain loss implementations\n\n")
	fmt.Fprintf(w, "Usage:\n  infogain <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'infogain <command> --help' for a command's flags.\n")
	fmt.Fprintf(w, "Exit status: 0 success, 1 a failure found (gate, check, score, or h check's errors), 2 usage, I/O or protocol error.\n")
}

func main() {
	killChildrenOnSignal()
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	impls.CloseAll()
	os.Exit(code)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "infogain: unknown command %q (want one of: %s)\n", args[0], names())
	return 2
}

func names() string {
	var n []string
	for _, c := range commands() {
		n = append(n, c.name)
	}
	return strings.Join(n, ", ")
}
