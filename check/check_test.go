package check

import (
	"bytes"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
	"github.com/infogain-dev/infogain/reports"
)

func lookup(t *testing.T, name string) *impls.Impl {
	t.Helper()
	im, err := builtin.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func TestRunVerdicts(t *testing.T) {
	// fused holds its contract (README's accuracy table); tf's p − h
	// gradient fails gradient-sums-to-zero (the battery's table) and the
	// rows with S ≠ 1.
	res, err := Run(Config{Impl: lookup(t, "fused"), Size: reports.SizeGate, Families: []string{"h-weights"}, PropsTests: 20, Replay: "mine"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || len(res.Families) != 2 || len(res.Properties) != 16 {
		var b bytes.Buffer
		res.Write(&b, "mine")
		t.Fatalf("fused: OK %v, %d families, %d properties\n%s", res.OK(), len(res.Families), len(res.Properties), b.String())
	}
	res, err = Run(Config{Impl: lookup(t, "tf"), Size: reports.SizeGate, Families: []string{"h-weights"}, PropsTests: 20, Replay: "mine --x"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.Write(&b, "mine --x")
	out := b.String()
	for _, want := range []string{"FAIL gradient-sums-to-zero", "FAIL h-weights", "worst:  {\"id\":\"h-weights/", "| mine --x", "check: FAIL:"} {
		if !strings.Contains(out, want) {
			t.Errorf("tf verdict lacks %q:\n%s", want, out)
		}
	}
	if _, err := Run(Config{Impl: lookup(t, "fused"), Properties: []string{"nope"}}); err == nil {
		t.Errorf("unknown property: no error")
	}
}

func TestAgree(t *testing.T) {
	cs, err := reports.Suite(reports.Config{Size: reports.SizeGate, Families: []string{"dominant"}})
	if err != nil {
		t.Fatal(err)
	}
	fused := lookup(t, "fused")
	if ag := Agree(fused, fused, cs); ag.Same != len(cs) || ag.Cases != len(cs) || ag.GradOver8 != 0 {
		t.Errorf("fused against itself: %s", ag)
	}
	// naive clamps log p at 1e-20f: on dominant rows it cannot agree.
	if ag := Agree(fused, lookup(t, "naive"), cs); ag.Same == ag.Cases || ag.First == "" {
		t.Errorf("fused against naive: %s", ag)
	}
}

func TestScoreErrors(t *testing.T) {
	c := `{"id":"a","family":"f","dtype":"float64","logits":[0,1],"h":[1,0],"label":0}` + "\n"
	tests := []struct {
		cases, results string
		want           string
		why            string
	}{
		{c, ``, "0 results for 1 cases (case a has none)", "no results"},
		{c, `{"id":"a","loss":1,"grad":[0,0]}` + "\n" + `{"id":"b","loss":1,"grad":[0,0]}`, "more result lines", "one result too many"},
		{c, `{"id":"b","loss":1,"grad":[0,0]}`, `case a): result id "b", want "a"`, "a result for another case"},
		{c, `{"id":"a","loss":1,"grad":[0]}`, "1 gradient entries for C = 2", "a short gradient"},
		{c, `loss 1`, "not a JSON object", "not JSON"},
		{`{"id":"a"}`, ``, "cases:", "a bad case line"},
		{``, ``, "no case", "no case at all"},
	}
	for _, tt := range tests {
		_, err := Score("x", strings.NewReader(tt.cases), strings.NewReader(tt.results), impls.Standard, "cases.jsonl")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.why, err, tt.want)
		}
	}
	// Correct results pass; a wrong one fails and is named.
	ref := impls.Reference()
	var cb, rb bytes.Buffer
	enc, renc := jsonl.NewEncoder(&cb), jsonl.NewEncoder(&rb)
	cs, _ := reports.Suite(reports.Config{Size: reports.SizeGate, Families: []string{"moderate"}, DTypes: []cases.DType{cases.Float64}})
	for i := range cs {
		enc.Encode(&cs[i])
		r := ref.Case(&cs[i])
		if i == 3 {
			r.Loss *= 1.5
		}
		renc.EncodeResult(&r)
	}
	res, err := Score("x", &cb, &rb, impls.Standard, "cases.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.Families[0].Violations != 1 || res.Families[0].WorstID != cs[3].ID || res.Families[0].Replay != "line 4 of cases.jsonl" {
		t.Errorf("one wrong loss: %+v", res.Families[0])
	}
}
