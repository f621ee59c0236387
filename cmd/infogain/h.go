package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/hmat"
)

// runH dispatches `infogain h build|check|convert` (package hmat does the
// work; docs/hmat.md).
func runH(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, `Usage:
  infogain h build   (--from D | --tree PARENTS) --transform T [--tau τ | --target-mass m]
                     [--normalize none|rows|diag] [--smooth ε] [--weights W] [--dtype D] --out H
  infogain h check   [--train float32|float64] [--in-dtype D] FILE
  infogain h convert [--dtype D] [--in-dtype D] IN OUT

Formats by extension: .csv, .json, .npy, .binaryproto (Caffe BlobProto, as
InfogainLossLayer reads infogain_loss_param.source). See docs/hmat.md.
Exit status: 0 success (check: no error; warnings do not fail), 1 check
found an error, 2 usage error or unreadable input.
`)
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "build":
		return runHBuild(args[1:], stdout, stderr)
	case "check":
		return runHCheck(args[1:], stdout, stderr)
	case "convert":
		return runHConvert(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "infogain h: unknown subcommand %q (want build, check or convert)\n", args[0])
	return 2
}

// parseInterleaved parses flags given before, between or after the
// positional arguments and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newHFlags(name string, stderr io.Writer, text string) *flag.FlagSet {
	fs := flag.NewFlagSet("h "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

func parseDTypeFlag(s string) (hmat.DType, error) {
	if s == "" {
		return "", nil
	}
	return hmat.ParseDType(s)
}

// defaultTrain is the dtype a file's matrix is trained in: Caffe nets are
// float32 (Blob<float> converts double_data on load), so a binaryproto
// defaults to float32; other files to their own dtype.
func defaultTrain(path string, dt hmat.DType) hmat.DType {
	if f, err := hmat.FormatOf(path); err == nil && f == hmat.BinaryProto {
		return hmat.Float32
	}
	return dt
}

func runHBuild(args []string, stdout, stderr io.Writer) int {
	fs := newHFlags("build", stderr, `Usage: infogain h build (--from D | --tree PARENTS) --transform T [flags] --out H

Builds an infogain matrix H from a distance (badness) matrix D, C×C with a
zero diagonal, or from a class tree (parent links, distance = path length
between leaves), as H = diag(w)·Smooth_ε(Normalize(T_τ(D))), then prints
the diagnostics of infogain h check on it.`)
	from := fs.String("from", "", "distance matrix file (.csv, .json, .npy, .binaryproto)")
	tree := fs.String("tree", "", "class tree: one parent index per node, -1 for the root (commas or newlines); the classes are the leaves in node order")
	transform := fs.String("transform", "", "gauss (exp(−D²/2τ²)), exp (exp(−D/τ)), linear (1 − D/max D) or max-minus (max D − D)")
	tau := fs.Float64("tau", 0, "temperature τ of gauss and exp")
	target := fs.Float64("target-mass", 0, "choose τ so that the loss-minimising prediction puts this mass on the true class (mean over rows), in (1/C, 1)")
	norm := fs.String("normalize", "none", "none, rows (every row sums to 1: soft targets, S = 1) or diag (h_ll = 1)")
	smooth := fs.Float64("smooth", 0, "label smoothing ε in [0, 1]: h ← (1−ε)h + ε·S/C")
	weights := fs.String("weights", "", "class weights w (row l scaled by w_l): a comma-separated list or a file of numbers")
	dtype := fs.String("dtype", "", "float64 or float32 (default: float32 for .binaryproto, as Caffe nets train in float; float64 otherwise)")
	inDType := fs.String("in-dtype", "", "dtype of a CSV --from file (default float64)")
	out := fs.String("out", "", "output file (format by extension; required)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "infogain h build: "+format+"\n", a...)
		return 2
	}
	switch {
	case len(pos) > 0:
		return fail("unexpected argument %q", pos[0])
	case *out == "":
		return fail("--out is required")
	case (*from == "") == (*tree == ""):
		return fail("give exactly one of --from D and --tree PARENTS")
	}
	spec := hmat.Spec{Tau: *tau, TargetMass: *target, Smooth: *smooth}
	if spec.Transform, err = hmat.ParseTransform(*transform); err != nil {
		return fail("%v", err)
	}
	if spec.Normalize, err = hmat.ParseNormalization(*norm); err != nil {
		return fail("%v", err)
	}
	outFormat, err := hmat.FormatOf(*out)
	if err != nil {
		return fail("%v", err)
	}
	if spec.DType, err = parseDTypeFlag(*dtype); err != nil {
		return fail("%v", err)
	}
	if spec.DType == "" {
		spec.DType = defaultTrain(*out, hmat.Float64)
	}
	inDT, err := parseDTypeFlag(*inDType)
	if err != nil {
		return fail("%v", err)
	}
	var D *hmat.Matrix
	if *from != "" {
		f, err := hmat.ReadFile(*from, "", inDT)
		if err != nil {
			return fail("%v", err)
		}
		D = f.H
	} else {
		parents, err := readNumbers(*tree)
		if err != nil {
			return fail("--tree: %v", err)
		}
		p := make([]int, len(parents))
		for i, v := range parents {
			if v != float64(int(v)) {
				return fail("--tree: entry %d = %v is not an integer node index", i, v)
			}
			p[i] = int(v)
		}
		if D, err = (hmat.Tree{Parent: p}).Distances(); err != nil {
			return fail("--tree %s: %v", *tree, err)
		}
	}
	if *weights != "" {
		if spec.Weights, err = readNumbers(*weights); err != nil {
			return fail("--weights: %v", err)
		}
	}
	b, err := hmat.Build(D, spec)
	if err != nil {
		return fail("%v", err)
	}
	if err := hmat.WriteFile(*out, b.H, outFormat, spec.DType); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "wrote %s: C = %d, %s, transform %s", *out, b.H.C, spec.DType, spec.Transform)
	if b.Tau != 0 {
		fmt.Fprintf(stdout, " τ = %v", b.Tau)
	}
	fmt.Fprintf(stdout, ", normalize %s, smooth %v; mass on the true class %.6g\n", spec.Normalize, spec.Smooth, hmat.TrueMass(b.H))
	return report(stdout, *out, b.H, hmat.CheckOptions{Train: spec.DType})
}

