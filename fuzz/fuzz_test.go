package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/impls/builtin"
	"github.com/infogain-dev/infogain/ulp"
)

// The targets. Plain `go test ./fuzz` replays the seeds and every file
// under testdata/fuzz/FuzzX/; `make fuzz FUZZTIME=30s` searches each in
// turn. A failure prints the case as a JSON line and the input bytes; the
// engine prints the command that replays it,
//
//	go test ./fuzz -run '^FuzzX$/^NAME$'
//
// and a fixed finding is committed under testdata/fuzz/FuzzX/.

// fusedImpl is fused as the targets call it; the registry's entry may add
// a batch fast path, which FuzzAllImpls checks against the driver.
var fusedImpl = perSample(mustLookup("fused"))

func mustLookup(name string) *impls.Impl {
	im, err := builtin.Lookup(name)
	if err != nil {
		panic(err)
	}
	return im
}

// perSample is im without its batch fast paths.
func perSample(im *impls.Impl) *impls.Impl {
	return &impls.Impl{Name: im.Name, Doc: im.Doc, F64: im.F64, F32: im.F32, Contract: im.Contract}
}

// checkAgainstRef judges fused's result against the reference's within
// fused's declared contract.
func checkAgainstRef(c *cases.Case, got, want *cases.Result) string {
	return checkWithin(fusedImpl.Declared(), c, got, want)
}

// allImpls is the list FuzzAllImpls runs: the registry.
var allImpls = builtin.All

// promisesSemantics names the implementations that document the whole
// non-finite semantics of docs/design.md §7; the frameworks' ports document only
// its NaN rule (checkNaNRule).
var promisesSemantics = map[string]bool{"ref": true, "fused": true}

// to32 makes c a float32 case, rounding every value to float32.
func to32(c *cases.Case) {
	c.DType = cases.Float32
	for _, v := range [][]float64{c.Logits, c.H} {
		for j := range v {
			v[j] = float64(float32(v[j]))
		}
	}
}

// fail reports diag for the case c decoded from data.
func fail(t *testing.T, diag string, c *cases.Case, data []byte) {
	t.Helper()
	if why, ok := seedWhy[string(data)]; ok {
		diag += "\nseed row: " + why
	}
	t.Fatalf("%s\ncase: %s\nlogits %x\nh      %x\ninput: %x", diag, caseJSON(c), c.Logits, c.H, data)
}

// diffCase checks fused against the reference on one case; an invalid
// case (non-finite h) passes, FuzzAllImpls checks its error.
func diffCase(c *cases.Case) string {
	if c.Validate() != nil {
		return ""
	}
	want := refImpl.Case(c)
	if d := checkRef(c, &want); d != "" {
		return d
	}
	got := fusedImpl.Case(c)
	if d := checkSemantics(c, &got); d != "" {
		return "fused: " + d
	}
	if d := checkAgainstRef(c, &got, &want); d != "" {
		return fmt.Sprintf("fused vs reference (%s): %s\nfused: loss %v grad %v\nref:   loss %v grad %v",
			want.Certified, d, got.Loss, got.Grad, want.Loss, want.Grad)
	}
	return ""
}

// checkRef checks the reference's own promises on a valid case: no error,
// never Uncertified, the semantics of docs/design.md §7.
func checkRef(c *cases.Case, want *cases.Result) string {
	switch {
	case want.Err != "":
		return "reference rejected a valid case: " + want.Err
	case uncertified(want):
		return fmt.Sprintf("reference: %s (loss %v, grad %v) on valid input, which ref.Eval64 and ref.Eval32 promise never happens",
			want.Certified, want.Loss, want.Grad)
	}
	if d := checkSemantics(c, want); d != "" {
		return "reference: " + d
	}
	return ""
}

// FuzzDiff64: fused agrees with the certified reference within fused's
// declared bounds (LossMaxULP, LossMaxScaled, GradMaxScaled), in float64.
func FuzzDiff64(f *testing.F) {
	addByteSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decode64(data)
		if d := diffCase(&c); d != "" {
			fail(t, d, &c, data)
		}
	})
}

// decode64 is Decode read as a float64 case (float32 values are float64
// values too).
func decode64(data []byte) cases.Case {
	c := Decode(data)
	c.DType = cases.Float64
	return c
}

