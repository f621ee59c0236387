package impls

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/infogain-dev/infogain/cases"
)

// FuzzParseResultLine feeds arbitrary lines to the protocol's result
// decoder: it must never panic, and what it accepts answers the case: the
// id sent, and an error or C gradient entries (float32 values for a float32
// case).
//
//	go test ./impls -run '^$' -fuzz FuzzParseResultLine -fuzztime 60s
func FuzzParseResultLine(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","loss":1,"grad":[0.5,-0.5]}`,
		`{"id":"a","error":"boom"}`,
		`{"id":"a","loss":"nan","grad":["inf","-inf"],"_ms":1}`,
		`{"id":"a","loss":0.1,"grad":[0,0]}`,
		`{"id":"a","loss":1,"grad":[0]}`,
		`{"id":"a\"","loss":1,"grad":[0,0],"x":{"y":[1,{"z":"}"}]}}`,
		`{"id":"a","loss":1,"grad":[0,0]`,
		`loss is 2`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, line []byte, f32 bool) {
		c := &cases.Case{ID: "a", DType: cases.Float64, Logits: []float64{0, 1}, H: []float64{1, 0}}
		if f32 {
			c.DType = cases.Float32
		}
		r, err := ParseResultLine(line, "a", c)
		if err != nil {
			return
		}
		if r.ID != "a" {
			t.Fatalf("accepted id %q", r.ID)
		}
		if r.Err != "" {
			return
		}
		if len(r.Grad) != 2 {
			t.Fatalf("accepted %d gradient entries", len(r.Grad))
		}
		if f32 {
			for _, v := range append([]float64{r.Loss}, r.Grad...) {
				if !cases.IsFloat32(v) {
					t.Fatalf("accepted %v in a float32 answer", v)
				}
			}
		}
	})
}

// FuzzCommandDriver drives a scripted child (this test binary): byte k of
// the script picks what it does on its k-th case (answer, error, exit,
// crash, hang, garbage, wrong id, missing or extra fields, short or long
// gradient, partial line, two lines, stderr burst; see childActions). The
// driver must never panic or hang, give one result per case with the
// case's id, keep every answer read before a protocol error, name the
// case in the error, and leave no process behind.
//
//	go test ./impls -run '^$' -fuzz FuzzCommandDriver -fuzztime 60s
func FuzzCommandDriver(f *testing.F) {
	for _, s := range [][]byte{{0}, {0, 1}, {0, 0, 2}, {3}, {0, 4}, {5}, {0, 6}, {7}, {8}, {9}, {10}, {0, 11}, {12}, {13}, {14}, {15, 0}} {
		f.Add(s, uint8(7))
	}
	f.Fuzz(func(t *testing.T, script []byte, n uint8) {
		if len(script) == 0 || len(script) > 64 {
			return
		}
		im := startChild(t, "script", -1, CommandOptions{Timeout: 200 * time.Millisecond, BatchSize: 3},
			childScriptEnv+"="+hex.EncodeToString(script))
		cs := testCases(int(n%12)+1, cases.Float32)
		rs := im.CaseBatch(cs)
		if len(rs) != len(cs) {
			t.Fatalf("%d results for %d cases", len(rs), len(cs))
		}
		perr := im.ProtocolErr()
		failed := false
		for i, r := range rs {
			if r.ID != cs[i].ID {
				t.Fatalf("result %d has id %q, want %q", i, r.ID, cs[i].ID)
			}
			action := childActions[int(script[i%len(script)])%len(childActions)]
			switch {
			case failed:
				if !strings.Contains(r.Err, "not evaluated") {
					t.Fatalf("case %s after a protocol error: %+v", cs[i].ID, r)
				}
			case strings.Contains(r.Err, "protocol error"):
				failed = true
				if perr == nil || !strings.Contains(r.Err, "at case ") {
					t.Fatalf("case %s: %q, ProtocolErr %v", cs[i].ID, r.Err, perr)
				}
			case action == "error":
				if r.Err != "no thanks" {
					t.Fatalf("case %s: %+v, want the program's error", cs[i].ID, r)
				}
			case action == "echo" || action == "stderr" || action == "twice" || action == "slow":
				if r.Err != "" || len(r.Grad) != cs[i].C() || r.Loss != float64(cs[i].C()) {
					t.Fatalf("case %s: %+v, want the echo", cs[i].ID, r)
				}
			default:
				t.Fatalf("case %s: action %s accepted: %+v", cs[i].ID, action, r)
			}
		}
		if perr != nil && !failed {
			// Only "twice" on the last case can break the protocol after
			// every answer: the extra line is found by the next round trip.
			t.Fatalf("ProtocolErr %v, but no case failed", perr)
		}
	})
}
