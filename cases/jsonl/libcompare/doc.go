// Package libcompare measures the hand-written scanner of cases/jsonl
// against maintained JSON libraries, on the codec's own benchmark lines and
// on the float and field semantics the format requires (docs/design.md §7).
// It is a separate module so that the libraries never enter the main
// module's go.mod; the verdict and the numbers are in cases/jsonl's package
// doc (doc.go, "Why a hand-written scanner").
//
//	cd cases/jsonl/libcompare
//	go test -run Agreement -v .    # the field rules, 24 probe lines
//	./rounds.sh 9                  # speed: interleaved rounds, min and median
//	go test -run StreamingDecoderLineBound -v .   # one 100 MiB line (about 2 min)
//
// Every candidate reads the same lines into a cases.Case: the library
// parses the JSON object and hands each "logits"/"h" element to a hook that
// keeps its text, and convert (a copy of jsonl's parseValue rules) turns the
// text into a float64 under the line's dtype, so that float32 exactness and
// "inf"/"-inf"/"nan" are the codec's own rules, not the library's. What
// differs between candidates is therefore only what the library decides:
// syntax, field matching, duplicates, trailing data, strings, and speed.
package libcompare
