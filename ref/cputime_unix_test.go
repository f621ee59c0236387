//go:build unix

package ref

import "syscall"

// cpuNanos returns the process's user+system CPU time: under a loaded
// machine it measures our work where wall time measures the queue.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
