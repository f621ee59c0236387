package ulp

import (
	"flag"
	"testing"
	"time"
)

var seedFlag = flag.Int64("ulp.seed", 20261130, "seed of the randomized tests; 0 draws one from the clock")

// RunSeed returns the seed of this run and arranges for a failing test to
// print it with the command that replays it. Both test packages use it
// (export_test.go-style: it exists only in test builds).
func RunSeed(t *testing.T) int64 {
	seed := *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d; replay: go test ./ulp -run '^%s$' -ulp.seed=%d", seed, t.Name(), seed)
		}
	})
	return seed
}
