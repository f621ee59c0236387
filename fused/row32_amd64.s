//go:build amd64 && !purego

#include "textflag.h"

// Four-lane constants of expKernel32 (exp32.go); the float64 values as bit
// patterns (scripts: struct.pack of the Go constants, 1/n! correctly rounded).

// exp32Low = −700
DATA e32low<>+0(SB)/8, $0xc085e00000000000
DATA e32low<>+8(SB)/8, $0xc085e00000000000
DATA e32low<>+16(SB)/8, $0xc085e00000000000
DATA e32low<>+24(SB)/8, $0xc085e00000000000
GLOBL e32low<>(SB), RODATA|NOPTR, $32

// log2E
DATA e32log2e<>+0(SB)/8, $0x3ff71547652b82fe
DATA e32log2e<>+8(SB)/8, $0x3ff71547652b82fe
DATA e32log2e<>+16(SB)/8, $0x3ff71547652b82fe
DATA e32log2e<>+24(SB)/8, $0x3ff71547652b82fe
GLOBL e32log2e<>(SB), RODATA|NOPTR, $32

// expShifter = 1.5·2^52
DATA e32shift<>+0(SB)/8, $0x4338000000000000
DATA e32shift<>+8(SB)/8, $0x4338000000000000
DATA e32shift<>+16(SB)/8, $0x4338000000000000
DATA e32shift<>+24(SB)/8, $0x4338000000000000
GLOBL e32shift<>(SB), RODATA|NOPTR, $32

// −math.Ln2
DATA e32nln2<>+0(SB)/8, $0xbfe62e42fefa39ef
DATA e32nln2<>+8(SB)/8, $0xbfe62e42fefa39ef
DATA e32nln2<>+16(SB)/8, $0xbfe62e42fefa39ef
DATA e32nln2<>+24(SB)/8, $0xbfe62e42fefa39ef
GLOBL e32nln2<>(SB), RODATA|NOPTR, $32

// ec2 = 1/2!
DATA e32c2<>+0(SB)/8, $0x3fe0000000000000
DATA e32c2<>+8(SB)/8, $0x3fe0000000000000
DATA e32c2<>+16(SB)/8, $0x3fe0000000000000
DATA e32c2<>+24(SB)/8, $0x3fe0000000000000
GLOBL e32c2<>(SB), RODATA|NOPTR, $32

// ec3 = 1/3!
DATA e32c3<>+0(SB)/8, $0x3fc5555555555555
DATA e32c3<>+8(SB)/8, $0x3fc5555555555555
DATA e32c3<>+16(SB)/8, $0x3fc5555555555555
DATA e32c3<>+24(SB)/8, $0x3fc5555555555555
GLOBL e32c3<>(SB), RODATA|NOPTR, $32

// ec4 = 1/4!
DATA e32c4<>+0(SB)/8, $0x3fa5555555555555
DATA e32c4<>+8(SB)/8, $0x3fa5555555555555
DATA e32c4<>+16(SB)/8, $0x3fa5555555555555
DATA e32c4<>+24(SB)/8, $0x3fa5555555555555
GLOBL e32c4<>(SB), RODATA|NOPTR, $32

// ec5 = 1/5!
DATA e32c5<>+0(SB)/8, $0x3f81111111111111
DATA e32c5<>+8(SB)/8, $0x3f81111111111111
DATA e32c5<>+16(SB)/8, $0x3f81111111111111
DATA e32c5<>+24(SB)/8, $0x3f81111111111111
GLOBL e32c5<>(SB), RODATA|NOPTR, $32

// ec6 = 1/6!
DATA e32c6<>+0(SB)/8, $0x3f56c16c16c16c17
DATA e32c6<>+8(SB)/8, $0x3f56c16c16c16c17
DATA e32c6<>+16(SB)/8, $0x3f56c16c16c16c17
DATA e32c6<>+24(SB)/8, $0x3f56c16c16c16c17
GLOBL e32c6<>(SB), RODATA|NOPTR, $32

// ec7 = 1/7!
DATA e32c7<>+0(SB)/8, $0x3f2a01a01a01a01a
DATA e32c7<>+8(SB)/8, $0x3f2a01a01a01a01a
DATA e32c7<>+16(SB)/8, $0x3f2a01a01a01a01a
DATA e32c7<>+24(SB)/8, $0x3f2a01a01a01a01a
GLOBL e32c7<>(SB), RODATA|NOPTR, $32

// ec8 = 1/8!
DATA e32c8<>+0(SB)/8, $0x3efa01a01a01a01a
DATA e32c8<>+8(SB)/8, $0x3efa01a01a01a01a
DATA e32c8<>+16(SB)/8, $0x3efa01a01a01a01a
DATA e32c8<>+24(SB)/8, $0x3efa01a01a01a01a
GLOBL e32c8<>(SB), RODATA|NOPTR, $32

