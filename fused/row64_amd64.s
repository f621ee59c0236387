//go:build amd64 && !purego

#include "textflag.h"

// Four-lane constants of expCore (exp.go) with kx = 0: the float64 values as
// bit patterns of the Go constants (1/n! correctly rounded, as Go rounds
// the constant expression 1.0/n!).

// expLow = −746
DATA e64low<>+0(SB)/8, $0xc087500000000000
DATA e64low<>+8(SB)/8, $0xc087500000000000
DATA e64low<>+16(SB)/8, $0xc087500000000000
DATA e64low<>+24(SB)/8, $0xc087500000000000
GLOBL e64low<>(SB), RODATA|NOPTR, $32

// expHigh = 710
DATA e64high<>+0(SB)/8, $0x4086300000000000
DATA e64high<>+8(SB)/8, $0x4086300000000000
DATA e64high<>+16(SB)/8, $0x4086300000000000
DATA e64high<>+24(SB)/8, $0x4086300000000000
GLOBL e64high<>(SB), RODATA|NOPTR, $32

// −expLoMax = −2^-40
DATA e64lomin<>+0(SB)/8, $0xbd70000000000000
DATA e64lomin<>+8(SB)/8, $0xbd70000000000000
DATA e64lomin<>+16(SB)/8, $0xbd70000000000000
DATA e64lomin<>+24(SB)/8, $0xbd70000000000000
GLOBL e64lomin<>(SB), RODATA|NOPTR, $32

// expLoMax = 2^-40
DATA e64lomax<>+0(SB)/8, $0x3d70000000000000
DATA e64lomax<>+8(SB)/8, $0x3d70000000000000
DATA e64lomax<>+16(SB)/8, $0x3d70000000000000
DATA e64lomax<>+24(SB)/8, $0x3d70000000000000
GLOBL e64lomax<>(SB), RODATA|NOPTR, $32

// log2E
DATA e64log2e<>+0(SB)/8, $0x3ff71547652b82fe
DATA e64log2e<>+8(SB)/8, $0x3ff71547652b82fe
DATA e64log2e<>+16(SB)/8, $0x3ff71547652b82fe
DATA e64log2e<>+24(SB)/8, $0x3ff71547652b82fe
GLOBL e64log2e<>(SB), RODATA|NOPTR, $32

// −ln2Hi
DATA e64nln2hi<>+0(SB)/8, $0xbfe62e42fee00000
DATA e64nln2hi<>+8(SB)/8, $0xbfe62e42fee00000
DATA e64nln2hi<>+16(SB)/8, $0xbfe62e42fee00000
DATA e64nln2hi<>+24(SB)/8, $0xbfe62e42fee00000
GLOBL e64nln2hi<>(SB), RODATA|NOPTR, $32

// −ln2Lo
DATA e64nln2lo<>+0(SB)/8, $0xbdea39ef35793c76
DATA e64nln2lo<>+8(SB)/8, $0xbdea39ef35793c76
DATA e64nln2lo<>+16(SB)/8, $0xbdea39ef35793c76
DATA e64nln2lo<>+24(SB)/8, $0xbdea39ef35793c76
GLOBL e64nln2lo<>(SB), RODATA|NOPTR, $32

// expShifter = 1.5·2^52
DATA e64shift<>+0(SB)/8, $0x4338000000000000
DATA e64shift<>+8(SB)/8, $0x4338000000000000
DATA e64shift<>+16(SB)/8, $0x4338000000000000
DATA e64shift<>+24(SB)/8, $0x4338000000000000
GLOBL e64shift<>(SB), RODATA|NOPTR, $32

// 0.5
DATA e64half<>+0(SB)/8, $0x3fe0000000000000
DATA e64half<>+8(SB)/8, $0x3fe0000000000000
DATA e64half<>+16(SB)/8, $0x3fe0000000000000
DATA e64half<>+24(SB)/8, $0x3fe0000000000000
GLOBL e64half<>(SB), RODATA|NOPTR, $32

// 1
DATA e64one<>+0(SB)/8, $0x3ff0000000000000
DATA e64one<>+8(SB)/8, $0x3ff0000000000000
DATA e64one<>+16(SB)/8, $0x3ff0000000000000
DATA e64one<>+24(SB)/8, $0x3ff0000000000000
GLOBL e64one<>(SB), RODATA|NOPTR, $32

