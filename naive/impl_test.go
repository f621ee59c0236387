package naive_test

import (
	"testing"

	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/naive"
)

// TestThroughImplCase runs the acceptance line through the path
// `infogain eval` takes (jsonl.ParseCase, impls.Impl.Case), with an Impl
// built here as the registry would build it.
func TestThroughImplCase(t *testing.T) {
	im := &impls.Impl{Name: "naive", F64: naive.Loss[float64], F32: naive.Loss[float32]}
	c, err := jsonl.ParseCase([]byte(`{"id":"a","dtype":"float64","logits":[0,100],"h":[1,0],"label":0}`))
	if err != nil {
		t.Fatal(err)
	}
	r := im.Case(&c)
	if r.Err != "" || r.ID != "a" || r.Loss != 46.051701891615394 || len(r.Grad) != 2 {
		t.Errorf("Case = %+v, want loss 46.051701891615394 and a 2-element gradient", r)
	}
}
