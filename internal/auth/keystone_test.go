package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// volumeCatalog has v3 and v2 endpoints in RegionOne (public and internal), RegionTwo (public)
// and a v2-only RegionThree, each on its own path of one loopback Cinder stub.
func volumeCatalog(cinderURL string) []map[string]any {
	u := func(path string) string { return cinderURL + "/" + path }
	return []map[string]any{
		catalogEntry("compute", [3]string{"RegionOne", "public", u("nova/v2.1")}),
		catalogEntry("volumev2",
			[3]string{"RegionOne", "public", u("r1-public/v2/" + testProjectID)},
			[3]string{"RegionTwo", "public", u("r2-public/v2/" + testProjectID)},
			[3]string{"RegionThree", "public", u("r3-public/v2/" + testProjectID)}),
		catalogEntry("volumev3",
			[3]string{"RegionOne", "public", u("r1-public-volumev3/v3/" + testProjectID)}),
		catalogEntry("block-storage",
			[3]string{"RegionOne", "public", u("r1-public/v3/" + testProjectID)},
			[3]string{"RegionOne", "internal", u("r1-internal/v3/" + testProjectID)},
			[3]string{"RegionTwo", "public", u("r2-public/v3/" + testProjectID)}),
	}
}

func passwordConfig(k *keystoneStub) Config {
	return Config{
		AuthURL: k.authURL(), UserName: "alice", UserDomainName: "Default", Password: secretPassword,
		ProjectName: testProjectName, ProjectDomainName: "Default", Region: "RegionOne",
	}
}

func TestKeystone_catalogSelection(t *testing.T) {
	cinder := newCinderStub(t)
	k := newKeystoneStub(t, volumeCatalog(cinder.URL))
	cases := []struct {
		name, region, endpointType, apiVersion string
		wantPath                               string // "" means no endpoint
		wantMicroversion                       string
	}{
		{"default prefers v3 block-storage", "RegionOne", "", "", "/r1-public/v3/", "3.64"},
		{"v3 asked", "RegionOne", "public", "v3", "/r1-public/v3/", "3.64"},
		{"v2 asked", "RegionOne", "", "v2", "/r1-public/v2/", ""},
		{"internal interface", "RegionOne", "internal", "", "/r1-internal/v3/", "3.64"},
		{"old-style interface name", "RegionOne", "internalURL", "", "/r1-internal/v3/", "3.64"},
		{"other region", "RegionTwo", "", "", "/r2-public/v3/", "3.64"},
		{"v2 only region defaults to v2", "RegionThree", "", "", "/r3-public/v2/", ""},
		{"v3 asked where only v2 exists", "RegionThree", "", "v3", "", ""},
		{"no internal v2", "RegionOne", "internal", "v2", "", ""},
		{"unknown region", "RegionNine", "", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := passwordConfig(k)
			cfg.Region, cfg.EndpointType, cfg.APIVersion = c.region, c.endpointType, c.apiVersion
			sc, err := NewServiceClient(context.Background(), cfg)
			if c.wantPath == "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Attributes[0] != "region" || !strings.Contains(ce.Detail, c.region) {
					t.Fatalf("want a ConfigError naming region, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := cinder.URL + c.wantPath + testProjectID + "/"
			if sc.Endpoint != want || sc.ResourceBase != want {
				t.Errorf("Endpoint %q, ResourceBase %q, want %q", sc.Endpoint, sc.ResourceBase, want)
			}
			if sc.Microversion != c.wantMicroversion {
				t.Errorf("Microversion %q, want %q", sc.Microversion, c.wantMicroversion)
			}
		})
	}
}

