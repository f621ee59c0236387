package props

import (
	"testing"

	"github.com/infogain-dev/infogain/impls/builtin"
)

func TestExplicitSeedIgnoresMalformedEnv(t *testing.T) {
	// A program that fixes the seed (the report and gate commands do) must
	// not be stopped by a malformed PROPS_SEED in its environment.
	t.Setenv("PROPS_SEED", "abc")
	im, err := builtin.Lookup("fused")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("props.Run with an explicit seed panicked: %v", r)
		}
	}()
	res := Run(im, Seed(7), Tests(1), Only("gradient-sums-to-zero"))
	if len(res) != 1 || res[0].Seed != 7 {
		t.Fatalf("Run = %+v, want one result with seed 7", res)
	}
}
