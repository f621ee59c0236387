//go:build !amd64 || purego

package fused

var asm32 = false

func expBlocks32(e []float64, x, h []float32, m float32, k, jmax int, a *expAcc32) int { return 0 }

var asm64 = false

func expBlocks64(dst, x, h []float64, m float64, k int, a *expAcc64) int { return 0 }

func scanBlocks64(x, h []float64, a *scanAcc64) int { return 0 }
