package impls

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

// The implementation protocol of docs/protocol.md: a long-lived child
// process reads cases as JSON lines on its stdin and writes exactly one
// result line per case, in order, on its stdout; its stderr passes through.
// Command turns such a program into an Impl.

// Protocol defaults; CommandOptions overrides them.
const (
	// DefaultCommandTimeout bounds the wait for each answer: a program
	// that writes no result line for that long while a case awaits one is
	// killed (a hang is found in this time, however long the batch).
	DefaultCommandTimeout = 60 * time.Second
	// maxBatchValues caps the logits sent in one round trip (besides
	// BatchSize), so that a batch of very wide cases stays a few MiB.
	maxBatchValues = 1 << 20
	// DefaultCommandBatch is the most cases sent in one round trip.
	DefaultCommandBatch = 512
	// DefaultStderrLimit is how many bytes of a program's stderr pass
	// through; the rest is read and dropped (a flood cannot block the
	// program or fill a log), with one notice.
	DefaultStderrLimit = 1 << 20
	// closeGrace is how long Close waits for a program to exit on its own
	// after its stdin is closed before killing it.
	closeGrace = 2 * time.Second
	// stderrTail is how much of a program's last stderr output an error
	// quotes (a Python traceback, say).
	stderrTail = 2048
)

// CommandOptions configure Command. The zero value is usable.
type CommandOptions struct {
	// Doc is the one-line description of the implementation (default: the
	// command line).
	Doc string
	// DTypes are the dtypes the program implements (empty: float64 and
	// float32). Cases of any other dtype are never sent: they are "not
	// supported" (Impl.Supports), not errors.
	DTypes []cases.DType
	// Contract is what the program declares (nil: Standard); its DTypes
	// field is replaced by DTypes above.
	Contract *Contract
	// Timeout bounds the wait for each answer (default
	// DefaultCommandTimeout).
	Timeout time.Duration
	// BatchSize caps the cases per round trip (default DefaultCommandBatch).
	BatchSize int
	// Stderr receives the program's stderr (default os.Stderr), at most
	// StderrLimit bytes of it (default DefaultStderrLimit; < 0: no limit).
	Stderr      io.Writer
	StderrLimit int
	// Dir is the program's working directory (default the current one).
	Dir string
	// Env is added to the environment the program inherits.
	Env []string
}

// ProtocolError is a violation of the protocol, or a program that stopped
// answering: it names the case the driver was waiting for. After one the
// program is killed and every later case gets the same error at once.
type ProtocolError struct {
	Impl string // the implementation's name
	Case string // the id of the case (as the driver sent it) whose answer was wrong or missing
	What string // what went wrong
}

func (e *ProtocolError) Error() string {
	if e.Case == "" {
		return fmt.Sprintf("%s: protocol error: %s", e.Impl, e.What)
	}
	return fmt.Sprintf("%s: protocol error at case %s: %s", e.Impl, e.Case, e.What)
}

// lineMsg is one line of the program's stdout, or the end of it.
type lineMsg struct {
	line []byte
	err  error // io.EOF at the end (line then holds a partial last line, if any), or a read error
}

// command is one running program.
type command struct {
	name    string
	argv    []string
	opts    CommandOptions
	timeout time.Duration
	batch   int

	mu         sync.Mutex // one round trip at a time
	proc       *exec.Cmd
	stdin      *os.File
	stdout     *os.File
	lines      chan lineMsg
	exited     chan struct{} // closed when Wait returned
	waitErr    error         // Wait's error, set before exited is closed
	stderr     *stderrSink
	stderrDone chan struct{}
	broken     error // the first protocol error; sticky
	closed     bool
	seq        uint64
	lastID     string // the id the last case was sent with
	wbuf       []byte
}

var (
	liveMu sync.Mutex
	live   = map[*command]bool{}
	byImpl = map[*Impl]*command{}
)

