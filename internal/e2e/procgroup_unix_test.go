//go:build unix

package e2e

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup makes a timeout kill the command and everything it started (Lighthouse's
// Chromium), not only the command itself.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
