// Command layers applies mutants to a temporary copy of the module and
// reports which layer catches each: fused's own tests (go test ./fused),
// the property battery (props.Run on the registered fused, through
// TestMutantBattery in props) and the gate (infogain gate against the
// committed baseline). Mutants come from a gremlins log of ./fused (its
// positions and mutator names) and from the hand-written list in hand.go
// (the shapes of issue #17).
//
//	go run ./mutation/layers -log mutation/out/fused.log -lived -sample 40 -budget 20m
//
// It prints a Markdown table, one row per mutant, and the totals per layer.
package main
