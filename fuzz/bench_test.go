package fuzz

import (
	"math/rand/v2"
	"testing"

	"github.com/infogain-dev/infogain/cases"
)

// benchInputs returns the byte seeds plus n deterministic random inputs
// (PCG seed 1) of 5 to 180 bytes: C ≤ MaxC = 16, every regime.
func benchInputs(b *testing.B, n int) [][]byte {
	var out [][]byte
	for _, s := range allSeeds(b) {
		if data, ok := Encode(&s.c); ok {
			out = append(out, data)
		}
	}
	r := rand.New(rand.NewPCG(1, 0))
	for range n {
		data := make([]byte, 5+r.IntN(176))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		out = append(out, data)
	}
	return out
}

// BenchmarkTargetBody times one execution of each differential target's
// body (decode and check, without the fuzzing engine) over the seeds and
// random inputs; 1e9/(ns/op) is the rate one worker can reach at best.
// Inputs whose check fails (known findings) are timed all the same.
//
//	go test ./fuzz -run '^$' -bench TargetBody -benchtime 2s
func BenchmarkTargetBody(b *testing.B) {
	inputs := benchInputs(b, 2000)
	bodies := []struct {
		name   string
		decode func([]byte) cases.Case
		check  func(*cases.Case) string
	}{
		{"Diff64", decode64, diffCase},
		{"Diff32", decode32, diffCase},
		{"IdentityH", decodeIdentity, identityCase},
	}
	for _, body := range bodies {
		b.Run(body.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c := body.decode(inputs[i%len(inputs)])
				body.check(&c)
			}
		})
	}
}
