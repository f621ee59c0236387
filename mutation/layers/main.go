package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"
)

// mutant is one change to one file of the module.
type mutant struct {
	id     string // hand-written name, or file:line:col MUTATOR
	file   string // relative to the module root
	apply  func(src []byte) ([]byte, error)
	change string // what the change is, for the table
	own    string // gremlins' verdict of fused's own tests, if known
}

// outcome is what each layer said about a mutant.
type outcome struct {
	own, battery, gate string // "killed", "lived", "error: …", "not run"
	props              []string
}

func main() {
	logPath := flag.String("log", "", "gremlins log of ./fused (its LIVED/KILLED lines name the mutants)")
	lived := flag.Bool("lived", true, "take every mutant the log reports LIVED")
	sample := flag.Int("sample", 20, "also take every k-th KILLED mutant of the log, up to this many")
	hand := flag.Bool("hand", true, "take the hand-written mutants (hand.go)")
	only := flag.String("only", "", "take only the hand-written mutants whose names match this regexp")
	budget := flag.Duration("budget", 20*time.Minute, "stop starting new mutants after this long")
	runOwn := flag.Bool("own", true, "run fused's own tests on hand-written mutants (gremlins' verdict is reported for its own)")
	samplePkg := flag.String("sample-pkg", "", "instead: run `go test ./PKG` on a uniform sample of the mutants of a gremlins dry-run log (-log) and print gremlins-style status lines")
	gateAlways := flag.Bool("gate-always", false, "run the gate on every mutant (default: only where the battery did not kill it)")
	flag.Parse()

	root, err := moduleRoot()
	check(err)
	if *samplePkg != "" {
		sampleRun(root, *samplePkg, *logPath, *sample, *budget)
		return
	}
	var ms []mutant
	if *hand {
		re := regexp.MustCompile(*only)
		for _, h := range handMutants {
			h := h
			if !re.MatchString(h.name) {
				continue
			}
			ms = append(ms, mutant{id: h.name, file: h.file, change: h.why, apply: func(src []byte) ([]byte, error) {
				if !bytes.Contains(src, []byte(h.old)) {
					return nil, errors.New("does not apply (fused changed)")
				}
				return bytes.Replace(src, []byte(h.old), []byte(h.new), 1), nil
			}})
		}
	}
	if *logPath != "" {
		gm, err := readLog(*logPath, *lived, *sample)
		check(err)
		ms = append(ms, gm...)
	}
	tmp, err := os.MkdirTemp("", "mutation-layers-")
	check(err)
	defer os.RemoveAll(tmp)
	check(copyModule(root, tmp))
	// An interrupt stops between mutants; the copy is removed either way.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)

	start := time.Now()
	fmt.Println("| mutant | change | fused's own tests | battery (properties that fail) | gate |")
	fmt.Println("|---|---|---|---|---|")
	var n, ownK, batK, gateK, userK, any int
	for _, m := range ms {
		stopped := false
		select {
		case <-stop:
			stopped = true
		default:
		}
		if stopped || time.Since(start) > *budget {
			fmt.Printf("\n%d mutants not run: budget %v reached or interrupted\n", len(ms)-n, *budget)
			break
		}
		o := runMutant(tmp, m, *runOwn && m.own == "", *gateAlways)
		n++
		if strings.HasPrefix(o.own, "killed") {
			ownK++
		}
		if o.battery == "killed" {
			batK++
		}
		if o.gate == "killed" {
			gateK++
		}
		if o.battery == "killed" || o.gate == "killed" {
			userK++
		}
		if strings.HasPrefix(o.own, "killed") || o.battery == "killed" || o.gate == "killed" {
			any++
		}
		fmt.Printf("| `%s` | %s | %s | %s %s | %s |\n", m.id, m.change, o.own, o.battery, strings.Join(o.props, ", "), o.gate)
	}
	fmt.Printf("\n%d mutants: fused's own tests kill %d, the battery %d, the gate %d, battery or gate %d; some layer %d\n",
		n, ownK, batK, gateK, userK, any)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "layers:", err)
		os.Exit(2)
	}
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// copyModule copies the tracked and untracked-but-not-ignored files.
func copyModule(root, dst string) error {
	cmd := exec.Command("git", "ls-files", "-co", "--exclude-standard", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return err
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		st, err := os.Stat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, st.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

var logLine = regexp.MustCompile(`^\s*(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE)\s+(\w+) at (\S+\.go):(\d+):(\d+)`)

// readLog returns the LIVED mutants of a gremlins log of ./fused (if lived)
// and every k-th KILLED one, up to sample of them.
func readLog(path string, lived bool, sample int) ([]mutant, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var livedMs, killedMs []mutant
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		g := logLine.FindStringSubmatch(sc.Text())
		if g == nil {
			continue
		}
		status, kind, file := g[1], g[2], "fused/"+g[3]
		var line, col int
		fmt.Sscan(g[4], &line)
		fmt.Sscan(g[5], &col)
		m := mutant{id: fmt.Sprintf("%s:%d:%d %s", file, line, col, kind), file: file, own: strings.ToLower(status),
			apply: func(src []byte) ([]byte, error) { return mutateToken(src, line, col, kind) }}
		switch status {
		case "LIVED":
			livedMs = append(livedMs, m)
		case "KILLED":
			killedMs = append(killedMs, m)
		}
	}
	var out []mutant
	if lived {
		out = append(out, livedMs...)
	}
	if sample > 0 && len(killedMs) > 0 {
		k := max(1, len(killedMs)/sample)
		for i := 0; i < len(killedMs) && len(out) < sample+len(livedMs); i += k {
			out = append(out, killedMs[i])
		}
	}
	return out, sc.Err()
}

// swaps are gremlins' mutators as token replacements.
var swaps = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE": {token.ADD: token.SUB, token.SUB: token.ADD, token.MUL: token.QUO, token.QUO: token.MUL, token.REM: token.MUL,
		token.ADD_ASSIGN: token.SUB_ASSIGN, token.SUB_ASSIGN: token.ADD_ASSIGN, token.MUL_ASSIGN: token.QUO_ASSIGN, token.QUO_ASSIGN: token.MUL_ASSIGN},
	"CONDITIONALS_BOUNDARY": {token.LSS: token.LEQ, token.LEQ: token.LSS, token.GTR: token.GEQ, token.GEQ: token.GTR},
	"CONDITIONALS_NEGATION": {token.EQL: token.NEQ, token.NEQ: token.EQL, token.LSS: token.GEQ, token.LEQ: token.GTR, token.GTR: token.LEQ, token.GEQ: token.LSS},
	"INCREMENT_DECREMENT":   {token.INC: token.DEC, token.DEC: token.INC},
	"INVERT_NEGATIVES":      {token.SUB: token.ADD},
	"INVERT_LOGICAL":        {token.LAND: token.LOR, token.LOR: token.LAND},
}