// ec2 = 1/2!
DATA e64c2<>+0(SB)/8, $0x3fe0000000000000
DATA e64c2<>+8(SB)/8, $0x3fe0000000000000
DATA e64c2<>+16(SB)/8, $0x3fe0000000000000
DATA e64c2<>+24(SB)/8, $0x3fe0000000000000
GLOBL e64c2<>(SB), RODATA|NOPTR, $32

// ec3 = 1/3!
DATA e64c3<>+0(SB)/8, $0x3fc5555555555555
DATA e64c3<>+8(SB)/8, $0x3fc5555555555555
DATA e64c3<>+16(SB)/8, $0x3fc5555555555555
DATA e64c3<>+24(SB)/8, $0x3fc5555555555555
GLOBL e64c3<>(SB), RODATA|NOPTR, $32

// ec4 = 1/4!
DATA e64c4<>+0(SB)/8, $0x3fa5555555555555
DATA e64c4<>+8(SB)/8, $0x3fa5555555555555
DATA e64c4<>+16(SB)/8, $0x3fa5555555555555
DATA e64c4<>+24(SB)/8, $0x3fa5555555555555
GLOBL e64c4<>(SB), RODATA|NOPTR, $32

// ec5 = 1/5!
DATA e64c5<>+0(SB)/8, $0x3f81111111111111
DATA e64c5<>+8(SB)/8, $0x3f81111111111111
DATA e64c5<>+16(SB)/8, $0x3f81111111111111
DATA e64c5<>+24(SB)/8, $0x3f81111111111111
GLOBL e64c5<>(SB), RODATA|NOPTR, $32

// ec6 = 1/6!
DATA e64c6<>+0(SB)/8, $0x3f56c16c16c16c17
DATA e64c6<>+8(SB)/8, $0x3f56c16c16c16c17
DATA e64c6<>+16(SB)/8, $0x3f56c16c16c16c17
DATA e64c6<>+24(SB)/8, $0x3f56c16c16c16c17
GLOBL e64c6<>(SB), RODATA|NOPTR, $32

// ec7 = 1/7!
DATA e64c7<>+0(SB)/8, $0x3f2a01a01a01a01a
DATA e64c7<>+8(SB)/8, $0x3f2a01a01a01a01a
DATA e64c7<>+16(SB)/8, $0x3f2a01a01a01a01a
DATA e64c7<>+24(SB)/8, $0x3f2a01a01a01a01a
GLOBL e64c7<>(SB), RODATA|NOPTR, $32

// ec8 = 1/8!
DATA e64c8<>+0(SB)/8, $0x3efa01a01a01a01a
DATA e64c8<>+8(SB)/8, $0x3efa01a01a01a01a
DATA e64c8<>+16(SB)/8, $0x3efa01a01a01a01a
DATA e64c8<>+24(SB)/8, $0x3efa01a01a01a01a
GLOBL e64c8<>(SB), RODATA|NOPTR, $32

// ec9 = 1/9!
DATA e64c9<>+0(SB)/8, $0x3ec71de3a556c734
DATA e64c9<>+8(SB)/8, $0x3ec71de3a556c734
DATA e64c9<>+16(SB)/8, $0x3ec71de3a556c734
DATA e64c9<>+24(SB)/8, $0x3ec71de3a556c734
GLOBL e64c9<>(SB), RODATA|NOPTR, $32

// ec10 = 1/10!
DATA e64c10<>+0(SB)/8, $0x3e927e4fb7789f5c
DATA e64c10<>+8(SB)/8, $0x3e927e4fb7789f5c
DATA e64c10<>+16(SB)/8, $0x3e927e4fb7789f5c
DATA e64c10<>+24(SB)/8, $0x3e927e4fb7789f5c
GLOBL e64c10<>(SB), RODATA|NOPTR, $32

// ec11 = 1/11!
DATA e64c11<>+0(SB)/8, $0x3e5ae64567f544e4
DATA e64c11<>+8(SB)/8, $0x3e5ae64567f544e4
DATA e64c11<>+16(SB)/8, $0x3e5ae64567f544e4
DATA e64c11<>+24(SB)/8, $0x3e5ae64567f544e4
GLOBL e64c11<>(SB), RODATA|NOPTR, $32

