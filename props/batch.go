package props

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
)

// batchInput is the generated value of the batch properties.
type batchInput struct{ b cases.Batch }

var batchType = reflect.TypeOf(batchInput{})

// batchSpec says what a batch property varies.
type batchSpec struct {
	minInner, maxInner int
	ignore             bool // some positions carry the ignore label
	modes              []cases.Normalization
	weights            []float64
}

// ignoreLabels: outside the classes (Caffe's usual −1 and 255) and a real
// class index, which Caffe also allows.
var ignoreLabels = []int{-1, 255, 0}

// batches draws C first and the rest of the batch from it (FlatMap: the
// shapes depend on C).
func (e *env) batches(spec batchSpec) gopter.Gen {
	return e.anyDType(func(dt cases.DType) gopter.Gen {
		return gen.IntRange(2, 6).FlatMap(func(v interface{}) gopter.Gen {
			C := v.(int)
			return func(p *gopter.GenParameters) *gopter.GenResult {
				b := drawBatch(p, dt, C, spec)
				return gopter.NewGenResult(batchInput{b}, batchShrinker)
			}
		}, batchType)
	})
}

func drawBatch(p *gopter.GenParameters, dt cases.DType, C int, spec batchSpec) cases.Batch {
	r := p.Rng
	b := cases.Batch{DType: dt, C: C, Outer: 1 + r.Intn(3), Inner: spec.minInner + r.Intn(spec.maxInner-spec.minInner+1)}
	b.Logits = make([]float64, b.Outer*C*b.Inner)
	for k := range b.Logits {
		b.Logits[k] = roundTo(dt, (r.Float64()-0.5)*16)
	}
	// Dense similarity rows with 1 on the diagonal (Caffe's intended use),
	// so that S ≠ 1 as often as not.
	b.H = make([]float64, C*C)
	for i := 0; i < C; i++ {
		for j := 0; j < C; j++ {
			if i == j {
				b.H[i*C+j] = 1
			} else if r.Intn(2) == 0 {
				b.H[i*C+j] = roundTo(dt, r.Float64())
			}
		}
	}
	b.Opts = cases.Options{Normalization: spec.modes[r.Intn(len(spec.modes))], LossWeight: roundTo(dt, spec.weights[r.Intn(len(spec.weights))])}
	if spec.ignore {
		b.Opts.HasIgnoreLabel = true
		b.Opts.IgnoreLabel = ignoreLabels[r.Intn(len(ignoreLabels))]
		if b.Opts.IgnoreLabel >= C {
			b.Opts.IgnoreLabel = -1
		}
	}
	b.Labels = make([]int, b.Outer*b.Inner)
	for k := range b.Labels {
		b.Labels[k] = r.Intn(C)
		if spec.ignore && r.Intn(3) == 0 {
			b.Labels[k] = b.Opts.IgnoreLabel
		}
	}
	return b
}

// batchShrinker drops one outer slice, one inner column or one class no
// label uses, keeps only the diagonal of H, or rounds the logits to
// integers.
func batchShrinker(v interface{}) gopter.Shrink {
	b := v.(batchInput).b
	var out []batchInput
	for o := 0; b.Outer > 1 && o < b.Outer; o++ {
		out = append(out, batchInput{dropOuter(b, o)})
	}
	for i := 0; b.Inner > 1 && i < b.Inner; i++ {
		out = append(out, batchInput{dropInner(b, i)})
	}
	for j := 0; b.C > 1 && j < b.C; j++ {
		if d, ok := dropBatchClass(b, j); ok {
			out = append(out, batchInput{d})
		}
	}
	if offDiagonal(b) {
		d := b
		d.H = make([]float64, len(b.H))
		for j := 0; j < b.C; j++ {
			d.H[j*b.C+j] = b.H[j*b.C+j]
		}
		out = append(out, batchInput{d})
	}
	rounded := b
	rounded.Logits = make([]float64, len(b.Logits))
	changed := false
	for k, x := range b.Logits {
		rounded.Logits[k] = math.Round(x)
		changed = changed || rounded.Logits[k] != x
	}
	if changed {
		out = append(out, batchInput{rounded})
	}
	i := 0
	return func() (interface{}, bool) {
		if i < len(out) {
			i++
			return out[i-1], true
		}
		return nil, false
	}
}

