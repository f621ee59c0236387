package peers

import "unsafe"

// ATen's vectorized reductions, as PyTorch 1.13's CPU kernels run them with
// its default CPU capability AVX2 (aten/src/ATen/cpu/vec/functional_base.h:
// reduce_all, map_reduce_all, vec_reduce_all): Vectorized<T> has lanes
// of 32 bytes (4 float64, 8 float32). The order of the additions decides
// the rounding, so the port repeats it:
//
//   - fewer elements than lanes: a left-to-right sum that starts from the
//     first element (not from 0: a sum of −0s is −0);
//   - else each lane l sums elements l, l+W, l+2W, … of the full vectors,
//     starting from the first vector; a partial last vector adds into its
//     first lanes only; then the lanes are added left to right, lane 0
//     first (vec_reduce_all's generic loop).
func atenLanes[T float32 | float64]() int {
	var z T
	return 32 / int(unsafe.Sizeof(z))
}

// atenSum is reduce_all(+) over v: ATen's order of additions.
func atenSum[T float32 | float64](v []T) T {
	return atenMapSum(v, func(x T) T { return x })
}

// atenMapSum is map_reduce_all(f, +) over v: f of each element, summed in
// ATen's order.
func atenMapSum[T float32 | float64](v []T, f func(T) T) T {
	W := atenLanes[T]()
	n := len(v)
	if n < W {
		acc := f(v[0])
		for _, x := range v[1:] {
			acc += f(x)
		}
		return acc
	}
	var lanes [8]T
	for l := 0; l < W; l++ {
		lanes[l] = f(v[l])
	}
	d := W
	for ; d < n-n%W; d += W {
		for l := 0; l < W; l++ {
			lanes[l] += f(v[d+l])
		}
	}
	for l := 0; d+l < n; l++ {
		lanes[l] += f(v[d+l])
	}
	return atenLaneSum(lanes[:W])
}

// atenLaneSum is vec_reduce_all(+) of a full vector: float64 lanes left to
// right; float32 lanes by AVX2 shuffles, ((l0+l4) + (l2+l6)) + ((l1+l5) +
// (l3+l7)).
func atenLaneSum[T float32 | float64](l []T) T {
	if len(l) == 8 {
		return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
	}
	acc := l[0]
	for _, v := range l[1:] {
		acc += v
	}
	return acc
}

// atenCascadeSum is at::sum of a contiguous vector as PyTorch 1.13's CPU
// kernel computes it (aten/src/ATen/native/cpu/SumKernel.cpp, cascade_sum):
// the output starts at 0 and the kernel's result is added to it; fewer
// elements than lanes go through row_sum on scalars, more through row_sum
// on whole vectors (each lane its own column), then the leftover elements
// from 0 and the lanes left to right. row_sum reads its input as rows of
// 4 (four partial sums, rows summed in chunks of 16, then the partials
// added left to right) and adds the leftover elements to the first.
func atenCascadeSum[T float32 | float64](v []T) T {
	W := atenLanes[T]()
	var out T
	n := len(v)
	if n < W {
		return out + atenRowSum(func(i int) T { return v[i] }, n)
	}
	nv := n / W
	var lanes [8]T
	for l := 0; l < W; l++ {
		lanes[l] = atenRowSum(func(m int) T { return v[m*W+l] }, nv)
	}
	var fin T
	for k := nv * W; k < n; k++ {
		fin += v[k]
	}
	for l := 0; l < W; l++ {
		fin += lanes[l]
	}
	return out + fin
}

// atenRowSum is row_sum over the n values at(0), …, at(n−1).
func atenRowSum[T float32 | float64](at func(int) T, n int) T {
	const ilp = 4
	rows := n / ilp
	p := atenMultiRowSum(func(i, k int) T { return at(i*ilp + k) }, rows)
	for i := rows * ilp; i < n; i++ {
		p[0] += at(i)
	}
	for k := 1; k < ilp; k++ {
		p[0] += p[k]
	}
	return p[0]
}

// atenMultiRowSum is multi_row_sum with 4 columns over size rows: each
// column summed in chunks of 2^levelPower rows, chunk sums carried up to
// 4 levels.
func atenMultiRowSum[T float32 | float64](at func(i, k int) T, size int) [4]T {
	const levels = 4
	ceilLog2 := 0
	for 1<<ceilLog2 < size {
		ceilLog2++
	}
	power := max(4, ceilLog2/levels)
	step := 1 << power
	mask := step - 1
	var acc [levels][4]T
	i := 0
	for i+step <= size {
		for j := 0; j < step; j, i = j+1, i+1 {
			for k := 0; k < 4; k++ {
				acc[0][k] += at(i, k)
			}
		}
		for j := 1; j < levels; j++ {
			for k := 0; k < 4; k++ {
				acc[j][k] += acc[j-1][k]
				acc[j-1][k] = 0
			}
			if i&(mask<<(j*power)) != 0 {
				break
			}
		}
	}
	for ; i < size; i++ {
		for k := 0; k < 4; k++ {
			acc[0][k] += at(i, k)
		}
	}
	for j := 1; j < levels; j++ {
		for k := 0; k < 4; k++ {
			acc[0][k] += acc[j][k]
		}
	}
	return acc[0]
}
