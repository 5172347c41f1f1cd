package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestNoSecretInErrorsOrLogs drives every method into failures that are retried, given up on
// and reported, and checks that no secret reaches an error, a log line or the logging layer
// (X-Auth-Token aside, which gophercloud sets before the transport and the logger must redact).
func TestNoSecretInErrorsOrLogs(t *testing.T) {
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

// TestAKSKRetryIsResigned checks that a retried request carries a fresh date and signature,
// which is why retries go through gophercloud's hooks and not a replaying RoundTripper.
func TestAKSKRetryIsResigned(t *testing.T) {
	var mu sync.Mutex
	var dates []string
	srv := newScripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			dates = append(dates, r.Header.Get(aksk.HeaderDate))
			mu.Unlock()
			status(503, "")(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			dates = append(dates, r.Header.Get(aksk.HeaderDate))
			mu.Unlock()
			backupsOK(w, r)
		})
	clock := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	var tick sync.Mutex
	cfg := Config{
		AccessKey: "AK", SecretKey: secretKey, ProjectID: testProjectID, Endpoint: srv.URL + "/v2/{project_id}",
		Backoff: (&fakeBackoff{}).backoff(),
		Now: func() time.Time {
			tick.Lock()
			defer tick.Unlock()
			clock = clock.Add(time.Second)
			return clock
		},
	}
	if err := listBackups(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("X-Sdk-Date of the two tries: %v; want two different dates", dates)
	}
}