// dropBatchClass removes class j, which no label may use, from the logits
// and from H's rows and columns, renumbering the labels above it.
func dropBatchClass(b cases.Batch, j int) (cases.Batch, bool) {
	ignored := func(l int) bool { return b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel }
	for _, l := range b.Labels {
		if l == j && !ignored(l) {
			return b, false
		}
	}
	if b.Opts.HasIgnoreLabel && b.Opts.IgnoreLabel >= 0 && b.Opts.IgnoreLabel < b.C {
		return b, false // renumbering would move the ignore label
	}
	d := b
	d.C--
	d.Logits, d.H = nil, nil
	d.Labels = append([]int(nil), b.Labels...)
	for o := 0; o < b.Outer; o++ {
		for c := 0; c < b.C; c++ {
			if c != j {
				d.Logits = append(d.Logits, b.Logits[(o*b.C+c)*b.Inner:(o*b.C+c+1)*b.Inner]...)
			}
		}
	}
	for r := 0; r < b.C; r++ {
		for c := 0; c < b.C; c++ {
			if r != j && c != j {
				d.H = append(d.H, b.H[r*b.C+c])
			}
		}
	}
	for k, l := range d.Labels {
		if !ignored(l) && l > j {
			d.Labels[k]--
		}
	}
	return d, true
}

func offDiagonal(b cases.Batch) bool {
	for r := 0; r < b.C; r++ {
		for c := 0; c < b.C; c++ {
			if r != c && b.H[r*b.C+c] != 0 {
				return true
			}
		}
	}
	return false
}

func dropOuter(b cases.Batch, o int) cases.Batch {
	n := b.C * b.Inner
	d := b
	d.Outer--
	d.Logits = append(append([]float64(nil), b.Logits[:o*n]...), b.Logits[(o+1)*n:]...)
	d.Labels = append(append([]int(nil), b.Labels[:o*b.Inner]...), b.Labels[(o+1)*b.Inner:]...)
	return d
}

func dropInner(b cases.Batch, i int) cases.Batch {
	d := b
	d.Inner--
	d.Logits, d.Labels = nil, nil
	for o := 0; o < b.Outer; o++ {
		for j := 0; j < b.C; j++ {
			for k := 0; k < b.Inner; k++ {
				if k != i {
					d.Logits = append(d.Logits, b.Logits[(o*b.C+j)*b.Inner+k])
				}
			}
		}
		for k := 0; k < b.Inner; k++ {
			if k != i {
				d.Labels = append(d.Labels, b.Labels[o*b.Inner+k])
			}
		}
	}
	return d
}

// normalizer is Caffe's normalizer, written here from docs/design.md §1 rather than
// taken from cases.Batch.Normalizer, which is under test through the driver.
func normalizer(b *cases.Batch) float64 {
	var n int
	switch b.Opts.Normalization {
	case cases.Full:
		n = b.Outer * b.Inner
	case cases.Valid:
		for _, l := range b.Labels {
			if !(b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel) {
				n++
			}
		}
	case cases.BatchSize:
		n = b.Outer
	case cases.None:
		n = 1
	}
	return math.Max(1, float64(n))
}

// checkBatch compares im's batch result with its per-sample results: the
// loss Σ L_i / n, the gradient g_i·w/n at (o, :, i), zero where ignored.
func checkBatch(e *env, b *cases.Batch) (diag string) {
	defer func() {
		if r := recover(); r != nil {
			diag = fmt.Sprintf("panic: %v", r)
		}
	}()
	for _, path := range batchPaths(e.im, b.DType) {
		if d := checkBatchPath(e, b, path); d != "" {
			return d
		}
	}
	return ""
}

