package impls

import "syscall"

// setDeathSignal asks Linux to SIGKILL the program when the thread that
// started it dies, so that a crash of this process orphans nothing (a
// program that outlives us would also see EOF on its stdin and exit).
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