// decode32 is Decode with every value rounded to float32.
func decode32(data []byte) cases.Case {
	c := Decode(data)
	to32(&c)
	return c
}

// FuzzDiff32: the same in float32, every input rounded to float32.
func FuzzDiff32(f *testing.F) {
	addByteSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decode32(data)
		if d := diffCase(&c); d != "" {
			fail(t, d, &c, data)
		}
	})
}

// decodeIdentity is Decode with h replaced by e_label: the row of H = I.
func decodeIdentity(data []byte) cases.Case {
	c := Decode(data)
	for j := range c.H {
		c.H[j] = 0
	}
	c.H[c.Label] = 1
	return c
}

// identityCase checks fused on a case whose h is e_label (see
// FuzzIdentityH).
func identityCase(c *cases.Case) string {
	got := fusedImpl.Case(c)
	if d := checkSemantics(c, &got); d != "" {
		return "fused: " + d
	}
	if undefinedLoss(c.Logits) {
		return ""
	}
	for j, g := range got.Grad {
		lo, hi := 0.0, 1.0
		if j == c.Label {
			lo, hi = -1, 0
		}
		if !(lo <= g && g <= hi) {
			return fmt.Sprintf("fused grad[%d] = %v (%x) outside [%v, %v]: for H = I the gradient is p − e_l", j, g, g, lo, hi)
		}
	}
	dt32 := c.DType == cases.Float32
	ce := crossEntropy(c.Logits, c.Label)
	tol := uint64(fusedImpl.Declared().LossULP) + ceMaxLossULP
	if dt32 {
		ce = float64(float32(ce))
		tol = uint64(fusedImpl.Declared().LossULP) + 1 // ce carries ≪ 1 ulp of float32 before its rounding
	}
	if close := ulp.Dist(got.Loss, ce, dt32) <= tol || !dt32 && ceClose(ce, got.Loss, tol, c.C()); !close {
		return fmt.Sprintf("fused loss %v (%x), softmax cross-entropy %v (%x): %d ulps > %d",
			got.Loss, got.Loss, ce, ce, ulp.Dist(got.Loss, ce, dt32), tol)
	}
	want := refImpl.Case(c)
	if d := checkRef(c, &want); d != "" {
		return d
	}
	if ce64 := crossEntropy(c.Logits, c.Label); !dt32 && !ceClose(ce64, want.Loss, ceMaxLossULP, c.C()) {
		return fmt.Sprintf("oracle crossEntropy %v is %d ulps from the reference %v, beyond its bound (ceMaxLossULP = %d)",
			ce64, ulp.Dist64(ce64, want.Loss), want.Loss, ceMaxLossULP)
	}
	if d := checkAgainstRef(c, &got, &want); d != "" {
		return "fused vs reference with H = I: " + d
	}
	return ""
}

// FuzzIdentityH: with H = I the infogain loss is softmax cross-entropy.
// fused on h = e_l must agree with crossEntropy, an oracle written from
// the definition of softmax cross-entropy, within fused's declared LossULP +
// ceMaxLossULP ulps (the oracle's own bound checked against the reference
// on the same input), its gradient must lie where p − e_l lies
// (g_l ∈ [−1, 0], g_j ∈ [0, 1] elsewhere), and fused must agree with the
// reference within its declared bounds.
func FuzzIdentityH(f *testing.F) {
	addByteSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := decodeIdentity(data)
		if d := identityCase(&c); d != "" {
			fail(t, d, &c, data)
		}
	})
}

// callCase runs im on c and turns a panic into a diagnostic.
func callCase(im *impls.Impl, c *cases.Case) (r cases.Result, panicked string) {
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprintf("%s panicked: %v", im.Name, p)
		}
	}()
	return im.Case(c), ""
}

func callBatch(im *impls.Impl, b *cases.Batch, driver bool) (loss float64, grad []float64, panicked string, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprintf("%s panicked on a batch (driver %v): %v", im.Name, driver, p)
		}
	}()
	if driver {
		loss, grad, err = im.DriverBatch(b)
	} else {
		loss, grad, err = im.Batch(b)
	}
	return loss, grad, "", err
}