// report prints the diagnostics and returns the exit status: 1 if any is
// an error.
func report(w io.Writer, name string, H *hmat.Matrix, opt hmat.CheckOptions) int {
	ds := hmat.Check(H, opt)
	n := map[hmat.Severity]int{}
	for _, d := range ds {
		n[d.Severity]++
		fmt.Fprint(w, d.String())
	}
	if n[hmat.Error]+n[hmat.Warning] == 0 {
		fmt.Fprintf(w, "%s: clean (C = %d, checked for training in %s; %d info)\n", name, H.C, opt.Train, n[hmat.Info])
	} else {
		fmt.Fprintf(w, "%s: %d error(s), %d warning(s), %d info (C = %d, checked for training in %s)\n", name, n[hmat.Error], n[hmat.Warning], n[hmat.Info], H.C, opt.Train)
	}
	if n[hmat.Error] > 0 {
		return 1
	}
	return 0
}

func runHCheck(args []string, stdout, stderr io.Writer) int {
	fs := newHFlags("check", stderr, `Usage: infogain h check [--train float32|float64] FILE

Prints the diagnostics of an infogain matrix: severity, code, a one-line
explanation, the evidence (entry and value) and the fix. Exit 0 if there is
no error (warnings do not fail), 1 if there is one, 2 if FILE is unreadable.`)
	train := fs.String("train", "", "dtype the network trains in (default: float32 for .binaryproto, as Caffe nets train in float; else the file's dtype)")
	inDType := fs.String("in-dtype", "", "dtype of a CSV file (default float64)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "infogain h check: want one FILE, got %d arguments\n", len(pos))
		return 2
	}
	inDT, err := parseDTypeFlag(*inDType)
	if err != nil {
		fmt.Fprintf(stderr, "infogain h check: %v\n", err)
		return 2
	}
	tr, err := parseDTypeFlag(*train)
	if err != nil {
		fmt.Fprintf(stderr, "infogain h check: %v\n", err)
		return 2
	}
	f, err := hmat.ReadFile(pos[0], "", inDT)
	if err != nil {
		fmt.Fprintf(stderr, "infogain h check: %v\n", err)
		return 2
	}
	if tr == "" {
		tr = defaultTrain(pos[0], f.DType)
	}
	return report(stdout, pos[0], f.H, hmat.CheckOptions{Train: tr})
}

func runHConvert(args []string, stdout, stderr io.Writer) int {
	fs := newHFlags("convert", stderr, `Usage: infogain h convert [--dtype D] IN OUT

Converts between .csv, .json, .npy and .binaryproto, bit for bit. The output
keeps the input's dtype unless --dtype says otherwise; --dtype float32 rounds
to nearest and says how many entries changed.`)
	dtype := fs.String("dtype", "", "output dtype, float64 or float32 (default: the input's)")
	inDType := fs.String("in-dtype", "", "dtype of a CSV input (default float64)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "infogain h convert: want IN and OUT, got %d arguments\n", len(pos))
		return 2
	}
	inDT, err := parseDTypeFlag(*inDType)
	if err == nil {
		var dt hmat.DType
		if dt, err = parseDTypeFlag(*dtype); err == nil {
			var f hmat.File
			if f, err = hmat.ReadFile(pos[0], "", inDT); err == nil {
				if dt == "" {
					dt = f.DType
				}
				H := f.H.Round(dt)
				changed := 0
				for k, v := range H.Data {
					if v != f.H.Data[k] {
						changed++
					}
				}
				if err = hmat.WriteFile(pos[1], H, "", dt); err == nil {
					fmt.Fprintf(stdout, "wrote %s: C = %d, %s", pos[1], H.C, dt)
					if changed > 0 {
						fmt.Fprintf(stdout, " (%d entries rounded)", changed)
					}
					fmt.Fprintln(stdout)
					return 0
				}
			}
		}
	}
	fmt.Fprintf(stderr, "infogain h convert: %v\n", err)
	return 2
}

// readNumbers parses a comma-separated list, or, if s names a file, the
// numbers in it separated by commas, spaces or newlines.
func readNumbers(s string) ([]float64, error) {
	text := s
	if _, err := os.Stat(s); err == nil {
		b, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		text = string(b)
	} else if !strings.ContainsAny(s, ",0123456789") {
		return nil, err
	}
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' })
	if len(fields) == 0 {
		return nil, errors.New("no numbers")
	}
	if len(fields) > hmat.MaxC*4 {
		return nil, fmt.Errorf("%d numbers, more than any tree or weight vector needs", len(fields))
	}
	out := make([]float64, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out[i] = v
	}
	return out, nil
}