// checkBatchPath checks one way of evaluating b (see batchPaths).
func checkBatchPath(e *env, b *cases.Batch, path batchPath) string {
	gotL, gotG, err := path.run(b)
	if err != nil {
		return path.name + ": valid batch rejected: " + err.Error()
	}
	if len(gotG) != len(b.Logits) {
		return fmt.Sprintf("%s: gradient of %d values for %d logits", path.name, len(gotG), len(b.Logits))
	}
	n := normalizer(b)
	w := b.Opts.LossWeight
	u := unit(b.DType)
	eta := 0x1p-1074
	if b.DType == cases.Float32 {
		eta = 0x1p-149
	}
	var sum, sumAbs float64
	C, inner := b.C, b.Inner
	for o := 0; o < b.Outer; o++ {
		for i := 0; i < inner; i++ {
			l := b.Labels[o*inner+i]
			at := func(j int) int { return (o*C+j)*inner + i }
			if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
				for j := 0; j < C; j++ {
					if gotG[at(j)] != 0 {
						return fmt.Sprintf(path.name+": ignored position (o=%d, i=%d), label %d: grad[%d] = %v, want 0", o, i, l, at(j), gotG[at(j)])
					}
				}
				continue
			}
			c := cases.Case{DType: b.DType, Label: l, H: b.H[l*C : (l+1)*C]}
			for j := 0; j < C; j++ {
				c.Logits = append(c.Logits, b.Logits[at(j)])
			}
			r, d := eval(e.im, &c)
			if d != "" {
				return d
			}
			sum += r.loss
			sumAbs += math.Abs(r.loss)
			// g·(w/n) in T: two roundings, checked with a third for the
			// float64 product here.
			for j := 0; j < C; j++ {
				want := r.grad[j] * w / n
				if diff := math.Abs(gotG[at(j)] - want); !(diff <= 3*u*math.Abs(want)+eta) {
					return fmt.Sprintf(path.name+": %s, weight %v, n = %v: position (o=%d, i=%d) grad[%d] = %v (%x), want g·w/n = %v·%v/%v = %v",
						b.Opts.Normalization, w, n, o, i, j, gotG[at(j)], gotG[at(j)], r.grad[j], w, n, want)
				}
			}
		}
	}
	// The driver sums P = outer·inner losses in T and divides once.
	wantL := sum / n
	P := float64(b.Outer * inner)
	if diff := math.Abs(gotL - wantL); !(diff <= (P+2)*u*sumAbs/n+eta) {
		return fmt.Sprintf(path.name+": %s, n = %v: loss %v (%x), want Σ L_i / n = %v / %v = %v", b.Opts.Normalization, n, gotL, gotL, sum, n, wantL)
	}
	return ""
}

var allModes = []cases.Normalization{cases.Full, cases.Valid, cases.BatchSize, cases.None}

func (e *env) batchProp(spec batchSpec) (gopter.Prop, string) {
	if s := noDTypes(e); s != "" {
		return nil, s
	}
	return prop.ForAll(func(in batchInput) string { return checkBatch(e, &in.b) }, e.batches(spec)), ""
}

func propIgnore(e *env) (gopter.Prop, string) {
	// Weights 0 and −1.5 too: an ignored position's gradient is 0·(w/n), which a
	// fast path computing it as 0/(w/n) or leaving it unwritten gets wrong.
	return e.batchProp(batchSpec{minInner: 1, maxInner: 3, ignore: true, modes: allModes, weights: []float64{1, 1, 0, -1.5}})
}

func propNormalizer(e *env) (gopter.Prop, string) {
	return e.batchProp(batchSpec{minInner: 2, maxInner: 3, modes: allModes, weights: []float64{1}})
}

func propLossWeight(e *env) (gopter.Prop, string) {
	return e.batchProp(batchSpec{minInner: 1, maxInner: 2, modes: []cases.Normalization{cases.Valid},
		weights: []float64{0, 0.5, 2, 3.25, -1.5, 0.001}})
}

func propLayout(e *env) (gopter.Prop, string) {
	return e.batchProp(batchSpec{minInner: 2, maxInner: 4, modes: []cases.Normalization{cases.None}, weights: []float64{1}})
}

// formatBatch writes b on one line, floats in shortest round-trip form.
func formatBatch(b *cases.Batch) string {
	fl := func(v []float64) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = jsonl.FormatFloat(x, b.DType)
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	ign := "none"
	if b.Opts.HasIgnoreLabel {
		ign = fmt.Sprint(b.Opts.IgnoreLabel)
	}
	return fmt.Sprintf(`{"dtype":%q,"outer":%d,"C":%d,"inner":%d,"logits":%s,"labels":%v,"H":%s,"ignore_label":%q,"normalization":%q,"loss_weight":%v}`,
		b.DType, b.Outer, b.C, b.Inner, fl(b.Logits), strings.Join(strings.Fields(fmt.Sprint(b.Labels)), ","), fl(b.H), ign, b.Opts.Normalization, b.Opts.LossWeight)
}

