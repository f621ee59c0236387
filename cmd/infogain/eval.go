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
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
)

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	implName := fs.String("impl", "", "implementation to run (required): "+strings.Join(builtin.Names(), ", "))
	in := fs.String("in", "-", "input file of JSON-lines cases (- for stdin)")
	out := fs.String("out", "-", "output file of JSON-lines results (- for stdout)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: infogain eval --impl NAME [--in FILE] [--out FILE]

Reads one case per line (docs/design.md §7 format):
  {"id":"a","dtype":"float64","logits":[0,100],"h":[1,0],"label":0}
and writes one result per line, in input order, streaming:
  {"id":"a","loss":…,"grad":[…]}
A line that cannot be decoded or is invalid input (label out of range,
non-finite h, C = 0, lengths that differ, a float32 case with a value that is
not a float32, malformed JSON, a line over the size limit) gives
  {"id":…,"error":"line N: …"}
and the run goes on. Usage and I/O errors exit 2 with one line on stderr.

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
		fmt.Fprintf(stderr, "infogain eval: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *implName == "" {
		fmt.Fprintf(stderr, "infogain eval: --impl is required (one of: %s)\n", strings.Join(builtin.Names(), ", "))
		return 2
	}
	im, err := builtin.Lookup(*implName)
	if err != nil {
		fmt.Fprintf(stderr, "infogain eval: %v\n", err)
		return 2
	}
	r := stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintf(stderr, "infogain eval: %v\n", err)
			return 2
		}
		defer f.Close()
		r = f
	}
	var w io.Writer = stdout
	var outFile *os.File
	if *out != "-" {
		outFile, err = os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "infogain eval: %v\n", err)
			return 2
		}
		w = outFile
	}
	bw := bufio.NewWriter(w)
	if err := evalStream(im, r, bw); err != nil {
		fmt.Fprintf(stderr, "infogain eval: %v\n", err)
		return 2
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "infogain eval: %v\n", err)
		return 2
	}
	if outFile != nil {
		if err := outFile.Close(); err != nil {
			fmt.Fprintf(stderr, "infogain eval: %v\n", err)
			return 2
		}
	}
	return 0
}

// evalStream decodes cases from r and writes one result per case to w. Bad
// lines become error results; only I/O errors stop the stream.
func evalStream(im *impls.Impl, r io.Reader, w io.Writer) error {
	dec := jsonl.NewDecoder(r)
	enc := jsonl.NewEncoder(w)
	for {
		c, err := dec.Next()
		if err == io.EOF {
			return nil
		}
		var res cases.Result
		if err != nil {
			var le *jsonl.LineError
			if !errors.As(err, &le) {
				return err
			}
			res = cases.Result{ID: le.ID, Err: le.Error()}
		} else {
			res = im.Case(&c)
		}
		if err := enc.EncodeResult(&res); err != nil {
			return err
		}
	}
}
