package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// infogainBin builds this command once per test run: the programs that
// infogain check talks to are `infogain eval` processes.
func infogainBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "infogain-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "infogain")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runCLI (h_test.go) runs the command in process.

// TestEvalAnswersBeforeEOF: eval answers each case while its stdin is still
// open, as the protocol requires (docs/protocol.md).
func TestEvalAnswersBeforeEOF(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run([]string{"eval", "--impl", "fused"}, inR, outW, io.Discard)
		outW.Close()
	}()
	br := bufio.NewReader(outR)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(inW, `{"id":"c%d","dtype":"float64","logits":[0,%d],"h":[1,0],"label":0}`+"\n", i, i)
		got := make(chan string, 1)
		go func() { line, _ := br.ReadString('\n'); got <- line }()
		select {
		case line := <-got:
			if !strings.HasPrefix(line, fmt.Sprintf(`{"id":"c%d","loss":`, i)) {
				t.Fatalf("case %d: answer %q", i, line)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("case %d: no answer while stdin is open", i)
		}
	}
	inW.Close()
	if code := <-done; code != 0 {
		t.Errorf("eval exit %d", code)
	}
}

func TestCheckFusedPassesNaiveFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the gate-size battery twice through the protocol")
	}
	bin := infogainBin(t)
	code, out, errOut := runCLI("check", "--cmd", bin+" eval --impl fused", "--family", "dominant,h-signed")
	if code != 0 || !strings.Contains(out, "check: PASS: 16 properties, 4 families × dtypes") {
		t.Fatalf("fused: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI("check", "--cmd", bin+" eval --impl naive", "--name", "naive", "--family", "dominant")
	if code != 1 {
		t.Fatalf("naive: exit %d, want 1\n%s", code, out)
	}
	// The battery's table in props/README names identity-H for the clamped
	// forward of naive; the dominant family's loss is clamped at 46.05.
	for _, want := range []string{"FAIL identity-H", "FAIL dominant", "replay: infogain cases --size gate --seed 1 --family dominant --dtype ",
		"| " + bin + " eval --impl naive", "check: FAIL:"} {
		if !strings.Contains(out, want) {
			t.Errorf("naive verdict lacks %q:\n%s", want, out)
		}
	}
	// The printed replay command works: it gives one result line.
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "replay: infogain cases"); i >= 0 {
			cmd := strings.Replace(line[i+len("replay: "):], "infogain", bin, 1)
			res, err := exec.Command("sh", "-c", cmd).Output()
			if err != nil || strings.Count(string(res), "\n") != 1 || !strings.Contains(string(res), `"loss":`) {
				t.Errorf("replay %q: %v, %q", cmd, err, res)
			}
			break
		}
	}
}

func TestCheckExitCodes(t *testing.T) {
	bin := infogainBin(t)
	tests := []struct {
		args []string
		want int
		msg  string
		why  string
	}{
		{[]string{"check"}, 2, "--cmd is required", "no program"},
		{[]string{"check", "--cmd", "'unterminated"}, 2, "unterminated", "a command line that does not split"},
		{[]string{"check", "--cmd", "/nonexistent/prog"}, 2, "no such file", "a program that does not exist"},
		{[]string{"check", "--cmd", "sh -c 'exit 3'", "--family", "dominant"}, 2, "PROTOCOL ERROR", "a program that exits at once"},
		{[]string{"check", "--cmd", "sh -c 'read x; echo nonsense; sleep 100'", "--family", "dominant"}, 2, "not a JSON object", "a program that writes garbage"},
		{[]string{"check", "--cmd", "sleep 100", "--timeout", "200ms", "--family", "dominant"}, 2, "no answer within 200ms", "a program that hangs"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--update"}, 2, "--update needs --baseline", "--update alone"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--property", "nope"}, 2, "unknown property", "an unknown property"},
		{[]string{"check", "--cmd", bin + " eval --impl fused", "--property", "shift"}, 0, "PASS shift", "one property, as its replay line runs it"},
		{[]string{"check", "--cmd", bin + " eval --impl tf", "--property", "gradient-sums-to-zero"}, 1, "FAIL gradient-sums-to-zero", "tf's p − h gradient"},
	}
	for _, tt := range tests {
		start := time.Now()
		code, out, errOut := runCLI(tt.args...)
		if code != tt.want || !strings.Contains(out+errOut, tt.msg) {
			t.Errorf("%s: exit %d (want %d), output lacks %q?\n%s\n%s", tt.why, code, tt.want, tt.msg, out, errOut)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s: took %v", tt.why, d)
		}
	}
}

func TestCheckBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("three gate-size checks")
	}
	bin := infogainBin(t)
	path := filepath.Join(t.TempDir(), "mine.json")
	args := []string{"check", "--cmd", bin + " eval --impl caffe", "--family", "dominant", "--baseline", path}
	if code, out, errOut := runCLI(append(args, "--update")...); code != 0 || !strings.Contains(out, "gate: wrote") {
		t.Fatalf("--update: exit %d\n%s\n%s", code, out, errOut)
	}
	// caffe fails the battery, but it has not regressed against itself.
	if code, out, _ := runCLI(args...); code != 0 || !strings.Contains(out, "gate: ok") {
		t.Fatalf("same program: exit %d\n%s", code, out)
	}
	// naive's clamp makes its gradient worse than caffe's p·S − h: a regression.
	args[2] = bin + " eval --impl naive"
	if code, out, _ := runCLI(args...); code != 1 || !strings.Contains(out, "gate: FAIL") || !strings.Contains(out, "(-want +got)") {
		t.Fatalf("worse program: exit %d\n%s", code, out)
	}
}