// ec12 = 1/12!
DATA e64c12<>+0(SB)/8, $0x3e21eed8eff8d898
DATA e64c12<>+8(SB)/8, $0x3e21eed8eff8d898
DATA e64c12<>+16(SB)/8, $0x3e21eed8eff8d898
DATA e64c12<>+24(SB)/8, $0x3e21eed8eff8d898
GLOBL e64c12<>(SB), RODATA|NOPTR, $32

// ec13 = 1/13!
DATA e64c13<>+0(SB)/8, $0x3de6124613a86d09
DATA e64c13<>+8(SB)/8, $0x3de6124613a86d09
DATA e64c13<>+16(SB)/8, $0x3de6124613a86d09
DATA e64c13<>+24(SB)/8, $0x3de6124613a86d09
GLOBL e64c13<>(SB), RODATA|NOPTR, $32

// exponent bias 1023
DATA e64bias<>+0(SB)/8, $0x3ff
DATA e64bias<>+8(SB)/8, $0x3ff
DATA e64bias<>+16(SB)/8, $0x3ff
DATA e64bias<>+24(SB)/8, $0x3ff
GLOBL e64bias<>(SB), RODATA|NOPTR, $32

// lane indices 0–3
DATA e64iota<>+0(SB)/8, $0
DATA e64iota<>+8(SB)/8, $1
DATA e64iota<>+16(SB)/8, $2
DATA e64iota<>+24(SB)/8, $3
GLOBL e64iota<>(SB), RODATA|NOPTR, $32

// 4
DATA e64four<>+0(SB)/8, $4
DATA e64four<>+8(SB)/8, $4
DATA e64four<>+16(SB)/8, $4
DATA e64four<>+24(SB)/8, $4
GLOBL e64four<>(SB), RODATA|NOPTR, $32

