package vbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// APIError is a page request that failed: the server answered with an error status, or with a body
// that is not a page of backups.
type APIError struct {
	Page       int    // 1-based number of the page in the walk
	URL        string // the request URL, without credentials
	StatusCode int    // the HTTP status
	Code       string // the server's own error code where it gives one as text (Huawei's "APIGW.0301")
	Message    string // the server's message, else the start of its body; for a body that is not a page, what is wrong with it
	Body       string // for a body that is not a page: its start, printable
	RequestID  string // the server's request id, for its operators
	Retries    string // why the request was not retried (further), e.g. "giving up after 5 retries (last: HTTP 503)"
	Err        error  // the cause: a gophercloud or encoding/json error
}

// Error reads e.g. "page 3 (GET http://127.0.0.1:8776/v3/p/backups/detail?marker=x): HTTP 400:
// Invalid sort key (request id req-123)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "page %d (GET %s): HTTP %d", e.Page, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Body != "" {
		fmt.Fprintf(&b, "; the body starts with %q", e.Body)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Retries != "" {
		b.WriteString("; " + e.Retries)
	}
	return b.String()
}

// Unwrap returns the cause, so that errors.As finds gophercloud's error behind an APIError.
func (e *APIError) Unwrap() error { return e.Err }

// newAPIError describes an error status; the message comes from the body's JSON where one of the
// usual shapes holds it, else from the body's start.
func newAPIError(page int, rawURL string, status int, header http.Header, body []byte, cause error) *APIError {
	e := &APIError{Page: page, URL: RedactURL(rawURL), StatusCode: status, RequestID: RequestID(header), Err: cause}
	e.Code, e.Message = serverMessage(body)
	// The message is a server's text too: a message may echo a token or a key.
	e.Code, e.Message = printable([]byte(e.Code)), printable([]byte(e.Message))
	if e.Message == "" {
		e.Message = printable(body)
	}
	return e
}

// newPageError describes a response that is not a page of backups.
func newPageError(page int, rawURL string, resp *response, problem error) *APIError {
	return &APIError{
		Page: page, URL: RedactURL(rawURL), StatusCode: resp.status, Message: problem.Error(),
		Body: printable(resp.body), RequestID: RequestID(resp.header), Err: problem,
	}
}

// requestError describes a request that gophercloud failed: an error status becomes an APIError,
// anything else (a connection failure, a cancelled context) keeps its own error, wrapped.
func requestError(page int, rawURL string, err error) error {
	var code gophercloud.ErrUnexpectedResponseCode
	var codePtr *gophercloud.ErrUnexpectedResponseCode
	switch {
	case errors.As(err, &code):
	case errors.As(err, &codePtr) && codePtr != nil:
		code = *codePtr
	default:
		return fmt.Errorf("page %d (GET %s): %s%w", page, RedactURL(rawURL), timedOut(err), sanitize.URLError(err))
	}
	e := newAPIError(page, rawURL, code.Actual, code.ResponseHeader, code.Body, err)
	// The retries (auth.StoppedRetrying) wrap the status error in why they stopped: keep that.
	var stopped interface{ RetryReason() string }
	if errors.As(err, &stopped) {
		e.Retries = stopped.RetryReason()
	}
	return e
}

// timedOut introduces an error that the context's deadline caused, which is the read timeout.
func timedOut(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the read timeout ran out: "
	}
	return ""
}

// RequestID is the id the server gave a response, for errors and logs that point at its own logs.
func RequestID(h http.Header) string { return sanitize.RequestID(h) }

// serverMessage finds the message (and a textual code) in the error bodies of OpenStack
// ({"badRequest": {"code": 400, "message": "..."}}, any key) and Huawei Cloud
// ({"error": {"code", "message"}}, {"error_code", "error_msg"}, {"error_message"}).
func serverMessage(body []byte) (code, message string) {
	body = bytes.TrimSpace(body)
	if !validJSON(body) || !isObject(body) {
		return "", ""
	}
	look := func(key, v []byte) {
		switch string(key) {
		case "message", "error_msg", "error_message", "error", "faultstring":
			if s, ok := unquote(v); ok && message == "" {
				message = s
			}
		case "code", "error_code":
			if s, ok := unquote(v); ok && code == "" {
				code = s
			}
		}
	}
	for key, v := range each(body) {
		look(key, v)
	}
	for _, v := range each(body) {
		if message == "" && isObject(v) {
			for key, inner := range each(v) {
				look(key, inner)
			}
		}
	}
	if message == "" {
		code = "" // a lone code says little and would hide the body's start
	}
	return code, message
}

// printable is the start of body on one line for an error message, secrets masked.
func printable(body []byte) string { return sanitize.Text(body) }

// RedactURL returns rawURL without user information and without query parameters whose names
// suggest a secret, for logs and errors.
func RedactURL(rawURL string) string { return sanitize.URL(rawURL) }
