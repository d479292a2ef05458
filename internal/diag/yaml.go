package diag

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// DecodeYAML decodes src into v, rejecting unknown keys, and reports every problem the YAML
// decoder found as a diagnostic with its line.
func DecodeYAML(file string, src []byte, v any) List {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var l List
	for _, m := range msgs {
		line := 0
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
			m = sm[2]
		}
		d := Diagnostic{File: file, Line: line, Message: m}
		if line > 0 {
			d.Snippet = Snippet(src, line, 1)
		}
		l = append(l, d)
	}
	return l
}