// batchPath is one way of evaluating a batch with an implementation.
type batchPath struct {
	name string
	run  func(b *cases.Batch) (loss float64, grad []float64, err error)
}

// batchPaths returns the ways the batch properties evaluate a batch with im
// in dt: its batch fast path, if it has one, and the shared driver over its
// per-sample function, if it has one. Both hand the implementation output
// buffers poisoned with NaN, not the zero-filled buffers of impls.Impl.Batch:
// an implementation that leaves an element unwritten (an ignored position's
// stale gradient, a component it skips) then returns NaN there, which the
// properties see, instead of a zero that happens to be right (issue #17:
// a fast path that did not zero ignored positions passed the battery).
func batchPaths(im *impls.Impl, dt cases.DType) []batchPath {
	var out []batchPath
	if dt == cases.Float32 {
		if im.B32 != nil {
			out = append(out, batchPath{"batch fast path (NaN-poisoned output)", func(b *cases.Batch) (float64, []float64, error) {
				return poisonedFast(im, im.B32, b)
			}})
		}
		if f := perSample32(im); f != nil || len(out) == 0 {
			out = append(out, batchPath{"shared driver (NaN-poisoned per-sample output)", func(b *cases.Batch) (float64, []float64, error) {
				return poisonedDriver(im, f, b)
			}})
		}
		return out
	}
	if im.B64 != nil {
		out = append(out, batchPath{"batch fast path (NaN-poisoned output)", func(b *cases.Batch) (float64, []float64, error) {
			return poisonedFast(im, im.B64, b)
		}})
	}
	if f := perSample64(im); f != nil || len(out) == 0 {
		out = append(out, batchPath{"shared driver (NaN-poisoned per-sample output)", func(b *cases.Batch) (float64, []float64, error) {
			return poisonedDriver(im, f, b)
		}})
	}
	return out
}

func perSample64(im *impls.Impl) impls.Func[float64] {
	if im.C64 != nil {
		return func(dst, x, h []float64) float64 { l, _ := im.C64(dst, x, h); return l }
	}
	return im.F64
}

func perSample32(im *impls.Impl) impls.Func[float32] {
	if im.C32 != nil {
		return func(dst, x, h []float32) float32 { l, _ := im.C32(dst, x, h); return l }
	}
	return im.F32
}

// poison fills v with NaN.
func poison[T impls.Float](v []T) {
	nan := T(math.NaN())
	for i := range v {
		v[i] = nan
	}
}

func poisonedFast[T impls.Float](im *impls.Impl, f impls.BatchFunc[T], b *cases.Batch) (loss float64, grad []float64, err error) {
	defer recoverErr(im, &err)
	if err := b.Validate(); err != nil {
		return 0, nil, err
	}
	dst := make([]T, len(b.Logits))
	poison(dst)
	l := f(dst, b)
	return float64(l), widenAll(dst), nil
}

// poisonedDriver runs impls.RunBatch over f, poisoning the per-sample
// gradient buffer before every call and the batch buffer before the run.
func poisonedDriver[T impls.Float](im *impls.Impl, f impls.Func[T], b *cases.Batch) (loss float64, grad []float64, err error) {
	defer recoverErr(im, &err)
	if err := b.Validate(); err != nil {
		return 0, nil, err
	}
	if f == nil {
		return 0, nil, fmt.Errorf("no %s implementation", b.DType)
	}
	poisoned := func(dst, x, h []T) T {
		poison(dst)
		return f(dst, x, h)
	}
	conv := func(v []float64) []T {
		out := make([]T, len(v))
		for i, x := range v {
			out[i] = T(x)
		}
		return out
	}
	dst := make([]T, len(b.Logits))
	poison(dst)
	l := impls.RunBatch(poisoned, dst, conv(b.Logits), b.Labels, conv(b.H), b)
	return float64(l), widenAll(dst), nil
}

func widenAll[T impls.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func recoverErr(im *impls.Impl, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s panicked: %v", im.Name, p)
	}
}
