package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressMinSize is the smallest body worth compressing: below about a kilobyte the gzip
// header and the CPU cost outweigh the bytes saved.
const compressMinSize = 1024

// compressedTypes are the text formats the server sends. Everything else (there is nothing
// else today) goes out as it is.
var compressedTypes = []string{
	"text/html", "text/css", "text/javascript", "text/markdown", "text/plain",
	"application/json", "application/problem+json", "image/svg+xml",
}

// compress gzips responses of compressedTypes above compressMinSize for clients that accept
// it, adding Vary: Accept-Encoding. It uses klauspost/compress's gzhttp (a maintained,
// fast gzip and a response writer that handles Content-Length, HEAD, 1xx, flushing and ETags)
// rather than a hand-rolled writer.
//
// BREACH needs a secret and attacker-controlled input in the same compressed response. The
// pages hold no secret token (CSRF protection is by Origin, not by a token in the page), and
// cross-origin form posts, the only way a third party could reflect input, are refused before
// any handler runs.
func compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.ContentTypes(compressedTypes))
	if err != nil {
		// The options above are constants; an error is a programming mistake every test catches.
		panic("server: gzip options: " + err.Error())
	}
	return wrap(h)
}
