//go:build !unix

package impls

import "os/exec"

func setProcAttr(*exec.Cmd) {}

// killGroup kills the program (no process groups here).
func killGroup(p *exec.Cmd) {
	if p != nil && p.Process != nil {
		p.Process.Kill()
	}
}
