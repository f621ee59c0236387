package hmat

import (
	"errors"
	"fmt"
	"slices"
)

// Tree is a class hierarchy given by parent links: Parent[v] is the parent
// of node v, −1 for the root. The classes are the leaves (nodes that are
// no one's parent), numbered in increasing node order.
type Tree struct {
	Parent []int
}

// Leaves returns the leaf nodes in increasing order: leaf k is class k.
func (t Tree) Leaves() []int {
	isParent := make([]bool, len(t.Parent))
	for _, p := range t.Parent {
		if p >= 0 && p < len(t.Parent) {
			isParent[p] = true
		}
	}
	var out []int
	for v, ok := range isParent {
		if !ok {
			out = append(out, v)
		}
	}
	return out
}

// depths validates the tree and returns every node's depth (root 0): one
// root, parents in range, no cycle.
func (t Tree) depths() ([]int, error) {
	n := len(t.Parent)
	if n == 0 {
		return nil, errors.New("empty tree")
	}
	roots := 0
	for v, p := range t.Parent {
		switch {
		case p == -1:
			roots++
		case p < -1 || p >= n:
			return nil, fmt.Errorf("node %d: parent %d out of range [-1, %d)", v, p, n)
		case p == v:
			return nil, fmt.Errorf("node %d is its own parent", v)
		}
	}
	if roots != 1 {
		return nil, fmt.Errorf("%d roots (parent −1), want exactly 1: a forest has classes at no finite distance", roots)
	}
	depth := make([]int, n)
	for v := range depth {
		depth[v] = -1
	}
	// Iterative: walk up to a node of known depth, then fill in on the way
	// back; a walk longer than n nodes is a cycle.
	path := make([]int, 0, 16)
	for v := range t.Parent {
		path = path[:0]
		u := v
		for u != -1 && depth[u] < 0 {
			path = append(path, u)
			if len(path) > n {
				return nil, fmt.Errorf("node %d is on a cycle of parent links", v)
			}
			u = t.Parent[u]
		}
		d := -1
		if u != -1 {
			d = depth[u]
		}
		for k := len(path) - 1; k >= 0; k-- {
			d++
			depth[path[k]] = d
		}
	}
	return depth, nil
}

// Distances returns the C×C matrix of path lengths (number of edges)
// between leaves: D[a,b] = depth(a) + depth(b) − 2·depth(lca(a, b)). It is
// symmetric with a zero diagonal. Errors: no root or several, a parent out
// of range, a cycle, more than MaxC leaves.
func (t Tree) Distances() (*Matrix, error) {
	depth, err := t.depths()
	if err != nil {
		return nil, err
	}
	leaves := t.Leaves()
	D, err := New(len(leaves))
	if err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	// Ancestor chains, root first, so that the LCA depth is the length of
	// the common prefix.
	chain := make([][]int, len(leaves))
	for k, v := range leaves {
		c := make([]int, depth[v]+1)
		for u := v; u != -1; u = t.Parent[u] {
			c[depth[u]] = u
		}
		chain[k] = c
	}
	C := len(leaves)
	for a := 0; a < C; a++ {
		for b := a + 1; b < C; b++ {
			ca, cb := chain[a], chain[b]
			common := 0
			for common < len(ca) && common < len(cb) && ca[common] == cb[common] {
				common++
			}
			d := float64(len(ca) + len(cb) - 2*common)
			D.Data[a*C+b], D.Data[b*C+a] = d, d
		}
	}
	return D, nil
}

// LevelTree returns a balanced hierarchy with the given number of
// children per level above the leaves, then C leaves spread as evenly as
// possible over the last level's groups (in order): LevelTree(100, 4, 5)
// is a root with 4 coarse groups of 5 fine groups each, 20 fine groups of
// 5 leaves. Leaves of one fine group are at distance 2, of one coarse
// group 4, others 6. Every group gets at least one leaf, so the product of
// fanouts must be ≤ C.
func LevelTree(C int, fanout ...int) (Tree, error) {
	if err := checkC(C); err != nil {
		return Tree{}, err
	}
	parent := []int{-1}
	level := []int{0}
	for _, f := range fanout {
		if f < 1 {
			return Tree{}, fmt.Errorf("fanout %d < 1", f)
		}
		if len(level)*f > C {
			return Tree{}, fmt.Errorf("fanouts %v give more groups than the %d classes", fanout, C)
		}
		var next []int
		for _, p := range level {
			for k := 0; k < f; k++ {
				next = append(next, len(parent))
				parent = append(parent, p)
			}
		}
		level = next
	}
	g := len(level)
	for k := 0; k < C; k++ {
		parent = append(parent, level[k*g/C])
	}
	return Tree{Parent: parent}, nil
}

// DistanceRow returns row k of Distances() (the path lengths from leaf k
// to every leaf) in O(C·depth) work and memory O(nodes), without the C×C
// matrix.
func (t Tree) DistanceRow(k int) ([]float64, error) {
	depth, err := t.depths()
	if err != nil {
		return nil, err
	}
	leaves := t.Leaves()
	if err := checkC(len(leaves)); err != nil {
		return nil, fmt.Errorf("tree: %w", err)
	}
	if k < 0 || k >= len(leaves) {
		return nil, fmt.Errorf("leaf %d out of range [0, %d)", k, len(leaves))
	}
	onPath := make([]bool, len(t.Parent)) // ancestors of leaf k, itself included
	for u := leaves[k]; u != -1; u = t.Parent[u] {
		onPath[u] = true
	}
	dk := depth[leaves[k]]
	row := make([]float64, len(leaves))
	for j, v := range leaves {
		u := v
		for !onPath[u] {
			u = t.Parent[u]
		}
		row[j] = float64(depth[v] + dk - 2*depth[u])
	}
	return row, nil
}

// MaxDistance returns the largest entry of Distances() (the longest path
// between two leaves) in O(nodes) work: for every node, the two deepest
// leaves below different children.
func (t Tree) MaxDistance() (float64, error) {
	depth, err := t.depths()
	if err != nil {
		return 0, err
	}
	n := len(t.Parent)
	// Nodes by decreasing depth, so children come before their parent.
	order := make([]int, n)
	for v := range order {
		order[v] = v
	}
	slices.SortStableFunc(order, func(a, b int) int { return depth[b] - depth[a] })
	deepest := make([]int, n) // deepest leaf depth in the subtree
	top1 := make([]int, n)    // the two largest deepest[c] over children c
	top2 := make([]int, n)
	kids := make([]int, n)
	for v := range top1 {
		top1[v], top2[v] = -1, -1
	}
	best := 0
	for _, v := range order {
		if kids[v] == 0 {
			deepest[v] = depth[v]
		} else {
			deepest[v] = top1[v]
			if kids[v] >= 2 {
				best = max(best, top1[v]+top2[v]-2*depth[v])
			}
		}
		if p := t.Parent[v]; p >= 0 {
			kids[p]++
			switch d := deepest[v]; {
			case d > top1[p]:
				top1[p], top2[p] = d, top1[p]
			case d > top2[p]:
				top2[p] = d
			}
		}
	}
	return float64(best), nil
}
