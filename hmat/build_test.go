package hmat

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func mustRows(t *testing.T, rows [][]float64) *Matrix {
	t.Helper()
	m, err := FromRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ulpDiff(a, b float64) int64 {
	ia, ib := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	if ia > ib {
		return ia - ib
	}
	return ib - ia
}

func TestExpPortable(t *testing.T) {
	// Expected values: Debian python3-mpmath, mp.dps = 40, rounded to
	// float64 (correctly rounded e^x).
	for _, tt := range []struct {
		x, want float64
		why     string
	}{
		{-2, 0.1353352832366127, "Gauss at d = 2, τ = 1"},
		{-8, 0.00033546262790251185, "Gauss at d = 4, τ = 1"},
		{-18, 1.522997974471263e-08, "Gauss at d = 6, τ = 1"},
		{-0.5, 0.6065306597126334, "Gauss at d = 1, τ = 1"},
		{-1, 0.36787944117144233, "Exp at d = τ"},
		{-3, 0.049787068367863944, "Exp at d = 3τ"},
		{-4.5, 0.011108996538242306, "Gauss at d = 3τ"},
		// Points where expPortable and math.Exp differ by 2 ulps (each
		// 1 ulp from the exact value, on opposite sides).
		{-2.395175, 0.0911567250997866, "2-ulp disagreement with math.Exp"},
		{-17.675125, 2.1076124024181248e-08, "2-ulp disagreement with math.Exp"},
		{-52.35115, 1.8373184396386226e-23, "2-ulp disagreement with math.Exp"},
		{-117.4865, 9.468067639999374e-52, "2-ulp disagreement with math.Exp"},
	} {
		if got := expPortable(tt.x); ulpDiff(got, tt.want) > 1 {
			t.Errorf("%s: expPortable(%v) = %v, want %v (mpmath) within 1 ulp", tt.why, tt.x, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x, want float64
		why     string
	}{
		{math.Inf(-1), 0, "−Inf"},
		{-746, 0, "underflow"},
		{710, math.Inf(1), "overflow"},
		{0, 1, "zero"},
	} {
		if got := expPortable(tt.x); got != tt.want {
			t.Errorf("%s: expPortable(%v) = %v, want %v", tt.why, tt.x, got, tt.want)
		}
	}
	if !math.IsNaN(expPortable(math.NaN())) {
		t.Error("expPortable(NaN) is not NaN")
	}
	// Against math.Exp (amd64: a different, assembly algorithm) over a
	// dense sweep of the arguments Build uses (≤ 0): both are within 1 ulp
	// of e^x (math.Exp documents < 1 ulp), so they may differ by at most 2
	// ulps; measured: 2 at the points pinned above against mpmath.
	worst := int64(0)
	for i := 0; i <= 200000; i++ {
		x := -745 * float64(i) / 200000
		if d := ulpDiff(expPortable(x), math.Exp(x)); d > worst {
			worst = d
		}
	}
	if worst > 2 {
		t.Errorf("expPortable differs from math.Exp by %d ulps on [−745, 0], want ≤ 2", worst)
	}
}

func TestTreeDistances(t *testing.T) {
	// 0 root; 1, 2 coarse; 3, 4 fine under 1, 5 under 2; leaves 6,7 under
	// 3, 8 under 4, 9 under 5. Path lengths counted by hand.
	tr := Tree{Parent: []int{-1, 0, 0, 1, 1, 2, 3, 3, 4, 5}}
	D, err := tr.Distances()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{
		{0, 2, 4, 6},
		{2, 0, 4, 6},
		{4, 4, 0, 6},
		{6, 6, 6, 0},
	}
	for i, r := range want {
		for j, v := range r {
			if D.At(i, j) != v {
				t.Errorf("D[%d,%d] = %v, want %v", i, j, D.At(i, j), v)
			}
		}
	}
	// Leaves at different depths: node 2 is itself a leaf here.
	tr2 := Tree{Parent: []int{-1, 0, 0, 1}}
	D2, err := tr2.Distances()
	if err != nil {
		t.Fatal(err)
	}
	if D2.C != 2 || D2.At(0, 1) != 3 {
		t.Errorf("uneven tree: C = %d, D[0,1] = %v, want 2 leaves at distance 3", D2.C, D2.At(0, 1))
	}
	for _, tt := range []struct {
		parent []int
		want   string
		why    string
	}{
		{nil, "empty", "no nodes"},
		{[]int{-1, -1}, "2 roots", "a forest"},
		{[]int{1, 0}, "0 roots", "no root"},
		{[]int{-1, 2, 1}, "cycle", "a cycle below the root"},
		{[]int{-1, 5}, "out of range", "parent index out of range"},
		{[]int{-1, 1}, "own parent", "self loop"},
	} {
		if _, err := (Tree{Parent: tt.parent}).Distances(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Distances(%v) error %v, want one mentioning %q", tt.why, tt.parent, err, tt.want)
		}
	}
}

func TestLevelTree(t *testing.T) {
	tr, err := LevelTree(100, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	D, err := tr.Distances()
	if err != nil {
		t.Fatal(err)
	}
	if D.C != 100 {
		t.Fatalf("C = %d, want 100", D.C)
	}
	// 20 fine groups of 5 consecutive leaves, 4 coarse groups of 25.
	for i := 0; i < 100; i++ {
		for j := 0; j < 100; j++ {
			want := 6.0
			switch {
			case i == j:
				want = 0
			case i/5 == j/5:
				want = 2
			case i/25 == j/25:
				want = 4
			}
			if D.At(i, j) != want {
				t.Fatalf("D[%d,%d] = %v, want %v", i, j, D.At(i, j), want)
			}
		}
	}
	if _, err := LevelTree(10, 4, 5); err == nil {
		t.Error("LevelTree(10, 4, 5): 20 groups for 10 classes, want an error")
	}
}

func TestSimilarityClosedForms(t *testing.T) {
	D := mustRows(t, [][]float64{{0, 2, 4}, {2, 0, 6}, {4, 6, 0}})
	// exp values: python3-mpmath, see TestExpPortable.
	for _, tt := range []struct {
		tr   Transform
		tau  float64
		want [][]float64
		why  string
	}{
		{Gauss, 1, [][]float64{{1, 0.1353352832366127, 0.00033546262790251185}, {0.1353352832366127, 1, 1.522997974471263e-08}, {0.00033546262790251185, 1.522997974471263e-08, 1}}, "exp(−d²/2)"},
		{Exp, 2, [][]float64{{1, 0.36787944117144233, 0.1353352832366127}, {0.36787944117144233, 1, 0.049787068367863944}, {0.1353352832366127, 0.049787068367863944, 1}}, "exp(−d/2)"},
		{Linear, 0, [][]float64{{1, 1 - 2.0/6, 1 - 4.0/6}, {1 - 2.0/6, 1, 0}, {1 - 4.0/6, 0, 1}}, "1 − d/6"},
		{MaxMinus, 0, [][]float64{{6, 4, 2}, {4, 6, 0}, {2, 0, 6}}, "6 − d"},
	} {
		H, err := Similarity(D, tt.tr, tt.tau)
		if err != nil {
			t.Fatalf("%s: %v", tt.why, err)
		}
		for i, r := range tt.want {
			for j, v := range r {
				if got := H.At(i, j); ulpDiff(got, v) > 1 {
					t.Errorf("%s: H[%d,%d] = %v, want %v", tt.why, i, j, got, v)
				}
			}
		}
	}
}

func TestTauForMass(t *testing.T) {
	// C = 2 at distance d = 2: the mass on the true class is
	// 1/(1 + f(2/τ)) = 0.9, so Gauss τ = 2/sqrt(2 ln 9) and Exp
	// τ = 2/ln 9 (closed forms, evaluated with python3-mpmath at 40 digits).
	D := mustRows(t, [][]float64{{0, 2}, {2, 0}})
	for _, tt := range []struct {
		tr   Transform
		want float64
		why  string
	}{
		{Gauss, 0.9540645820000014, "Gauss closed form"},
		{Exp, 0.9102392266268374, "Exp closed form"},
	} {
		tau, err := TauForMass(D, tt.tr, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(tau-tt.want) > 1e-14*tt.want {
			t.Errorf("%s: τ = %v, want %v", tt.why, tau, tt.want)
		}
	}
	// On a tree the chosen τ gives the target mass.
	tr, _ := LevelTree(30, 3, 2)
	DT, _ := tr.Distances()
	tau, err := TauForMass(DT, Gauss, 0.6)
	if err != nil {
		t.Fatal(err)
	}
	H, _ := Similarity(DT, Gauss, tau)
	if m := TrueMass(H); math.Abs(m-0.6) > 1e-12 {
		t.Errorf("tree: TrueMass at τ = %v is %v, want 0.6", tau, m)
	}
	for _, tt := range []struct {
		D      *Matrix
		tr     Transform
		target float64
		why    string
	}{
		{D, Linear, 0.9, "linear has no temperature"},
		{D, Gauss, 0.5, "target 1/C is only reached at τ = ∞"},
		{D, Gauss, 1, "target 1 is only reached at τ = 0"},
		{mustRows(t, [][]float64{{0, 0, 1}, {0, 0, 1}, {1, 1, 0}}), Gauss, 0.9, "duplicate classes cap the mass at 1/2"},
	} {
		if _, err := TauForMass(tt.D, tt.tr, tt.target); err == nil {
			t.Errorf("%s: no error", tt.why)
		}
	}
}

func TestOps(t *testing.T) {
	I, _ := Identity(4)
	// Label smoothing of I is (1−ε)I + ε/C: 0.9 + 0.025 and 0.025 (the
	// float64 results of those two operations).
	S, err := Smooth(I, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			want := 0.1 / 4
			if i == j {
				want = 0.9 + want
			}
			if S.At(i, j) != want {
				t.Errorf("Smooth(I, 0.1)[%d,%d] = %v, want %v", i, j, S.At(i, j), want)
			}
		}
	}
	H := mustRows(t, [][]float64{{2, 1, 1}, {1, 4, 3}, {0, 1, 1}})
	N, err := NormalizeRows(H)
	if err != nil {
		t.Fatal(err)
	}
	if N.At(0, 0) != 0.5 || N.At(1, 1) != 0.5 || N.At(2, 2) != 0.5 || N.At(1, 2) != 0.375 {
		t.Errorf("NormalizeRows: %v", N.Data)
	}
	K, err := KeepDiagonalOne(H)
	if err != nil {
		t.Fatal(err)
	}
	if K.At(0, 0) != 1 || K.At(0, 1) != 0.5 || K.At(1, 2) != 0.75 {
		t.Errorf("KeepDiagonalOne: %v", K.Data)
	}
	W, err := Weight(H, []float64{1, 2, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if W.At(1, 1) != 8 || W.At(2, 1) != 0.5 || W.At(0, 0) != 2 {
		t.Errorf("Weight: %v", W.Data)
	}
	for _, tt := range []struct {
		err error
		why string
	}{
		{func() error { _, err := NormalizeRows(mustRows(t, [][]float64{{0, 0}, {0, 1}})); return err }(), "zero row cannot be normalised"},
		{func() error { _, err := KeepDiagonalOne(mustRows(t, [][]float64{{0, 1}, {0, 1}})); return err }(), "zero diagonal cannot be scaled to 1"},
		{func() error { _, err := Smooth(I, 1.5); return err }(), "ε > 1"},
		{func() error { _, err := Weight(H, []float64{1, 2}); return err }(), "too few weights"},
		{func() error { _, err := Weight(H, []float64{1, -1, 1}); return err }(), "negative weight"},
	} {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.why)
		}
	}
}

func TestBuild(t *testing.T) {
	tr, _ := LevelTree(12, 2, 3)
	D, _ := tr.Distances()
	b, err := Build(D, Spec{Transform: Gauss, Tau: 1, Normalize: NormalizeRowsTo1, Smooth: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for l := 0; l < b.H.C; l++ {
		r := b.H.Row(l)
		if s := rowSum(r); math.Abs(s-1) > 4e-16*12 {
			t.Errorf("row %d sums to %v, want 1", l, s)
		}
		for j, v := range r {
			if j != l && v >= r[l] {
				t.Errorf("row %d: H[%d,%d] = %v ≥ diagonal %v", l, l, j, v, r[l])
			}
		}
	}
	if ds := Check(b.H, CheckOptions{}); Worst(ds) >= Warning {
		t.Errorf("built H is not clean: %v", ds)
	}
	b32, err := Build(D, Spec{Transform: Gauss, Tau: 1, Normalize: NormalizeRowsTo1, DType: Float32})
	if err != nil {
		t.Fatal(err)
	}
	if ds := Check(b32.H, CheckOptions{Train: Float32}); Worst(ds) >= Warning {
		t.Errorf("built float32 H is not clean in float32: %v", ds)
	}
	bm, err := Build(D, Spec{Transform: Exp, TargetMass: 0.7, Normalize: DiagonalOne})
	if err != nil || !(bm.Tau > 0) {
		t.Fatalf("target mass: τ = %v, %v", bm.Tau, err)
	}
	for _, tt := range []struct {
		D    *Matrix
		spec Spec
		why  string
	}{
		{D, Spec{}, "no transform"},
		{D, Spec{Transform: "cosine"}, "unknown transform"},
		{D, Spec{Transform: Gauss}, "gauss without τ"},
		{D, Spec{Transform: Gauss, Tau: -1}, "negative τ"},
		{D, Spec{Transform: Gauss, Tau: math.Inf(1)}, "infinite τ"},
		{D, Spec{Transform: Linear, Tau: 1}, "linear with τ"},
		{D, Spec{Transform: Gauss, Tau: 1, TargetMass: 0.5}, "τ and a target"},
		{D, Spec{Transform: Gauss, Tau: 1, Normalize: "softmax"}, "unknown normalisation"},
		{D, Spec{Transform: Gauss, Tau: 1, Smooth: 2}, "ε > 1"},
		{D, Spec{Transform: Gauss, Tau: 1, Weights: []float64{1, 2}}, "too few class weights"},
		{D, Spec{Transform: Gauss, Tau: 1, Weights: append(make([]float64, 11), -1)}, "a negative class weight"},
		{mustRows(t, [][]float64{{0, math.NaN()}, {1, 0}}), Spec{Transform: Gauss, Tau: 1}, "NaN distance"},
		{mustRows(t, [][]float64{{0, -1}, {1, 0}}), Spec{Transform: Gauss, Tau: 1}, "negative distance"},
		{mustRows(t, [][]float64{{1, 0}, {0, 1}}), Spec{Transform: Gauss, Tau: 1}, "a similarity matrix given as D (non-zero diagonal)"},
		{mustRows(t, [][]float64{{0, 0}, {0, 0}}), Spec{Transform: Linear}, "linear with max D = 0"},
		{&Matrix{C: 2, Data: []float64{0, 1, 1}}, Spec{Transform: Gauss, Tau: 1}, "not square"},
		{&Matrix{}, Spec{Transform: Gauss, Tau: 1}, "C = 0"},
	} {
		if _, err := Build(tt.D, tt.spec); err == nil {
			t.Errorf("%s: Build gave no error", tt.why)
		}
	}
	if _, err := FromRows([][]float64{{0, 1}, {1}}); err == nil {
		t.Error("FromRows of a ragged matrix gave no error")
	}
}

// TestBuildComposes checks Build against the exported steps applied one
// after another (fresh copies each), the order documented on Build.
func TestBuildComposes(t *testing.T) {
	tr, _ := LevelTree(12, 2, 3)
	D, _ := tr.Distances()
	w := []float64{1, 2, 3, 4, 5, 6, 0.5, 0.25, 1, 1, 1, 7}
	for _, norm := range []Normalization{NoNormalization, NormalizeRowsTo1, DiagonalOne} {
		for _, dt := range []DType{Float64, Float32} {
			b, err := Build(D, Spec{Transform: Exp, Tau: 0.8, Normalize: norm, Smooth: 0.2, Weights: w, DType: dt})
			if err != nil {
				t.Fatal(err)
			}
			H, _ := Similarity(D, Exp, 0.8)
			switch norm {
			case NormalizeRowsTo1:
				H, _ = NormalizeRows(H)
			case DiagonalOne:
				H, _ = KeepDiagonalOne(H)
			}
			H, _ = Smooth(H, 0.2)
			H, _ = Weight(H, w)
			if d := sameBits(H.Round(dt), b.H); d != "" {
				t.Errorf("normalize %s, %s: Build differs from the composition: %s", norm, dt, d)
			}
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	// Two builds agree bit for bit; the bits themselves are pinned by the
	// h-tree hashes of cases/testdata/families.golden.
	tr, _ := LevelTree(10, 2, 2)
	D, _ := tr.Distances()
	b, err := Build(D, Spec{Transform: Gauss, Tau: 1.5, Normalize: NormalizeRowsTo1, Smooth: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Build(D, Spec{Transform: Gauss, Tau: 1.5, Normalize: NormalizeRowsTo1, Smooth: 0.05})
	for k := range b.H.Data {
		if math.Float64bits(b.H.Data[k]) != math.Float64bits(again.H.Data[k]) {
			t.Fatalf("entry %d differs between two builds", k)
		}
	}
}

// randomTree has n nodes; node v > 0 hangs under a random earlier node.
func randomTree(r *rand.Rand, n int) Tree {
	p := make([]int, n)
	p[0] = -1
	for v := 1; v < n; v++ {
		p[v] = int(r.Uint64() % uint64(v))
	}
	return Tree{Parent: p}
}

func TestTreeRowAndMaxAgreeWithDistances(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 60; trial++ {
		tr := randomTree(r, 2+int(r.Uint64()%60))
		if trial%3 == 0 {
			tr, _ = LevelTree(10+trial, 2, 3)
		}
		D, err := tr.Distances()
		if err != nil {
			t.Fatal(err)
		}
		mx, err := tr.MaxDistance()
		if err != nil {
			t.Fatal(err)
		}
		if want := slices.Max(D.Data); mx != want {
			t.Errorf("tree %v: MaxDistance %v, want %v", tr.Parent, mx, want)
		}
		for k := 0; k < D.C; k++ {
			row, err := tr.DistanceRow(k)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(row, D.Row(k)) {
				t.Fatalf("tree %v: DistanceRow(%d) = %v, want %v", tr.Parent, k, row, D.Row(k))
			}
		}
	}
}

// TestBuildRowIsBuildsRow: BuildRow gives row l of Build's matrix bit for
// bit, for every transform, normalisation, smoothing, weights and dtype.
func TestBuildRowIsBuildsRow(t *testing.T) {
	tr, _ := LevelTree(40, 3, 2)
	D, _ := tr.Distances()
	maxD, _ := tr.MaxDistance()
	w := make([]float64, 40)
	for i := range w {
		w[i] = 0.5 + float64(i)/8
	}
	for _, tf := range Transforms() {
		for _, norm := range []Normalization{NoNormalization, NormalizeRowsTo1, DiagonalOne} {
			for _, eps := range []float64{0, 0.1} {
				for _, dt := range []DType{Float64, Float32} {
					spec := Spec{Transform: tf, Normalize: norm, Smooth: eps, DType: dt, Weights: w}
					if tf.needsTau() {
						spec.Tau = 1.3
					}
					b, err := Build(D, spec)
					if err != nil {
						t.Fatal(err)
					}
					for l := 0; l < D.C; l++ {
						row, err := BuildRow(D.Row(l), l, maxD, spec)
						if err != nil {
							t.Fatal(err)
						}
						for j := range row {
							if math.Float64bits(row[j]) != math.Float64bits(b.H.At(l, j)) {
								t.Fatalf("%+v: BuildRow(%d)[%d] = %v, Build %v", spec, l, j, row[j], b.H.At(l, j))
							}
						}
					}
				}
			}
		}
	}
	for _, tt := range []struct {
		d    []float64
		l    int
		maxD float64
		spec Spec
		why  string
	}{
		{[]float64{0, 1}, 0, 1, Spec{Transform: Gauss, TargetMass: 0.8}, "target mass needs the whole D"},
		{[]float64{0, 1}, 2, 1, Spec{Transform: Gauss, Tau: 1}, "row out of range"},
		{[]float64{1, 1}, 0, 1, Spec{Transform: Gauss, Tau: 1}, "non-zero diagonal"},
		{[]float64{0, 3}, 0, 1, Spec{Transform: Linear}, "a distance above max D"},
		{[]float64{0, math.NaN()}, 0, 1, Spec{Transform: Gauss, Tau: 1}, "NaN distance"},
		{nil, 0, 1, Spec{Transform: Gauss, Tau: 1}, "C = 0"},
	} {
		if _, err := BuildRow(tt.d, tt.l, tt.maxD, tt.spec); err == nil {
			t.Errorf("%s: no error", tt.why)
		}
	}
}
