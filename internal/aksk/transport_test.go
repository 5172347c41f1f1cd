package aksk

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestTransport_signsEachRequestAndKeepsCallersRequest runs a verifying server on loopback and
// sends two requests with a body through the transport, as a paged listing would.
func TestTransport_signsEachRequestAndKeepsCallersRequest(t *testing.T) {
	const ak, sk = "AKTEST", "SKTEST-secret"
	clock := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(body))
		err := Verify(r, body, func(k string) (string, bool) { return sk, k == ak }, clock, 15*time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if r.Header.Get(HeaderProjectID) != "p1" || r.Header.Get(HeaderSecurityToken) != "tok" {
			http.Error(w, "missing project or token header", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	signer := Signer{AccessKey: ak, SecretKey: sk, SecurityToken: "tok", ProjectID: "p1", Now: func() time.Time { return clock }}
	client := &http.Client{Transport: signer.Transport(nil)}
	for i, target := range []string{"/v2/p1/backups/detail?name=a%20b", "/v2/p1/backups/detail?marker=m1"} {
		req, err := http.NewRequest("POST", srv.URL+target, bytes.NewReader([]byte(`{"n":1}`)))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, msg)
		}
		if req.Header.Get(HeaderAuthorization) != "" || req.Header.Get(HeaderDate) != "" {
			t.Errorf("request %d: caller's request was modified: %v", i, req.Header)
		}
	}
	if len(bodies) != 2 || bodies[0] != `{"n":1}` || bodies[1] != `{"n":1}` {
		t.Errorf("bodies = %q", bodies)
	}
}