// sign bit
DATA e64sign<>+0(SB)/8, $0x8000000000000000
DATA e64sign<>+8(SB)/8, $0x8000000000000000
DATA e64sign<>+16(SB)/8, $0x8000000000000000
DATA e64sign<>+24(SB)/8, $0x8000000000000000
GLOBL e64sign<>(SB), RODATA|NOPTR, $32
// HALF64 runs one half (four lanes, idx = Y13 as int64) of a block of 8
// of expRow64Go's lane loop, with the lane accumulators in memory at
// AX+aoff (eshi), +64 (eslo), +128 (phi), +192 (plo). Registers: Y15 = −m,
// Y14 = expShifter, Y12 = k; Y0–Y11 scratch. Go's operand order is the
// reverse of Intel's: VSUBPD a, b, c is c = b − a; VFMADD231PD a, b, c is
// c = b·a + c; VPANDN a, b, c is c = ^b & a; VMAXPD a, b, c is
// c = (b > a) ? b : a; VMINPD a, b, c is c = (b < a) ? b : a.
#define HALF64(xoff, aoff) \
	VMOVUPD xoff(SI), Y0; \
	VADDPD Y15, Y0, Y1; \
	VSUBPD Y0, Y1, Y2; \
	VSUBPD Y2, Y1, Y3; \
	VSUBPD Y3, Y0, Y0; \
	VSUBPD Y2, Y15, Y2; \
	VADDPD Y2, Y0, Y0; \
	VMOVUPD xoff(DX), Y2; \
	VMULPD Y1, Y2, Y3; \
	VXORPD e64sign<>(SB), Y3, Y4; \
	VFMADD231PD Y1, Y2, Y4; \
	VMULPD Y0, Y2, Y5; \
	VADDPD Y5, Y4, Y4; \
	VMOVUPD (128+aoff)(AX), Y5; \
	VMOVUPD (192+aoff)(AX), Y6; \
	VADDPD Y3, Y5, Y7; \
	VSUBPD Y5, Y7, Y8; \
	VSUBPD Y8, Y7, Y9; \
	VSUBPD Y9, Y5, Y5; \
	VSUBPD Y8, Y3, Y8; \
	VADDPD Y8, Y5, Y5; \
	VADDPD Y4, Y5, Y5; \
	VADDPD Y5, Y6, Y6; \
	VMOVUPD Y7, (128+aoff)(AX); \
	VMOVUPD Y6, (192+aoff)(AX); \
	VMAXPD e64low<>(SB), Y1, Y1; \
	VMINPD e64high<>(SB), Y1, Y1; \
	VMAXPD e64lomin<>(SB), Y0, Y0; \
	VMINPD e64lomax<>(SB), Y0, Y0; \
	VMOVUPD Y14, Y2; \
	VFMADD231PD e64log2e<>(SB), Y1, Y2; \
	VSUBPD Y14, Y2, Y2; \
	VMOVUPD Y1, Y3; \
	VFMADD231PD e64nln2hi<>(SB), Y2, Y3; \
	VMOVUPD Y3, Y4; \
	VFMADD231PD e64nln2lo<>(SB), Y2, Y4; \
	VSUBPD Y4, Y3, Y3; \
	VFMADD231PD e64nln2lo<>(SB), Y2, Y3; \
	VADDPD Y0, Y3, Y3; \
	VMULPD Y4, Y4, Y5; \
	VMULPD Y5, Y5, Y6; \
	VMULPD Y6, Y6, Y7; \
	VMOVUPD e64c2<>(SB), Y8; \
	VFMADD231PD e64c3<>(SB), Y4, Y8; \
	VMOVUPD e64c4<>(SB), Y9; \
	VFMADD231PD e64c5<>(SB), Y4, Y9; \
	VFMADD231PD Y5, Y9, Y8; \
	VMOVUPD e64c6<>(SB), Y9; \
	VFMADD231PD e64c7<>(SB), Y4, Y9; \
	VMOVUPD e64c8<>(SB), Y10; \
	VFMADD231PD e64c9<>(SB), Y4, Y10; \
	VFMADD231PD Y5, Y10, Y9; \
	VMOVUPD e64c10<>(SB), Y10; \
	VFMADD231PD e64c11<>(SB), Y4, Y10; \
	VMOVUPD e64c12<>(SB), Y11; \
	VFMADD231PD e64c13<>(SB), Y4, Y11; \
	VFMADD231PD Y5, Y11, Y10; \
	VFMADD231PD Y6, Y9, Y8; \
	VFMADD231PD Y7, Y10, Y8; \
	VMULPD Y8, Y5, Y5; \
	VADDPD Y5, Y4, Y6; \
	VADDPD e64one<>(SB), Y6, Y6; \
	VFMADD231PD Y6, Y3, Y5; \
	VADDPD e64one<>(SB), Y4, Y6; \
	VMOVUPD e64one<>(SB), Y7; \
	VSUBPD Y6, Y7, Y7; \
	VADDPD Y4, Y7, Y7; \
	VADDPD Y5, Y7, Y7; \
	VADDPD Y7, Y6, Y8; \
	VSUBPD Y6, Y8, Y9; \
	VSUBPD Y9, Y7, Y9; \
	VMOVUPD Y14, Y10; \
	VFMADD231PD e64half<>(SB), Y2, Y10; \
	VSUBPD Y14, Y10, Y10; \
	VSUBPD Y10, Y2, Y11; \
	VADDPD Y14, Y10, Y10; \
	VPADDQ e64bias<>(SB), Y10, Y10; \
	VPSLLQ $52, Y10, Y10; \
	VADDPD Y14, Y11, Y11; \
	VPADDQ e64bias<>(SB), Y11, Y11; \
	VPSLLQ $52, Y11, Y11; \
	VMULPD Y10, Y8, Y8; \
	VMULPD Y11, Y8, Y8; \
	VMULPD Y10, Y9, Y9; \
	VMULPD Y11, Y9, Y9; \
	VMOVUPD Y8, xoff(DI); \
	VPCMPEQQ Y12, Y13, Y0; \
	VPANDN Y8, Y0, Y8; \
	VPANDN Y9, Y0, Y9; \
	VMOVUPD (0+aoff)(AX), Y1; \
	VMOVUPD (64+aoff)(AX), Y2; \
	VADDPD Y8, Y1, Y3; \
	VSUBPD Y1, Y3, Y4; \
	VSUBPD Y4, Y3, Y5; \
	VSUBPD Y5, Y1, Y1; \
	VSUBPD Y4, Y8, Y4; \
	VADDPD Y4, Y1, Y1; \
	VADDPD Y9, Y1, Y1; \
	VADDPD Y1, Y2, Y2; \
	VMOVUPD Y3, (0+aoff)(AX); \
	VMOVUPD Y2, (64+aoff)(AX); \
	VPADDQ e64four<>(SB), Y13, Y13

