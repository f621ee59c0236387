package impls

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/cases"
)

// startChild starts this test binary as a scripted protocol program and
// registers a cleanup that closes it and checks that its process is gone.
func startChild(t testing.TB, mode string, at int, opts CommandOptions, env ...string) *Impl {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// GORACE: under -race a program sleeps 1 s at exit by default.
	opts.Env = append([]string{childEnv + "=" + mode, childAtEnv + "=" + strconv.Itoa(at), "GORACE=atexit_sleep_ms=0"}, env...)
	if opts.Stderr == nil {
		opts.Stderr = &lockedBuffer{}
	}
	im, err := Command("child-"+mode, []string{exe, "-test.run=^$"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	pid := im.PID()
	t.Cleanup(func() {
		im.Close()
		if err := waitGone(pid); err != nil {
			t.Errorf("%s: %v", mode, err)
		}
	})
	return im
}

// lockedBuffer is a bytes.Buffer safe for the stderr copier and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitGone polls the process table until pid is gone (or a zombie, which
// holds nothing but its entry: a container's init may not reap it), for
// at most 5 s.
func waitGone(pid int) error {
	if pid <= 0 {
		return errors.New("no pid")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if !alive(pid) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d still running", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func alive(pid int) bool {
	if runtime.GOOS == "linux" {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// pid (comm) state ...: the state follows the last ')'.
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			return s[i+2] != 'Z' && s[i+2] != 'X'
		}
		return true
	}
	return syscall.Kill(pid, 0) == nil
}

// testCases returns n small cases of dtype dt with ids "t/0", "t/1", ….
func testCases(n int, dt cases.DType) []cases.Case {
	cs := make([]cases.Case, n)
	for i := range cs {
		C := 2 + i%4
		cs[i] = cases.Case{ID: "t/" + strconv.Itoa(i), DType: dt, Logits: make([]float64, C), H: make([]float64, C), Label: i % C}
		for j := 0; j < C; j++ {
			cs[i].Logits[j] = float64(i) - 0.5*float64(j)
			cs[i].H[j] = float64(j % 2)
		}
	}
	return cs
}

// checkEcho checks r against the echo child's answer: loss C, grad = logits.
func checkEcho(t *testing.T, c *cases.Case, r cases.Result) {
	t.Helper()
	if r.Err != "" || r.ID != c.ID || r.Loss != float64(c.C()) || len(r.Grad) != c.C() {
		t.Fatalf("case %s: got %+v, want the echo (loss %d, grad %v)", c.ID, r, c.C(), c.Logits)
	}
	for j := range r.Grad {
		if r.Grad[j] != c.Logits[j] {
			t.Fatalf("case %s: grad[%d] = %v, want %v", c.ID, j, r.Grad[j], c.Logits[j])
		}
	}
}

func TestCommandEcho(t *testing.T) {
	im := startChild(t, "echo", -1, CommandOptions{BatchSize: 7})
	for _, dt := range []cases.DType{cases.Float64, cases.Float32} {
		cs := testCases(50, dt)
		rs := im.CaseBatch(cs)
		for i := range cs {
			checkEcho(t, &cs[i], rs[i])
		}
		for i := range 3 {
			checkEcho(t, &cs[i], im.Case(&cs[i]))
		}
	}
	// An id that is not plain goes out as "#N" and comes back as it was.
	c := testCases(1, cases.Float64)[0]
	c.ID = "a \"quoted\" id"
	checkEcho(t, &c, im.Case(&c))
	// An invalid case never reaches the program.
	bad := testCases(1, cases.Float64)[0]
	bad.Label = 99
	if r := im.Case(&bad); !strings.Contains(r.Err, "label 99") {
		t.Errorf("invalid case: %+v, want the validation error", r)
	}
	// The batch fast path (one round trip) equals the shared driver over
	// the per-sample path (one round trip per position) bit for bit.
	b := &cases.Batch{DType: cases.Float64, Outer: 2, C: 3, Inner: 2, Logits: make([]float64, 12),
		Labels: []int{0, 2, 1, 7}, H: []float64{1, 0, 0, 0, 2, 0, 0, 0, 3},
		Opts: cases.Options{Normalization: cases.Valid, LossWeight: 0.5, HasIgnoreLabel: true, IgnoreLabel: 7}}
	for k := range b.Logits {
		b.Logits[k] = float64(k) / 3
	}
	l1, g1, err1 := im.Batch(b)
	l2, g2, err2 := im.DriverBatch(b)
	if err1 != nil || err2 != nil || l1 != l2 || fmt.Sprint(g1) != fmt.Sprint(g2) {
		t.Errorf("Batch = %v %v %v, DriverBatch = %v %v %v", l1, g1, err1, l2, g2, err2)
	}
	if err := im.ProtocolErr(); err != nil {
		t.Errorf("ProtocolErr = %v", err)
	}
	if err := im.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if r := im.Case(&cs0); !strings.Contains(r.Err, "closed") {
		t.Errorf("after Close: %+v, want a closed error", r)
	}
}

var cs0 = testCases(1, cases.Float64)[0]

// TestCommandMisbehaviour: every way a program can break the protocol gives
// an error that names the case and what was wrong, keeps the results read
// before it, never hangs or panics, and leaves no process behind (the
// cleanup of startChild checks the process table).
func TestCommandMisbehaviour(t *testing.T) {
	const at = 2 // the misbehaving case: t/2
	tests := []struct {
		mode string
		dt   cases.DType
		want []string // substrings of the error of case t/2
		kept int      // results kept before the error
		why  string
	}{
		{"exit", cases.Float64, []string{"case t/2", "stdout closed", "exit status 3"}, 2, "exits early"},
		{"crash", cases.Float64, []string{"case t/2", "exit status 2", "scripted crash"}, 2, "crashes: its traceback is quoted"},
		{"hang", cases.Float64, []string{"case t/2", "no answer within 300ms", "killed"}, 2, "hangs: the round trip times out"},
		{"nonjson", cases.Float64, []string{"case t/2", "not a JSON object", "loss is 4"}, 2, "writes non-JSON"},
		{"wrongid", cases.Float64, []string{"case t/2", `result id "t/2x", want "t/2"`}, 2, "answers under a wrong id"},
		{"missing", cases.Float64, []string{"case t/2", `both "loss" and "grad"`}, 2, "misses a field"},
		{"extra", cases.Float64, []string{"case t/2", `unknown field "bogus"`}, 2, "adds a field"},
		{"shortgrad", cases.Float64, []string{"case t/2", "3 gradient entries for C = 4"}, 2, "too few gradient entries"},
		{"longgrad", cases.Float64, []string{"case t/2", "5 gradient entries for C = 4"}, 2, "too many gradient entries"},
		{"partial", cases.Float64, []string{"case t/2", "partial line", `"{\"id\":\"t/2\",\"loss\":"`}, 2, "a partial line, then exit"},
		{"partialhang", cases.Float64, []string{"case t/2", "no answer within 300ms"}, 2, "a partial line, then hang"},
		{"twice", cases.Float64, []string{"case t/3", `result id "t/2", want "t/3"`}, 3, "two lines for one case: the next case's answer is wrong"},
		{"notf32", cases.Float32, []string{"case t/2", "loss 0.30000000000000004 of a float32 case is not a float32 value"}, 2, "a float64 value in a float32 answer"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			// The child counts from 0 with a warm-up case first, so that
			// the timeout does not include its start (slow under -race).
			// Only the hanging programs wait for the timeout; the others
			// get one long enough for a loaded machine.
			timeout := 20 * time.Second
			if strings.Contains(tt.mode, "hang") {
				timeout = 300 * time.Millisecond
			}
			im := startChild(t, tt.mode, at+1, CommandOptions{Timeout: timeout, BatchSize: 4})
			cs := testCases(6, tt.dt)
			checkEcho(t, &cs[0], im.Case(&cs[0]))
			start := time.Now()
			rs := im.CaseBatch(cs)
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("%s: took %v", tt.why, d)
			}
			for i := 0; i < tt.kept; i++ {
				checkEcho(t, &cs[i], rs[i])
			}
			bad := rs[tt.kept].Err
			for _, w := range tt.want {
				if !strings.Contains(bad, w) {
					t.Errorf("%s: error %q does not contain %q", tt.why, bad, w)
				}
			}
			for i := tt.kept + 1; i < len(rs); i++ {
				if !strings.Contains(rs[i].Err, "not evaluated") || rs[i].ID != cs[i].ID {
					t.Errorf("%s: case %d after the error: %+v", tt.why, i, rs[i])
				}
			}
			perr := im.ProtocolErr()
			var pe *ProtocolError
			if !errors.As(perr, &pe) || pe.Case != "t/"+strconv.Itoa(tt.kept) {
				t.Errorf("%s: ProtocolErr = %v, want a *ProtocolError at case t/%d", tt.why, perr, tt.kept)
			}
			// The program was killed at the error: later cases fail at once.
			if err := waitGone(im.PID()); err != nil {
				t.Errorf("%s: after the error: %v", tt.why, err)
			}
			start = time.Now()
			if r := im.Case(&cs[0]); !strings.Contains(r.Err, "not evaluated") || time.Since(start) > time.Second {
				t.Errorf("%s: a case after the error: %+v", tt.why, r)
			}
		})
	}
}

