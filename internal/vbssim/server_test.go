package vbssim

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"
)

func TestServer_versionDocumentsLikeCinder(t *testing.T) {
	s := NewTest(t, Config{})
	type doc struct {
		Versions []struct {
			ID, Status, Version string
			MinVersion          string `json:"min_version"`
			Links               []struct{ Href, Rel string }
		}
	}
	cases := []struct {
		path, id, version, self string
		status                  int
	}{
		{"/", "v3.0", "3.64", "/v3/", http.StatusMultipleChoices},
		{"/v3/", "v3.0", "3.64", "/v3/", http.StatusOK},
		{"/v3", "v3.0", "3.64", "/v3/", http.StatusOK},
		{"/v2/", "v2.0", "", "/v2/", http.StatusOK},
		{"/RegionTwo/internal/v3/", "v3.0", "3.64", "/RegionTwo/internal/v3/", http.StatusOK},
	}
	for _, c := range cases {
		r := do(t, nil, http.MethodGet, s.URL()+c.path, nil)
		var d doc
		if err := json.Unmarshal(r.body, &d); err != nil || r.status != c.status || len(d.Versions) != 1 {
			t.Fatalf("%s: %d %v %s", c.path, r.status, err, r.body)
		}
		v := d.Versions[0]
		if v.ID != c.id || v.Version != c.version || v.Links[len(v.Links)-1].Href != s.URL()+c.self {
			t.Errorf("%s: %+v", c.path, v)
		}
	}

	// gophercloud reads the maximum microversion from the versioned root.
	sc := &gophercloud.ServiceClient{ProviderClient: &gophercloud.ProviderClient{HTTPClient: *http.DefaultClient}, Endpoint: s.URL() + "/v3/"}
	mv, err := utils.GetSupportedMicroversions(context.Background(), sc)
	if err != nil || mv.MinMajor != 3 || mv.MinMinor != 0 || mv.MaxMajor != 3 || mv.MaxMinor != 64 {
		t.Fatalf("GetSupportedMicroversions: %+v %v", mv, err)
	}
}

func TestServer_unknownPathsAndMethods(t *testing.T) {
	s := NewTest(t, Config{})
	for _, path := range []string{"/v4/", "/v3/" + DefaultProjectID + "/backups", "/v3/" + DefaultProjectID + "/backups/detail/x",
		"/" + DefaultProjectID + "/backups", "/identity/v2.0"} {
		if r := get(t, s.URL()+path); r.status != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, r.status)
		}
	}
	r := do(t, nil, http.MethodPost, s.Endpoint("v3", "")+"/backups/detail", nil, "X-Auth-Token", DefaultToken)
	if r.status != http.StatusMethodNotAllowed || !strings.HasPrefix(string(r.body), `{"badMethod": `) {
		t.Errorf("POST: got %d %s, want 405", r.status, r.body)
	}
}

func TestServer_everyResponseHasARequestIDAndIsLogged(t *testing.T) {
	s := NewTest(t, Config{})
	seen := map[string]bool{}
	targets := []string{s.Endpoint("v3", "") + "/backups/detail?limit=1", s.URL() + "/nowhere", s.KeystoneURL(), s.URL() + "/"}
	for _, target := range targets {
		id := get(t, target, "X-Security-Token", "secret", "User-Agent", "test").header.Get("X-Openstack-Request-Id")
		if !regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) || seen[id] {
			t.Errorf("%s: request id %q is not a new uuid-like id", target, id)
		}
		seen[id] = true
	}
	log := s.Requests()
	if len(log) != len(targets) {
		t.Fatalf("logged %d requests, want %d", len(log), len(targets))
	}
	first := log[0]
	if first.Method != http.MethodGet || first.Path != "/v3/"+DefaultProjectID+"/backups/detail" || first.RawQuery != "limit=1" ||
		first.Status != http.StatusOK || log[1].Status != http.StatusNotFound || first.Faulted {
		t.Errorf("log entry %+v", first)
	}
	if first.Header.Get("X-Auth-Token") != "REDACTED" || first.Header.Get("X-Security-Token") != "REDACTED" || first.Header.Get("User-Agent") != "test" {
		t.Errorf("logged headers %v", first.Header)
	}
	s.Reset()
	if len(s.Requests()) != 0 {
		t.Error("Reset keeps the log")
	}
}

func TestServer_startRefusesNonLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.0.0.1:0", "localhost:0", "[::]:0"} {
		s := New(Config{Addr: addr})
		if err := s.Start(); err == nil {
			s.Close()
			t.Errorf("%s: started", addr)
		}
	}
	s := New(Config{Addr: "127.0.0.1:0"})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || s.Start() == nil {
		t.Fatalf("URL %s, or a second Start succeeded", s.URL())
	}
	if got, want := s.Endpoint("v2", "p"), s.URL()+"/v2/p"; got != want {
		t.Errorf("Endpoint %s, want %s", got, want)
	}
}

func TestServer_badMaxMicroversionIsAConfigError(t *testing.T) {
	for _, v := range []string{"3", "x.1", "2.5"} {
		if err := New(Config{MaxMicroversion: v}).Start(); err == nil {
			t.Errorf("MaxMicroversion %q accepted", v)
		}
	}
}
