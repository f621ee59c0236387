package impls

import (
	"fmt"

	"github.com/infogain-dev/infogain/cases"
)

// Float is the element type of an implementation.
type Float interface{ ~float32 | ~float64 }

// Func is a per-sample implementation: it writes ∂L/∂x into dst (len(dst) =
// len(x) = len(h) = C ≥ 1) and returns L = −Σ_j h_j log softmax(x)_j.
type Func[T Float] func(dst, x, h []T) T

// CertFunc is a per-sample reference: like Func, and it also returns the
// certification of its outputs ("exact", "rounded", "uncertified: why").
type CertFunc[T Float] func(dst, x, h []T) (T, string)

// BatchFunc is an optional fast path for a whole batch. It must agree with
// the shared driver (RunBatch) bit for bit; the driver's tests check that.
// It writes the gradient into dst (len = Outer·C·Inner) and returns the loss.
type BatchFunc[T Float] func(dst []T, b *cases.Batch) T

// Impl is one implementation under test.
type Impl struct {
	// Name is the registry name (as given to infogain eval --impl).
	Name string
	// Doc is one line: what the implementation is and where its formula
	// comes from.
	Doc string

	F64 Func[float64]
	F32 Func[float32]

	// C64 and C32 are set only for a certified reference; when set they are
	// used instead of F64 and F32 and their certification is reported.
	C64 CertFunc[float64]
	C32 CertFunc[float32]

	// B64 and B32 are optional batch fast paths.
	B64 BatchFunc[float64]
	B32 BatchFunc[float32]

	// Contract is what the implementation declares: its error bounds,
	// special-value semantics and dtypes. Nil means it declares nothing and
	// is judged against Standard (see Declared).
	Contract *Contract
}

// Case evaluates one case. An invalid case gives a Result with Err set; the
// implementation is not called. A panic inside the implementation (a user's
// function, say) is recovered into Err, so that a stream of cases goes on.
func (im *Impl) Case(c *cases.Case) (r cases.Result) {
	r = cases.Result{ID: c.ID}
	defer func() {
		if p := recover(); p != nil {
			r = cases.Result{ID: c.ID, Err: fmt.Sprintf("%s panicked: %v", im.Name, p)}
		}
	}()
	if err := c.Validate(); err != nil {
		r.Err = err.Error()
		return r
	}
	switch {
	case !im.Supports(c.DType):
		r.Err = NotSupported(im.Name, c.DType)
	case c.DType == cases.Float32:
		r.Loss, r.Grad, r.Certified = evalCase(im.F32, im.C32, c)
	default:
		r.Loss, r.Grad, r.Certified = evalCase(im.F64, im.C64, c)
	}
	return r
}

// NotSupported is the error of a case whose dtype the implementation does
// not support. Consumers ask Impl.Supports first and report such cases as
// not supported, never as errors.
func NotSupported(name string, dt cases.DType) string {
	return fmt.Sprintf("%s does not support %s", name, dt)
}

func evalCase[T Float](f Func[T], cf CertFunc[T], c *cases.Case) (float64, []float64, string) {
	x := convert[T](c.Logits)
	h := convert[T](c.H)
	g := make([]T, len(x))
	var loss T
	var cert string
	if cf != nil {
		loss, cert = cf(g, x, h)
	} else {
		loss = f(g, x, h)
	}
	return float64(loss), widen(g), cert
}

func convert[T Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

func widen[T Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Batch evaluates a batch with the implementation's fast path if it has one,
// else with the shared driver. It returns the loss and the gradient in
// Caffe's layout, widened to float64. A panic inside the implementation is
// returned as an error.
func (im *Impl) Batch(b *cases.Batch) (loss float64, grad []float64, err error) {
	defer recoverInto(im, &err)
	if err := b.Validate(); err != nil {
		return 0, nil, err
	}
	if b.DType == cases.Float32 {
		if im.B32 != nil {
			return runFast(im.B32, b)
		}
		return runDriver(im.perSample32(), b)
	}
	if im.B64 != nil {
		return runFast(im.B64, b)
	}
	return runDriver(im.perSample64(), b)
}

// DriverBatch evaluates a batch with the shared driver, ignoring any fast
// path: the semantics every fast path must reproduce bit for bit.
func (im *Impl) DriverBatch(b *cases.Batch) (loss float64, grad []float64, err error) {
	defer recoverInto(im, &err)
	if err := b.Validate(); err != nil {
		return 0, nil, err
	}
	if b.DType == cases.Float32 {
		return runDriver(im.perSample32(), b)
	}
	return runDriver(im.perSample64(), b)
}

func (im *Impl) perSample64() Func[float64] {
	if im.C64 != nil {
		return func(dst, x, h []float64) float64 { l, _ := im.C64(dst, x, h); return l }
	}
	return im.F64
}

func (im *Impl) perSample32() Func[float32] {
	if im.C32 != nil {
		return func(dst, x, h []float32) float32 { l, _ := im.C32(dst, x, h); return l }
	}
	return im.F32
}

func runFast[T Float](f BatchFunc[T], b *cases.Batch) (float64, []float64, error) {
	dst := make([]T, len(b.Logits))
	loss := f(dst, b)
	return float64(loss), widen(dst), nil
}

func runDriver[T Float](f Func[T], b *cases.Batch) (float64, []float64, error) {
	if f == nil {
		return 0, nil, fmt.Errorf("no %s implementation", b.DType)
	}
	dst := make([]T, len(b.Logits))
	loss := RunBatch(f, dst, convert[T](b.Logits), b.Labels, convert[T](b.H), b)
	return float64(loss), widen(dst), nil
}

func recoverInto(im *Impl, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s panicked: %v", im.Name, p)
	}
}
