package vbssim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
)

// authenticate logs in with gophercloud, as the provider does.
func authenticate(t *testing.T, opts gophercloud.AuthOptions) (*gophercloud.ProviderClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return openstack.AuthenticatedClient(ctx, opts)
}

// listWith lists the backups of the block-storage v3 endpoint the catalog gives for region and interface.
func listWith(t *testing.T, pc *gophercloud.ProviderClient, region string, iface gophercloud.Availability) (string, page) {
	t.Helper()
	sc, err := openstack.NewBlockStorageV3(pc, gophercloud.EndpointOpts{Region: region, Availability: iface})
	if err != nil {
		t.Fatalf("catalog: %v", err)
	}
	return sc.Endpoint, decodePage(t, get(t, sc.Endpoint+"backups/detail", "X-Auth-Token", pc.Token()))
}

func TestKeystone_methodsGiveTokensThatList(t *testing.T) {
	backups := append(Generate(4, 1, DefaultProjectID), Generate(3, 2, OtherProjectID)...)
	s := NewTest(t, Config{Backups: backups})
	scoped, err := authenticate(t, gophercloud.AuthOptions{IdentityEndpoint: s.KeystoneURL(), Username: DefaultUserName,
		Password: DefaultPassword, DomainName: DefaultDomainName, TenantID: DefaultProjectID})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		opts    gophercloud.AuthOptions
		backups int
	}{
		{"password, user name and domain name, project id", gophercloud.AuthOptions{
			Username: DefaultUserName, Password: DefaultPassword, DomainName: DefaultDomainName, TenantID: DefaultProjectID}, 4},
		{"password, user name and domain id, project name", gophercloud.AuthOptions{
			Username: DefaultUserName, Password: DefaultPassword, DomainID: DefaultDomainID, TenantName: OtherProjectName}, 3},
		{"password, user id, project name and domain", gophercloud.AuthOptions{
			UserID: DefaultUserID, Password: DefaultPassword, Scope: &gophercloud.AuthScope{ProjectName: DefaultProjectName, DomainName: DefaultDomainName}}, 4},
		{"token rescoped to another project", gophercloud.AuthOptions{
			TokenID: scoped.Token(), Scope: &gophercloud.AuthScope{ProjectID: OtherProjectID}}, 3},
		{"token passed through", gophercloud.AuthOptions{TokenID: scoped.Token()}, 4},
		{"static token passed through", gophercloud.AuthOptions{TokenID: DefaultToken}, 4},
		{"application credential id", gophercloud.AuthOptions{
			ApplicationCredentialID: DefaultAppCredID, ApplicationCredentialSecret: DefaultAppCredSecret}, 4},
		{"application credential name and user id", gophercloud.AuthOptions{
			ApplicationCredentialName: DefaultAppCredName, UserID: DefaultUserID, ApplicationCredentialSecret: DefaultAppCredSecret}, 4},
		{"application credential name and user name", gophercloud.AuthOptions{
			ApplicationCredentialName: DefaultAppCredName, Username: DefaultUserName, DomainName: DefaultDomainName,
			ApplicationCredentialSecret: DefaultAppCredSecret}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.IdentityEndpoint = s.KeystoneURL()
			pc, err := authenticate(t, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, p := listWith(t, pc, DefaultRegion, gophercloud.AvailabilityPublic); len(p.Backups) != c.backups {
				t.Fatalf("got %d backups, want %d", len(p.Backups), c.backups)
			}
		})
	}
}

