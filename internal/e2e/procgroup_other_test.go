//go:build !unix

package e2e

import "os/exec"

// ownProcessGroup is a no-op where process groups are not available: a timeout kills only
// the command itself.
func ownProcessGroup(*exec.Cmd) {}
