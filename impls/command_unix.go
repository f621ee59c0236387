//go:build unix

package impls

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the program in a process group of its own, so that
// killGroup reaches whatever it starts (a shell script's children, a
// Python interpreter's workers) and a terminal's Ctrl-C reaches only us:
// we kill it ourselves, in order.
func setProcAttr(p *exec.Cmd) {
	p.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(p.SysProcAttr)
}

// killGroup sends SIGKILL to the program's process group.
func killGroup(p *exec.Cmd) {
	if p == nil || p.Process == nil {
		return
	}
	syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
	p.Process.Kill()
}
