// Package props is a property battery for implementations of the
// softmax-with-infogain loss L = −Σ_j h_j log softmax(x)_j and its gradient
// g_j = p_j·S − h_j (S = Σ_j h_j): agreement with the certified reference
// within declared bounds, the special forms of H (identity, label smoothing,
// class weights), exact invariances, finite differences, float32/float64
// consistency, Caffe's batch semantics, the non-finite semantics of docs/design.md §7
// and the absence of panics.
//
// Run returns one Result per property without failing anything; Check runs
// the same battery as subtests of a *testing.T. Properties are gopter
// properties named as sentences; cases are drawn from the families of package
// cases with a fixed seed unless told otherwise, and a failure carries the
// seed, the shrunk case as a JSON line and the commands that replay it.
//
// Seeds: DefaultSeed unless the Seed option or the environment variable
// PROPS_SEED (a number, or "random") says otherwise; the package's tests
// also take -props.seed=N and -props.random. Each property derives its own
// seed from the run's and its ID, so Only(ID) replays one property alone.
//
// Conventions: H is row-major C×C and a case carries its row h = H[label,:];
// labels count from 0; tolerances are the implementation's declared Bounds in
// the units of docs/design.md §5 (ulps of the output type, or errors scaled by the
// conditioning of the problem).
package props