// Command starts the program argv (argv[0] is looked up in PATH) and returns
// it as an implementation named name that speaks the protocol of
// docs/protocol.md. The program stays running until Close or CloseAll; it
// runs in its own process group (on Unix), so that Close kills whatever it
// started too, and it gets SIGKILL if this process dies (on Linux).
//
// The Impl evaluates a slice of cases in round trips of up to
// opts.BatchSize cases (Impl.CaseBatch, the fast path) and single cases in
// one round trip each (Impl.Case, the per-sample functions, the batch
// semantics of Impl.Batch). Cases of a dtype the program does not declare
// are not supported. Every result is checked: one line per case, in order,
// with the id sent, either "error" or a loss and exactly C gradient entries,
// no unknown field, values of a float32 case exactly float32. A violation,
// an exit or a wait over opts.Timeout for an answer is a *ProtocolError naming the
// case: the program is killed, results already read are kept, and every
// later case gets the error at once (ProtocolErr returns it).
func Command(name string, argv []string, opts CommandOptions) (*Impl, error) {
	if name == "" {
		return nil, errors.New("impls: Command: empty name")
	}
	if len(argv) == 0 || argv[0] == "" {
		return nil, fmt.Errorf("impls: Command %s: empty command line", name)
	}
	for _, dt := range opts.DTypes {
		if dt != cases.Float64 && dt != cases.Float32 {
			return nil, fmt.Errorf("impls: Command %s: unknown dtype %q (want float64 or float32)", name, string(dt))
		}
	}
	c := &command{name: name, argv: append([]string(nil), argv...), opts: opts,
		timeout: opts.Timeout, batch: opts.BatchSize}
	if c.timeout <= 0 {
		c.timeout = DefaultCommandTimeout
	}
	if c.batch <= 0 {
		c.batch = DefaultCommandBatch
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	im := &Impl{Name: name, Doc: opts.Doc}
	if im.Doc == "" {
		im.Doc = "external program: " + JoinCommandLine(argv)
	}
	if c.supports(cases.Float64) {
		im.F64 = sampleFunc[float64](c, cases.Float64)
		im.B64 = batchFunc[float64](c, cases.Float64)
	}
	if c.supports(cases.Float32) {
		im.F32 = sampleFunc[float32](c, cases.Float32)
		im.B32 = batchFunc[float32](c, cases.Float32)
	}
	im.Cases = c.evalCases
	if opts.Contract != nil || len(opts.DTypes) > 0 {
		k := Standard
		if opts.Contract != nil {
			k = *opts.Contract
		}
		k.DTypes = append([]cases.DType(nil), opts.DTypes...)
		im.Contract = &k
	}
	liveMu.Lock()
	live[c] = true
	byImpl[im] = c
	liveMu.Unlock()
	return im, nil
}

func (c *command) supports(dt cases.DType) bool {
	if len(c.opts.DTypes) == 0 {
		return dt == cases.Float64 || dt == cases.Float32
	}
	for _, d := range c.opts.DTypes {
		if d == dt {
			return true
		}
	}
	return false
}

func (c *command) start() error {
	path, err := exec.LookPath(c.argv[0])
	if err != nil {
		return fmt.Errorf("impls: Command %s: %v", c.name, err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return err
	}
	p := exec.Command(path, c.argv[1:]...)
	p.Args[0] = c.argv[0]
	p.Dir = c.opts.Dir
	if len(c.opts.Env) > 0 {
		p.Env = append(os.Environ(), c.opts.Env...)
	}
	p.Stdin, p.Stdout, p.Stderr = inR, outW, errW
	setProcAttr(p)
	err = p.Start()
	// The child holds its own copies of these ends.
	inR.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		errR.Close()
		return fmt.Errorf("impls: Command %s: %v", c.name, err)
	}
	c.proc, c.stdin, c.stdout = p, inW, outR
	c.lines = make(chan lineMsg, 1024)
	c.exited = make(chan struct{})
	c.stderrDone = make(chan struct{})
	w := c.opts.Stderr
	if w == nil {
		w = os.Stderr
	}
	limit := c.opts.StderrLimit
	if limit == 0 {
		limit = DefaultStderrLimit
	}
	c.stderr = &stderrSink{name: c.name, w: w, limit: limit}
	go func() {
		c.waitErr = p.Wait()
		close(c.exited)
	}()
	go readLines(outR, c.lines)
	go func() {
		io.Copy(c.stderr, errR)
		errR.Close()
		close(c.stderrDone)
	}()
	return nil
}

// readLines sends every line of r (without its newline, "\r\n" trimmed)
// and then the end of the stream. A line over jsonl.MaxLineBytes ends the
// stream with an error.
func readLines(r io.Reader, out chan<- lineMsg) {
	br := bufio.NewReaderSize(r, 64<<10)
	var acc []byte
	for {
		frag, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(acc)+len(frag) > jsonl.MaxLineBytes {
				out <- lineMsg{err: fmt.Errorf("a line longer than %d bytes", jsonl.MaxLineBytes)}
				return
			}
			acc = append(acc, frag...)
			continue
		}
		if err != nil {
			partial := append(acc, frag...)
			if err != io.EOF {
				out <- lineMsg{line: partial, err: err}
			} else {
				out <- lineMsg{line: partial, err: io.EOF}
			}
			return
		}
		var line []byte
		if acc != nil {
			line = append(acc, frag...)
			acc = nil
		} else {
			line = append([]byte(nil), frag...)
		}
		line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		out <- lineMsg{line: line}
	}
}