// func expBlocks64AVX2(dst, x, h *float64, nblk int, negm float64, k int, acc *expAcc64)
TEXT ·expBlocks64AVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ h+16(FP), DX
	MOVQ nblk+24(FP), CX
	MOVQ acc+48(FP), AX
	VBROADCASTSD negm+32(FP), Y15
	VPBROADCASTQ k+40(FP), Y12
	VMOVUPD e64shift<>(SB), Y14
	VMOVDQU e64iota<>(SB), Y13

loop64:
	TESTQ CX, CX
	JEQ done64
	HALF64(0, 0)
	HALF64(32, 32)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JMP loop64

done64:
	VZEROUPPER
	RET

// SCANHALF runs one half (four lanes) of a block of 8 of scanRow64Go's
// lane loop (pass 1): MX = vmax(MX, v), MN = vmin(MN, v),
// NF = vmin(h, NF + v·0), (SHI, SLO) += h by TwoSum, HM = vmax(HM,
// vmax(h, 0 − h)). Y12–Y15 scratch; operand order as for HALF64.
#define SCANHALF(xoff, MX, MN, NF, SHI, SLO, HM) \
	VMAXPD xoff(SI), MX, MX; \
	VMINPD xoff(SI), MN, MN; \
	VMOVUPD xoff(DX), Y12; \
	VXORPD Y13, Y13, Y13; \
	VMULPD xoff(SI), Y13, Y14; \
	VADDPD Y14, NF, Y14; \
	VMINPD Y14, Y12, NF; \
	VADDPD Y12, SHI, Y14; \
	VSUBPD SHI, Y14, Y15; \
	VSUBPD Y15, Y14, Y13; \
	VSUBPD Y13, SHI, Y13; \
	VSUBPD Y15, Y12, Y15; \
	VADDPD Y15, Y13, Y13; \
	VMOVUPD Y14, SHI; \
	VADDPD Y13, SLO, SLO; \
	VXORPD Y13, Y13, Y13; \
	VSUBPD Y12, Y13, Y13; \
	VMAXPD Y13, Y12, Y13; \
	VMAXPD Y13, HM, HM

// func scanBlocks64AVX2(x, h *float64, nblk int, acc *scanAcc64)
TEXT ·scanBlocks64AVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ h+8(FP), DX
	MOVQ nblk+16(FP), CX
	MOVQ acc+24(FP), AX
	VMOVUPD 0(AX), Y0
	VMOVUPD 64(AX), Y1
	VMOVUPD 128(AX), Y2
	VMOVUPD 192(AX), Y3
	VMOVUPD 256(AX), Y4
	VMOVUPD 320(AX), Y5
	VMOVUPD 32(AX), Y6
	VMOVUPD 96(AX), Y7
	VMOVUPD 160(AX), Y8
	VMOVUPD 224(AX), Y9
	VMOVUPD 288(AX), Y10
	VMOVUPD 352(AX), Y11

scanloop:
	TESTQ CX, CX
	JEQ scandone
	SCANHALF(0, Y0, Y1, Y2, Y3, Y4, Y5)
	SCANHALF(32, Y6, Y7, Y8, Y9, Y10, Y11)
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ CX
	JMP scanloop

scandone:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 64(AX)
	VMOVUPD Y2, 128(AX)
	VMOVUPD Y3, 192(AX)
	VMOVUPD Y4, 256(AX)
	VMOVUPD Y5, 320(AX)
	VMOVUPD Y6, 32(AX)
	VMOVUPD Y7, 96(AX)
	VMOVUPD Y8, 160(AX)
	VMOVUPD Y9, 224(AX)
	VMOVUPD Y10, 288(AX)
	VMOVUPD Y11, 352(AX)
	VZEROUPPER
	RET