func TestCommandPerCaseErrorIsAResult(t *testing.T) {
	im := startChild(t, "error", 1, CommandOptions{})
	cs := testCases(3, cases.Float64)
	rs := im.CaseBatch(cs)
	checkEcho(t, &cs[0], rs[0])
	if rs[1].Err != "no thanks" {
		t.Errorf("case t/1: %+v, want the program's error", rs[1])
	}
	checkEcho(t, &cs[2], rs[2])
	if err := im.ProtocolErr(); err != nil {
		t.Errorf("a per-case error is not a protocol error: %v", err)
	}
}

func TestCommandStderrFlood(t *testing.T) {
	var sink lockedBuffer
	im := startChild(t, "flood", -1, CommandOptions{Stderr: &sink, StderrLimit: 64 << 10})
	cs := testCases(20, cases.Float64)
	rs := im.CaseBatch(cs)
	for i := range cs {
		checkEcho(t, &cs[i], rs[i])
	}
	im.Close()
	got := sink.String()
	if len(got) > 64<<10+200 || !strings.Contains(got, "over 65536 bytes: the rest is dropped") {
		t.Errorf("stderr passed through: %d bytes, notice present %v", len(got), strings.Contains(got, "dropped"))
	}
	// A burst on stderr while answering does not block either.
	im2 := startChild(t, "stderr", 3, CommandOptions{Stderr: &lockedBuffer{}})
	rs = im2.CaseBatch(cs)
	for i := range cs {
		checkEcho(t, &cs[i], rs[i])
	}
}

