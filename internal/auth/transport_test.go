package auth

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// otherOrigin is a server on 127.0.0.2, another loopback origin, that counts what reaches it.
type otherOrigin struct {
	*httptest.Server
	requests atomic.Int32
	headers  atomic.Value // http.Header of the last request
}

func newOtherOrigin(t *testing.T) *otherOrigin {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	o := &otherOrigin{}
	o.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.requests.Add(1)
		o.headers.Store(r.Header.Clone())
		writeJSON(w, http.StatusOK, map[string]any{"backups": []any{}})
	}), ReadHeaderTimeout: 10 * time.Second}}
	o.Start()
	t.Cleanup(o.Close)
	return o
}

// redirecting answers every request under prefix with status and Location target+path.
func redirecting(status int, target string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if target == "" {
			next(w, r)
			return
		}
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(status)
	}
}

func TestTransport_redirectToAnotherOriginIsRefusedBeforeSigning(t *testing.T) {
	other := newOtherOrigin(t)
	for _, status := range []int{301, 302, 303, 307, 308} {
		api := newHandlerServer(t, redirecting(status, other.URL+"/x?X-Auth-Token=leak", nil))
		err := listBackups(context.Background(), Config{
			AccessKey: "AK", SecretKey: secretKey, SecurityToken: secretSTSToken, ProjectID: testProjectID,
			Endpoint: api.URL + "/v2/{project_id}",
		})
		var re *RedirectError
		if !errors.As(err, &re) {
			t.Fatalf("HTTP %d: got %v, want a RedirectError", status, err)
		}
		for _, want := range []string{fmt.Sprintf("HTTP %d", status), other.URL + "/x", "another origin", "Set endpoint"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("HTTP %d: %q lacks %q", status, err, want)
			}
		}
		if strings.Contains(err.Error(), "leak") {
			t.Errorf("the Location is not redacted: %s", err)
		}
		assertNoSecret(t, "error", err.Error())
	}
	if n := other.requests.Load(); n != 0 {
		t.Errorf("the other origin received %d requests, headers %v", n, other.headers.Load())
	}
}

func TestTransport_sameOriginRedirectsAreFollowedUpToThree(t *testing.T) {
	cinder := newCinderStub(t)
	var hops atomic.Int32
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		h := 0
		_, _ = fmt.Sscanf(r.URL.Query().Get("hop"), "%d", &h) // no hop yet: 0
		if strings.HasSuffix(r.URL.Path, "/backups/detail") && h < int(hops.Load()) {
			http.Redirect(w, r, fmt.Sprintf("%s?hop=%d", r.URL.Path, h+1), http.StatusFound)
			return
		}
		cinder.serve(w, r)
	})
	cfg := Config{Token: secretToken, Endpoint: api.URL + "/v3/{project_id}", ProjectID: testProjectID}
	hops.Store(3)
	if err := listBackups(context.Background(), cfg); err != nil {
		t.Errorf("3 same-origin redirects: %v", err)
	}
	hops.Store(4)
	err := listBackups(context.Background(), cfg)
	if !strings.Contains(fmt.Sprint(err), "more than 3 redirects") {
		t.Errorf("4 redirects: %v", err)
	}
}

func TestTransport_httpToHTTPSOnTheSameHostIsRefused(t *testing.T) {
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://"+r.Host+r.URL.RequestURI())
		w.WriteHeader(http.StatusMovedPermanently)
	})
	err := listBackups(context.Background(), Config{Token: secretToken, Endpoint: api.URL + "/v3/{project_id}", ProjectID: testProjectID})
	if !strings.Contains(fmt.Sprint(err), "another origin") || !strings.Contains(fmt.Sprint(err), "HTTP 301") {
		t.Errorf("got %v", err)
	}
}

