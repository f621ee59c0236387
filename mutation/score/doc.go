// Command score folds the logs of scripts/mutate.sh (one gremlins dry run
// and one real run per package) and the committed list of equivalent
// mutants into the score table of docs/mutation.md.
//
//	go run ./mutation/score -equivalent mutation/equivalent.txt -logs mutation/out ulp ref fused props cases
//
// A mutant is counted once, by its last status: KILLED, LIVED, TIMED OUT,
// NOT COVERED (no test reaches it), NOT VIABLE (does not build), or not
// run (in the dry run, not in the real run: the package's time budget ran
// out). A LIVED mutant listed in the equivalent file is counted as
// equivalent instead. Efficacy is killed / (killed + lived), equivalents
// excluded (timed-out mutants are reported apart, as gremlins does);
// coverage is the share of mutants some test reaches. Stale entries of the
// equivalent list (no such mutant, or one that is killed) are reported.
package main
