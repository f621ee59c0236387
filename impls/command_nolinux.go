//go:build unix && !linux

package impls

import "syscall"

// setDeathSignal does nothing where there is no parent-death signal: the
// program sees EOF on its stdin when this process dies, and must exit then.
func setDeathSignal(*syscall.SysProcAttr) {}