func TestTransport_keystoneRedirectOfThePasswordIsRefused(t *testing.T) {
	other := newOtherOrigin(t)
	for _, status := range []int{307, 308, 302} {
		ks := newHandlerServer(t, redirecting(status, other.URL, nil))
		err := listBackups(context.Background(), Config{
			AuthURL: ks.URL + "/v3", UserName: "alice", Password: secretPassword, UserDomainName: "Default", ProjectID: testProjectID,
		})
		if !strings.Contains(fmt.Sprint(err), "redirect of a POST request") || !strings.Contains(fmt.Sprint(err), "Set auth_url") {
			t.Errorf("HTTP %d: got %v", status, err)
		}
		assertNoSecret(t, "error", fmt.Sprint(err))
	}
	if n := other.requests.Load(); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
}

func TestTransport_unversionedAuthURLPostsOnlyToItsOrigin(t *testing.T) {
	other := newOtherOrigin(t)
	ks := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{map[string]any{
			"id": "v3.14", "status": "stable", "links": []any{map[string]any{"rel": "self", "href": other.URL + "/v3/"}},
		}}}})
	})
	err := listBackups(context.Background(), Config{
		AuthURL: ks.URL + "/", UserName: "alice", Password: secretPassword, UserDomainName: "Default", ProjectID: testProjectID,
	})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(ce.Detail, other.URL+"/v3/") || ce.Attributes[0] != "auth_url" {
		t.Errorf("got %v", err)
	}
	if n := other.requests.Load(); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
}

func TestTransport_unversionedAuthURLOnItsOriginAuthenticates(t *testing.T) {
	cinder := newCinderStub(t)
	ks := newKeystoneStub(t, []map[string]any{catalogEntry("volumev3", [3]string{"RegionOne", "public", cinder.URL + "/v3/" + testProjectID})})
	root := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			writeJSON(w, http.StatusMultipleChoices, map[string]any{"versions": map[string]any{"values": []any{map[string]any{
				"id": "v3.14", "status": "stable", "links": []any{map[string]any{"rel": "self", "href": "http://" + r.Host + "/v3/"}},
			}}}})
			return
		}
		ks.ServeHTTP(w, r)
	})
	err := listBackups(context.Background(), Config{AuthURL: root.URL, UserName: "alice", Password: secretPassword, UserDomainName: "Default", ProjectID: testProjectID})
	if err != nil {
		t.Fatal(err)
	}
}

// gzipped is body compressed.
func gzipped(t testing.TB, body []byte) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = z.Write(body)
	_ = z.Close()
	return b.Bytes()
}

// errorBodyLen is the length of the body gophercloud kept of an error status.
func errorBodyLen(t *testing.T, err error) int {
	t.Helper()
	code, ok := statusError(err)
	if !ok {
		t.Fatalf("not a status error: %v", err)
	}
	return len(code.Body)
}

