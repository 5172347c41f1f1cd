package sanitize

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// secretParams are substrings of query parameter names whose values must not reach a log or an
// error (X-Auth-Token, X-Amz-Signature, ...). The backup API has none, but a next link or a
// redirect's Location could.
var secretParams = []string{"token", "secret", "password", "signature", "credential"}

// URL returns rawURL without user information and without query parameters whose names suggest a
// secret, for logs and errors.
func URL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(an unparsable URL)"
	}
	u.User = nil
	q := u.Query()
	removed := false
	for name := range q {
		lower := strings.ToLower(name)
		if slices.ContainsFunc(secretParams, func(s string) bool { return strings.Contains(lower, s) }) {
			q.Del(name)
			removed = true
		}
	}
	if removed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Origin is scheme://host:port of a URL, the port made explicit (80 for http, 443 for https), so
// that two URLs of one origin compare equal; "" for a URL that cannot be parsed or has no host.
func Origin(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host + ":" + port
}

// URLError is err with the URL that net/http repeats in a *url.Error (the request's or a
// redirect's, raw) redacted; errors.Is and errors.As still reach every cause.
func URLError(err error) error {
	var uerr *url.Error
	if !errors.As(err, &uerr) || uerr.URL == URL(uerr.URL) {
		return err
	}
	return &redactedError{err: err, text: strings.ReplaceAll(err.Error(), uerr.URL, URL(uerr.URL))}
}

type redactedError struct {
	err  error
	text string
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// RequestID is the id a server gave its response, for errors and logs that point at its own logs.
func RequestID(h http.Header) string {
	for _, name := range []string{"X-Openstack-Request-Id", "X-Request-Id", "X-Compute-Request-Id"} {
		if id := h.Get(name); id != "" {
			return id
		}
	}
	return ""
}
