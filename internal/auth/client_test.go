package auth

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// listBackups configures a client and sends one listing request with it.
func listBackups(ctx context.Context, cfg Config) error {
	sc, err := NewServiceClient(ctx, cfg)
	if err != nil {
		return err
	}
	var out map[string]any
	_, err = sc.Get(ctx, sc.ServiceURL("backups", "detail"), &out, nil)
	return err
}

func TestConnect_tokenWithEndpointSendsTokenWithoutKeystone(t *testing.T) {
	cinder := newCinderStub(t)
	logs := &logRecorder{}
	cfg := Config{
		Token:     secretToken,
		Endpoint:  cinder.URL + "/v3/{project_id}",
		ProjectID: testProjectID,
		AuthURL:   "http://127.0.0.1:1/v3", // ignored: token with endpoint makes no Keystone call
		UserAgent: "terraform-provider-vbs/test",
		Log:       logs.log,
	}
	sc, err := NewServiceClient(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := cinder.URL + "/v3/" + testProjectID + "/"
	if sc.Endpoint != want || sc.ResourceBase != want {
		t.Errorf("Endpoint %q, ResourceBase %q, want %q", sc.Endpoint, sc.ResourceBase, want)
	}
	if sc.Microversion != "3.64" {
		t.Errorf("Microversion = %q, want 3.64 (server max 3.70)", sc.Microversion)
	}
	var out map[string]any
	for page := 0; page < 2; page++ {
		if _, err := sc.Get(context.Background(), sc.ServiceURL("backups", "detail"), &out, nil); err != nil {
			t.Fatal(err)
		}
		r := cinder.last(t, "/backups/detail")
		if got := r.Header.Get("X-Auth-Token"); got != secretToken {
			t.Errorf("X-Auth-Token = %q", got)
		}
		if got := r.Header.Get("User-Agent"); !strings.Contains(got, "terraform-provider-vbs/test") {
			t.Errorf("User-Agent = %q", got)
		}
		if got := r.Header.Get("OpenStack-API-Version"); got != "volume 3.64" {
			t.Errorf("OpenStack-API-Version = %q", got)
		}
	}
	if !strings.Contains(cinder.last(t, "/v3/").Header.Get("User-Agent"), "terraform-provider-vbs/test") {
		t.Error("version discovery request lacks the User-Agent")
	}
	assertNoSecret(t, "logs", logs.all())
}

func TestConnect_microversionFollowsServerMaximum(t *testing.T) {
	cinder := newCinderStub(t)
	cinder.maxVersion = "3.50"
	sc, err := NewServiceClient(context.Background(), Config{Token: secretToken, Endpoint: cinder.URL + "/v3/" + testProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Microversion != "3.50" {
		t.Errorf("Microversion = %q, want 3.50", sc.Microversion)
	}
}

func TestConnect_microversionDiscoveryFailureIsLoggedNotFatal(t *testing.T) {
	cinder := newCinderStub(t)
	cinder.maxVersion = "" // version document answers 404
	logs := &logRecorder{}
	sc, err := NewServiceClient(context.Background(), Config{Token: secretToken, Endpoint: cinder.URL + "/v3/" + testProjectID, Log: logs.log})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Microversion != "" {
		t.Errorf("Microversion = %q, want none", sc.Microversion)
	}
	if !strings.Contains(logs.all(), "microversion discovery failed") {
		t.Errorf("failure not logged: %s", logs.all())
	}
}

func TestConnect_tokenNotRefreshedOn401(t *testing.T) {
	var calls atomic.Int32
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("WWW-Authenticate", "Keystone uri=http://127.0.0.1:1/v3")
		http.Error(w, `{"error": {"code": 401}}`, http.StatusUnauthorized)
	})
	err := listBackups(context.Background(), Config{Token: secretToken, Endpoint: srv.URL + "/v2/" + testProjectID})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1 (no re-authentication, no retry)", n)
	}
	assertNoSecret(t, "error", err.Error())
}

// TestConnect_akskSignsEveryRequest verifies signatures on a loopback server, once per request.
func TestConnect_akskSignsEveryRequest(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	var verified atomic.Int32
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		err := aksk.Verify(r, nil, func(ak string) (string, bool) { return secretKey, ak == "AK" }, now, 15*time.Minute)
		if err != nil || r.Header.Get(aksk.HeaderSecurityToken) != secretSTSToken || r.Header.Get(aksk.HeaderProjectID) != testProjectID {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		verified.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"backups": []any{}})
	})
	cfg := Config{
		AccessKey: "AK", SecretKey: secretKey, SecurityToken: secretSTSToken, ProjectID: testProjectID,
		Endpoint: srv.URL + "/v2/{project_id}", Now: func() time.Time { return now }, UserAgent: "ua-test",
	}
	sc, err := NewServiceClient(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	for range 2 {
		if _, err := sc.Get(context.Background(), sc.ServiceURL("backups", "detail")+"?name=a%20b", &out, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := verified.Load(); n != 2 {
		t.Errorf("verified %d requests, want 2", n)
	}
}
