package cases

import (
	"errors"
	"fmt"
	"math"
)

// Normalization selects the loss normalizer of a Batch, as Caffe's
// LossParameter.NormalizationMode.
type Normalization int

const (
	// Full divides by outer·inner, ignored positions included.
	Full Normalization = iota
	// Valid divides by the number of positions whose label is not IgnoreLabel.
	Valid
	// BatchSize divides by outer.
	BatchSize
	// None does not normalize.
	None
)

var normNames = [...]string{"FULL", "VALID", "BATCH_SIZE", "NONE"}

func (n Normalization) String() string {
	if n < 0 || int(n) >= len(normNames) {
		return fmt.Sprintf("Normalization(%d)", int(n))
	}
	return normNames[n]
}

// ParseNormalization parses "FULL", "VALID", "BATCH_SIZE" or "NONE".
func ParseNormalization(s string) (Normalization, error) {
	for i, name := range normNames {
		if s == name {
			return Normalization(i), nil
		}
	}
	return 0, fmt.Errorf("unknown normalization %q (want FULL, VALID, BATCH_SIZE or NONE)", s)
}

// Options are Caffe's loss options for a Batch.
type Options struct {
	// HasIgnoreLabel enables IgnoreLabel: positions with that label
	// contribute no loss and get a zero gradient.
	HasIgnoreLabel bool
	IgnoreLabel    int
	Normalization  Normalization
	// LossWeight scales the gradient (Caffe's top diff); 0 is read as 1 by
	// DefaultOptions only, a zero weight in Options means zero.
	LossWeight float64
}

// DefaultOptions are Caffe's defaults: no ignore label, VALID, weight 1.
func DefaultOptions() Options { return Options{Normalization: Valid, LossWeight: 1} }

// Batch is a logits blob in Caffe's layout (Outer, C, Inner): the class axis
// sits in the middle, element (o, j, i) at Logits[(o*C+j)*Inner+i]. There is
// one label per (o, i) position, Labels[o*Inner+i], and one C×C row-major H.
type Batch struct {
	DType  DType
	Outer  int
	C      int
	Inner  int
	Logits []float64
	Labels []int
	H      []float64
	Opts   Options
}

// MaxBatchElements bounds Outer·C·Inner.
const MaxBatchElements = 1 << 28

// Validate reports whether b is well-formed input (see Case.Validate).
func (b *Batch) Validate() error {
	switch b.DType {
	case Float64, Float32:
	default:
		return fmt.Errorf("unknown dtype %q (want float64 or float32)", string(b.DType))
	}
	if b.C < 1 || b.Outer < 1 || b.Inner < 1 {
		return fmt.Errorf("shape (%d, %d, %d): every dimension must be ≥ 1", b.Outer, b.C, b.Inner)
	}
	if b.C > MaxClasses {
		return fmt.Errorf("C = %d exceeds the limit %d", b.C, MaxClasses)
	}
	if b.Outer > MaxBatchElements/b.C/b.Inner || b.Inner > MaxBatchElements/b.C {
		return fmt.Errorf("shape (%d, %d, %d) exceeds %d elements", b.Outer, b.C, b.Inner, MaxBatchElements)
	}
	if b.C > MaxBatchElements/b.C {
		return fmt.Errorf("C = %d: H would exceed %d elements", b.C, MaxBatchElements)
	}
	if len(b.Logits) != b.Outer*b.C*b.Inner {
		return fmt.Errorf("len(logits) = %d, want outer·C·inner = %d", len(b.Logits), b.Outer*b.C*b.Inner)
	}
	if len(b.Labels) != b.Outer*b.Inner {
		return fmt.Errorf("len(labels) = %d, want outer·inner = %d", len(b.Labels), b.Outer*b.Inner)
	}
	if len(b.H) != b.C*b.C {
		return fmt.Errorf("len(H) = %d, want C·C = %d", len(b.H), b.C*b.C)
	}
	for k, l := range b.Labels {
		if b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel {
			continue
		}
		if l < 0 || l >= b.C {
			return fmt.Errorf("labels[%d] = %d out of range [0, %d)", k, l, b.C)
		}
	}
	for k, v := range b.H {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("entry H[%d][%d] = %v is not finite", k/b.C, k%b.C, v)
		}
	}
	if math.IsNaN(b.Opts.LossWeight) || math.IsInf(b.Opts.LossWeight, 0) {
		return errors.New("loss_weight is not finite")
	}
	if b.Opts.Normalization < Full || b.Opts.Normalization > None {
		return fmt.Errorf("unknown normalization %d", int(b.Opts.Normalization))
	}
	if b.DType == Float32 {
		if j, ok := allFloat32(b.Logits); !ok {
			return fmt.Errorf("logits[%d] = %v is not a float32 value", j, b.Logits[j])
		}
		if j, ok := allFloat32(b.H); !ok {
			return fmt.Errorf("entry H[%d] = %v is not a float32 value", j, b.H[j])
		}
		if !IsFloat32(b.Opts.LossWeight) {
			return errors.New("loss_weight is not a float32 value")
		}
	}
	return nil
}

// Count returns the number of positions that are not ignored.
func (b *Batch) Count() int {
	n := 0
	for _, l := range b.Labels {
		if !(b.Opts.HasIgnoreLabel && l == b.Opts.IgnoreLabel) {
			n++
		}
	}
	return n
}

// Normalizer returns Caffe's normalizer max(1, n) for b's normalization mode,
// where n is outer·inner (FULL), the count of non-ignored positions (VALID),
// outer (BATCH_SIZE) or 1 (NONE).
func (b *Batch) Normalizer() float64 {
	var n float64
	switch b.Opts.Normalization {
	case Full:
		n = float64(b.Outer * b.Inner)
	case Valid:
		n = float64(b.Count())
	case BatchSize:
		n = float64(b.Outer)
	default:
		n = 1
	}
	return math.Max(1, n)
}
