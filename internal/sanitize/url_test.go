package sanitize

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestURL_dropsCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8776/v3/p/backups/detail?marker=m&limit=5":                     "http://127.0.0.1:8776/v3/p/backups/detail?marker=m&limit=5",
		"https://admin:secret@127.0.0.1/v3/p/backups/detail":                             "https://127.0.0.1/v3/p/backups/detail",
		"http://127.0.0.1/x?X-Auth-Token=abc&marker=m&X-Amz-Signature=s&client_secret=c": "http://127.0.0.1/x?marker=m",
		"http://127.0.0.1/x?password=p":                                                  "http://127.0.0.1/x",
		"://bad":                                                                         "(an unparsable URL)",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOrigin_normalizedSchemeHostPort(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1/v3":       "http://127.0.0.1:80",
		"HTTP://LocalHost:80/x":     "http://localhost:80",
		"https://127.0.0.1:443/":    "https://127.0.0.1:443",
		"https://[::1]/v3":          "https://[::1]:443",
		"http://127.0.0.1:8776/v3/": "http://127.0.0.1:8776",
		"/relative":                 "",
	} {
		if got := Origin(in); got != want {
			t.Errorf("Origin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLError_redactsAndKeepsCause(t *testing.T) {
	cause := errors.New("connection refused")
	err := fmt.Errorf("page 1: %w", &url.Error{Op: "Get", URL: "http://u:pw@127.0.0.1:1/x?X-Auth-Token=tok-SECRET&marker=m", Err: cause})
	got := URLError(err)
	if strings.Contains(got.Error(), "SECRET") || strings.Contains(got.Error(), "pw@") || !strings.Contains(got.Error(), "http://127.0.0.1:1/x?marker=m") || !errors.Is(got, cause) {
		t.Errorf("URLError = %v", got)
	}
	var uerr *url.Error
	if !errors.As(got, &uerr) {
		t.Error("the *url.Error is no longer reachable")
	}
}
