// Command infogain runs implementations of the softmax-with-infogain loss,
// scores them against the certified reference, and gates regressions.
//
// Usage:
//
//	infogain eval   --impl NAME [--in FILE] [--out FILE]
//	infogain report [--out DIR] [--size gate|full|huge] [--seed N] [--shard I/N] ...
//	infogain merge  DIR... [--out DIR]
//	infogain gate   [--baseline FILE] [--update]
//
// This file and its siblings only parse flags and wire packages together;
// the logic lives in cases, impls and reports.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
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
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "infogain: numerical soundness of softmax-with-infogain loss implementations\n\n")
	fmt.Fprintf(w, "Usage:\n  infogain <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'infogain <command> --help' for a command's flags.\n")
	fmt.Fprintf(w, "Exit status: 0 success, 1 gate failure, 2 usage or I/O error.\n")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
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