func TestKeystone_refusesBadCredentials(t *testing.T) {
	s := NewTest(t, Config{Users: []User{
		{ID: "u1", Name: "alice", Password: "pw", Domain: Domain{ID: DefaultDomainID, Name: DefaultDomainName}, ProjectIDs: []string{DefaultProjectID}},
	}, AppCredentials: []AppCredential{{ID: "ac1", Name: "ci", Secret: "s3", UserID: "u1", ProjectID: DefaultProjectID}}})
	cases := map[string]gophercloud.AuthOptions{
		"wrong password":              {Username: "alice", Password: "nope", DomainName: DefaultDomainName, TenantID: DefaultProjectID},
		"unknown user":                {Username: "bob", Password: "pw", DomainName: DefaultDomainName, TenantID: DefaultProjectID},
		"user in another domain":      {Username: "alice", Password: "pw", DomainName: "Elsewhere", TenantID: DefaultProjectID},
		"project without membership":  {Username: "alice", Password: "pw", DomainName: DefaultDomainName, TenantID: OtherProjectID},
		"unknown project":             {Username: "alice", Password: "pw", DomainName: DefaultDomainName, TenantID: "nope"},
		"wrong app credential secret": {ApplicationCredentialID: "ac1", ApplicationCredentialSecret: "nope"},
		"app credential of another user": {ApplicationCredentialName: "ci", UserID: DefaultUserID,
			ApplicationCredentialSecret: "s3"},
		"unknown token": {TokenID: "nope", Scope: &gophercloud.AuthScope{ProjectID: DefaultProjectID}},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			opts.IdentityEndpoint = s.KeystoneURL()
			_, err := authenticate(t, opts)
			if !gophercloud.ResponseCodeIs(err, http.StatusUnauthorized) {
				t.Fatalf("got %v, want a 401", err)
			}
		})
	}
	r := do(t, nil, http.MethodPost, s.KeystoneURL()+"/auth/tokens", strings.NewReader(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"nope"}}}}}`))
	want := `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`
	if r.status != http.StatusUnauthorized || string(r.body) != want || r.header.Get("X-Subject-Token") != "" {
		t.Fatalf("got %d %s", r.status, r.body)
	}
	if r := do(t, nil, http.MethodPost, s.KeystoneURL()+"/auth/tokens", strings.NewReader(`{`)); r.status != http.StatusBadRequest {
		t.Fatalf("bad JSON: got %d", r.status)
	}
	// gophercloud never sends a scope with an application credential; Keystone refuses one.
	r = do(t, nil, http.MethodPost, s.KeystoneURL()+"/auth/tokens", strings.NewReader(
		`{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"ac1","secret":"s3"}},`+
			`"scope":{"project":{"id":"`+DefaultProjectID+`"}}}}`))
	if r.status != http.StatusUnauthorized {
		t.Fatalf("application credential with a scope: got %d, want 401", r.status)
	}
}

func TestKeystone_catalogHasEveryRegionAndInterfaceAtItsOwnPath(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(2, 1, DefaultProjectID)})
	pc, err := authenticate(t, gophercloud.AuthOptions{IdentityEndpoint: s.KeystoneURL(), Username: DefaultUserName,
		Password: DefaultPassword, DomainName: DefaultDomainName, TenantID: DefaultProjectID})
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{DefaultRegion, SecondRegion} {
		for _, iface := range []gophercloud.Availability{gophercloud.AvailabilityPublic, gophercloud.AvailabilityInternal, gophercloud.AvailabilityAdmin} {
			endpoint, p := listWith(t, pc, region, iface)
			if want := s.CatalogEndpoint(region, string(iface), "v3", DefaultProjectID) + "/"; endpoint != want || len(p.Backups) != 2 {
				t.Errorf("%s %s: endpoint %s with %d backups, want %s with 2", region, iface, endpoint, len(p.Backups), want)
			}
			if last := s.Requests()[len(s.Requests())-1]; !strings.HasPrefix(last.Path, "/"+region+"/"+string(iface)+"/v3/") {
				t.Errorf("request went to %s", last.Path)
			}
		}
	}
	v2, err := openstack.NewBlockStorageV2(pc, gophercloud.EndpointOpts{Region: SecondRegion})
	if err != nil || v2.Endpoint != s.CatalogEndpoint(SecondRegion, "public", "v2", DefaultProjectID)+"/" {
		t.Fatalf("volumev2: %v %v", v2.Endpoint, err)
	}

	// The raw body: each service type a client may look for.
	r := do(t, nil, http.MethodGet, s.KeystoneURL()+"/auth/tokens", nil, "X-Auth-Token", pc.Token(), "X-Subject-Token", pc.Token())
	var body struct {
		Token struct {
			Catalog []struct {
				Type      string `json:"type"`
				Endpoints []struct{ URL string }
			} `json:"catalog"`
			Project struct{ ID string } `json:"project"`
		} `json:"token"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil || r.status != http.StatusOK || r.header.Get("X-Subject-Token") != pc.Token() {
		t.Fatalf("validate: %d %v %s", r.status, err, r.body)
	}
	types := map[string]string{}
	for _, svc := range body.Token.Catalog {
		if len(svc.Endpoints) != 6 {
			t.Errorf("%s has %d endpoints, want 2 regions × 3 interfaces", svc.Type, len(svc.Endpoints))
		}
		types[svc.Type] = svc.Endpoints[0].URL
	}
	for typ, suffix := range map[string]string{"block-storage": "/v3/", "volumev3": "/v3/", "volumev2": "/v2/"} {
		if !strings.HasSuffix(types[typ], suffix+DefaultProjectID) {
			t.Errorf("service %s: URL %q", typ, types[typ])
		}
	}
}

