// Package mutation holds the mutation-testing tools of the suite itself
// (issue #17, docs/mutation.md): score folds gremlins' logs into the score
// table, layers runs mutated copies of fused through the layers a user's
// implementation gets (the property battery and the gate) and through
// fused's own tests. The committed list of equivalent mutants is
// equivalent.txt. Nothing here is imported by the suite.
package mutation