// FuzzAllImpls: every registered implementation, per case and per batch,
// never panics, rejects exactly the invalid inputs with an error, follows
// the NaN rule of docs/design.md §7 (ref and fused: all of it), gives ignored
// positions a zero gradient, and a batch fast path agrees with the shared
// driver bit for bit. A valid case also round-trips through the JSON-lines
// codec.
func FuzzAllImpls(f *testing.F) {
	all := allImpls()
	if len(all) == 0 {
		f.Fatal("builtin.All() is empty: register the implementations in impls/registry.go")
	}
	addByteSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, d := allImplsCase(all, data); d != "" {
			fail(t, d, &c, data)
		}
	})
}

// allImplsCase is the body of FuzzAllImpls: it returns the decoded case and
// a diagnostic ("" if every check passed).
func allImplsCase(all []*impls.Impl, data []byte) (cases.Case, string) {
	c := Decode(data)
	verr := c.Validate()
	for _, im := range all {
		r, p := callCase(im, &c)
		if p != "" {
			return c, p
		}
		switch {
		case verr != nil && r.Err == "":
			return c, fmt.Sprintf("%s accepted an invalid case (%v)", im.Name, verr)
		case verr == nil && r.Err != "":
			return c, fmt.Sprintf("%s rejected a valid case: %s", im.Name, r.Err)
		case verr != nil:
			continue
		}
		check := checkNaNRule
		if promisesSemantics[im.Name] {
			check = checkSemantics
		}
		if d := check(&c, &r); d != "" {
			return c, im.Name + ": " + d
		}
	}
	if verr == nil {
		if d := roundTrip(&c); d != "" {
			return c, d
		}
	}

	b := DecodeBatch(data)
	berr := b.Validate()
	for _, im := range all {
		loss, grad, p, err := callBatch(im, &b, false)
		if p != "" {
			return c, p
		}
		if (err != nil) != (berr != nil) {
			return c, fmt.Sprintf("%s: Batch error %v, Validate %v", im.Name, err, berr)
		}
		if err != nil {
			continue
		}
		dLoss, dGrad, p, _ := callBatch(im, &b, true)
		if p != "" {
			return c, p
		}
		if !sameResult(loss, grad, dLoss, dGrad) {
			return c, fmt.Sprintf("%s: batch fast path (loss %v) differs from the driver (loss %v)\nbatch %+v\ngrad   %v\ndriver %v",
				im.Name, loss, dLoss, b, grad, dGrad)
		}
		if d := checkBatch(&b, loss, grad, promisesSemantics[im.Name]); d != "" {
			return c, fmt.Sprintf("%s: %s\nbatch %+v", im.Name, d, b)
		}
	}
	return c, ""
}

// checkBatch checks a batch result: ignored positions have a zero
// gradient, and when full is set an undefined sample at a position that is
// not ignored makes the loss NaN (the normalizer is finite and ≥ 1, so the
// sum's NaN must reach the loss).
func checkBatch(b *cases.Batch, loss float64, grad []float64, full bool) string {
	C, inner := b.C, b.Inner
	x := make([]float64, C)
	for o := 0; o < b.Outer; o++ {
		for i := 0; i < inner; i++ {
			l := b.Labels[o*inner+i]
			base := o*C*inner + i
			if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
				for j := 0; j < C; j++ {
					if g := grad[base+j*inner]; g != 0 {
						return fmt.Sprintf("ignored position (%d, %d) has grad[%d] = %v, want 0", o, i, j, g)
					}
				}
				continue
			}
			for j := 0; j < C; j++ {
				x[j] = b.Logits[base+j*inner]
			}
			if full && undefinedLoss(x) && !math.IsNaN(loss) {
				return fmt.Sprintf("loss = %v, want NaN: position (%d, %d) has an undefined loss", loss, o, i)
			}
		}
	}
	return ""
}

