//go:build !unix

package ref

func cpuNanos() int64 { return 0 }
