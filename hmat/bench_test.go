package hmat

import "testing"

// BenchmarkBuildTree1000 is the h-tree case family's largest build: a
// 3-level tree of 1000 classes, Gauss, rows normalised, smoothed.
func BenchmarkBuildTree1000(b *testing.B) {
	tr, _ := LevelTree(1000, 5, 3)
	for b.Loop() {
		D, _ := tr.Distances()
		if _, err := Build(D, Spec{Transform: Gauss, Tau: 1, Normalize: NormalizeRowsTo1, Smooth: 0.1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTreeDistances1000(b *testing.B) {
	tr, _ := LevelTree(1000, 5, 3)
	for b.Loop() {
		if _, err := tr.Distances(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildRowTree1000 is one h-tree case at C = 1000: the distance
// row, the tree's largest distance and one row of H.
func BenchmarkBuildRowTree1000(b *testing.B) {
	tr, _ := LevelTree(1000, 5, 3)
	spec := Spec{Transform: Gauss, Tau: 1, Normalize: NormalizeRowsTo1, Smooth: 0.1}
	for b.Loop() {
		d, _ := tr.DistanceRow(417)
		maxD, _ := tr.MaxDistance()
		if _, err := BuildRow(d, 417, maxD, spec); err != nil {
			b.Fatal(err)
		}
	}
}
