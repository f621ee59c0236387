package fused

import "math"

// log1pDD returns log1p(s) as a double word hi + lo, for s = sHi + sLo ≥ 0
// with |sLo| ≤ ulp(sHi).
//
// Method:
//
//   - s < 1/16: log1p(s) = s + t, t = −s²/2 + s³/3 − … − s^16/16 by Horner in
//     double. |t| ≤ s/32, so its rounding errors cost < 2^-57 of the result;
//     the truncation is below s^17/17 < 2^-68·s. sLo adds sLo/(1+s).
//   - otherwise: 1 + s = D = 2^k·f exactly (a double word), f ∈ (√½, √2],
//     z = (f − 1)/(f + 1) as a double word (|z| < 0.1716), and
//     log D = k·ln 2 + 2·atanh z = k·ln 2 + 2z + 2z³·(1/3 + z²/5 + … + z^22/25).
//     The odd tail is ≤ 0.012·2z and computed in double (< 2^-59 of the
//     result); the series remainder is < z^25/27 < 2^-63·z; ln 2 is the
//     double word ln2Hi + ln2Lo (2^-85).
//
// Accuracy: |hi + lo − log1p(s)| < 2^-56·log1p(s) (TestLog1pDD, against ref.Log1p).
func log1pDD(sHi, sLo float64) (hi, lo float64) {
	if sHi < 0x1p-4 {
		s := sHi
		q := math.FMA(s, -1.0/16, 1.0/15)
		q = math.FMA(q, s, -1.0/14)
		q = math.FMA(q, s, 1.0/13)
		q = math.FMA(q, s, -1.0/12)
		q = math.FMA(q, s, 1.0/11)
		q = math.FMA(q, s, -1.0/10)
		q = math.FMA(q, s, 1.0/9)
		q = math.FMA(q, s, -1.0/8)
		q = math.FMA(q, s, 1.0/7)
		q = math.FMA(q, s, -1.0/6)
		q = math.FMA(q, s, 1.0/5)
		q = math.FMA(q, s, -1.0/4)
		q = math.FMA(q, s, 1.0/3)
		q = math.FMA(q, s, -1.0/2)
		t := float64(float64(s*s) * q)
		var e float64
		hi, e = twoSum(s, t)
		lo = float64(e + float64(sLo-float64(sLo*s)))
		return
	}
	dHi, dLo := twoSum(1, sHi)
	dLo = float64(dLo + sLo)
	// dHi ∈ [1, 2^25) is normal: split it as 2^k·f by its exponent bits,
	// f ∈ [√½, √2); the scalings by 2^-k are exact.
	b := math.Float64bits(dHi)
	k := int(b>>52) - 1023
	fHi := math.Float64frombits(b&^(0x7ff<<52) | 1023<<52)
	if fHi > math.Sqrt2 {
		fHi *= 0.5
		k++
	}
	fLo := float64(dLo * math.Float64frombits(uint64(1023-k)<<52))
	numHi, numLo := twoSum(float64(fHi-1), fLo)
	denHi, denLo := twoSum(1, fHi)
	denLo = float64(denLo + fLo)
	zHi := float64(numHi / denHi)
	rem := float64(float64(math.FMA(-zHi, denHi, numHi)+numLo) - float64(zHi*denLo))
	zLo := float64(rem / denHi)
	z2 := float64(zHi * zHi)
	// Estrin's scheme (shorter dependency chains than Horner).
	y2 := float64(z2 * z2)
	y4 := float64(y2 * y2)
	y8 := float64(y4 * y4)
	a0 := math.FMA(z2, 1.0/5, 1.0/3)
	a1 := math.FMA(z2, 1.0/9, 1.0/7)
	a2 := math.FMA(z2, 1.0/13, 1.0/11)
	a3 := math.FMA(z2, 1.0/17, 1.0/15)
	a4 := math.FMA(z2, 1.0/21, 1.0/19)
	a5 := math.FMA(z2, 1.0/25, 1.0/23)
	b0 := math.FMA(a1, y2, a0)
	b1 := math.FMA(a3, y2, a2)
	b2 := math.FMA(a5, y2, a4)
	p := math.FMA(b2, y8, math.FMA(b1, y4, b0))
	tail := float64(float64(float64(2*zHi)*z2) * p)
	kf := float64(k)
	h1, e1 := twoSum(float64(kf*ln2Hi), float64(2*zHi))
	lo = float64(float64(float64(e1+float64(2*zLo))+tail) + float64(kf*ln2Lo))
	hi, lo = twoSum(h1, lo)
	return
}
