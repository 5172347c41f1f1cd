package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// simPassword is password authentication against the simulator's Keystone, scoped to its first
// project in its first region.
func simPassword(sim *vbssim.Server) Config {
	return Config{
		AuthURL: sim.KeystoneURL(), UserName: vbssim.DefaultUserName, UserDomainName: vbssim.DefaultDomainName,
		Password: vbssim.DefaultPassword, ProjectID: vbssim.DefaultProjectID, Region: vbssim.DefaultRegion,
	}
}

// simRequests are the simulator's requests since mark, as "METHOD path".
func simRequests(sim *vbssim.Server, mark int) []string {
	var out []string
	for _, r := range sim.Requests()[mark:] {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// listThrough lists backups through a service's client and returns the status.
func listThrough(t *testing.T, svc *Service) int {
	t.Helper()
	var out map[string]any
	resp, err := svc.Client.Get(context.Background(), svc.Client.ServiceURL("backups", "detail"), &out, &gophercloud.RequestOpts{OkCodes: []int{200}})
	if err != nil {
		t.Fatalf("listing through %s: %v", svc.Client.Endpoint, err)
	}
	return resp.StatusCode
}

// TestScope_keystone: the provider's own scope costs nothing more after Connect; another region
// costs only its version document (the provider's token and catalog serve it); another project
// costs one token from the same password and no version document (its root is the home one's),
// and the simulator, which checks the token's project against the URL's, lists it.
func TestScope_keystone(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{})
	conn, err := Connect(context.Background(), simPassword(sim))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mark := len(sim.Requests())

	home, warns, err := conn.Service(ctx, Scope{})
	if err != nil || home.Client != conn.ServiceClient || len(warns) > 0 {
		t.Fatalf("home scope: %v, %v, client %p want %p", err, warns, home.Client, conn.ServiceClient)
	}
	if same, _, _ := conn.Service(ctx, Scope{Region: vbssim.DefaultRegion, ProjectID: vbssim.DefaultProjectID}); same != home {
		t.Error("the home scope named in full is another service")
	}
	// A service built already is had even by a caller whose context has ended (a read timeout
	// that ran out elsewhere fails there, not here, whichever select case would win).
	done, cancel := context.WithCancel(ctx)
	cancel()
	for range 50 {
		if svc, _, err := conn.Service(done, Scope{}); err != nil || svc != home {
			t.Fatalf("home scope on an ended context: %v", err)
		}
	}
	if got := simRequests(sim, mark); len(got) != 0 {
		t.Fatalf("the home scope sent %v", got)
	}
	if home.APIVersion != "v3" || home.Microversion != vbssim.DefaultMicroversion || home.Scope != (Scope{vbssim.DefaultRegion, vbssim.DefaultProjectID}) {
		t.Errorf("home: %+v", home)
	}

	region, _, err := conn.Service(ctx, Scope{Region: vbssim.SecondRegion})
	if err != nil {
		t.Fatal(err)
	}
	if want := sim.CatalogEndpoint(vbssim.SecondRegion, "public", "v3", vbssim.DefaultProjectID) + "/"; region.Client.Endpoint != want {
		t.Errorf("region endpoint %s, want %s", region.Client.Endpoint, want)
	}
	if got := simRequests(sim, mark); len(got) != 1 || got[0] != "GET /"+vbssim.SecondRegion+"/public/v3/" {
		t.Errorf("another region sent %v, want its version document only", got)
	}
	if region.Microversion != vbssim.DefaultMicroversion || region.Client.Microversion != region.Microversion {
		t.Errorf("region microversion %q, client's %q", region.Microversion, region.Client.Microversion)
	}

	mark = len(sim.Requests())
	other, _, err := conn.Service(ctx, Scope{ProjectID: vbssim.OtherProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if got := simRequests(sim, mark); len(got) != 1 || got[0] != "POST /identity/v3/auth/tokens" {
		t.Errorf("another project sent %v, want one token request", got)
	}
	if other.Client.ProviderClient == home.Client.ProviderClient || other.Microversion != vbssim.DefaultMicroversion {
		t.Errorf("another project shares the provider's token, or lost the microversion: %+v", other)
	}
	if want := sim.CatalogEndpoint(vbssim.DefaultRegion, "public", "v3", vbssim.OtherProjectID) + "/"; other.Client.Endpoint != want {
		t.Errorf("project endpoint %s, want %s", other.Client.Endpoint, want)
	}
	if status := listThrough(t, other); status != http.StatusOK {
		t.Errorf("listing the other project: HTTP %d", status)
	}
	mark = len(sim.Requests())
	both, _, err := conn.Service(ctx, Scope{Region: vbssim.SecondRegion, ProjectID: vbssim.OtherProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if got := simRequests(sim, mark); len(got) != 0 || both.Client.ProviderClient != other.Client.ProviderClient {
		t.Errorf("the other project in another region sent %v, or took a token of its own: one token serves every region", got)
	}
	if listThrough(t, both) != http.StatusOK || !strings.Contains(both.Client.Endpoint, "/"+vbssim.SecondRegion+"/public/v3/"+vbssim.OtherProjectID) {
		t.Errorf("region and project: %s", both.Client.Endpoint)
	}
}

// TestScope_keystoneToken: a token rescoped to another project with the token method.
func TestScope_keystoneToken(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{})
	conn, err := Connect(context.Background(), Config{AuthURL: sim.KeystoneURL(), Token: vbssim.DefaultToken})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := conn.Service(context.Background(), Scope{ProjectID: vbssim.OtherProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if listThrough(t, other) != http.StatusOK || other.Scope.ProjectID != vbssim.OtherProjectID {
		t.Errorf("other project through a rescoped token: %+v", other)
	}
}

// TestScope_errors: each scope the configuration cannot serve is an error naming its part and what
// was looked for, and the ones decided without a server send nothing.
func TestScope_errors(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{
		Users: []vbssim.User{{ID: vbssim.DefaultUserID, Name: vbssim.DefaultUserName, Password: vbssim.DefaultPassword,
			Domain: vbssim.Domain{ID: vbssim.DefaultDomainID, Name: vbssim.DefaultDomainName}, ProjectIDs: []string{vbssim.DefaultProjectID}}},
	})
	password := simPassword(sim)
	appCred := Config{AuthURL: sim.KeystoneURL(), ApplicationCredentialID: vbssim.DefaultAppCredID, ApplicationCredentialSecret: vbssim.DefaultAppCredSecret}
	tokenNoRegion := Config{Token: vbssim.DefaultToken, ProjectID: vbssim.DefaultProjectID, Endpoint: sim.URL() + "/v3/{project_id}"}
	tokenNoProject := Config{Token: vbssim.DefaultToken, Region: vbssim.DefaultRegion, Endpoint: sim.URL() + "/{region}/public/v3/" + vbssim.DefaultProjectID}
	cases := []struct {
		name      string
		cfg       Config
		scope     Scope
		part      ScopePart
		words     []string
		sendsNone bool
	}{
		{"region not in the catalog", password, Scope{Region: "RegionNine"}, ScopeRegion,
			[]string{"No backup API endpoint in the service catalog", "RegionNine", "it offers:", vbssim.SecondRegion}, true},
		{"project the user has no role on", password, Scope{ProjectID: vbssim.OtherProjectID}, ScopeProject,
			[]string{"Keystone gave no token for the project", vbssim.OtherProjectID, "from the provider's password", "HTTP 401"}, false},
		{"application credential", appCred, Scope{ProjectID: vbssim.OtherProjectID}, ScopeProject,
			[]string{"An application credential cannot read another project", vbssim.OtherProjectID, "application_credential_id", vbssim.DefaultProjectID}, true},
		{"endpoint without {region}", tokenNoRegion, Scope{Region: vbssim.SecondRegion}, ScopeRegion,
			[]string{"The endpoint cannot serve another region", `region "RegionTwo"`, "has no {region}", "it serves only the region it names"}, true},
		{"endpoint without {project_id}", tokenNoProject, Scope{ProjectID: vbssim.OtherProjectID}, ScopeProject,
			[]string{"The endpoint cannot serve another project", vbssim.OtherProjectID, "has no {project_id}"}, true},
		{"a project that leaves its path segment", tokenNoRegion, Scope{ProjectID: ".."}, ScopeProject, []string{"Invalid project"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := Connect(context.Background(), c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			mark := len(sim.Requests())
			_, _, err = conn.Service(context.Background(), c.scope)
			var se *ScopeError
			if !errors.As(err, &se) || se.Part != c.part {
				t.Fatalf("want a ScopeError about part %d, got %#v", c.part, err)
			}
			for _, w := range c.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			assertNoSecret(t, "error", err.Error())
			if strings.Contains(err.Error(), vbssim.DefaultPassword) || strings.Contains(err.Error(), vbssim.DefaultAppCredSecret) {
				t.Errorf("error shows a credential: %v", err)
			}
			if got := simRequests(sim, mark); c.sendsNone && len(got) > 0 {
				t.Errorf("sent %v", got)
			}
			// The failure is kept: asking again costs nothing and says the same.
			mark = len(sim.Requests())
			if _, _, again := conn.Service(context.Background(), c.scope); again == nil || again.Error() != err.Error() || len(simRequests(sim, mark)) > 0 {
				t.Errorf("second ask: %v, requests %v", again, simRequests(sim, mark))
			}
		})
	}
}

// TestScope_aksk: the keys sign for any project of the account; the endpoint template gives each
// project and region its URL.
func TestScope_aksk(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{})
	conn, err := Connect(context.Background(), Config{
		AccessKey: vbssim.DefaultAccessKey, SecretKey: vbssim.DefaultSecretKey, ProjectID: vbssim.DefaultProjectID,
		Region: vbssim.DefaultRegion, Endpoint: sim.URL() + "/{region}/public/v2/{project_id}",
	})
	if err != nil {
		t.Fatal(err)
	}
	mark := len(sim.Requests())
	svc, _, err := conn.Service(context.Background(), Scope{Region: vbssim.SecondRegion, ProjectID: vbssim.OtherProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if got := simRequests(sim, mark); len(got) != 0 {
		t.Errorf("a v2 scope sent %v", got)
	}
	if want := sim.CatalogEndpoint(vbssim.SecondRegion, "public", "v2", vbssim.OtherProjectID) + "/"; svc.Client.Endpoint != want || svc.APIVersion != "v2" {
		t.Errorf("endpoint %s (%s), want %s (v2)", svc.Client.Endpoint, svc.APIVersion, want)
	}
	// The simulator refuses a signature whose X-Project-Id is not the URL's project.
	if status := listThrough(t, svc); status != http.StatusOK {
		t.Errorf("HTTP %d", status)
	}
}

// TestScope_tokenEndpoint: a token with an endpoint template reaches another project's URL.
func TestScope_tokenEndpoint(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{NoAuth: true})
	conn, err := Connect(context.Background(), Config{Token: "admin:" + vbssim.DefaultProjectID, ProjectID: vbssim.DefaultProjectID,
		Region: vbssim.DefaultRegion, Endpoint: sim.URL() + "/{region}/internal/v3/{project_id}"})
	if err != nil {
		t.Fatal(err)
	}
	svc, _, err := conn.Service(context.Background(), Scope{Region: vbssim.SecondRegion})
	if err != nil {
		t.Fatal(err)
	}
	if want := sim.CatalogEndpoint(vbssim.SecondRegion, "internal", "v3", vbssim.DefaultProjectID) + "/"; svc.Client.Endpoint != want || svc.Microversion != vbssim.DefaultMicroversion {
		t.Errorf("endpoint %s (%s), want %s", svc.Client.Endpoint, svc.Microversion, want)
	}
	other, _, err := conn.Service(context.Background(), Scope{ProjectID: vbssim.OtherProjectID})
	if err != nil || !strings.HasSuffix(other.Client.Endpoint, "/v3/"+vbssim.OtherProjectID+"/") {
		t.Errorf("other project: %v %+v", err, other)
	}
}

// TestScope_builtOncePerScope: many concurrent callers of each of two new scopes get one service
// each, for one token request and one version document in all.
func TestScope_builtOncePerScope(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{})
	conn, err := Connect(context.Background(), simPassword(sim))
	if err != nil {
		t.Fatal(err)
	}
	mark := len(sim.Requests())
	scopes := []Scope{{ProjectID: vbssim.OtherProjectID}, {Region: vbssim.SecondRegion}}
	const callers = 16
	got := make([][]*Service, len(scopes))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, s := range scopes {
		for range callers {
			wg.Go(func() {
				svc, _, err := conn.Service(context.Background(), s)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got[i] = append(got[i], svc)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	for i := range scopes {
		if len(got[i]) != callers {
			t.Fatalf("scope %d: %d services", i, len(got[i]))
		}
		for _, svc := range got[i] {
			if svc != got[i][0] {
				t.Errorf("scope %+v was built more than once", scopes[i])
			}
		}
	}
	posts, versions := 0, 0
	for _, r := range simRequests(sim, mark) {
		switch {
		case r == "POST /identity/v3/auth/tokens":
			posts++
		case strings.HasSuffix(r, "/v3/"):
			versions++
		default:
			t.Errorf("unexpected request %s", r)
		}
	}
	if posts != 1 || versions != 1 {
		t.Errorf("%d token requests and %d version documents, want 1 and 1", posts, versions)
	}
}

// TestScope_callerGivingUpCancelsNoBuild: a caller whose context has ended stops waiting; the
// build goes on for the next caller, which gets the service.
func TestScope_callerGivingUpCancelsNoBuild(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{})
	conn, err := Connect(context.Background(), simPassword(sim))
	if err != nil {
		t.Fatal(err)
	}
	sim.Inject(vbssim.Fault{Path: "/identity/v3/auth/tokens", Delay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := conn.Service(ctx, Scope{ProjectID: vbssim.OtherProjectID}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("impatient caller: %v", err)
	}
	svc, _, err := conn.Service(context.Background(), Scope{ProjectID: vbssim.OtherProjectID})
	if err != nil || listThrough(t, svc) != http.StatusOK {
		t.Fatalf("patient caller: %v", err)
	}
}

// TestScope_microversionPerRegion: each region's server is asked its own maximum.
func TestScope_microversionPerRegion(t *testing.T) {
	newer, older := newCinderStub(t), newCinderStub(t)
	older.maxVersion = "3.40"
	k := newKeystoneStub(t, []map[string]any{catalogEntry("block-storage",
		[3]string{"RegionOne", "public", newer.URL + "/v3/" + testProjectID},
		[3]string{"RegionTwo", "public", older.URL + "/v3/" + testProjectID})})
	conn, err := Connect(context.Background(), passwordConfig(k))
	if err != nil {
		t.Fatal(err)
	}
	svc, _, err := conn.Service(context.Background(), Scope{Region: "RegionTwo"})
	if err != nil {
		t.Fatal(err)
	}
	if conn.ServiceClient.Microversion != "3.64" || svc.Microversion != "3.40" || svc.Client.Microversion != "3.40" {
		t.Errorf("home %q, RegionTwo %q (client %q), want 3.64 and 3.40", conn.ServiceClient.Microversion, svc.Microversion, svc.Client.Microversion)
	}
}

// TestScope_plainHTTPWarning: a scope whose endpoint receives credentials over plain HTTP on a host
// that is not loopback warns its first caller, once, unless Connect warned of that origin already.
func TestScope_plainHTTPWarning(t *testing.T) {
	// v2 asks for no version document, so this configuration sends nothing.
	cfg := Config{Token: secretToken, ProjectID: testProjectID, Region: "one", Endpoint: "http://{region}.example.invalid/v2/{project_id}",
		WrapTransport: noDial(t)}
	conn, err := Connect(context.Background(), cfg)
	if err != nil || len(conn.Warnings) != 1 || !strings.Contains(conn.Warnings[0].Detail, "http://one.example.invalid") {
		t.Fatalf("%v, warnings %v", err, conn.Warnings)
	}
	if _, warns, err := conn.Service(context.Background(), Scope{ProjectID: "another"}); err != nil || len(warns) != 0 {
		t.Errorf("an origin warned of at configuration: %v, %v", err, warns)
	}
	_, warns, err := conn.Service(context.Background(), Scope{Region: "two"})
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0].Detail, "http://two.example.invalid") ||
		strings.Contains(warns[0].Detail, "one.example") {
		t.Fatalf("first caller: %v, %v", err, warns)
	}
	if _, again, _ := conn.Service(context.Background(), Scope{Region: "two"}); len(again) != 0 {
		t.Errorf("second caller warned again: %v", again)
	}
}
