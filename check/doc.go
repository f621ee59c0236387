// Package check gives one implementation a verdict: the property battery
// (package props) and the scored families of the suite (package reports)
// against the certified reference, each judged by the implementation's
// declared contract (impls.Contract.Judge, docs/design.md §8), with the
// worst case of every failing property and family as a JSON line and a
// command that replays it. `infogain check` runs it on any program that
// speaks the protocol of docs/protocol.md; `infogain score` applies the
// same judge to results computed elsewhere.
package check