func TestKeystone_methods(t *testing.T) {
	cinder := newCinderStub(t)
	k := newKeystoneStub(t, volumeCatalog(cinder.URL))
	base := Config{AuthURL: k.authURL(), Region: "RegionOne"}
	with := func(f func(*Config)) Config { c := base; f(&c); return c }
	cases := []struct {
		name    string
		cfg     Config
		methods string
		check   func(t *testing.T, body map[string]any)
	}{
		{"password by name, project by name", passwordConfig(k), "password", func(t *testing.T, body map[string]any) {
			expect(t, body, "Default", "auth", "scope", "project", "domain", "name")
		}},
		{"password by user id, project by id", with(func(c *Config) { c.UserID = "u-1"; c.Password = secretPassword; c.ProjectID = testProjectID }), "password", func(t *testing.T, body map[string]any) {
			expect(t, body, testProjectID, "auth", "scope", "project", "id")
			expect(t, body, nil, "auth", "identity", "password", "user", "domain")
		}},
		{"password with domain_name for both domains", with(func(c *Config) {
			c.UserName, c.Password, c.ProjectName, c.DomainName = "alice", secretPassword, testProjectName, "Default"
		}), "password", func(t *testing.T, body map[string]any) {
			expect(t, body, "Default", "auth", "identity", "password", "user", "domain", "name")
			expect(t, body, "Default", "auth", "scope", "project", "domain", "name")
		}},
		{"password with OS_DEFAULT_DOMAIN", with(func(c *Config) {
			c.UserName, c.Password, c.ProjectName, c.DefaultDomain = "alice", secretPassword, testProjectName, "default"
		}), "password", func(t *testing.T, body map[string]any) {
			expect(t, body, "default", "auth", "identity", "password", "user", "domain", "id")
		}},
		{"token rescoped to project", with(func(c *Config) { c.Token = secretToken; c.ProjectID = testProjectID; c.UserName = "alice" }), "token", func(t *testing.T, body map[string]any) {
			expect(t, body, testProjectID, "auth", "scope", "project", "id")
		}},
		{"token passed through unscoped", with(func(c *Config) { c.Token = secretToken }), "", func(t *testing.T, body map[string]any) {
			expect(t, body, secretToken, "validate")
		}},
		{"application credential by id", with(func(c *Config) {
			c.ApplicationCredentialID = "ac-1"
			c.ApplicationCredentialSecret = secretAppCred
			c.ProjectID = testProjectID
		}), "application_credential", func(t *testing.T, body map[string]any) {
			expect(t, body, nil, "auth", "scope")
		}},
		{"application credential by name and user name", with(func(c *Config) {
			c.ApplicationCredentialName, c.ApplicationCredentialSecret, c.UserName, c.UserDomainName = "ci", secretAppCred, "alice", "Default"
		}), "application_credential", nil},
		{"application credential by name and user id", with(func(c *Config) {
			c.ApplicationCredentialName, c.ApplicationCredentialSecret, c.UserID = "ci", secretAppCred, "u-1"
		}), "application_credential", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.UserAgent = "ua-keystone"
			sc, err := NewServiceClient(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			body := k.lastAuth(t)
			if c.methods != "" {
				expect(t, body, []any{c.methods}, "auth", "identity", "methods")
			}
			if c.check != nil {
				c.check(t, body)
			}
			if want := cinder.URL + "/r1-public/v3/" + testProjectID + "/"; sc.Endpoint != want {
				t.Errorf("Endpoint %q, want %q", sc.Endpoint, want)
			}
			if ua := k.userAgents[len(k.userAgents)-1]; !strings.Contains(ua, "ua-keystone") {
				t.Errorf("Keystone request User-Agent %q", ua)
			}
		})
	}
}

func expect(t *testing.T, body map[string]any, want any, path ...string) {
	t.Helper()
	got := dig(body, path...)
	if want == nil {
		if got != nil {
			t.Errorf("%s = %v, want absent", strings.Join(path, "."), got)
		}
		return
	}
	if gs, ws := strings.TrimSpace(toString(got)), toString(want); gs != ws {
		t.Errorf("%s = %s, want %s", strings.Join(path, "."), gs, ws)
	}
}

func toString(v any) string {
	switch v := v.(type) {
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = toString(p)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		return v
	case nil:
		return "<nil>"
	}
	return "?"
}

func TestKeystone_withEndpointSkipsCatalog(t *testing.T) {
	cinder := newCinderStub(t)
	k := newKeystoneStub(t, nil) // an empty catalog: only endpoint can work
	cfg := passwordConfig(k)
	cfg.Endpoint = cinder.URL + "/{region}/v3/{project_id}"
	sc, err := NewServiceClient(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The project comes from the token: the configuration names it only by name.
	if want := cinder.URL + "/RegionOne/v3/" + testProjectID + "/"; sc.Endpoint != want {
		t.Errorf("Endpoint %q, want %q", sc.Endpoint, want)
	}
	if sc.Microversion != "3.64" {
		t.Errorf("Microversion %q", sc.Microversion)
	}
	var out map[string]any
	if _, err := sc.Get(context.Background(), sc.ServiceURL("backups", "detail"), &out, nil); err != nil {
		t.Fatal(err)
	}
	if got := cinder.last(t, "/backups/detail").Header.Get("X-Auth-Token"); got != "issued-token" {
		t.Errorf("X-Auth-Token = %q, want Keystone's token", got)
	}
}

func TestKeystone_rejectionHidesSecrets(t *testing.T) {
	cinder := newCinderStub(t)
	k := newKeystoneStub(t, volumeCatalog(cinder.URL))
	logs := &logRecorder{}
	for name, cfg := range map[string]Config{
		"wrong password": {AuthURL: k.authURL(), UserID: "u-2", Password: secretPassword},
		"wrong app cred": {AuthURL: k.authURL(), ApplicationCredentialID: "ac-2", ApplicationCredentialSecret: secretAppCred},
		"wrong token":    {AuthURL: k.authURL(), Token: secretToken, ProjectID: "other"},
	} {
		cfg.Log = logs.log
		_, err := NewServiceClient(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("%s: err = %v, want a 401", name, err)
			continue
		}
		assertNoSecret(t, name+" error", err.Error())
	}
	assertNoSecret(t, "logs", logs.all())
}
