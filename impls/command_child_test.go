package impls

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
)

// The test binary doubles as the programs the protocol driver talks to: run
// with IMPLS_CHILD set it is a scripted implementation (a trivial echo, or
// one that misbehaves at case IMPLS_CHILD_AT in the way the mode names)
// instead of the tests.
const (
	childEnv       = "IMPLS_CHILD"
	childAtEnv     = "IMPLS_CHILD_AT"
	childScriptEnv = "IMPLS_CHILD_SCRIPT"
	childPIDEnv    = "IMPLS_CHILD_PIDFILE"
)

// init, not TestMain: a fuzz binary built by another harness (libFuzzer's,
// .clusterfuzzlite/build.sh) runs no TestMain but does run init.
func init() {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
}

// flushBefore flushes w before every read of r: a protocol program answers
// what it has before it waits for more input.
type flushBefore struct {
	r io.Reader
	w *bufio.Writer
}

func (f *flushBefore) Read(p []byte) (int, error) {
	if err := f.w.Flush(); err != nil {
		return 0, err
	}
	return f.r.Read(p)
}

// Child actions, by mode name (and, for the fuzz target's script, by number).
var childActions = []string{
	"echo",        // 0: answer: loss C, grad = logits
	"error",       // 1: a per-case error result (allowed by the protocol)
	"exit",        // 2: exit with status 3 before answering
	"crash",       // 3: panic (exit 2, traceback on stderr)
	"hang",        // 4: stop answering, keep running
	"nonjson",     // 5: a line that is not JSON
	"wrongid",     // 6: the answer under another id
	"missing",     // 7: no "grad" field
	"extra",       // 8: an unknown field
	"shortgrad",   // 9: C − 1 gradient entries
	"longgrad",    // 10: C + 1 gradient entries
	"partial",     // 11: half a line, then exit
	"partialhang", // 12: half a line, then hang
	"twice",       // 13: two result lines for one case
	"notf32",      // 14: a float32 case answered with a float64-only loss
	"stderr",      // 15: a burst of 256 KiB on stderr, then the answer
	"slow",        // 16: 100 ms, then the answer (steady progress, not a hang)
}

func runChild(mode string) int {
	at, _ := strconv.Atoi(os.Getenv(childAtEnv))
	script, _ := hex.DecodeString(os.Getenv(childScriptEnv))
	if f := os.Getenv(childPIDEnv); f != "" && mode == "grandchild" {
		gc := exec.Command("sleep", "1000")
		if err := gc.Start(); err != nil {
			return 5
		}
		os.WriteFile(f, []byte(strconv.Itoa(gc.Process.Pid)), 0o644)
	}
	if mode == "flood" {
		junk := []byte(strings.Repeat("flood flood flood flood flood flood flood\n", 1024))
		for range 100 { // 4 MiB
			os.Stderr.Write(junk)
		}
	}
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	dec := jsonl.NewDecoder(&flushBefore{r: os.Stdin, w: out})
	enc := jsonl.NewEncoder(out)
	for k := 0; ; k++ {
		c, err := dec.Next()
		if err == io.EOF {
			out.Flush()
			if mode == "ignore-eof" {
				time.Sleep(time.Hour)
			}
			return 0
		}
		if err != nil {
			fmt.Fprintf(out, "{\"id\":\"?\",\"error\":%q}\n", err.Error())
			continue
		}
		action := "echo"
		switch {
		case len(script) > 0:
			action = childActions[int(script[k%len(script)])%len(childActions)]
		case k == at:
			action = mode
		}
		r := cases.Result{ID: c.ID, Loss: float64(c.C()), Grad: c.Logits}
		switch action {
		case "error":
			fmt.Fprintf(out, "{\"id\":%q,\"error\":\"no thanks\"}\n", c.ID)
			continue
		case "exit":
			out.Flush()
			return 3
		case "crash":
			out.Flush()
			panic("scripted crash")
		case "hang":
			out.Flush()
			time.Sleep(time.Hour)
		case "nonjson":
			fmt.Fprintf(out, "loss is %d\n", c.C())
			continue
		case "wrongid":
			r.ID = c.ID + "x"
		case "missing":
			fmt.Fprintf(out, "{\"id\":%q,\"loss\":1}\n", c.ID)
			continue
		case "extra":
			fmt.Fprintf(out, "{\"id\":%q,\"loss\":1,\"grad\":[%s],\"bogus\":1}\n", c.ID, strings.TrimSuffix(strings.Repeat("0,", c.C()), ","))
			continue
		case "shortgrad":
			r.Grad = r.Grad[:c.C()-1]
		case "longgrad":
			r.Grad = append(append([]float64(nil), r.Grad...), 0)
		case "partial", "partialhang":
			fmt.Fprintf(out, "{\"id\":%q,\"loss\":", c.ID)
			out.Flush()
			if action == "partialhang" {
				time.Sleep(time.Hour)
			}
			return 0
		case "twice":
			enc.EncodeResult(&r)
		case "notf32":
			r.Loss = 0.30000000000000004
		case "stderr":
			os.Stderr.Write([]byte(strings.Repeat("e", 256<<10)))
		case "slow":
			out.Flush()
			time.Sleep(100 * time.Millisecond)
		}
		enc.EncodeResult(&r)
	}
}
