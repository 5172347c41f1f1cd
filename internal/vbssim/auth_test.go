package vbssim

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

func TestAuth_akskSignedRequests(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	s := NewTest(t, Config{
		Backups: Generate(3, 1, DefaultProjectID),
		Now:     func() time.Time { return now },
		AccessKeys: []AccessKey{
			{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey},
			{AccessKey: "AKTEMP", SecretKey: "SKTEMP", SecurityToken: "sts-token"},
		},
	})
	signer := aksk.Signer{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey, ProjectID: DefaultProjectID,
		Now: func() time.Time { return now }}
	cases := []struct {
		name   string
		change func(s *aksk.Signer)
		url    string
		status int
	}{
		{"valid", func(*aksk.Signer) {}, s.Endpoint("v2", ""), http.StatusOK},
		{"valid on v3", func(*aksk.Signer) {}, s.Endpoint("v3", ""), http.StatusOK},
		{"clock 14 minutes behind", func(s *aksk.Signer) { s.Now = func() time.Time { return now.Add(-14 * time.Minute) } }, s.Endpoint("v2", ""), http.StatusOK},
		{"clock 16 minutes ahead", func(s *aksk.Signer) { s.Now = func() time.Time { return now.Add(16 * time.Minute) } }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"wrong secret key", func(s *aksk.Signer) { s.SecretKey = "wrong" }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"unknown access key", func(s *aksk.Signer) { s.AccessKey = "AKNOPE" }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"X-Project-Id of another project", func(s *aksk.Signer) { s.ProjectID = OtherProjectID }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"no X-Project-Id", func(s *aksk.Signer) { s.ProjectID = "" }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"security token required but missing", func(s *aksk.Signer) { s.AccessKey, s.SecretKey = "AKTEMP", "SKTEMP" }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"security token wrong", func(s *aksk.Signer) { s.AccessKey, s.SecretKey, s.SecurityToken = "AKTEMP", "SKTEMP", "other" }, s.Endpoint("v2", ""), http.StatusUnauthorized},
		{"security token given", func(s *aksk.Signer) { s.AccessKey, s.SecretKey, s.SecurityToken = "AKTEMP", "SKTEMP", "sts-token" }, s.Endpoint("v2", ""), http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg := signer
			c.change(&sg)
			client := &http.Client{Transport: sg.Transport(nil)}
			r := do(t, client, http.MethodGet, c.url+"/backups/detail?limit=2&name=my%20backup", nil)
			if r.status != c.status {
				t.Fatalf("got %d %s, want %d", r.status, r.body, c.status)
			}
			if c.status != http.StatusUnauthorized {
				return
			}
			var body map[string]string
			if err := json.Unmarshal(r.body, &body); err != nil || body["error_code"] != "APIGW.0301" || body["error_msg"] == "" ||
				body["request_id"] != r.header.Get("X-Openstack-Request-Id") {
				t.Fatalf("body %s is not the gateway's", r.body)
			}
		})
	}
	// A signature covers the request: replaying it with another query fails.
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint("v2", "")+"/backups/detail?limit=1", nil)
	if err := signer.Sign(req, nil); err != nil {
		t.Fatal(err)
	}
	req.URL.RawQuery = "limit=2"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("altered query: got %d, want 401", resp.StatusCode)
	}
}
