package hmat

import "math"

// expPortable is e^x, correctly rounded to within 1 ulp (the FreeBSD
// e_exp.c algorithm that Go's math package uses when it has no assembly
// version). Unlike math.Exp, whose amd64 assembly takes a different path
// with and without FMA and whose arm64/s390x versions differ again, it
// gives the same bits on every architecture and CPU: every product whose
// result feeds an addition is rounded by an explicit float64 conversion,
// which the Go specification guarantees prevents fusion into an FMA.
// Build therefore produces bit-identical matrices everywhere, which the
// committed case-family hashes (cases/testdata/families.golden) rely on.
//
// Special cases: NaN → NaN, x > 709.78… → +Inf, x < −745.13… → 0.
func expPortable(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00

		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)

		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	switch {
	case math.IsNaN(x):
		return x
	case x > overflow:
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	switch {
	case x < 0:
		k = int(float64(log2e*x) - 0.5)
	case x > 0:
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(k) * ln2Lo
	r := hi - lo
	t := r * r
	q := p4 + float64(t*p5)
	q = p3 + float64(t*q)
	q = p2 + float64(t*q)
	q = p1 + float64(t*q)
	c := r - float64(t*q)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}