// evalCases is the Impl's batched path: valid cases of a supported dtype,
// in order, one result each.
func (c *command) evalCases(cs []cases.Case) []cases.Result {
	out := make([]cases.Result, len(cs))
	c.mu.Lock()
	defer c.mu.Unlock()
	for lo := 0; lo < len(cs); {
		hi, values := lo, 0
		for hi < len(cs) && hi-lo < c.batch && (hi == lo || values+cs[hi].C() <= maxBatchValues) {
			values += cs[hi].C()
			hi++
		}
		c.roundTrip(cs[lo:hi], out[lo:hi])
		lo = hi
	}
	return out
}

// sentID is the id a case is sent with: its own when it is a plain id (see
// docs/protocol.md), else "#N" with N a sequence number.
func (c *command) sentID(id string) string {
	if plainID(id) {
		return id
	}
	c.seq++
	return "#" + strconv.FormatUint(c.seq, 10)
}

// plainID reports whether id is 1 to 200 bytes of [A-Za-z0-9._:/+#-]: no
// JSON escapes, no quoting, so that a minimal implementation can copy it.
func plainID(id string) bool {
	if len(id) == 0 || len(id) > 200 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case b == '.' || b == '_' || b == ':' || b == '/' || b == '+' || b == '#' || b == '-':
		default:
			return false
		}
	}
	return true
}

// roundTrip sends cs and reads one result per case into out. Called with
// c.mu held.
func (c *command) roundTrip(cs []cases.Case, out []cases.Result) {
	if c.broken != nil || c.closed {
		c.failFrom(0, cs, out, nil)
		return
	}
	// A line already waiting is an answer to nothing: the program wrote
	// more results than cases.
	select {
	case m := <-c.lines:
		c.breakWith(c.lastCaseErr(m))
		c.failFrom(0, cs, out, nil)
		return
	default:
	}
	ids := make([]string, len(cs))
	buf := c.wbuf[:0]
	var lb bytes.Buffer
	enc := jsonl.NewEncoder(&lb)
	for i := range cs {
		ids[i] = c.sentID(cs[i].ID)
		sent := cs[i]
		sent.ID = ids[i]
		lb.Reset()
		if err := enc.Encode(&sent); err != nil {
			// Invalid input is the caller's error, not the program's:
			// Impl.Case validates before it gets here.
			out[i] = cases.Result{ID: cs[i].ID, Err: err.Error()}
			ids[i] = ""
			continue
		}
		buf = append(buf, lb.Bytes()...)
	}
	c.wbuf = buf
	wdone := make(chan error, 1)
	go func() {
		_, err := c.stdin.Write(buf)
		wdone <- err
	}()
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	for i := range cs {
		if ids[i] == "" {
			continue
		}
		select {
		case m := <-c.lines:
			if m.err != nil {
				c.breakWith(c.endErr(ids[i], i, len(cs), m))
				c.failFrom(i, cs, out, ids)
				return
			}
			r, err := parseResultLine(m.line, ids[i], &cs[i])
			if err != nil {
				c.breakWith(&ProtocolError{Impl: c.name, Case: ids[i], What: err.Error()})
				c.failFrom(i, cs, out, ids)
				return
			}
			r.ID = cs[i].ID
			out[i] = r
			c.lastID = ids[i]
			timer.Reset(c.timeout)
		case <-timer.C:
			c.breakWith(&ProtocolError{Impl: c.name, Case: ids[i], What: fmt.Sprintf(
				"no answer within %v (%d of %d cases of the round trip answered); killed %s",
				c.timeout, i, len(cs), c.describe())})
			c.failFrom(i, cs, out, ids)
			return
		}
	}
	// Every answer is in; the write must be done too (a program that
	// answers before it reads is still writing into our next round trip).
	select {
	case <-wdone:
	case <-timer.C:
		c.breakWith(&ProtocolError{Impl: c.name, What: fmt.Sprintf(
			"answered every case but did not read its input within %v; killed %s", c.timeout, c.describe())})
	}
}

