package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

func TestKeystoneError_refusalInWordsWithoutTheToken(t *testing.T) {
	ks := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Openstack-Request-Id", "req-ks-1")
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
			"code": 404, "title": "Not Found", "message": "Could not find token: " + r.Header.Get("X-Subject-Token") + " or " + secretToken + strings.Repeat(" and more", 100),
		}})
	})
	err := listBackups(context.Background(), Config{AuthURL: ks.URL + "/v3", Token: secretToken})
	var ke *KeystoneError
	if !errors.As(err, &ke) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"did not find the user, project, domain or token", "HTTP 404", "request id req-ks-1", "Could not find token: ***"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Expected HTTP response code") || len(ke.Message) > sanitize.MaxTextBytes+len("…") {
		t.Errorf("gophercloud's raw text or an uncapped message: %s", err)
	}
	assertNoSecret(t, "error", err.Error())
}
