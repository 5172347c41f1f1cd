package aksk

import (
	"bytes"
	"io"
	"net/http"
)

// Transport returns a RoundTripper that signs every request (each page of a listing included)
// before handing it to next (http.DefaultTransport when nil).
func (s Signer) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &signingTransport{signer: s, next: next}
}

type signingTransport struct {
	signer Signer
	next   http.RoundTripper
}

// RoundTrip signs a clone because a RoundTripper must not modify the caller's request.
func (t *signingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := drainBody(r)
	if err != nil {
		return nil, err
	}
	signed := r.Clone(r.Context())
	setReplayableBody(signed, body)
	if err := t.signer.Sign(signed, body); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(signed)
}

// drainBody reads the body to hash it and closes r.Body, which RoundTrip must always do.
// GetBody is preferred so that the caller's own body reader stays unread for its retries.
func drainBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	defer r.Body.Close()
	src := r.Body
	if r.GetBody != nil {
		fresh, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer fresh.Close()
		src = fresh
	}
	return io.ReadAll(src)
}

// setReplayableBody lets net/http resend the signed request on a stale keep-alive connection.
func setReplayableBody(r *http.Request, body []byte) {
	if body == nil {
		r.Body, r.GetBody, r.ContentLength = http.NoBody, nil, 0
		return
	}
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.Body, _ = r.GetBody()
	r.ContentLength = int64(len(body))
}