func TestCommandCloseKillsStubbornProgram(t *testing.T) {
	im := startChild(t, "ignore-eof", -1, CommandOptions{})
	checkEcho(t, &cs0, im.Case(&cs0))
	pid := im.PID()
	start := time.Now()
	im.Close()
	if d := time.Since(start); d > closeGrace+2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := waitGone(pid); err != nil {
		t.Error(err)
	}
}

func TestCommandCloseKillsGrandchildren(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("process groups and /proc: Linux only")
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	im := startChild(t, "grandchild", -1, CommandOptions{}, childPIDEnv+"="+pidFile)
	checkEcho(t, &cs0, im.Case(&cs0))
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	gc, _ := strconv.Atoi(string(data))
	if !alive(gc) {
		t.Fatalf("grandchild %d not running", gc)
	}
	im.Close()
	if err := waitGone(gc); err != nil {
		t.Errorf("grandchild: %v", err)
	}
}

func TestCommandCloseReportsExtraLines(t *testing.T) {
	im := startChild(t, "twice", 0, CommandOptions{})
	checkEcho(t, &cs0, im.Case(&cs0))
	time.Sleep(100 * time.Millisecond) // let the extra line arrive
	if err := im.Close(); err == nil || !strings.Contains(err.Error(), "more result lines than cases") {
		t.Errorf("Close = %v, want the extra line reported", err)
	}
}