// roundTrip checks that c survives the JSON-lines codec bit for bit (NaN
// alike) and that the decoder reads it back as the only case of the line.
func roundTrip(c *cases.Case) string {
	var buf bytes.Buffer
	if err := jsonl.NewEncoder(&buf).Encode(c); err != nil {
		return "Encode refused a valid case: " + err.Error()
	}
	line := buf.String()
	dec := jsonl.NewDecoder(&buf)
	back, err := dec.Next()
	if err != nil {
		return fmt.Sprintf("decoding the encoded line %q: %v", line, err)
	}
	if !sameCase(&back, c) || back.ID != c.ID || back.Family != c.Family {
		return fmt.Sprintf("round trip through %q gave %+v", line, back)
	}
	if _, err := dec.Next(); err != io.EOF {
		return fmt.Sprintf("after the one line of %q: %v, want io.EOF", line, err)
	}
	return ""
}

// maxEvalC bounds the C of decoded JSON cases that FuzzJSONLines
// evaluates: a fuzzed line may hold many classes, and the reference's
// big.Float fallback costs milliseconds there.
const maxEvalC = 64

// FuzzJSONLines: the JSON-lines decoder never panics on any bytes, every
// error is a *jsonl.LineError, every case it returns is valid and
// round-trips through the encoder, every implementation evaluates it
// without panicking, and results round-trip through EncodeResult and
// DecodeResult.
func FuzzJSONLines(f *testing.F) {
	for _, s := range allSeeds(f) {
		var buf bytes.Buffer
		if jsonl.NewEncoder(&buf).Encode(&s.c) == nil {
			addSeed(f, buf.Bytes(), s.why)
		}
	}
	for _, s := range []struct{ why, text string }{
		{"the example line of docs/design.md §7", `{"id":"dominant/0007","family":"dominant","dtype":"float64","logits":[37.42994775023705,0],"h":[1,0],"label":0}`},
		{"special strings and a float32 shortest form", `{"dtype":"float32","logits":["-inf",0.1,"nan"],"h":[0,1,-0],"label":1}` + "\n\n" + `{"dtype":"float64","logits":["inf"],"h":[1],"label":0}`},
		{"errors: overflow, unknown field, bad label, trailing data", `{"dtype":"float64","logits":[1e400],"h":[1],"label":0}` + "\n" + `{"dtype":"float64","logit":[1],"h":[1],"label":0}` + "\r\n" + `{"dtype":"float64","logits":[1],"h":[1],"label":1.5}` + "\n" + `{"dtype":"float64","logits":[1],"h":[1],"label":0} x`},
		{"not JSON at all", "\x00\xff{[\"}"},
	} {
		addSeed(f, []byte(s.text), s.why)
	}
	all := allImpls()
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := jsonl.NewDecoder(bytes.NewReader(data))
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("decoder returned %d results from %d bytes: it does not advance", n, len(data))
			}
			c, err := dec.Next()
			if err == io.EOF {
				return
			}
			var le *jsonl.LineError
			if err != nil {
				if !errors.As(err, &le) {
					t.Fatalf("error %v (%T) is not a *jsonl.LineError\ninput %q", err, err, data)
				}
				continue
			}
			if verr := c.Validate(); verr != nil {
				t.Fatalf("decoder returned an invalid case (%v): %+v\ninput %q", verr, c, data)
			}
			if d := roundTrip(&c); d != "" {
				fail(t, d, &c, data)
			}
			if c.C() > maxEvalC {
				continue
			}
			for _, im := range all {
				r, p := callCase(im, &c)
				if p != "" {
					fail(t, p, &c, data)
				}
				resultRoundTrip(t, im.Name, &r, &c, data)
			}
		}
	})
}

// resultRoundTrip checks that r survives EncodeResult and DecodeResult.
func resultRoundTrip(t *testing.T, name string, r *cases.Result, c *cases.Case, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := jsonl.NewEncoder(&buf).EncodeResult(r); err != nil {
		fail(t, name+": EncodeResult: "+err.Error(), c, data)
	}
	back, err := jsonl.DecodeResult(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	if err != nil {
		fail(t, fmt.Sprintf("%s: DecodeResult(%q): %v", name, buf.String(), err), c, data)
	}
	if back.ID != r.ID || back.Err != r.Err || back.Certified != r.Certified || !sameResult(back.Loss, back.Grad, r.Loss, r.Grad) {
		fail(t, fmt.Sprintf("%s: result round trip through %q gave %+v, want %+v", name, buf.String(), back, *r), c, data)
	}
}
