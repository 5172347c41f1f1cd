package aksk

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

type vector struct {
	Name          string            `json:"name"`
	Method        string            `json:"method"`
	Host          string            `json:"host"`
	Path          string            `json:"path"`
	Query         [][2]string       `json:"query"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	AccessKey     string            `json:"access_key"`
	SecretKey     string            `json:"secret_key"`
	Date          string            `json:"x_sdk_date"`
	Authorization string            `json:"authorization"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	raw, err := os.ReadFile("testdata/aksk-signing-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	return vs
}

// request builds the vector's request as a client would, without the headers the signer adds.
func (v vector) request(t *testing.T) *http.Request {
	t.Helper()
	q := url.Values{}
	for _, kv := range v.Query {
		q.Add(kv[0], kv[1])
	}
	u := url.URL{Scheme: "https", Host: v.Host, Path: v.Path, RawQuery: q.Encode()}
	r, err := http.NewRequest(v.Method, u.String(), strings.NewReader(v.Body))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (v vector) signer() Signer {
	date, _ := time.Parse(DateFormat, v.Date)
	return Signer{
		AccessKey:     v.AccessKey,
		SecretKey:     v.SecretKey,
		ProjectID:     v.Headers["X-Project-Id"],
		SecurityToken: v.Headers["X-Security-Token"],
		Now:           func() time.Time { return date },
	}
}

func (v vector) secrets(ak string) (string, bool) { return v.SecretKey, ak == v.AccessKey }

func (v vector) now() time.Time {
	date, _ := time.Parse(DateFormat, v.Date)
	return date
}

func TestSignMatchesHuaweiVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			r := v.request(t)
			if err := v.signer().Sign(r, []byte(v.Body)); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get(HeaderAuthorization); got != v.Authorization {
				t.Errorf("Authorization\n got %s\nwant %s", got, v.Authorization)
			}
			for k, want := range v.Headers {
				if k == "Host" {
					continue
				}
				if got := r.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if got := r.Header.Get(HeaderDate); got != v.Date {
				t.Errorf("X-Sdk-Date = %q, want %q", got, v.Date)
			}
		})
	}
}

func TestEscapeAndCanonicalURI(t *testing.T) {
	for in, want := range map[string]string{
		"my backup": "my%20backup",
		"a+b/c~d*e": "a%2Bb%2Fc~d%2Ae",
		"é":         "%C3%A9",
		"A-z_0.9~":  "A-z_0.9~",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"":                "/",
		"/v2/p/backups":   "/v2/p/backups/",
		"/v2/p/backups/":  "/v2/p/backups/",
		"/v2/a b/backups": "/v2/a%20b/backups/",
	} {
		if got := canonicalURI(in); got != want {
			t.Errorf("canonicalURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalQuerySortsKeysThenValues(t *testing.T) {
	r := httptest.NewRequest("GET", "http://127.0.0.1/x?b=2&a=z&a=y&c=a+b", nil)
	if got, want := canonicalQuery(r), "a=y&a=z&b=2&c=a%20b"; got != want {
		t.Errorf("canonicalQuery = %q, want %q", got, want)
	}
}

func TestVerifyAcceptsVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		r := v.request(t)
		if err := v.signer().Sign(r, []byte(v.Body)); err != nil {
			t.Fatal(err)
		}
		if err := Verify(r, []byte(v.Body), v.secrets, v.now().Add(14*time.Minute), 15*time.Minute); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		}
	}
}