// 1
DATA e32one<>+0(SB)/8, $0x3ff0000000000000
DATA e32one<>+8(SB)/8, $0x3ff0000000000000
DATA e32one<>+16(SB)/8, $0x3ff0000000000000
DATA e32one<>+24(SB)/8, $0x3ff0000000000000
GLOBL e32one<>(SB), RODATA|NOPTR, $32

// exponent bias 1023
DATA e32bias<>+0(SB)/8, $0x3ff
DATA e32bias<>+8(SB)/8, $0x3ff
DATA e32bias<>+16(SB)/8, $0x3ff
DATA e32bias<>+24(SB)/8, $0x3ff
GLOBL e32bias<>(SB), RODATA|NOPTR, $32

// lane indices 0–3
DATA e32iota<>+0(SB)/8, $0
DATA e32iota<>+8(SB)/8, $1
DATA e32iota<>+16(SB)/8, $2
DATA e32iota<>+24(SB)/8, $3
GLOBL e32iota<>(SB), RODATA|NOPTR, $32

// 4
DATA e32four<>+0(SB)/8, $4
DATA e32four<>+8(SB)/8, $4
DATA e32four<>+16(SB)/8, $4
DATA e32four<>+24(SB)/8, $4
GLOBL e32four<>(SB), RODATA|NOPTR, $32
// HALF runs one half (four lanes) of a block of 8: the body of
// expRow32Go's lane loop on lanes idx = Y8 (as int64), accumulating into
// AS (s), AP (P) and AR (R). Registers: Y6 = m, Y7 = expShifter,
// Y9 = k, Y10 = jmax; Y11–Y15 scratch. Go's operand order is the reverse
// of Intel's: VFMADD231PD a, b, c is c = b·a + c; VFMADD213PD a, b, c is
// c = b·c + a; VFMADD132PD a, b, c is c = c·a + b; VPANDN a, b, c is
// c = ^b & a; VMAXPD a, b, c is c = (b > a) ? b : a.
#define HALF(xoff, eoff, AS, AP, AR) \
	VCVTPS2PD xoff(SI), Y11; \
	VCVTPS2PD xoff(DX), Y12; \
	VSUBPD Y6, Y11, Y11; \
	VFMADD231PD Y11, Y12, AP; \
	VPCMPEQQ Y10, Y8, Y13; \
	VPANDN Y12, Y13, Y12; \
	VADDPD Y12, AR, AR; \
	VMAXPD e32low<>(SB), Y11, Y11; \
	VMOVUPD Y7, Y13; \
	VFMADD231PD e32log2e<>(SB), Y11, Y13; \
	VSUBPD Y7, Y13, Y14; \
	VFMADD132PD e32nln2<>(SB), Y11, Y14; \
	VMOVUPD e32c7<>(SB), Y15; \
	VFMADD231PD e32c8<>(SB), Y14, Y15; \
	VFMADD213PD e32c6<>(SB), Y14, Y15; \
	VFMADD213PD e32c5<>(SB), Y14, Y15; \
	VFMADD213PD e32c4<>(SB), Y14, Y15; \
	VFMADD213PD e32c3<>(SB), Y14, Y15; \
	VFMADD213PD e32c2<>(SB), Y14, Y15; \
	VFMADD213PD e32one<>(SB), Y14, Y15; \
	VFMADD213PD e32one<>(SB), Y14, Y15; \
	VPADDQ e32bias<>(SB), Y13, Y13; \
	VPSLLQ $52, Y13, Y13; \
	VMULPD Y13, Y15, Y15; \
	VMOVUPD Y15, eoff(DI); \
	VPCMPEQQ Y9, Y8, Y13; \
	VPANDN Y15, Y13, Y15; \
	VADDPD Y15, AS, AS; \
	VPADDQ e32four<>(SB), Y8, Y8

// func expBlocks32AVX2(e *float64, x, h *float32, nblk int, mm float64, k, jmax int, acc *expAcc32)
TEXT ·expBlocks32AVX2(SB), NOSPLIT, $0-64
	MOVQ e+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ h+16(FP), DX
	MOVQ nblk+24(FP), CX
	MOVQ acc+56(FP), AX
	VBROADCASTSD mm+32(FP), Y6
	VPBROADCASTQ k+40(FP), Y9
	VPBROADCASTQ jmax+48(FP), Y10
	VMOVUPD e32shift<>(SB), Y7
	VMOVDQU e32iota<>(SB), Y8
	VMOVUPD 0(AX), Y0
	VMOVUPD 32(AX), Y1
	VMOVUPD 64(AX), Y2
	VMOVUPD 96(AX), Y3
	VMOVUPD 128(AX), Y4
	VMOVUPD 160(AX), Y5

loop:
	TESTQ CX, CX
	JEQ done
	HALF(0, 0, Y0, Y2, Y4)
	HALF(16, 32, Y1, Y3, Y5)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $64, DI
	DECQ CX
	JMP loop

done:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VMOVUPD Y4, 128(AX)
	VMOVUPD Y5, 160(AX)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
