// Package jsonl is the JSON-lines codec of docs/design.md §7: it reads and
// writes cases.Case (one case per line), cases.Batch (the batch form, see
// ParseBatch) and cases.Result (one result per line), with exact float
// semantics and bounded memory.
//
// One case per line:
//
//	{"id":"dominant/0007","family":"dominant","dtype":"float64","logits":[37.42994775023705,0],"h":[1,0],"label":0}
//
// Reading rules (Decoder, ParseCase):
//   - Each line is one JSON object under RFC 8259's strict syntax (no NaN or
//     Infinity literals, no trailing commas, no comments); blank lines are
//     skipped.
//   - Field names are matched exactly (case-sensitive); an unknown or a
//     repeated field is an error, so that a misspelt "logit" or "H" is caught
//     instead of read as a missing field. "id" and "family" are optional.
//   - A value in "logits" or "h" is a JSON number or one of the strings
//     "inf", "-inf", "nan" (lower case, nothing else). A number beyond the
//     float64 range (e.g. 1e400) is an error; write "inf". A float64 number is
//     rounded to nearest as usual (so any decimal is accepted).
//   - For dtype "float32" every number must denote a float32: either its
//     float64 value is exactly a float32, or it is the shortest float32 form
//     of a float32 f, i.e. ParseFloat(s, 64) == ParseFloat(FormatFloat(f,
//     'g', -1, 32), 64) with f = ParseFloat(s, 32) ("0.1" denotes
//     float32(0.1)); anything else is "not a float32 value".
//   - "label" is a JSON integer (no fraction, no exponent).
//   - "id", "family" and "dtype" are JSON strings; escapes are decoded and
//     invalid UTF-8 becomes U+FFFD, as with encoding/json.
//   - The decoded case must pass cases.Case.Validate (non-finite h is an
//     error).
//   - A line longer than MaxLineBytes is a LineError, skipped in bounded
//     memory; every bad line is a *LineError naming its line number and id,
//     and the Decoder goes on with the next line.
//
// Writing (Encoder) uses the shortest form that reads back to the same bits:
// strconv 'g' with precision -1 in the case's dtype, "-0" for negative zero.
// NaN payloads and signs are not kept: every NaN is written "nan" and read
// back as math.NaN().
//
// Files, one concept each: decoder.go (the line reader and its memory
// bound), case.go (a case line), batch.go (the batch form), result.go (result
// lines), encoder.go (the Encoder), float.go (float formatting and parsing),
// fields.go (typed field values), scanner.go (the JSON lexer), errors.go
// (limits and LineError).
package jsonl
