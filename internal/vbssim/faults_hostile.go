package vbssim

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// HostileFault is an answer that tries to steer or exhaust a client rather than merely fail:
// a redirect elsewhere, an endless or inflating error body, a server that never answers. Such
// an answer is streamed (nothing of its size is held in memory) and logged with Status 0.
type HostileFault struct {
	// RedirectTo answers with Status (default 302) and Location: RedirectTo followed by the
	// request's path and query, e.g. "http://127.0.0.2:PORT" for another loopback origin.
	RedirectTo string
	// ErrorBodyBytes answers with Status (default 400) and a Cinder error body this long.
	ErrorBodyBytes int64
	// GzipBombBytes answers with Status (default 500) and a Cinder error body this long once
	// inflated, sent gzip-encoded (Content-Encoding: gzip), about 1/1000 of it on the wire.
	GzipBombBytes int64
	// Hang reads the request and never answers, until the client goes away.
	Hang bool
}

// serveHostile answers r if f is hostile, and reports whether it did.
func (f *armedFault) serveHostile(w http.ResponseWriter, r *http.Request) bool {
	status := func(def int) int {
		if f.Status != 0 {
			return f.Status
		}
		return def
	}
	h := w.Header()
	switch {
	case f.Hang:
		<-r.Context().Done()
	case f.RedirectTo != "":
		h.Set("Location", strings.TrimSuffix(f.RedirectTo, "/")+r.URL.RequestURI())
		w.WriteHeader(status(http.StatusFound))
	case f.ErrorBodyBytes > 0:
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.FormatInt(f.ErrorBodyBytes, 10))
		w.WriteHeader(status(http.StatusBadRequest))
		writePadded(w, f.ErrorBodyBytes)
	case f.GzipBombBytes > 0:
		h.Set("Content-Type", "application/json")
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(status(http.StatusInternalServerError))
		z, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // a valid level never fails
		writePadded(z, f.GzipBombBytes)
		_ = z.Close() // the client may have gone away: the point is what it read
	default:
		return false
	}
	return true
}

// writePadded writes a Cinder error body of n bytes whose message is padded with "x", until
// the client stops reading.
func writePadded(w io.Writer, n int64) {
	head := `{"computeFault": {"code": 500, "message": "vbssim: a very long error `
	tail := `"}}`
	if n < int64(len(head)+len(tail)) {
		_, _ = io.WriteString(w, strings.Repeat(" ", int(n))) // the client may have gone away
		return
	}
	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	chunk := []byte(strings.Repeat("x", 32<<10))
	for left := n - int64(len(head)+len(tail)); left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, tail) // as above
}