func TestKeystone_versionDocuments(t *testing.T) {
	s := NewTest(t, Config{})
	// An auth URL without a version makes gophercloud read the unversioned document.
	if _, err := authenticate(t, gophercloud.AuthOptions{IdentityEndpoint: s.URL() + DefaultKeystonePath, Username: DefaultUserName,
		Password: DefaultPassword, DomainName: DefaultDomainName, TenantID: DefaultProjectID}); err != nil {
		t.Fatal(err)
	}
	r := do(t, nil, http.MethodGet, s.KeystoneURL(), nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"href":"`+s.KeystoneURL()+`/"`) {
		t.Fatalf("got %d %s", r.status, r.body)
	}
	custom := NewTest(t, Config{KeystonePath: "/keystone/"})
	if custom.KeystoneURL() != custom.URL()+"/keystone/v3" {
		t.Fatalf("KeystoneURL %s", custom.KeystoneURL())
	}
	if r := do(t, nil, http.MethodGet, custom.KeystoneURL(), nil); r.status != http.StatusOK {
		t.Fatalf("custom prefix: %d", r.status)
	}
}

func TestKeystone_unscopedAndExpiredTokens(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	s := NewTest(t, Config{TokenTTL: time.Minute, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	unscoped := do(t, nil, http.MethodPost, s.KeystoneURL()+"/auth/tokens", strings.NewReader(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo","domain":{"name":"Default"},"password":"demo-password"}}}}}`))
	tok := unscoped.header.Get("X-Subject-Token")
	if unscoped.status != http.StatusCreated || tok == "" || strings.Contains(string(unscoped.body), `"project"`) {
		t.Fatalf("unscoped token: %d %s", unscoped.status, unscoped.body)
	}
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail", "X-Auth-Token", tok); r.status != http.StatusBadRequest {
		t.Fatalf("unscoped token on the API: got %d, want 400", r.status)
	}
	pc, err := authenticate(t, gophercloud.AuthOptions{IdentityEndpoint: s.KeystoneURL(), TokenID: tok,
		Scope: &gophercloud.AuthScope{ProjectID: DefaultProjectID}})
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail", "X-Auth-Token", pc.Token()); r.status != http.StatusOK {
		t.Fatalf("rescoped token: got %d", r.status)
	}
	now.Add(int64(time.Minute))
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail", "X-Auth-Token", pc.Token()); r.status != http.StatusUnauthorized {
		t.Fatalf("expired token: got %d, want 401", r.status)
	}
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail"); r.status != http.StatusOK {
		t.Fatalf("static tokens never expire: got %d", r.status)
	}
}
