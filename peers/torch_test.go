package peers_test

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/infogain-dev/infogain/peers"
)

// maxTorchULP bounds the distance between the port and PyTorch 1.13 on rows
// where they are not bit-identical. ATen evaluates exp and log with Sleef's
// 1-ulp vector routines (Sleef_expd4_u10, …) where the port calls Go's
// math.Exp and math.Log, and it sums in vector lanes; each differs by at
// most an ulp in an intermediate that reaches the output with a factor ≤ 1.
// Measured on the rows below: 1.
const maxTorchULP = 1

// TestTorchNearPyTorch compares with PyTorch 1.13 (Debian python3-torch,
// torch.set_num_threads(1)) on rows the exact table of documented_test.go
// does not hold bit for bit:
//
//	x = torch.tensor(x, dtype=dtype, requires_grad=True)
//	l = F.cross_entropy(x, torch.tensor(h, dtype=dtype)); l.backward()
//	print(repr(l.item()), [repr(v) for v in x.grad.tolist()])
func TestTorchNearPyTorch(t *testing.T) {
	tests := []struct {
		f32  bool
		x, h []float64
		loss float64
		grad []float64
		why  string
	}{
		{false, []float64{3, -1.5, 0.25, 7, 2}, []float64{0.5, 1.25, 0, 2, 0.125}, 13.351078403693464,
			[]float64{-0.4308542778783075, -1.2492318604123158, 0.0044203381268331276, 1.7752285105502663, -0.09956271038647592},
			"C = 5, a zero in h, S = 3.875"},
		{true, []float64{3, -1.5, 0.25, 7, 2}, []float64{0.5, 1.25, 0, 2, 0.125}, 13.351078987121582,
			[]float64{-0.43085429072380066, -1.2492318153381348, 0.00442033726722002, 1.7752282619476318, -0.09956271201372147},
			"the same row in float32"},
		{false, []float64{1e4, 1e4 + 1, 1e4 - 3}, []float64{1, 0, 0}, 1.3265626412674705,
			[]float64{-0.7346120712277581, 0.7213991842739687, 0.013212886953789417},
			"an offset of 1e4: the shift keeps the loss"},
		{false, []float64{1, 2, 3, 4}, []float64{0.3, 0.5, 1.5, 0.25}, 4.5224837313310475,
			[]float64{-0.21825056163578327, -0.27778198720781694, -0.8959488138707291, 1.3919813627143294},
			"S = 2.55"},
		{true, []float64{1, 2, 3, 4}, []float64{0.3, 0.5, 1.5, 0.25}, 4.522483825683594,
			[]float64{-0.2182505577802658, -0.27778196334838867, -0.8959488272666931, 1.3919813632965088},
			"S = 2.55 in float32"},
	}
	worst := uint64(0)
	for _, tt := range tests {
		var loss float64
		var grad []float64
		d := ulps64
		if tt.f32 {
			loss, grad = eval(peers.Torch[float32], tt.x, tt.h)
			d = func(a, b float64) uint64 { return ulps32(float32(a), float32(b)) }
		} else {
			loss, grad = eval(peers.Torch[float64], tt.x, tt.h)
		}
		worst = max(worst, d(loss, tt.loss))
		if d(loss, tt.loss) > maxTorchULP {
			t.Errorf("float32=%v x=%v h=%v: loss %v, PyTorch %v (%s)", tt.f32, tt.x, tt.h, loss, tt.loss, tt.why)
		}
		for j := range grad {
			worst = max(worst, d(grad[j], tt.grad[j]))
			if d(grad[j], tt.grad[j]) > maxTorchULP {
				t.Errorf("float32=%v x=%v h=%v: grad[%d] %v, PyTorch %v (%s)", tt.f32, tt.x, tt.h, j, grad[j], tt.grad[j], tt.why)
			}
		}
	}
	t.Logf("worst distance to PyTorch 1.13: %d ulp", worst)
}

