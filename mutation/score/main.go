package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var line = regexp.MustCompile(`^\s*(KILLED|LIVED|TIMED OUT|NOT COVERED|NOT VIABLE|RUNNABLE|SKIPPED)\s+(\w+) at (\S+\.go):(\d+):(\d+)`)

// key names a mutant: package/file.go:line:col MUTATOR.
func key(pkg, file, l, c, kind string) string {
	return fmt.Sprintf("%s/%s:%s:%s %s", pkg, file, l, c, kind)
}

// equivalents reads the list: one mutant key per line, then the reason;
// blank lines and lines starting with # are comments.
func equivalents(path string) (map[string]string, error) {
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s: want `pkg/file.go:line:col MUTATOR reason`, got %q", path, t)
		}
		out[f[0]+" "+f[1]] = strings.Join(f[2:], " ")
	}
	return out, sc.Err()
}

// statuses reads a gremlins log: the last status of each mutant, in order.
func statuses(pkg, path string) (map[string]string, []string, error) {
	st := map[string]string{}
	var order []string
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		g := line.FindStringSubmatch(sc.Text())
		if g == nil {
			continue
		}
		k := key(pkg, g[3], g[4], g[5], g[2])
		if _, ok := st[k]; !ok {
			order = append(order, k)
		}
		st[k] = g[1]
	}
	return st, order, sc.Err()
}

type row struct {
	pkg                                                              string
	total, killed, lived, equiv, notCov, timedOut, notViable, notRun int
	survivors                                                        []string
}

func main() {
	eqPath := flag.String("equivalent", "mutation/equivalent.txt", "the list of equivalent mutants")
	logs := flag.String("logs", "mutation/out", "directory of PKG.dry.log and PKG.log")
	flag.Parse()
	eq, err := equivalents(*eqPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(2)
	}
	used := map[string]bool{}
	var rows []row
	for _, pkg := range flag.Args() {
		dry, order, err := statuses(pkg, filepath.Join(*logs, strings.ReplaceAll(pkg, "/", "-")+".dry.log"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "score:", err)
			os.Exit(2)
		}
		real, _, err := statuses(pkg, filepath.Join(*logs, strings.ReplaceAll(pkg, "/", "-")+".log"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "score:", err)
			os.Exit(2)
		}
		r := row{pkg: pkg}
		for _, k := range order {
			r.total++
			s, ok := real[k]
			if !ok {
				s = dry[k]
				if s == "RUNNABLE" {
					s = "NOT RUN"
				}
			}
			if _, isEq := eq[k]; isEq {
				used[k] = true
				if s == "KILLED" || s == "TIMED OUT" {
					fmt.Fprintf(os.Stderr, "score: %s is listed as equivalent but %s\n", k, s)
				}
				if s == "LIVED" {
					s = "EQUIVALENT"
				}
			}
			switch s {
			case "KILLED":
				r.killed++
			case "LIVED":
				r.lived++
				r.survivors = append(r.survivors, k)
			case "EQUIVALENT":
				r.equiv++
			case "NOT COVERED":
				r.notCov++
			case "TIMED OUT":
				r.timedOut++
			case "NOT VIABLE":
				r.notViable++
			default:
				r.notRun++
			}
		}
		rows = append(rows, r)
	}
	var stale []string
	for k := range eq {
		if !used[k] {
			for _, pkg := range flag.Args() {
				if strings.HasPrefix(k, pkg+"/") {
					stale = append(stale, k)
				}
			}
		}
	}
	sort.Strings(stale)
	for _, k := range stale {
		fmt.Fprintf(os.Stderr, "score: equivalent entry %s matches no mutant (the code moved?)\n", k)
	}

	fmt.Println("| package | mutants | killed | lived | equivalent | timed out | not covered | not viable | not run (budget) | efficacy | coverage |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		eff := "–"
		if r.killed+r.lived > 0 {
			eff = fmt.Sprintf("%.1f%%", 100*float64(r.killed)/float64(r.killed+r.lived))
		}
		cov := "–"
		if r.total > 0 {
			cov = fmt.Sprintf("%.1f%%", 100*float64(r.total-r.notCov)/float64(r.total))
		}
		fmt.Printf("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s | %s |\n",
			r.pkg, r.total, r.killed, r.lived, r.equiv, r.timedOut, r.notCov, r.notViable, r.notRun, eff, cov)
	}
	for _, r := range rows {
		if len(r.survivors) > 0 {
			fmt.Printf("\nSurvivors of %s (LIVED, not listed as equivalent):\n\n", r.pkg)
			for _, k := range r.survivors {
				fmt.Printf("- `%s`\n", k)
			}
		}
	}
}