// describe names the program for an error.
func (c *command) describe() string {
	if c.proc != nil && c.proc.Process != nil {
		return fmt.Sprintf("%q (pid %d)", JoinCommandLine(c.argv), c.proc.Process.Pid)
	}
	return strconv.Quote(JoinCommandLine(c.argv))
}

// endErr explains the end of the program's stdout while case id (index i of
// n in the round trip) was awaited.
func (c *command) endErr(id string, i, n int, m lineMsg) error {
	what := "stdout closed"
	if m.err != io.EOF {
		what = "reading stdout: " + m.err.Error()
	}
	if len(m.line) > 0 {
		what += fmt.Sprintf(" after a partial line %s", quoteLine(m.line))
	}
	select {
	case <-c.exited:
		what += "; " + exitStatus(c.waitErr)
	case <-time.After(closeGrace):
	}
	what += fmt.Sprintf(" (%d of %d cases of the round trip answered)", i, n)
	select { // the last of stderr (a traceback) may still be in the pipe
	case <-c.stderrDone:
	case <-time.After(500 * time.Millisecond):
	}
	if t := c.stderr.tail(); t != "" {
		what += "; last stderr: " + t
	}
	return &ProtocolError{Impl: c.name, Case: id, What: what}
}

// lastCaseErr is the error for a line that came when no case was awaited.
func (c *command) lastCaseErr(m lineMsg) error {
	if m.err != nil {
		return c.endErr("", 0, 0, m)
	}
	return &ProtocolError{Impl: c.name, Case: c.lastID, What: "a result line " + quoteLine(m.line) +
		" after the answer to this case, the last one sent (more result lines than cases)"}
}

func exitStatus(err error) string {
	if err == nil {
		return "the program exited with status 0"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return "the program " + ee.ProcessState.String()
	}
	return "wait: " + err.Error()
}

// breakWith records the first protocol error and kills the program.
func (c *command) breakWith(err error) {
	if c.broken == nil {
		c.broken = err
	}
	c.kill()
}

// failFrom gives cases from index i on the sticky error (or, when the
// command is closed, a closed error), keeping the results before i.
func (c *command) failFrom(i int, cs []cases.Case, out []cases.Result, ids []string) {
	err := c.broken
	if err == nil {
		err = &ProtocolError{Impl: c.name, What: "the program is closed"}
	}
	for k := i; k < len(cs); k++ {
		if ids != nil && ids[k] == "" {
			continue // an encoding error already stored
		}
		msg := err.Error()
		if k > i || (ids == nil) {
			msg = fmt.Sprintf("not evaluated: %v", err)
		}
		out[k] = cases.Result{ID: cs[k].ID, Err: msg}
	}
}

// kill ends the program and its process group, and unblocks the reader.
func (c *command) kill() {
	if c.proc == nil || c.proc.Process == nil {
		return
	}
	killGroup(c.proc)
	c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(closeGrace):
	}
}

