// Package questionnaire embeds the shipped questionnaire definitions, so that the binary works
// with no files beside it. `--content DIR` reads DIR/questionnaire instead.
package questionnaire

import "embed"

// FS holds the questionnaire YAML files.
//
//go:embed *.yaml
var FS embed.FS
