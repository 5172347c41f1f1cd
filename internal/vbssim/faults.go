package vbssim

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GatewayPage is the HTML error page a reverse proxy answers with; use it as Fault.Body.
const GatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// Fault is a scripted misbehaviour for reliability tests, armed with Server.Inject.
// The zero effect fields leave the normal response alone.
type Fault struct {
	// Path restricts the fault to requests whose path contains it; empty matches every request.
	Path string
	// OnRequest is the matching request it first applies to, counted from Inject, 1-based (0 means 1).
	OnRequest int
	// Times is how many matching requests it applies to from then on: 0 means once, negative means forever.
	Times int

	// Delay waits before answering (or before dropping the connection).
	Delay time.Duration
	// Status, when set, answers with this status and a Cinder-style error body instead of serving the request.
	Status int
	// Body, when set, answers with this body (e.g. GatewayPage) and Status (default 200) instead of serving the request.
	Body string
	// ContentType replaces the response's Content-Type.
	ContentType string
	// RetryAfter is sent as Retry-After: seconds or an HTTP date.
	RetryAfter string
	// Truncate announces the whole body in Content-Length, sends half of it and drops the connection.
	Truncate bool
	// Reset drops the connection with a TCP reset, without any response.
	Reset bool
	// Close closes the connection without any response.
	Close bool

	// RepeatNextLink answers a listing with the next link of the request itself, so a client that
	// follows links blindly asks for the same page forever.
	RepeatNextLink bool
	// UnreachableNextLink points the next link at http://127.0.0.2:1, where nothing listens.
	UnreachableNextLink bool
	// DuplicateMarker starts the page with the marker's backup, which the previous page ended with.
	DuplicateMarker bool
	// Insert adds these backups before the request is served, e.g. between two pages.
	Insert []Backup
	// Delete removes the backups of these ids before the request is served.
	Delete []string

	// Next links and pages that must steer nothing but the marker (the page walk's trust boundary).

	// NextLinkParams is appended to the query of the next link, e.g. "all_tenants=1&project_id=…",
	// which a client must not send on.
	NextLinkParams string
	// StuckPages answers a listing with the page it would serve without a marker, and a next link
	// whose marker walks through that page's backups with a counter beside it (?marker=b0&n=1,
	// ?marker=b1&n=2, …): no link repeats, no page advances.
	StuckPages bool
	// NoMarkerNextLink leaves the marker out of the next link.
	NoMarkerNextLink bool
	// TinyDuplicates adds this many copies of the page's first backup, as {"id": …} alone, to the
	// end of the page: a page of many backups in few bytes.
	TinyDuplicates int

	// Listings whose order and filtering are claims a client must not rely on. Arm them with
	// Times: -1 (and Path "/backups/detail") to script a whole server.

	// Order serves a listing's backups in this order of ids, whatever sort it asks for, as the API
	// document's own example page is served (not sorted by anything); the backups it leaves out
	// follow in the requested order. Markers, offset and limit apply to this order.
	Order []string
	// IgnoreFilters are API filters (name, status, volume_id) that a listing accepts but does not
	// apply, as a proxy, a gateway or an older server may.
	IgnoreFilters []string

	// Hostile answers (faults_hostile.go): each is streamed and ends the exchange.
	HostileFault
}

// armedFault is an injected fault with its counters.
type armedFault struct {
	Fault
	seen  int // matching requests so far
	fired int
}

// Inject arms faults; each counts its own matching requests, and when several are due for one
// request the first injected applies (the others stay due).
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		s.faults = append(s.faults, &armedFault{Fault: f})
	}
}

// matchFault counts r against every armed fault and returns a copy of the one that applies, or nil.
func (s *Server) matchFault(r *http.Request) *armedFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due *armedFault
	kept := s.faults[:0]
	for _, f := range s.faults {
		if strings.Contains(r.URL.Path, f.Path) {
			f.seen++
			if due == nil && f.seen >= max(f.OnRequest, 1) {
				f.fired++
				c := *f
				due = &c
			}
		}
		if f.Times < 0 || f.fired < max(f.Times, 1) {
			kept = append(kept, f)
		}
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return due
}

// serveFault answers r under fault f and reports false when the connection was dropped instead.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *armedFault, reqID string) (response, bool) {
	if !sleep(r.Context(), f.Delay) {
		return response{}, false // the client gave up
	}
	if f.serveHostile(w, r) {
		return response{}, false
	}
	if len(f.Insert) > 0 || len(f.Delete) > 0 {
		s.mu.Lock()
		d, err := s.data.Load().with(f.Insert, f.Delete)
		if err == nil {
			s.data.Store(d)
		}
		s.mu.Unlock()
		if err != nil {
			return cinderError(http.StatusInternalServerError, "vbssim: fault cannot change the backups: "+err.Error()), true
		}
	}
	switch {
	case f.Reset || f.Close:
		dropConnection(w, f.Reset)
		return response{}, false
	case f.Body != "":
		resp := response{status: f.Status, body: []byte(f.Body), header: http.Header{"Content-Type": {http.DetectContentType([]byte(f.Body))}}}
		if resp.status == 0 {
			resp.status = http.StatusOK
		}
		return resp, true
	case f.Status != 0:
		return cinderError(f.Status, "vbssim: injected fault"), true
	}
	return s.route(r, f, reqID), true
}

// alter applies the fault's header and body changes to a response about to be written.
func (f *armedFault) alter(h http.Header, body []byte) []byte {
	if f.ContentType != "" {
		h.Set("Content-Type", f.ContentType)
	}
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
	if f.Truncate {
		// net/http closes a connection whose body falls short of its Content-Length.
		h.Set("Content-Length", strconv.Itoa(len(body)))
		body = body[:len(body)/2]
	}
	return body
}

// dropConnection ends the connection without a response; reset sends a TCP RST instead of a FIN.
func dropConnection(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // still ends the exchange without a response
	}
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok { // TLS
		if reset {
			conn = nc.NetConn()
		}
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		tcp.SetLinger(0) //nolint:errcheck // best effort: a FIN is still a dropped connection
	}
	_ = conn.Close() // the point is that the connection ends
}

// VolumeKeyTricks are service_metadata texts that each hold the volume key secret in a way a
// masker that stops at the first VK, or at the top level, or at an escape, would miss: a second
// VK, escaped key names, nested VK members, VK after malformed text.
func VolumeKeyTricks(secret string) []string {
	return []string{
		`{"DL": 1, "VK": "` + secret + `", "VK": "` + secret + `"}`,
		`{"\u0056K": "` + secret + `", "ST": 0}`,
		`{"DL": 1, "inner": {"VK": "` + secret + `", "deeper": [{"V\u004b": "` + secret + `"}]}}`,
		`{"DL": 1,, "VK": "x", "VK": "` + secret + `"}`,
		`{"DL": , "\u0056K": "` + secret + `"`,
	}
}
