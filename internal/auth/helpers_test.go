package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Secrets used throughout; tests assert none of them ever shows up in an error or a log line.
const (
	secretPassword  = "pw-SECRET-1"
	secretToken     = "tok-SECRET-2"
	secretKey       = "sk-SECRET-3"
	secretAppCred   = "ac-SECRET-4"
	secretSTSToken  = "st-SECRET-5"
	testProjectID   = "0123456789abcdef0123456789abcdef"
	testProjectName = "demo"
)

var allSecrets = []string{secretPassword, secretToken, secretKey, secretAppCred, secretSTSToken}

// logRecorder is a Logger that keeps every message and field.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) log(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (l *logRecorder) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// fakeBackoff records waits instead of sleeping, with no jitter so waits are exact.
type fakeBackoff struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeBackoff) backoff() *Backoff {
	return &Backoff{
		Base:   time.Second,
		Cap:    30 * time.Second,
		Jitter: func(d time.Duration) time.Duration { return d },
		Sleep: func(_ context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.waits = append(f.waits, d)
			return nil
		},
	}
}

func (f *fakeBackoff) recorded() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// cinderStub answers version documents and backup listings on 127.0.0.1 and records requests. A
// stub, not the simulator: the tests read the credentials each request carried, which the
// simulator's request log redacts, and serve any version document, or none.
type cinderStub struct {
	*httptest.Server
	mu         sync.Mutex
	requests   []*http.Request
	maxVersion string // version document's maximum microversion; "" serves 404
}

func newCinderStub(t *testing.T) *cinderStub {
	t.Helper()
	s := &cinderStub{maxVersion: "3.70"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *cinderStub) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	maxVersion := s.maxVersion
	s.mu.Unlock()
	switch {
	case strings.HasSuffix(r.URL.Path, "/v3/") && maxVersion != "":
		writeJSON(w, http.StatusOK, map[string]any{"versions": []map[string]any{{
			"id": "v3.0", "status": "CURRENT", "version": maxVersion, "min_version": "3.0",
		}}})
	case strings.HasSuffix(r.URL.Path, "/backups/detail"):
		writeJSON(w, http.StatusOK, map[string]any{"backups": []any{}})
	default:
		http.NotFound(w, r)
	}
}

// last returns the last request whose path ends with suffix.
func (s *cinderStub) last(t *testing.T, suffix string) *http.Request {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.requests) - 1; i >= 0; i-- {
		if strings.HasSuffix(s.requests[i].URL.Path, suffix) {
			return s.requests[i]
		}
	}
	t.Fatalf("no request to …%s", suffix)
	return nil
}

func newHandlerServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// keystoneStub is a Keystone v3 token API on 127.0.0.1 that knows one user, one token and one
// application credential, and hands out a catalog pointing at a cinderStub. A stub, not the
// simulator's Keystone: the tests read the body of each authentication, which the simulator keeps
// no record of.
type keystoneStub struct {
	*httptest.Server
	catalog    []map[string]any
	mu         sync.Mutex
	authBodies []map[string]any
	userAgents []string
}

func newKeystoneStub(t *testing.T, catalog []map[string]any) *keystoneStub {
	t.Helper()
	k := &keystoneStub{catalog: catalog}
	k.Server = httptest.NewServer(k)
	t.Cleanup(k.Close)
	return k
}

func (k *keystoneStub) authURL() string { return k.URL + "/v3" }

func (k *keystoneStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path != "/v3/auth/tokens":
		http.NotFound(w, r)
	case r.Method == http.MethodGet:
		k.validateToken(w, r)
	case r.Method == http.MethodPost:
		k.issueToken(w, r)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// validateToken serves GET /v3/auth/tokens, which gophercloud uses for a token passed
// through without a new scope.
func (k *keystoneStub) validateToken(w http.ResponseWriter, r *http.Request) {
	k.record(r, map[string]any{"validate": r.Header.Get("X-Subject-Token")})
	if r.Header.Get("X-Subject-Token") != secretToken || r.Header.Get("X-Auth-Token") != secretToken {
		unauthorized(w)
		return
	}
	k.writeToken(w, http.StatusOK, []any{"token"})
}

func (k *keystoneStub) issueToken(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &body)
	k.record(r, body)
	if !acceptIdentity(dig(body, "auth", "identity")) || !acceptScope(dig(body, "auth", "scope")) {
		unauthorized(w)
		return
	}
	w.Header().Set("X-Subject-Token", "issued-token")
	methods, _ := dig(body, "auth", "identity", "methods").([]any)
	k.writeToken(w, http.StatusCreated, methods)
}