// mutateToken applies gremlins' mutator kind to the token at line:col.
func mutateToken(src []byte, line, col int, kind string) ([]byte, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("x.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			return nil, fmt.Errorf("no token at %d:%d", line, col)
		}
		p := fset.Position(pos)
		if p.Line != line || p.Column != col {
			continue
		}
		to, ok := swaps[kind][tok]
		if !ok {
			return nil, fmt.Errorf("%s does not apply to %s at %d:%d", kind, tok, line, col)
		}
		off := p.Offset
		out := append([]byte(nil), src[:off]...)
		out = append(out, to.String()...)
		return append(out, src[off+len(tok.String()):]...), nil
	}
}

func runMutant(dir string, m mutant, runOwn, gateAlways bool) (o outcome) {
	o = outcome{own: "not run", battery: "not run", gate: "not run"}
	if m.own != "" {
		o.own = m.own + " (gremlins)"
	}
	path := filepath.Join(dir, m.file)
	orig, err := os.ReadFile(path)
	if err != nil {
		o.own = "error: " + err.Error()
		return o
	}
	src, err := m.apply(orig)
	if err != nil {
		o.own, o.battery, o.gate = err.Error(), "-", "-"
		return o
	}
	check(os.WriteFile(path, src, 0o644))
	defer func() { check(os.WriteFile(path, orig, 0o644)) }()

	if runOwn {
		o.own = verdict(run(dir, 10*time.Minute, nil, "go", "test", "-count=1", "./fused"))
	}
	out, err := run(dir, 10*time.Minute, []string{"MUTANT_BATTERY=1"}, "go", "test", "-count=1", "-run", "^TestMutantBattery$", "-v", "./props")
	o.battery = verdict(out, err)
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "PROPERTY-FAILED "); i >= 0 {
			o.props = append(o.props, strings.TrimSpace(l[i+len("PROPERTY-FAILED "):]))
		}
	}
	sort.Strings(o.props)
	if o.battery == "killed" && !gateAlways {
		o.gate = "(not run: the battery killed it)"
		return o
	}
	bin := filepath.Join(dir, "infogain.mutant")
	if out, err := run(dir, 10*time.Minute, nil, "go", "build", "-o", bin, "./cmd/infogain"); err != nil {
		o.gate = "build failed: " + firstLine(out)
		return o
	}
	o.gate = verdict(run(dir, 10*time.Minute, nil, bin, "gate"))
	return o
}