func TestTransport_errorBodiesAreCappedBeforeGophercloudReadsThem(t *testing.T) {
	huge := bytes.Repeat([]byte("x"), 8<<20)
	bomb := gzipped(t, bytes.Repeat([]byte("x"), 100<<20))
	var served atomic.Int32
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("gzip") != "" {
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write(bomb)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"badRequest": {"message": "` + secretToken + ` `))
		_, _ = w.Write(huge)
	})
	sc, err := NewServiceClient(context.Background(), Config{Token: secretToken, Endpoint: api.URL + "/v3/{project_id}", ProjectID: testProjectID, MaxRetries: int64p(0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?gzip=1"} {
		_, err := sc.Get(context.Background(), sc.ServiceURL("backups", "detail")+q, nil, nil)
		if n := errorBodyLen(t, err); n > sanitize.MaxErrorBodyBytes {
			t.Errorf("%q: gophercloud kept %d bytes of the error body", q, n)
		}
		assertNoSecret(t, "error body", err.Error())
	}
}

func TestTransport_successBodiesAreCappedAfterDecompression(t *testing.T) {
	bomb := gzipped(t, bytes.Repeat([]byte(" "), sanitize.MaxBodyBytes+1))
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb)
	})
	sc, err := NewServiceClient(context.Background(), Config{Token: secretToken, Endpoint: api.URL + "/v2/{project_id}", ProjectID: testProjectID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := sc.Request(context.Background(), http.MethodGet, sc.ServiceURL("backups", "detail"), &gophercloud.RequestOpts{KeepResponseBody: true})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	var tooLarge *BodyTooLargeError
	if !errors.As(err, &tooLarge) || n != sanitize.MaxBodyBytes {
		t.Errorf("read %d bytes, then %v; want %d bytes, then a BodyTooLargeError", n, err, sanitize.MaxBodyBytes)
	}
}

func TestTransport_configurationDeadline(t *testing.T) {
	release := make(chan struct{})
	ks := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	err := listBackups(context.Background(), Config{
		AuthURL: ks.URL + "/v3", UserName: "alice", Password: secretPassword, UserDomainName: "Default", ConfigureTimeout: 200 * time.Millisecond,
	})
	if !strings.Contains(fmt.Sprint(err), "did not answer within the 200ms the provider gives its configuration") {
		t.Errorf("got %v", err)
	}
}

func TestTransport_retryAfterNeverOverflowsNorWaitsPastTheConfigurationDeadline(t *testing.T) {
	for _, v := range []string{"86400", "9223372037", "18446744074", "99999999999999999999999"} {
		d, ok := parseRetryAfter(v, time.Now())
		if !ok || d < 86400*time.Second {
			t.Errorf("Retry-After %s = %v, %v: it must be a long wait", v, d, ok)
		}
	}
	for _, v := range []string{"-1", "1.5", "+3", ""} {
		if d, ok := parseRetryAfter(v, time.Now()); ok {
			t.Errorf("Retry-After %q = %v, want it ignored", v, d)
		}
	}
	for _, v := range []string{"86400", "9223372037", "18446744074"} {
		ks := newScripted(t, status(http.StatusServiceUnavailable, v))
		bo := &fakeBackoff{}
		err := listBackups(context.Background(), Config{
			AuthURL: ks.URL + "/v3", UserName: "alice", Password: secretPassword, UserDomainName: "Default", Backoff: bo.backoff(),
		})
		if !strings.Contains(fmt.Sprint(err), "left of the 5m0s the provider gives its configuration") || len(bo.recorded()) != 0 {
			t.Errorf("Retry-After %s: waited %v, then %v", v, bo.recorded(), err)
		}
	}
}

func TestTransport_redactionOfLogsAndWrappedErrors(t *testing.T) {
	logs := &logRecorder{}
	api := newScripted(t, status(http.StatusServiceUnavailable, ""), func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/v3/") {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"error": strings.Repeat("body ", 1000) + secretToken})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"backups": []any{}})
	})
	bo := &fakeBackoff{}
	if _, err := NewServiceClient(context.Background(), Config{
		Token: secretToken, Endpoint: api.URL + "/v3/{project_id}", ProjectID: testProjectID, Log: logs.log, Backoff: bo.backoff(), MaxRetries: int64p(0),
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.all(), "body body") || !strings.Contains(logs.all(), "microversion discovery failed") {
		t.Errorf("the microversion log quotes the whole error body: %s", logs.all())
	}
	logs.lines = nil
	r := newRetrier(&Config{Log: logs.log, Backoff: bo.backoff()})
	_ = r.onFailure(context.Background(), "GET", "http://u:pw@127.0.0.1:1/x?X-Auth-Token="+secretToken, nil,
		gophercloud.ErrUnexpectedResponseCode{Actual: 503, ResponseHeader: http.Header{}}, 1)
	if strings.Contains(logs.all(), "pw@") {
		t.Errorf("the retry log writes the raw URL: %s", logs.all())
	}
	assertNoSecret(t, "retry log", logs.all())
	dead := newHandlerServer(t, hangUp)
	err := listBackups(context.Background(), Config{Token: secretToken, Endpoint: strings.Replace(dead.URL, "http://", "http://user:"+secretPassword+"@", 1) + "/v3/p", MaxRetries: int64p(0)})
	if err == nil {
		t.Fatal("no error from a server that hangs up")
	}
	assertNoSecret(t, "wrapped net/http error", err.Error())
}