// maxTorchGoldenU bounds the port's distance to PyTorch 1.13 on the golden
// table testdata/torch113.jsonl (made by testdata/torch_golden.py: 200
// seeded rows, C ≤ 33, moderate, spread ±30, offsets 1e2..1e6 and one
// dominant logit; one-hot, positive and probability rows; float64 and
// float32), in units of u times
//
//	loss:  Σ_j |h_j| (1 + |log p_j|)
//	grad:  (1 + |log p_j|)·p_j·|S| + |h_j|
//
// The port and ATen differ only in exp/log (Sleef's ≤ 1 ulp routines against
// Go's; the sums follow ATen's order, torch_vec.go), which moves log Σ by
// a few u and so every log p_j by as much: (C + 4)u at C = 33 bounds it
// with room. Measured: 2.4 (float64), 1.8 (float32).
//
// The bound alone cannot tell the port's order of operations from another
// accurate one, so the share of bit-identical outputs is checked too:
// measured 4313 of 4666 (92.4%); with left-to-right sums from 0 and an
// unfused backward (the port before it followed ATen's order) it was 3535
// (76%); computing the backward with p = e/s instead of exp(log p), an
// order PyTorch does not use, drops it to 2878 (62%).
const (
	maxGoldenC        = 33
	maxTorchGoldenU   = maxGoldenC + 4
	minTorchIdentical = 0.90
)

func TestTorchGoldenPyTorch(t *testing.T) {
	f, err := os.Open("testdata/torch113.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	rows, outputs, identical := 0, 0, 0
	worst := map[string]float64{}
	for sc.Scan() {
		var r struct {
			ID, Dtype  string
			X, H, Grad []float64
			Loss       float64
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.X) > maxGoldenC {
			t.Fatalf("%s: C = %d exceeds the bound's C = %d", r.ID, len(r.X), maxGoldenC)
		}
		rows++
		u := 0x1p-53
		var loss float64
		var grad []float64
		if r.Dtype == "float32" {
			u = 0x1p-24
			loss, grad = eval(peers.Torch[float32], r.X, r.H)
		} else {
			loss, grad = eval(peers.Torch[float64], r.X, r.H)
		}
		S, p := sumAndSoftmax(r.X, r.H)
		outputs += 1 + len(grad)
		if sameBits(loss, r.Loss) {
			identical++
		}
		lossUnits := math.Abs(loss-r.Loss) / (u * lossScale(r.H, p))
		worst["loss "+r.Dtype] = math.Max(worst["loss "+r.Dtype], lossUnits)
		if !(lossUnits <= maxTorchGoldenU) {
			t.Errorf("%s %s: loss %v, PyTorch %v: %.1f u·scale", r.ID, r.Dtype, loss, r.Loss, lossUnits)
		}
		for j := range grad {
			if sameBits(grad[j], r.Grad[j]) {
				identical++
			}
			scale := (1+math.Abs(math.Log(p[j])))*p[j]*math.Abs(S) + math.Abs(r.H[j])
			units := math.Abs(grad[j]-r.Grad[j]) / (u * scale)
			worst["grad "+r.Dtype] = math.Max(worst["grad "+r.Dtype], units)
			if !(units <= maxTorchGoldenU) {
				t.Errorf("%s %s: grad[%d] %v, PyTorch %v: %.1f u·scale", r.ID, r.Dtype, j, grad[j], r.Grad[j], units)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows != 400 {
		t.Fatalf("read %d rows, want the 400 the script writes", rows)
	}
	t.Logf("%d rows: %d of %d outputs bit-identical; worst %v", rows, identical, outputs, worst)
	if share := float64(identical) / float64(outputs); share < minTorchIdentical {
		t.Errorf("only %.1f%% of the outputs are bit-identical to PyTorch 1.13, want ≥ %.0f%%", 100*share, 100*minTorchIdentical)
	}
}