func (k *keystoneStub) record(r *http.Request, body map[string]any) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.authBodies = append(k.authBodies, body)
	k.userAgents = append(k.userAgents, r.Header.Get("User-Agent"))
}

func unauthorized(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
		"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication.",
	}})
}

func (k *keystoneStub) writeToken(w http.ResponseWriter, status int, methods []any) {
	writeJSON(w, status, map[string]any{"token": map[string]any{
		"methods":    methods,
		"expires_at": "2099-01-01T00:00:00.000000Z",
		"project":    map[string]any{"id": testProjectID, "name": testProjectName, "domain": map[string]any{"id": "default", "name": "Default"}},
		"user":       map[string]any{"id": "u-1", "name": "alice", "domain": map[string]any{"id": "default", "name": "Default"}},
		"catalog":    k.catalog,
	}})
}

func (k *keystoneStub) lastAuth(t *testing.T) map[string]any {
	t.Helper()
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.authBodies) == 0 {
		t.Fatal("Keystone was not called")
	}
	return k.authBodies[len(k.authBodies)-1]
}

// acceptIdentity knows alice (domain Default, id u-1), the token and the application credential.
func acceptIdentity(identity any) bool {
	switch {
	case dig(identity, "password") != nil:
		user := dig(identity, "password", "user")
		if dig(user, "password") != secretPassword {
			return false
		}
		byName := dig(user, "name") == "alice" && (dig(user, "domain", "name") == "Default" || dig(user, "domain", "id") == "default")
		return byName || dig(user, "id") == "u-1"
	case dig(identity, "token") != nil:
		return dig(identity, "token", "id") == secretToken
	case dig(identity, "application_credential") != nil:
		ac := dig(identity, "application_credential")
		if dig(ac, "secret") != secretAppCred {
			return false
		}
		byName := dig(ac, "name") == "ci" && (dig(ac, "user", "id") == "u-1" ||
			(dig(ac, "user", "name") == "alice" && dig(ac, "user", "domain", "name") == "Default"))
		return dig(ac, "id") == "ac-1" || byName
	}
	return false
}

// acceptScope allows no scope (default project) or the one project, by ID or by name in Default.
func acceptScope(scope any) bool {
	if scope == nil {
		return true
	}
	p := dig(scope, "project")
	return dig(p, "id") == testProjectID ||
		(dig(p, "name") == testProjectName && (dig(p, "domain", "name") == "Default" || dig(p, "domain", "id") == "default"))
}

// dig walks nested JSON objects; a missing key gives nil.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// catalogEntry builds a catalog service with endpoints given as region, interface, URL triples.
func catalogEntry(serviceType string, endpoints ...[3]string) map[string]any {
	var eps []map[string]any
	for i, e := range endpoints {
		eps = append(eps, map[string]any{
			"id": fmt.Sprintf("%s-%d", serviceType, i), "region": e[0], "region_id": e[0], "interface": e[1], "url": e[2],
		})
	}
	return map[string]any{"type": serviceType, "name": serviceType, "id": serviceType, "endpoints": eps}
}

// noDial is a WrapTransport that fails the test on any request, for configurations that must
// not touch the network.
func noDial(t *testing.T) func(http.RoundTripper) http.RoundTripper {
	return func(http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("unexpected request to %s", r.URL)
			return nil, fmt.Errorf("no network in this test")
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func int64p(v int64) *int64 { return &v }
func boolp(v bool) *bool    { return &v }

// assertNoSecret fails when any test secret appears in s.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range allSecrets {
		if strings.Contains(s, secret) {
			t.Errorf("%s reveals secret %q: %s", what, secret, s)
		}
	}
}