// verdict maps a command's exit to killed (exit 1: a test or the gate
// failed) or lived (exit 0); anything else (a build failure is also exit 1
// for go test, so the output decides) is reported as it is.
func verdict(out string, err error) string {
	if err == nil {
		return "lived"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		if strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") {
			return "not viable (does not build)"
		}
		return "killed"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "killed (timed out)"
	}
	return "error: " + firstLine(out)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func run(dir string, timeout time.Duration, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if ctx.Err() != nil {
		return buf.String(), ctx.Err()
	}
	return buf.String(), err
}

var dryLine = regexp.MustCompile(`^\s*(RUNNABLE)\s+(\w+) at (\S+\.go):(\d+):(\d+)`)

// sampleRun tests a uniform sample of n RUNNABLE mutants of a gremlins dry
// run of pkg (every k-th, in the log's order) with `go test ./pkg`, and
// prints one gremlins-style status line per mutant (KILLED, LIVED, TIMED
// OUT, NOT VIABLE), which mutation/score reads like a gremlins log. It is
// the fallback of scripts/mutate.sh when a machine cannot run a package's
// mutants within its budget: a uniform sample estimates the efficacy
// without the bias of gremlins' file-by-file order.
func sampleRun(root, pkg, dryLog string, n int, budget time.Duration) {
	f, err := os.Open(dryLog)
	check(err)
	var all [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if g := dryLine.FindStringSubmatch(sc.Text()); g != nil {
			all = append(all, g)
		}
	}
	f.Close()
	check(sc.Err())
	tmp, err := os.MkdirTemp("", "mutation-sample-")
	check(err)
	defer os.RemoveAll(tmp)
	check(copyModule(root, tmp))
	// A clean run first: its wall time (×10, at least a minute) is each
	// mutant's timeout, as gremlins does.
	t0 := time.Now()
	if out, err := run(tmp, 30*time.Minute, nil, "go", "test", "-count=1", "./"+pkg); err != nil {
		check(fmt.Errorf("unmutated %s fails: %s", pkg, firstLine(out)))
	}
	timeout := max(time.Minute, 10*time.Since(t0))
	k := max(1, len(all)/max(1, n))
	start := time.Now()
	for i := 0; i < len(all) && time.Since(start) < budget; i += k {
		g := all[i]
		kind, file := g[2], g[3]
		var line, col int
		fmt.Sscan(g[4], &line)
		fmt.Sscan(g[5], &col)
		path := filepath.Join(tmp, pkg, file)
		orig, err := os.ReadFile(path)
		check(err)
		src, err := mutateToken(orig, line, col, kind)
		status := "NOT VIABLE"
		if err == nil {
			check(os.WriteFile(path, src, 0o644))
			out, err := run(tmp, timeout, nil, "go", "test", "-count=1", "-failfast", "./"+pkg)
			switch v := verdict(out, err); {
			case v == "lived":
				status = "LIVED"
			case v == "killed":
				status = "KILLED"
			case strings.HasPrefix(v, "killed (timed out)"):
				status = "TIMED OUT"
			}
			check(os.WriteFile(path, orig, 0o644))
		}
		fmt.Printf("%12s %s at %s:%d:%d\n", status, kind, file, line, col)
	}
}
