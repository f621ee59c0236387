package fuzz

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
)

// External implementations join FuzzAllImpls on request: a program that
// speaks docs/protocol.md, started once per fuzz worker and kept running,
// judged by the same checks as the built-ins (valid cases accepted, invalid
// ones rejected, the NaN rule, the batch paths against the shared driver).
//
//	INFOGAIN_FUZZ_CMD='/usr/bin/python3 adapters/torch_xent.py' go test ./fuzz -run '^$' -fuzz FuzzAllImpls -fuzztime 60s
//	go test ./fuzz -run '^$' -fuzz FuzzAllImpls -fuzz.cmd 'infogain eval --impl fused'
//
// The program runs from the package directory (fuzz/): give paths that
// work from there, or absolute ones.
var fuzzCmd = flag.String("fuzz.cmd", "", "a program speaking docs/protocol.md to add to FuzzAllImpls (default $INFOGAIN_FUZZ_CMD)")

// fuzzCmdName is the name the external program gets in diagnostics.
const fuzzCmdName = "external"

var (
	externalOnce sync.Once
	external     *impls.Impl
	externalErr  error
)

func init() {
	allImpls = func() []*impls.Impl {
		all := builtin.All()
		if im := externalImpl(); im != nil {
			all = append(all, im)
		}
		return all
	}
}

// externalImpl starts the opted-in program once; it panics (failing the
// target at once, with the reason) when the program cannot start.
func externalImpl() *impls.Impl {
	line := *fuzzCmd
	if line == "" {
		line = os.Getenv("INFOGAIN_FUZZ_CMD")
	}
	if line == "" {
		return nil
	}
	externalOnce.Do(func() {
		argv, err := impls.SplitCommandLine(line)
		if err != nil {
			externalErr = err
			return
		}
		external, externalErr = impls.Command(fuzzCmdName, argv, impls.CommandOptions{})
	})
	if externalErr != nil {
		panic("fuzz: external implementation " + line + ": " + externalErr.Error())
	}
	return external
}

// TestExternalOptIn: without the opt-in FuzzAllImpls runs the registry
// alone; with it, the program joins it and passes the target's checks on
// every seed (here the repository's own infogain eval, built on the fly).
func TestExternalOptIn(t *testing.T) {
	if *fuzzCmd != "" || os.Getenv("INFOGAIN_FUZZ_CMD") != "" {
		t.Skip("an external implementation is opted in: FuzzAllImpls runs it")
	}
	if n, m := len(allImpls()), len(builtin.All()); n != m {
		t.Fatalf("allImpls has %d implementations without the opt-in, the registry %d", n, m)
	}
	if testing.Short() {
		t.Skip("builds infogain: not in -short")
	}
	bin := buildInfogain(t)
	*fuzzCmd = bin + " eval --impl fused"
	defer func() { *fuzzCmd = "" }()
	all := allImpls()
	if len(all) != len(builtin.All())+1 || all[len(all)-1].Name != fuzzCmdName {
		t.Fatalf("the opt-in did not add the program")
	}
	defer all[len(all)-1].Close()
	for _, s := range allSeeds(t) {
		data, ok := Encode(&s.c)
		if !ok {
			continue
		}
		if c, d := allImplsCase(all, data); d != "" {
			t.Fatalf("seed %q: %s\ncase: %s", s.why, d, caseJSON(&c))
		}
	}
	if err := all[len(all)-1].ProtocolErr(); err != nil {
		t.Fatal(err)
	}
}

// buildInfogain builds cmd/infogain into a temporary directory.
func buildInfogain(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "infogain")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/infogain").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
