package peers_test

import (
	"testing"

	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/peers"
)

// TestThroughImplCase runs the acceptance line through the path
// `infogain eval` takes (jsonl.ParseCase, impls.Impl.Case), with Impls built
// here as the registry would build them.
func TestThroughImplCase(t *testing.T) {
	c, err := jsonl.ParseCase([]byte(`{"id":"a","dtype":"float64","logits":[0,100],"h":[1,0],"label":0}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		im   *impls.Impl
		loss float64
		grad []float64
		why  string
	}{
		{&impls.Impl{Name: "caffe", F64: peers.Caffe[float64], F32: peers.Caffe[float32]}, 46.051701891615394, []float64{-1, 1},
			"the forward clamp at float64(1e-20f), an exact backward"},
		{&impls.Impl{Name: "torch", F64: peers.Torch[float64], F32: peers.Torch[float32]}, 100, []float64{-1, 1},
			"log_softmax keeps the loss"},
	}
	for _, tt := range tests {
		r := tt.im.Case(&c)
		if r.Err != "" || r.Loss != tt.loss || len(r.Grad) != 2 || r.Grad[0] != tt.grad[0] || r.Grad[1] != tt.grad[1] {
			t.Errorf("%s: Case = %+v, want loss %v, grad %v (%s)", tt.im.Name, r, tt.loss, tt.grad, tt.why)
		}
	}
}
