// Package reports runs deterministic stability sweeps of softmax-with-infogain
// loss implementations (L = −Σ_j h_j log softmax(x)_j, g_j = p_j·S − h_j)
// against the certified reference, and writes them as report.md, report.json,
// cases.csv and PNG/SVG plots; it also keeps the regression baseline that
// `infogain gate` compares against.
//
// Conventions: errors are measured in the case's own dtype against the
// reference's correctly rounded outputs; bits of error are log2(ulps+1)
// (docs/design.md §5). Every output is a pure function of the Config: no clocks, no
// map-order iteration, fixed float formatting, so two runs are byte-identical.
package reports
