package adapters

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/check"
	"github.com/infogain-dev/infogain/impls"
	"github.com/infogain-dev/infogain/reports"
)

// python is the interpreter the adapters are written for: Debian's, where
// python3-torch and python3-numpy install.
const python = "/usr/bin/python3"

// needModule skips the test, saying why, unless python imports module.
func needModule(t *testing.T, module, pkg string) {
	t.Helper()
	if err := exec.Command(python, "-c", "import "+module).Run(); err != nil {
		t.Skipf("%s cannot import %s (%v): install Debian %s (make adapters-test does)", python, module, err, pkg)
	}
}

func start(t *testing.T, name, script string, opts impls.CommandOptions) *impls.Impl {
	t.Helper()
	im, err := impls.Command(name, []string{python, script}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := im.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return im
}

// golden is one row of peers/testdata/torch113.jsonl, written by real
// PyTorch 1.13 (peers/testdata/torch_golden.py): the expected values here
// come from PyTorch itself, not from the adapter.
type golden struct {
	ID    string    `json:"id"`
	DType string    `json:"dtype"`
	X     []float64 `json:"x"`
	H     []float64 `json:"h"`
	Loss  float64   `json:"loss"`
	Grad  []float64 `json:"grad"`
}

// TestTorchAdapterReproducesPyTorch: the adapter is PyTorch: through the
// protocol it gives, bit for bit, the loss and gradient that
// torch_golden.py recorded from F.cross_entropy and autograd, float64 and
// float32, 400 rows.
func TestTorchAdapterReproducesPyTorch(t *testing.T) {
	needModule(t, "torch", "python3-torch")
	f, err := os.Open("../peers/testdata/torch113.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []golden
	var cs []cases.Case
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, g)
		cs = append(cs, cases.Case{ID: strings.ReplaceAll(g.ID, "/", ":"), DType: cases.DType(g.DType), Logits: g.X, H: g.H})
	}
	im := start(t, "torch-real", "torch_xent.py", impls.CommandOptions{})
	rs := im.CaseBatch(cs)
	same := 0
	for i, r := range rs {
		g := rows[i]
		ok := r.Err == "" && math.Float64bits(r.Loss) == math.Float64bits(g.Loss) && len(r.Grad) == len(g.Grad)
		for j := 0; ok && j < len(g.Grad); j++ {
			ok = math.Float64bits(r.Grad[j]) == math.Float64bits(g.Grad[j])
		}
		if ok {
			same++
		} else if same+5 > i { // report the first few
			t.Errorf("%s (%s): adapter loss %v grad %v, PyTorch recorded %v %v (%s)", g.ID, g.DType, r.Loss, r.Grad, g.Loss, g.Grad, r.Err)
		}
	}
	t.Logf("%d of %d rows bit for bit", same, len(rows))
	if same != len(rows) {
		t.Errorf("%d of %d rows differ from PyTorch's own record", len(rows)-same, len(rows))
	}
}

// TestNumpyNaiveAdapter: Caffe's clamp threshold in closed form, and the
// verdict infogain check gives: identity-H (the clamped forward, as the
// battery's table in README.md says) and the dominant family fail.
func TestNumpyNaiveAdapter(t *testing.T) {
	needModule(t, "numpy", "python3-numpy")
	im := start(t, "numpy-naive", "numpy_naive.py", impls.CommandOptions{})
	// logits [0, 100], h [1, 0]: p_0 = e^-100 < 1e-20f, so the loss is
	// −log(1e-20f) = −log(9.999999682655225e-21) (Caffe's float constant
	// widened, README.md), within an ulp of Go's log of it.
	c := cases.Case{ID: "clamp", DType: cases.Float64, Logits: []float64{0, 100}, H: []float64{1, 0}}
	r := im.Case(&c)
	want := -math.Log(float64(float32(1e-20)))
	if r.Err != "" || math.Abs(r.Loss-want) > 2*math.Abs(math.Nextafter(want, 0)-want) {
		t.Errorf("clamp: %+v, want loss %v", r, want)
	}
	if testing.Short() {
		return
	}
	res, err := check.Run(check.Config{Impl: im, Size: reports.SizeGate, Families: []string{"dominant"},
		Replay: python + " adapters/numpy_naive.py"})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || res.ProtocolErr != nil {
		t.Fatalf("verdict OK=%v, protocol %v; want failures and no protocol error", res.OK(), res.ProtocolErr)
	}
	failing := map[string]bool{}
	for _, p := range res.Properties {
		failing[p.ID] = !p.Passed
	}
	if !failing["identity-H"] {
		t.Errorf("identity-H passes")
	}
	for _, v := range res.Families {
		if v.Pass() || v.Worst == "" || !strings.Contains(v.Replay, "| "+python+" adapters/numpy_naive.py") {
			t.Errorf("family %s/%s: pass %v, worst %q, replay %q", v.Family, v.DType, v.Pass(), v.Worst, v.Replay)
		}
	}
}

// TestTorchAdapterVerdict: real PyTorch gets a verdict through the
// protocol on both dtypes, with no protocol error.
func TestTorchAdapterVerdict(t *testing.T) {
	needModule(t, "torch", "python3-torch")
	if testing.Short() {
		t.Skip("the battery through PyTorch")
	}
	im := start(t, "torch-real", "torch_xent.py", impls.CommandOptions{})
	res, err := check.Run(check.Config{Impl: im, Size: reports.SizeGate, Families: []string{"moderate"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ProtocolErr != nil || len(res.Properties) != 16 || len(res.Families) != 2 {
		t.Fatalf("protocol %v, %d properties, %d families", res.ProtocolErr, len(res.Properties), len(res.Families))
	}
	for _, p := range res.Properties {
		if p.Skipped != "" {
			t.Errorf("%s skipped: %s", p.ID, p.Skipped)
		}
	}
}