// close ends the program: stdin closed, closeGrace to exit, then killed.
// It reports a program that exited with a failure status or wrote result
// lines nobody asked for (a protocol error found earlier is ProtocolErr's).
func (c *command) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.stdin.Close()
	var err error
	select {
	case <-c.exited:
		if c.broken == nil && c.waitErr != nil {
			err = fmt.Errorf("%s: on close, %s", c.name, exitStatus(c.waitErr))
		}
	case <-time.After(closeGrace):
		killGroup(c.proc)
		<-c.exited
	}
	// Make sure nothing of the group survives and the reader ends.
	killGroup(c.proc)
	c.stdout.Close()
	select {
	case <-c.stderrDone:
	case <-time.After(closeGrace):
	}
	if c.broken == nil && err == nil {
		for m := range drain(c.lines) {
			if m.err == nil {
				err = &ProtocolError{Impl: c.name, What: "a result line " + quoteLine(m.line) +
					" that answers no case (more result lines than cases)"}
				break
			}
		}
	}
	liveMu.Lock()
	delete(live, c)
	liveMu.Unlock()
	return err
}

// drain yields the messages already queued on ch without blocking.
func drain(ch chan lineMsg) func(func(lineMsg) bool) {
	return func(yield func(lineMsg) bool) {
		for {
			select {
			case m := <-ch:
				if !yield(m) {
					return
				}
			default:
				return
			}
		}
	}
}

// Close ends the program behind an Impl made by Command (its stdin is
// closed; it is killed if it has not exited after a grace period of 2 s).
// It returns an error for a program that exited with a failure status or
// wrote more result lines than cases. Close on any other Impl does nothing.
func (im *Impl) Close() error {
	liveMu.Lock()
	c := byImpl[im]
	liveMu.Unlock()
	if c == nil {
		return nil
	}
	return c.close()
}

// ProtocolErr returns the first protocol error of an Impl made by Command
// (nil if none, and for any other Impl). After it, the program was killed and
// every case got the error.
func (im *Impl) ProtocolErr() error {
	liveMu.Lock()
	c := byImpl[im]
	liveMu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// PID returns the process id of the program behind an Impl made by Command,
// or 0.
func (im *Impl) PID() int {
	liveMu.Lock()
	c := byImpl[im]
	liveMu.Unlock()
	if c == nil || c.proc == nil || c.proc.Process == nil {
		return 0
	}
	return c.proc.Process.Pid
}

// CloseAll closes every program Command started that is still running, at
// once (for an exit or a signal handler).
func CloseAll() {
	liveMu.Lock()
	var cs []*command
	for c := range live {
		cs = append(cs, c)
	}
	liveMu.Unlock()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() {
			// A round trip in progress holds c.mu: kill first, so that it
			// ends with an error instead of running to its timeout.
			killGroup(c.proc)
			c.close()
		})
	}
	wg.Wait()
}

// WithCases returns a copy of im whose batched path is f (which may call
// im's). For an Impl made by Command the copy shares its program: Close,
// ProtocolErr and PID of either are the program's.
func (im *Impl) WithCases(f func(cs []cases.Case) []cases.Result) *Impl {
	cp := *im
	cp.Cases = f
	liveMu.Lock()
	if c := byImpl[im]; c != nil {
		byImpl[&cp] = c
	}
	liveMu.Unlock()
	return &cp
}

// CaseBatch evaluates cs in order, one result each, as Case would. An
// implementation with a batched path (Command's) evaluates every valid case
// of a dtype it supports in as few round trips as its batch size allows;
// any other evaluates case by case.
func (im *Impl) CaseBatch(cs []cases.Case) []cases.Result {
	out := make([]cases.Result, len(cs))
	if im.Cases == nil {
		for i := range cs {
			out[i] = im.Case(&cs[i])
		}
		return out
	}
	var idx []int
	var send []cases.Case
	for i := range cs {
		if r, ok := im.precheck(&cs[i]); !ok {
			out[i] = r
			continue
		}
		idx = append(idx, i)
		send = append(send, cs[i])
	}
	for k, r := range im.Cases(send) {
		out[idx[k]] = r
	}
	return out
}

// precheck is Case's input validation: false with the error result for a
// case that is invalid or of a dtype im has no path for.
func (im *Impl) precheck(c *cases.Case) (cases.Result, bool) {
	if err := c.Validate(); err != nil {
		return cases.Result{ID: c.ID, Err: err.Error()}, false
	}
	if !im.Supports(c.DType) {
		return cases.Result{ID: c.ID, Err: NotSupported(im.Name, c.DType)}, false
	}
	return cases.Result{}, true
}

