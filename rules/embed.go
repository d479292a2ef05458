// Package rules embeds the shipped rule files, catalogue and scenario tests, so that the binary
// works with no files beside it. `--content DIR` reads DIR/rules instead.
package rules

import "embed"

// FS holds the rules folder: rule files, catalog/ and tests/.
//
//go:embed *.yaml catalog/*.yaml catalog/vendors/*.yaml tests/*.yaml
var FS embed.FS
