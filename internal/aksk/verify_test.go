package aksk

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestVerify_acceptsVectors(t *testing.T) {
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

func TestVerify_rejectsTampering(t *testing.T) {
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

func TestVerify_errorHidesExpectedSignature(t *testing.T) {
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