// sampleFunc is the per-sample function of a command: one round trip per
// call. The label sent is 0: the loss depends on x and h only. A program's
// error or a protocol error panics with it (Impl.Case and Impl.Batch
// recover it into an error).
func sampleFunc[T Float](c *command, dt cases.DType) Func[T] {
	return func(dst, x, h []T) T {
		cs := []cases.Case{{DType: dt, Logits: widen(x), H: widen(h)}}
		r := c.evalCases(cs)[0]
		if r.Err != "" {
			panic(errors.New(r.Err))
		}
		for j := range dst {
			dst[j] = T(r.Grad[j])
		}
		return T(r.Loss)
	}
}

// batchFunc is a command's batch fast path: every position that is not
// ignored goes out in one round trip, then the shared driver RunBatch
// accumulates the answers in order, so the result is bit for bit the one
// the per-sample path gives.
func batchFunc[T Float](c *command, dt cases.DType) BatchFunc[T] {
	return func(dst []T, b *cases.Batch) T {
		C, inner := b.C, b.Inner
		var cs []cases.Case
		for o := 0; o < b.Outer; o++ {
			for i := 0; i < inner; i++ {
				l := b.Labels[o*inner+i]
				if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
					continue
				}
				base := o*C*inner + i
				x := make([]float64, C)
				for j := range x {
					x[j] = b.Logits[base+j*inner]
				}
				cs = append(cs, cases.Case{DType: dt, Logits: x, H: b.H[l*C : (l+1)*C], Label: l})
			}
		}
		rs := c.evalCases(cs)
		k := 0
		next := func(g, x, h []T) T {
			r := rs[k]
			k++
			if r.Err != "" {
				panic(errors.New(r.Err))
			}
			for j := range g {
				g[j] = T(r.Grad[j])
			}
			return T(r.Loss)
		}
		return RunBatch(next, dst, convert[T](b.Logits), b.Labels, convert[T](b.H), b)
	}
}

// quoteLine quotes at most 200 bytes of a line for an error message.
func quoteLine(line []byte) string {
	if len(line) > 200 {
		return strconv.Quote(string(line[:200])) + fmt.Sprintf("… (%d bytes)", len(line))
	}
	return strconv.Quote(string(line))
}

// stderrSink passes a program's stderr through up to a limit, then drops
// it with one notice, and keeps the last stderrTail bytes for errors.
type stderrSink struct {
	name    string
	w       io.Writer
	limit   int
	mu      sync.Mutex
	n       int
	noticed bool
	last    []byte
}

func (s *stderrSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = append(s.last, p...)
	if len(s.last) > stderrTail {
		s.last = append(s.last[:0], s.last[len(s.last)-stderrTail:]...)
	}
	if s.limit < 0 || s.n+len(p) <= s.limit {
		s.n += len(p)
		s.w.Write(p) // a failing user writer must not stop the program
		return len(p), nil
	}
	if room := s.limit - s.n; room > 0 {
		s.w.Write(p[:room])
		s.n = s.limit
	}
	if !s.noticed {
		s.noticed = true
		fmt.Fprintf(s.w, "\n[infogain: stderr of %s over %d bytes: the rest is dropped]\n", s.name, s.limit)
	}
	return len(p), nil
}

func (s *stderrSink) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := bytes.TrimSpace(s.last)
	if len(t) == 0 {
		return ""
	}
	return strconv.Quote(string(t))
}

// isFloat32Value reports whether v is a float32 value: exactly, or as the
// float64 reading of the shortest decimal of a float32 (the case format's
// rule, docs/design.md §7), and returns the float32 it denotes.
func isFloat32Value(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || float64(float32(v)) == v {
		return v, true
	}
	f := float32(v)
	s := strconv.FormatFloat(float64(f), 'g', -1, 32)
	if w, err := strconv.ParseFloat(s, 64); err == nil && w == v {
		return float64(f), true
	}
	return 0, false
}
