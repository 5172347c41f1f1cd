package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// headerSpy is a WrapTransport that records the headers the provider's logging layer would see.
type headerSpy struct {
	mu      sync.Mutex
	headers []http.Header
}

func (s *headerSpy) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		s.mu.Lock()
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
		return next.RoundTrip(r)
	})
}

func (s *headerSpy) dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.headers)
}

// TestConnect_noSecretInErrorsOrLogs drives every method into failures that are retried, given up on
// and reported, and checks that no secret reaches an error, a log line or the logging layer
// (X-Auth-Token aside, which gophercloud sets before the transport and the logger must redact).
func TestConnect_noSecretInErrorsOrLogs(t *testing.T) {
	srv := newScripted(t, status(503, ""), status(403, ""))
	configs := map[string]Config{
		"AK/SK": {AccessKey: "AK", SecretKey: secretKey, SecurityToken: secretSTSToken, ProjectID: testProjectID, Endpoint: srv.URL + "/v2/{project_id}"},
		"token": {Token: secretToken, Endpoint: srv.URL + "/v2/" + testProjectID},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			srv.calls.Store(0)
			logs, spy := &logRecorder{}, &headerSpy{}
			cfg.Log, cfg.WrapTransport, cfg.Backoff = logs.log, spy.wrap, (&fakeBackoff{}).backoff()
			err := listBackups(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), "403") {
				t.Fatalf("err = %v, want the 403 after a retried 503", err)
			}
			assertNoSecret(t, "error", err.Error())
			assertNoSecret(t, "logs", logs.all())
			if !strings.Contains(logs.all(), "HTTP 503") {
				t.Errorf("retry not logged: %s", logs.all())
			}
			if cfg.AccessKey != "" {
				assertNoSecret(t, "headers seen by WrapTransport", spy.dump())
				if strings.Contains(spy.dump(), aksk.Algorithm) {
					t.Error("WrapTransport saw the signature; the signer must sit below it")
				}
			}
		})
	}
}
