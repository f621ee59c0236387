package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type resultLine struct {
	ID    string          `json:"id"`
	Loss  json.RawMessage `json:"loss"`
	Grad  []json.Number   `json:"grad"`
	Error string          `json:"error"`
}

func evalLines(t *testing.T, impl, input string) []resultLine {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"eval", "--impl", impl}, strings.NewReader(input), &stdout, &stderr); code != 0 {
		t.Fatalf("eval --impl %s: exit %d, stderr %q", impl, code, stderr.String())
	}
	var out []resultLine
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		var r resultLine
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("result line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// The README's example: logits [0, 100], h = [1, 0], label 0.
const gapCase = `{"id":"a","dtype":"float64","logits":[0,100],"h":[1,0],"label":0}` + "\n"

func TestEvalReadmeExample(t *testing.T) {
	tests := []struct {
		impl     string
		wantLoss string
		wantGrad []string // nil: not checked
		why      string
	}{
		{"naive", "46.051701891615394", nil,
			"Caffe clamps p at the float constant 1e-20f widened to double: −log(9.999999682655225e-21)"},
		{"caffe", "46.051701891615394", nil, "Caffe after #3855 keeps the clamped forward"},
		{"torch", "100", []string{"-1", "1"},
			"PyTorch's log_softmax is exact here: log p_0 = −100 − log1p(e^-100) rounds to −100"},
	}
	for _, tt := range tests {
		got := evalLines(t, tt.impl, gapCase)
		if len(got) != 1 {
			t.Fatalf("%s: %d result lines, want 1", tt.impl, len(got))
		}
		r := got[0]
		if r.ID != "a" || r.Error != "" || string(r.Loss) != tt.wantLoss {
			t.Errorf("%s (%s): got id %q loss %s error %q, want loss %s", tt.impl, tt.why, r.ID, r.Loss, r.Error, tt.wantLoss)
		}
		if tt.wantGrad != nil {
			var g []string
			for _, v := range r.Grad {
				g = append(g, v.String())
			}
			if strings.Join(g, ",") != strings.Join(tt.wantGrad, ",") {
				t.Errorf("%s: grad %v, want %v", tt.impl, g, tt.wantGrad)
			}
		}
	}
}

func TestEvalBadLinesGiveErrorLinesAndContinue(t *testing.T) {
	input := strings.Join([]string{
		`{"id":"ok1","dtype":"float64","logits":[1,2],"h":[0,1],"label":1}`,
		`{"id":"label","dtype":"float64","logits":[1,2],"h":[0,1],"label":2}`,
		`{"id":"trunc","dtype":"float64","logits":[1,`,
		`{"id":"hinf","dtype":"float64","logits":[1,2],"h":["inf",1],"label":1}`,
		`{"id":"len","dtype":"float64","logits":[1,2,3],"h":[0,1],"label":1}`,
		`{"id":"c0","dtype":"float64","logits":[],"h":[],"label":0}`,
		`{"id":"f32","dtype":"float32","logits":[0.10000000149],"h":[1],"label":0}`,
		`{"id":"type","dtype":"float64","logits":"x","h":[1],"label":0}`,
		`{"id":"ok2","dtype":"float32","logits":[0.1,"-inf"],"h":[1,0],"label":0}`,
	}, "\n") + "\n"
	got := evalLines(t, "fused", input)
	wantErr := map[string]bool{"ok1": false, "label": true, "trunc": true, "hinf": true, "len": true, "c0": true, "f32": true, "type": true, "ok2": false}
	if len(got) != len(wantErr) {
		t.Fatalf("%d result lines for %d input lines", len(got), len(wantErr))
	}
	for i, r := range got {
		if r.ID == "" && i == 2 {
			continue // a truncated line may not yield its id
		}
		bad, known := wantErr[r.ID]
		if !known {
			t.Errorf("line %d: unexpected id %q", i+1, r.ID)
			continue
		}
		if bad != (r.Error != "") {
			t.Errorf("line %d (id %s): error %q, want error: %v", i+1, r.ID, r.Error, bad)
		}
		if bad && !strings.Contains(r.Error, "line ") {
			t.Errorf("line %d (id %s): error %q does not name its line", i+1, r.ID, r.Error)
		}
	}
}

func TestEvalUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		why  string
		args []string
	}{
		{"no --impl", []string{"eval"}},
		{"unknown implementation", []string{"eval", "--impl", "nope"}},
		{"unknown flag", []string{"eval", "--impl", "fused", "--bogus"}},
		{"missing input file", []string{"eval", "--impl", "fused", "--in", filepath.Join(dir, "missing.jsonl")}},
		{"unwritable output", []string{"eval", "--impl", "fused", "--out", filepath.Join(dir, "no", "such", "dir", "out")}},
		{"stray argument", []string{"eval", "--impl", "fused", "extra"}},
		{"unknown command", []string{"frobnicate"}},
		{"no command", nil},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", tt.why, code)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			t.Errorf("%s: no message on stderr", tt.why)
		}
	}
}

func TestEvalFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	out := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(in, []byte(gapCase), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"eval", "--impl", "torch", "--in", in, "--out", out}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"loss":100`) {
		t.Errorf("output file %q lacks the torch loss 100", b)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty with --out: %q", stdout.String())
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"eval", "--help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		if stdout.Len()+stderr.Len() == 0 {
			t.Errorf("%v: printed nothing", args)
		}
	}
}
