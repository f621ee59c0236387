// Package reports runs deterministic stability sweeps of softmax-with-infogain
// loss implementations (L = −Σ_j h_j log softmax(x)_j, g_j = p_j·S − h_j)
// against the certified reference, and writes them as report.md, report.json,
// cases.csv and PNG/SVG plots; it also keeps the regression baseline that
// `infogain gate` compares against.
//
// report.md opens with a headline: one grade per implementation on a fixed
// scale (grade.go: correctly rounded, accurate = within impls.Standard,
// acceptable = scaled errors within 16 + 4·C, unstable, wrong), the worst
// regime and a one-line cause. The causes come from Diagnose (diagnose.go):
// probes that detect known flaws (no max shift, log(1+s), the 1e-20 clamp,
// −h/p chained through the softmax, 1 − p_k, S cancelling or overflowing,
// LSE at the logits' scale, 0·∞, p − h checked exactly in big.Float, the
// special values of docs/design.md §7), each with its fix and evidence.
//
// Conventions: errors are measured in the case's own dtype against the
// reference's correctly rounded outputs with the one judge
// (impls.Contract.Judge, impls.Measure); grades and plots use the scaled
// errors of docs/design.md §5, floored so that an absolute error below the
// smallest normal number counts at most 1; ulps and bits of error
// (log2(ulps+1)) are the secondary measure. Every output is a pure function
// of the Config: no clocks, no map-order iteration, fixed float formatting,
// so two runs are byte-identical whatever the number of workers.
package reports
