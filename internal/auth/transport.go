package auth

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// The one HTTP policy of every request the provider sends, to Keystone and to the backup API:
// redirects only within the origin, bodies capped before and after decompression, error bodies
// cut short and stripped of the credentials the provider holds, a connect timeout and no other
// fixed one (each request ends with its context: the read timeout or the configuration deadline).

// DefaultConfigureTimeout bounds provider configuration: Keystone, the catalog and the version
// document together.
const DefaultConfigureTimeout = 5 * time.Minute

// connectTimeout bounds opening a connection (TCP and TLS handshakes). There is deliberately no
// response-header timeout: Cinder builds a whole page before it sends the headers, so only the
// read's remaining time can say how long is too long.
const connectTimeout = 30 * time.Second

// maxRedirects is how many same-origin GET redirects one request may follow.
const maxRedirects = 3

// newTransport clones http.DefaultTransport (proxies from the environment, keep-alives) with
// our TLS settings and timeouts.
func newTransport(tlsConfig *tls.Config) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone() //nolint:forcetypeassert // the standard library's own type
	t.TLSClientConfig = tlsConfig
	t.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connectTimeout
	t.ResponseHeaderTimeout = 0
	return t
}

// newHTTPClient is the client of every request: rt's requests, redirected only as checkRedirect allows.
func newHTTPClient(rt http.RoundTripper) http.Client {
	return http.Client{Transport: rt, CheckRedirect: checkRedirect}
}

// argumentKey marks a request's context with the provider argument that names its server.
type argumentKey struct{}

// forKeystone marks ctx as Keystone's: a redirect refused there names auth_url, not endpoint.
func forKeystone(ctx context.Context) context.Context {
	return context.WithValue(ctx, argumentKey{}, "auth_url")
}

func argumentOf(ctx context.Context) string {
	if a, ok := ctx.Value(argumentKey{}).(string); ok {
		return a
	}
	return "endpoint"
}

// RedirectError is a redirect the provider refused to follow.
type RedirectError struct {
	Method   string // of the request that was redirected
	URL      string // the redirected request, redacted
	Status   int
	Location string // redacted
	Reason   string // e.g. "to another origin"
	Argument string // the provider argument to set to the URL meant: auth_url or endpoint
}

// Error names the status, both URLs and what to do; it never holds a credential.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s %s was answered with HTTP %d, a redirect to %s, which the provider does not follow (%s): "+
		"it follows redirects only of GET requests, within the same scheme, host and port, at most %d times. "+
		"Set %s to the URL the server means.", e.Method, e.URL, e.Status, e.Location, e.Reason, maxRedirects, e.Argument)
}

// checkRedirect is http.Client.CheckRedirect: it runs before the next hop is sent, and so before
// the AK/SK signer (a RoundTripper) would sign it or the token header would be copied onto it.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first, last := via[0], via[len(via)-1]
	reason := ""
	switch {
	case first.Method != http.MethodGet:
		reason = "a redirect of a " + first.Method + " request"
	case sanitize.Origin(req.URL.String()) != sanitize.Origin(first.URL.String()):
		reason = "to another origin than " + sanitize.Origin(first.URL.String())
	case len(via) > maxRedirects:
		reason = fmt.Sprintf("more than %d redirects", maxRedirects)
	default:
		return nil
	}
	e := &RedirectError{Method: first.Method, URL: sanitize.URL(last.URL.String()), Reason: reason, Argument: argumentOf(req.Context())}
	if resp := req.Response; resp != nil {
		e.Status, e.Location = resp.StatusCode, sanitize.URL(resp.Header.Get("Location"))
	}
	return e
}

// BodyTooLargeError is a response body longer than the provider reads.
type BodyTooLargeError struct{ Limit int64 }

// Error names the limit.
func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the response body is larger than the %d MiB the provider reads", e.Limit>>20)
}

// bodyPolicy is the RoundTripper right above net/http's: below the signer, so that it sees the
// credentials of each request it must keep out of the error body, and below request logging.
type bodyPolicy struct {
	next http.RoundTripper
	held []string // the configured credentials
}

// credentialHeaders carry the credentials of a request, which its response may echo.
var credentialHeaders = []string{"X-Auth-Token", "X-Subject-Token", "X-Security-Token", "Authorization"}

func (p bodyPolicy) RoundTrip(req *http.Request) (*http.Response, error) {
	// Asking for gzip ourselves, as net/http would, leaves decompression to us: net/http's own
	// has no limit, and this way the compressed bytes are capped too.
	ownGzip := req.Header.Get("Accept-Encoding") == "" && req.Header.Get("Range") == "" && req.Method != http.MethodHead
	if ownGzip {
		req = req.Clone(req.Context())
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := p.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	limit, isError := int64(sanitize.MaxBodyBytes), resp.StatusCode >= http.StatusBadRequest
	if isError {
		limit = sanitize.MaxErrorBodyBytes
	}
	wire := resp.Body
	var body io.Reader = &capped{r: wire, left: limit, limit: limit, cut: isError}
	if ownGzip && strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		body = &capped{r: &lazyGzip{r: body}, left: limit, limit: limit, cut: isError}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength, resp.Uncompressed = -1, true
	}
	if !isError {
		resp.Body = readCloser{Reader: body, Closer: wire}
		return resp, nil
	}
	// gophercloud reads an error body whole, on every retry: give it at most the cap, read now,
	// with the credentials of this request and of the configuration masked, and drop the rest.
	data, _ := io.ReadAll(body) // what arrived before a failure is still worth quoting
	_ = wire.Close()            // the rest is discarded unread
	held := append([]string(nil), p.held...)
	for _, h := range credentialHeaders {
		if v := req.Header.Get(h); v != "" {
			held = append(held, v)
		}
	}
	data = sanitize.MaskHeld(data, held)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// capped reads at most limit bytes of r: past them, an error body ends (cut) and any other
// body fails with BodyTooLargeError, so that a truncated page is never mistaken for a whole one.
type capped struct {
	r     io.Reader
	left  int64
	limit int64
	cut   bool
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		if c.cut {
			return 0, io.EOF
		}
		var one [1]byte
		if n, err := io.ReadAtLeast(c.r, one[:], 1); n == 0 {
			return 0, err
		}
		return 0, &BodyTooLargeError{Limit: c.limit}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// lazyGzip opens the gzip stream on the first Read, as net/http does, so that an unread body
// costs nothing.
type lazyGzip struct {
	r   io.Reader
	z   *gzip.Reader
	err error
}

func (g *lazyGzip) Read(p []byte) (int, error) {
	if g.z == nil && g.err == nil {
		g.z, g.err = gzip.NewReader(g.r)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.z.Read(p)
}

// deadlineKey marks a context bounded by the configuration deadline, with its length.
type deadlineKey struct{}

// withConfigureDeadline bounds ctx by d and marks it, so that waits and errors name the deadline.
func withConfigureDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, d)
	return context.WithValue(ctx, deadlineKey{}, d), cancel
}

// deadlineName says which deadline ctx's is, for messages.
func deadlineName(ctx context.Context) string {
	if d, ok := ctx.Value(deadlineKey{}).(time.Duration); ok {
		return fmt.Sprintf("the %s the provider gives its configuration", d)
	}
	return "the read timeout"
}
