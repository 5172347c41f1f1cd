package auth

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestWarnings_insecureAndPlainHTTP(t *testing.T) {
	cinder := newCinderStub(t)
	// toLoopback sends every request to the stub, whatever host its URL names: the warning is
	// about the URL, and the test never dials anything but 127.0.0.1.
	toLoopback := func(http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.URL.Host = strings.TrimPrefix(cinder.URL, "http://")
			return http.DefaultTransport.RoundTrip(r)
		})
	}
	for _, tc := range []struct {
		name     string
		cfg      Config
		warnings []string
	}{
		{"loopback", Config{Token: secretToken, Endpoint: cinder.URL + "/v3/p"}, nil},
		{"localhost", Config{Token: secretToken, Endpoint: "http://localhost:1/v3/p", WrapTransport: toLoopback}, nil},
		{"plain http", Config{Token: secretToken, Endpoint: "http://backup.example.test/v3/p", WrapTransport: toLoopback},
			[]string{"Credentials sent over plain HTTP: The provider sends credentials (a password, a token or a request signature) over plain http:// to http://backup.example.test:80,"}},
		{"insecure", Config{Token: secretToken, Endpoint: cinder.URL + "/v3/p", Insecure: boolp(true)},
			[]string{"TLS certificate verification is off: insecure is true"}},
		{"insecure false", Config{Token: secretToken, Endpoint: cinder.URL + "/v3/p", Insecure: boolp(false)}, nil},
	} {
		c, err := Connect(context.Background(), tc.cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(c.Warnings) != len(tc.warnings) {
			t.Errorf("%s: warnings %+v, want %q", tc.name, c.Warnings, tc.warnings)
			continue
		}
		for i, w := range c.Warnings {
			if got := w.Summary + ": " + w.Detail; !strings.Contains(got, tc.warnings[i]) {
				t.Errorf("%s: warning %q lacks %q", tc.name, got, tc.warnings[i])
			}
		}
	}
}