func TestVerifyRejectsTampering(t *testing.T) {
	v := loadVectors(t)[2] // carries a security token, so every optional header is covered
	now := v.now()
	cases := []struct {
		name   string
		tamper func(r *http.Request) []byte
		now    time.Time
		want   error
	}{
		{"query changed", func(r *http.Request) []byte { r.URL.RawQuery = "status=error"; return nil }, now, ErrSignatureMismatch},
		{"path changed", func(r *http.Request) []byte { r.URL.Path += "x"; return nil }, now, ErrSignatureMismatch},
		{"method changed", func(r *http.Request) []byte { r.Method = "DELETE"; return nil }, now, ErrSignatureMismatch},
		{"host changed", func(r *http.Request) []byte { r.Host = "127.0.0.2:18776"; return nil }, now, ErrSignatureMismatch},
		{"body changed", func(r *http.Request) []byte { return []byte("{}") }, now, ErrSignatureMismatch},
		{"project changed", func(r *http.Request) []byte { r.Header.Set(HeaderProjectID, "other"); return nil }, now, ErrSignatureMismatch},
		{"token changed", func(r *http.Request) []byte { r.Header.Set(HeaderSecurityToken, "other"); return nil }, now, ErrSignatureMismatch},
		{"date changed", func(r *http.Request) []byte { r.Header.Set(HeaderDate, "20261129T060001Z"); return nil }, now, ErrSignatureMismatch},
		{"date too old", func(r *http.Request) []byte { return nil }, now.Add(16 * time.Minute), ErrDateSkew},
		{"date in future", func(r *http.Request) []byte { return nil }, now.Add(-16 * time.Minute), ErrDateSkew},
		{"bad date", func(r *http.Request) []byte { r.Header.Set(HeaderDate, "yesterday"); return nil }, now, ErrMalformed},
		{"no authorization", func(r *http.Request) []byte { r.Header.Del(HeaderAuthorization); return nil }, now, ErrMissingAuthorization},
		{"other algorithm", func(r *http.Request) []byte { replaceAuth(r, Algorithm, "AWS4-HMAC-SHA256"); return nil }, now, ErrMalformed},
		{"unknown key", func(r *http.Request) []byte { replaceAuth(r, "Access="+v.AccessKey, "Access=AKOTHER"); return nil }, now, ErrUnknownAccessKey},
		{"token unsigned", func(r *http.Request) []byte { replaceAuth(r, ";x-security-token", ""); return nil }, now, ErrMalformed},
		{"date unsigned", func(r *http.Request) []byte { replaceAuth(r, ";x-sdk-date", ""); return nil }, now, ErrMalformed},
		{"no signature", func(r *http.Request) []byte { replaceAuth(r, ", Signature=", ", Sig="); return nil }, now, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := v.request(t)
			if err := v.signer().Sign(r, nil); err != nil {
				t.Fatal(err)
			}
			body := c.tamper(r)
			err := Verify(r, body, v.secrets, c.now, 15*time.Minute)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
			sig := r.Header.Get(HeaderAuthorization)
			sig = sig[strings.LastIndex(sig, "=")+1:]
			if strings.Contains(err.Error(), v.SecretKey) || (len(sig) == 64 && strings.Contains(err.Error(), sig)) {
				t.Errorf("error reveals a secret or signature: %v", err)
			}
		})
	}
}

func TestVerifyErrorHidesExpectedSignature(t *testing.T) {
	v := loadVectors(t)[0]
	r := v.request(t)
	if err := v.signer().Sign(r, nil); err != nil {
		t.Fatal(err)
	}
	good := r.Header.Get(HeaderAuthorization)
	expected := good[strings.LastIndex(good, "=")+1:]
	replaceAuth(r, expected, strings.Repeat("0", 64))
	err := Verify(r, nil, v.secrets, v.now(), time.Minute)
	if !errors.Is(err, ErrSignatureMismatch) {
		t.Fatalf("Verify = %v", err)
	}
	if strings.Contains(err.Error(), expected) || strings.Contains(err.Error(), v.SecretKey) {
		t.Errorf("error reveals the expected signature or secret: %v", err)
	}
}

func replaceAuth(r *http.Request, old, repl string) {
	r.Header.Set(HeaderAuthorization, strings.Replace(r.Header.Get(HeaderAuthorization), old, repl, 1))
}

func TestSignNeedsBothKeys(t *testing.T) {
	r := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
	if err := (Signer{AccessKey: "AK"}).Sign(r, nil); err == nil {
		t.Fatal("Sign without a secret key succeeded")
	}
}

// TestTransportSignsEachRequestAndKeepsCallerRequest runs a verifying server on loopback and
// sends two requests with a body through the transport, as a paged listing would.
func TestTransportSignsEachRequestAndKeepsCallerRequest(t *testing.T) {
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
