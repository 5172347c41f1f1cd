package vbs

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

func TestAPIError_serverMessage(t *testing.T) {
	for _, tc := range []struct{ body, code, message string }{
		{`{"badRequest": {"code": 400, "message": "Invalid sort key"}}`, "", "Invalid sort key"},
		{`{"itemNotFound": {"code": 404, "message": "Backup x could not be found."}}`, "", "Backup x could not be found."},
		{`{"computeFault": {"message": "boom", "code": 500}}`, "", "boom"},
		{`{"error": {"code": "APIGW.0301", "message": "Incorrect IAM authentication information"}}`, "APIGW.0301", "Incorrect IAM authentication information"},
		{`{"error_code": "VBS.0001", "error_msg": "Invalid parameter"}`, "VBS.0001", "Invalid parameter"},
		{`{"error_message": "quota exceeded"}`, "", "quota exceeded"},
		{`{"message": "Too many requests"}`, "", "Too many requests"},
		{`{"error": "invalid_token"}`, "", "invalid_token"},
		{`{"error_code": "X.1"}`, "", ""},
		{`{"a": 1}`, "", ""},
		{`<html>502</html>`, "", ""},
		{``, "", ""},
	} {
		code, message := serverMessage([]byte(tc.body))
		if code != tc.code || message != tc.message {
			t.Errorf("%s: got %q %q, want %q %q", tc.body, code, message, tc.code, tc.message)
		}
	}
}

func TestAPIError_requestErrorFromGophercloud(t *testing.T) {
	cause := gophercloud.ErrUnexpectedResponseCode{
		URL: "http://127.0.0.1:1/v3/p/backups/detail", Method: "GET", Expected: []int{200}, Actual: 401,
		Body:           []byte(`{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"}`),
		ResponseHeader: http.Header{"X-Request-Id": {"r-1"}},
	}
	for name, err := range map[string]error{
		"value":                  cause,
		"pointer":                &cause,
		"after reauthentication": gophercloud.ErrErrorAfterReauthentication{ErrOriginal: cause},
	} {
		got := requestError(3, "http://user:pw@127.0.0.1:1/v3/p/backups/detail?marker=m&X-Auth-Token=t0k", err)
		want := "page 3 (GET http://127.0.0.1:1/v3/p/backups/detail?marker=m): HTTP 401: APIGW.0301: Incorrect IAM authentication information: verify aksk signature fail (request id r-1)"
		if got.Error() != want {
			t.Errorf("%s:\ngot  %s\nwant %s", name, got, want)
		}
	}
	other := errors.New("connection refused")
	if got := requestError(1, "http://127.0.0.1:1/x", other); !errors.Is(got, other) || got.Error() != "page 1 (GET http://127.0.0.1:1/x): connection refused" {
		t.Errorf("got %v", got)
	}
}

func TestAPIError_bodyFallback(t *testing.T) {
	body := "<html>\r\n<head><title>502 Bad Gateway</title></head>\x00\xff" + strings.Repeat("x", 500)
	e := newAPIError(1, "http://127.0.0.1:1/x", 502, http.Header{"X-Compute-Request-Id": {"c-1"}}, []byte(body), nil)
	if !strings.HasPrefix(e.Message, "<html> <head><title>502 Bad Gateway</title></head> ?xxx") || !strings.HasSuffix(e.Message, "x…") || len(e.Message) > sanitize.MaxTextBytes+10 {
		t.Errorf("message %q", e.Message)
	}
	if e.RequestID != "c-1" {
		t.Errorf("request id %q", e.RequestID)
	}
}

func TestAPIError_printableMasksSecrets(t *testing.T) {
	for _, body := range []string{
		`{"backups": [{"id": "a", "service_metadata": "{\"DL\": 1, \"VK\": \"0123456789abcdef\"}"`,
		`{"backups": [{"id": "a", "service_metadata": {"VK": "0123456789abcdef"}`,
		`{"auth_token": "0123456789abcdef", "X-Subject-Token": "0123456789abcdef"}`,
		`{"backups": [{"service_metadata": "{\"vk\": \"0123456789ab`,
	} {
		if got := printable([]byte(body)); strings.Contains(got, "0123456789") || !strings.Contains(got, "***") {
			t.Errorf("printable(%s) = %s", body, got)
		}
	}
}
