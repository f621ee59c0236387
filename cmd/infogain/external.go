package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/check"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/reports"
)

// pairFlag collects repeatable NAME=VALUE flags (not comma-split: a
// command line may hold commas).
type pairFlag []string

func (p *pairFlag) String() string { return strings.Join(*p, " ") }
func (p *pairFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" || value == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	*p = append(*p, s)
	return nil
}

// addCommands starts each --cmd NAME='PROGRAM ARGS' program and adds it to
// cfg as a report row; its cases — those of shard sh (the zero Shard: the
// whole suite) — go out in batches first (check.Prefetch).
// The programs are killed at exit (main calls impls.CloseAll).
func addCommands(cfg *reports.Config, cmds []string, sh reports.Shard, stderr io.Writer) error {
	if len(cmds) == 0 {
		return nil
	}
	// The whole suite through Suite, which refuses the sizes run only in
	// shards (huge) before anything is generated.
	mine, err := reports.Suite(*cfg)
	if !sh.Whole() {
		mine = nil
		err = reports.EachCase(*cfg, sh, func(_ int, c *cases.Case) error {
			mine = append(mine, *c)
			return nil
		})
	}
	if err != nil {
		return err
	}
	for _, kv := range cmds {
		name, line, _ := strings.Cut(kv, "=")
		for _, im := range cfg.Impls {
			if im.Name == name {
				return fmt.Errorf("--cmd %s: the name is taken", name)
			}
		}
		argv, err := impls.SplitCommandLine(line)
		if err != nil {
			return fmt.Errorf("--cmd %s: %v", name, err)
		}
		im, err := impls.Command(name, argv, impls.CommandOptions{Stderr: stderr})
		if err != nil {
			return err
		}
		pre := check.Prefetch(im, mine)
		if err := im.ProtocolErr(); err != nil {
			return err
		}
		cfg.Impls = append(cfg.Impls, pre)
	}
	return nil
}

// pairFlags is the canonical form of the --cmd and --agree flags for the
// report's command line.
func pairFlags(cmds, agrees []string) string {
	var b strings.Builder
	for _, kv := range cmds {
		name, line, _ := strings.Cut(kv, "=")
		b.WriteString(" --cmd " + impls.JoinCommandLine([]string{name + "=" + line}))
	}
	for _, kv := range agrees {
		b.WriteString(" --agree " + kv)
	}
	return b.String()
}

// printAgreements prints, for each --agree A=B, how often A and B agree
// bit for bit on the report's cases; it exits 2 when a program broke the
// protocol.
func printAgreements(cfg reports.Config, agrees []string, stdout, stderr io.Writer) int {
	if len(agrees) == 0 {
		return protocolErrors(cfg, stderr)
	}
	all, err := reports.Suite(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", err)
		return 2
	}
	byName := map[string]*impls.Impl{}
	for _, im := range cfg.Impls {
		byName[im.Name] = im
	}
	for _, kv := range agrees {
		a, b, _ := strings.Cut(kv, "=")
		ia, ib := byName[a], byName[b]
		if ia == nil || ib == nil {
			fmt.Fprintf(stderr, "infogain report: --agree %s: both must be rows of the report\n", kv)
			return 2
		}
		fmt.Fprintf(stdout, "agreement: %s\n", check.Agree(ia, ib, all))
	}
	return protocolErrors(cfg, stderr)
}

// protocolErrors reports the protocol errors of the report's programs
// (their rows then hold errors after the case they failed on): exit 2.
func protocolErrors(cfg reports.Config, stderr io.Writer) int {
	var perr error
	for _, im := range cfg.Impls {
		perr = errors.Join(perr, im.ProtocolErr())
	}
	if perr != nil {
		fmt.Fprintf(stderr, "infogain report: %v\n", perr)
		return 2
	}
	return 0
}