func TestCommandCloseAll(t *testing.T) {
	a := startChild(t, "echo", -1, CommandOptions{})
	b := startChild(t, "hang", 0, CommandOptions{Timeout: time.Hour})
	done := make(chan cases.Result)
	go func() { done <- b.Case(&cs0) }() // a round trip that would wait an hour
	time.Sleep(100 * time.Millisecond)
	pa, pb := a.PID(), b.PID()
	CloseAll()
	select {
	case r := <-done:
		if r.Err == "" {
			t.Errorf("round trip cut by CloseAll: %+v, want an error", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("CloseAll did not end a round trip in progress")
	}
	for _, pid := range []int{pa, pb} {
		if err := waitGone(pid); err != nil {
			t.Error(err)
		}
	}
}

func TestCommandDeclaredDType(t *testing.T) {
	// The program crashes on the first case it gets: a float32 case must
	// never reach it when only float64 is declared.
	im := startChild(t, "crash", 0, CommandOptions{DTypes: []cases.DType{cases.Float64}})
	c := testCases(1, cases.Float32)[0]
	if r := im.Case(&c); r.Err == "" || !strings.Contains(r.Err, "does not support float32") {
		t.Errorf("float32 case: %+v, want not supported", r)
	}
	if rs := im.CaseBatch([]cases.Case{c}); !strings.Contains(rs[0].Err, "does not support float32") {
		t.Errorf("CaseBatch float32: %+v", rs[0])
	}
	if err := im.ProtocolErr(); err != nil {
		t.Errorf("the float32 case was sent: %v", err)
	}
	if im.Supports(cases.Float32) || !im.Supports(cases.Float64) {
		t.Errorf("Supports float32 %v, float64 %v; want float64 only", im.Supports(cases.Float32), im.Supports(cases.Float64))
	}
}

func TestCommandStartErrors(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		opts CommandOptions
		why  string
	}{
		{"x", []string{"/nonexistent/program"}, CommandOptions{}, "no such program"},
		{"x", nil, CommandOptions{}, "empty command line"},
		{"", []string{"true"}, CommandOptions{}, "empty name"},
		{"x", []string{"true"}, CommandOptions{DTypes: []cases.DType{"float16"}}, "unknown dtype"},
	}
	for _, tt := range tests {
		if im, err := Command(tt.name, tt.argv, tt.opts); err == nil {
			im.Close()
			t.Errorf("%s: no error", tt.why)
		}
	}
}

func TestSplitCommandLine(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil: an error
		why  string
	}{
		{"infogain eval --impl fused", []string{"infogain", "eval", "--impl", "fused"}, "plain words"},
		{"  python3\t-u  x.py ", []string{"python3", "-u", "x.py"}, "blanks around and between"},
		{`sh -c 'echo "a b"; exit 1'`, []string{"sh", "-c", `echo "a b"; exit 1`}, "single quotes keep everything"},
		{`a "b \"c\" \$d \x"`, []string{"a", `b "c" $d \x`}, "double quotes: only \\\" \\\\ \\$ \\` escape"},
		{`a\ b c`, []string{"a b", "c"}, "an unquoted backslash escapes a blank"},
		{`a''b ""`, []string{"ab", ""}, "empty quotes make or join words"},
		{`a 'b`, nil, "unterminated single quote"},
		{`a "b`, nil, "unterminated double quote"},
		{`a \`, nil, "lone final backslash"},
		{"   ", nil, "no word"},
	}
	for _, tt := range tests {
		got, err := SplitCommandLine(tt.in)
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: %q: no error, got %q", tt.why, tt.in, got)
			}
			continue
		}
		if err != nil || strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") || len(got) != len(tt.want) {
			t.Errorf("%s: %q = %q, %v; want %q", tt.why, tt.in, got, err, tt.want)
			continue
		}
		back, err := SplitCommandLine(JoinCommandLine(got))
		if err != nil || strings.Join(back, "\x00") != strings.Join(got, "\x00") {
			t.Errorf("%s: Join then Split = %q, %v; want %q", tt.why, back, err, got)
		}
	}
}

func TestParseResultLine(t *testing.T) {
	c64 := &cases.Case{ID: "a", DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1, 0}}
	c32 := &cases.Case{ID: "a", DType: cases.Float32, Logits: []float64{0, 1}, H: []float64{1, 0}}
	tests := []struct {
		line string
		c    *cases.Case
		want string // "" ok, else a substring of the error
		why  string
	}{
		{`{"id":"a","loss":1,"grad":[0.5,-0.5]}`, c64, "", "a plain result"},
		{`{"id":"a","error":"boom"}`, c64, "", "a per-case error"},
		{`{"id":"a","loss":"nan","grad":["inf","-inf"]}`, c64, "", "special values as strings"},
		{`{"id":"a","loss":1,"grad":[0,0],"_ms":0.3}`, c64, "", "a program's own field starts with _"},
		{` {"id":"a","loss":1,"grad":[0,0]} `, c64, "", "blanks around the object"},
		{`{"id":"a","loss":0.1,"grad":[0,0]}`, c32, "", "the shortest decimal of a float32 denotes it"},
		{`{"id":"a","loss":0.10000000149011612,"grad":[0,0]}`, c32, "", "the exact value of float32(0.1)"},
		{`{"id":"a","loss":0.1000000001,"grad":[0,0]}`, c32, "not a float32 value", "a float64 value in a float32 answer"},
		{`{"id":"a","loss":1,"grad":[0,0.30000000000000004]}`, c32, "grad[1]", "a float64 gradient entry in a float32 answer"},
		{`{"id":"b","loss":1,"grad":[0,0]}`, c64, `result id "b", want "a"`, "wrong id"},
		{`{"id":"a","loss":1,"grad":[0]}`, c64, "1 gradient entries for C = 2", "short gradient"},
		{`{"id":"a","loss":1}`, c64, `both "loss" and "grad"`, "no gradient"},
		{`{"id":"a","loss":1,"grad":[0,0],"lose":2}`, c64, `unknown field "lose"`, "a misspelt field"},
		{`{"id":"a","loss":1,"grad":[0,0],"error":"x"}`, c64, `both "error"`, "error and a result"},
		{`{"id":"a","loss":1,"grad":[0,0]}x`, c64, "text after the object", "trailing text"},
		{`{"id":"a","loss":1,"grad":[0,0]`, c64, "unterminated object", "a partial line"},
		{`[1,2]`, c64, "does not start with {", "not an object"},
		{``, c64, "empty line", "an empty line"},
		{`{"id":"a","loss":1e999,"grad":[0,0]}`, c64, "loss", "a number out of range"},
	}
	for _, tt := range tests {
		_, err := ParseResultLine([]byte(tt.line), "a", tt.c)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %s: %v", tt.why, tt.line, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %s: error %v, want %q", tt.why, tt.line, err, tt.want)
		}
	}
	r, _ := ParseResultLine([]byte(`{"id":"a","loss":0.1,"grad":[0,0]}`), "a", c32)
	if r.Loss != float64(float32(0.1)) {
		t.Errorf("float32 shortest form read as %v, want %v", r.Loss, float64(float32(0.1)))
	}
	if !math.IsNaN(func() float64 {
		r, _ := ParseResultLine([]byte(`{"id":"a","loss":"nan","grad":[0,0]}`), "a", c32)
		return r.Loss
	}()) {
		t.Errorf("nan loss not read as NaN")
	}
}

// TestCommandTimeoutIsPerAnswer: a program that answers steadily is never
// cut, however long the whole batch takes (8 × 100 ms against a 500 ms
// timeout); only silence is.
func TestCommandTimeoutIsPerAnswer(t *testing.T) {
	var script []byte
	for range 8 {
		script = append(script, 16) // "slow": 100 ms per answer
	}
	im := startChild(t, "script", -1, CommandOptions{Timeout: 500 * time.Millisecond, BatchSize: 8},
		childScriptEnv+"="+hex.EncodeToString(script))
	cs := testCases(8, cases.Float64)
	checkEcho(t, &cs[0], im.Case(&cs[0])) // the start is not an answer's wait
	rs := im.CaseBatch(cs[:8])
	for i := range rs {
		checkEcho(t, &cs[i], rs[i])
	}
}
