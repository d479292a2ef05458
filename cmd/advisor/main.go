// Command advisor recommends a customer identity (CIAM) platform: a web questionnaire and JSON
// API (advisor serve) and a CLI for consultants and editors (eval, validate, test).
package main

import (
	"os"

	"github.com/ciamadvisor/advisor/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