func TestCasesReproducesIDs(t *testing.T) {
	code, out, errOut := runCLI("cases", "--size", "gate", "--family", "dominant", "--dtype", "float32")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 40 || !strings.HasPrefix(lines[7], `{"id":"dominant/0007","family":"dominant","dtype":"float32"`) {
		t.Fatalf("exit %d, %d lines, line 7 %q\n%s", code, len(lines), lines[min(7, len(lines)-1)], errOut)
	}
	code, one, _ := runCLI("cases", "--size", "gate", "--family", "dominant", "--dtype", "float32", "--id", "dominant/0007")
	if code != 0 || one != lines[7]+"\n" {
		t.Errorf("--id: exit %d, %q, want %q", code, one, lines[7])
	}
	if code, _, errOut := runCLI("cases", "--id", "nope/0001"); code != 2 || !strings.Contains(errOut, `no case with id "nope/0001"`) {
		t.Errorf("unknown id: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI("cases", "--size", "no-such-size"); code != 2 {
		t.Errorf("unknown size: exit %d", code)
	}
}

func TestScore(t *testing.T) {
	dir := t.TempDir()
	casesPath := filepath.Join(dir, "cases.jsonl")
	if code, _, errOut := runCLI("cases", "--family", "dominant,moderate", "--out", casesPath); code != 0 {
		t.Fatal(errOut)
	}
	score := func(impl string) (int, string) {
		resPath := filepath.Join(dir, impl+".jsonl")
		if code, _, errOut := runCLI("eval", "--impl", impl, "--in", casesPath, "--out", resPath); code != 0 {
			t.Fatal(errOut)
		}
		code, out, errOut := runCLI("score", "--cases", casesPath, "--results", resPath)
		return code, out + errOut
	}
	if code, out := score("fused"); code != 0 || !strings.Contains(out, "check: PASS") {
		t.Errorf("fused: exit %d\n%s", code, out)
	}
	if code, out := score("naive"); code != 1 || !strings.Contains(out, "FAIL dominant") {
		t.Errorf("naive: exit %d\n%s", code, out)
	}
	// Results that do not answer the cases: exit 2, naming the case.
	full, _ := os.ReadFile(filepath.Join(dir, "fused.jsonl"))
	short := filepath.Join(dir, "short.jsonl")
	os.WriteFile(short, full[:bytes.IndexByte(full, '\n')+1], 0o644)
	if code, _, errOut := runCLI("score", "--cases", casesPath, "--results", short); code != 2 || !strings.Contains(errOut, "1 results for 160 cases") {
		t.Errorf("short results: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI("score", "--cases", casesPath); code != 2 {
		t.Errorf("no --results: exit %d", code)
	}
}

// TestSignalKillsChildren: SIGTERM to infogain check ends it with 143 and
// kills the program it started (checked in the process table).
func TestSignalKillsChildren(t *testing.T) {
	bin := infogainBin(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	prog := fmt.Sprintf("sh -c 'echo $$ > %s; exec %s eval --impl fused'", pidFile, bin)
	cmd := exec.Command(bin, "check", "--cmd", prog, "--size", "full")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(pidFile); err == nil && bytes.HasSuffix(data, []byte("\n")) {
			child, _ = strconv.Atoi(strings.TrimSpace(string(data)))
			break
		}
	}
	if child == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the program did not start")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 143 {
		t.Errorf("infogain check after SIGTERM: %v, want exit status 143", err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil || strings.Contains(string(stat), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("program %d still running after infogain was stopped", child)
		}
	}
}

func TestReportCmdRows(t *testing.T) {
	bin := infogainBin(t)
	out := t.TempDir()
	code, stdout, errOut := runCLI("report", "--size", "gate", "--family", "dominant", "--props=false", "--out", out,
		"--impl", "fused", "--cmd", "fused-ext="+bin+" eval --impl fused", "--agree", "fused-ext=fused")
	if code != 0 || !strings.Contains(stdout, "× 2 implementations") || !strings.Contains(stdout, "fused-ext and fused agree bit for bit on 80 of 80 cases") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !bytes.Contains(md, []byte("fused-ext")) || !bytes.Contains(md, []byte("--cmd 'fused-ext=")) {
		t.Errorf("report.md lacks the row or its --cmd: %v", err)
	}
	code, _, errOut = runCLI("report", "--size", "gate", "--family", "dominant", "--props=false", "--out", t.TempDir(),
		"--impl", "fused", "--cmd", "bad=sh -c 'exit 3'")
	if code != 2 || !strings.Contains(errOut, "protocol error") {
		t.Errorf("a program that exits: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI("report", "--cmd", "noequals"); code != 2 {
		t.Errorf("--cmd without NAME=: exit %d", code)
	}
}
