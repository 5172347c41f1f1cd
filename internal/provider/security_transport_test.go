package provider

// Terraform-level tests of the HTTP policy, each with a hostile simulator as a user would meet
// it: redirects elsewhere, huge and inflating error bodies, a Keystone that echoes the token or
// never answers, extreme Retry-After, and the warnings of a weakened transport. The tests that give
// the providers options (useOption) must not call t.Parallel.

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// maxDiagnostic bounds what a hostile server can make the provider print: the diagnostic's own
// words, a URL, and at most 200 characters of the server's text.
const maxDiagnostic = 2000

// planFails plans config, which must fail with an error matching want, no longer than
// maxDiagnostic and holding none of secrets.
func planFails(t *testing.T, config string, want *regexp.Regexp, secrets ...string) {
	t.Helper()
	failed := false
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			// The post-test destroy runs with the last configuration: one that configures without a request.
			{Config: authProvider(map[string]any{"token": "sentinel", "endpoint": "http://127.0.0.1:1/v2/sentinel"})},
		},
		ErrorCheck: func(err error) error {
			msg := err.Error()
			for _, s := range secrets {
				if strings.Contains(msg, s) {
					return fmt.Errorf("the error reveals the secret %q: %w", s, err)
				}
			}
			if len(msg) > maxDiagnostic {
				return fmt.Errorf("the error is %d bytes long, want at most %d: %.3000s", len(msg), maxDiagnostic, msg)
			}
			if !want.MatchString(msg) {
				return fmt.Errorf("want an error matching %s, got: %w", want, err)
			}
			failed = true
			return nil
		},
	})
	if !failed {
		t.Errorf("the plan succeeded, want an error matching %s", want)
	}
}

// secondOrigin is a simulator on 127.0.0.2, another loopback origin, that no request may reach.
func secondOrigin(t *testing.T) *vbssim.Server {
	t.Helper()
	s := vbssim.New(vbssim.Config{Addr: "127.0.0.2:0"})
	if err := s.Start(); err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestSecurityRedirectToAnotherOriginWithAKSK(t *testing.T) {
	sim := authSim(t, vbssim.Config{Backups: vbssim.Generate(5, 303, vbssim.DefaultProjectID)})
	other := secondOrigin(t)
	sim.Inject(vbssim.Fault{Path: listPath, OnRequest: 2, HostileFault: vbssim.HostileFault{RedirectTo: other.URL()}})
	config := authConfig(map[string]any{
		"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey, "project_id": vbssim.DefaultProjectID,
		"endpoint": sim.Endpoint("v2", vbssim.DefaultProjectID),
	}, "page_size = 2")
	planFails(t, config, wordsRegexp("Unable to list VBS backups", "page 2 (", "HTTP 302, a redirect to "+other.URL()+"/v2/",
		"another origin", "Set endpoint"), vbssim.DefaultSecretKey)
	if got := other.Requests(); len(got) != 0 {
		t.Errorf("the second origin received %d requests, the first %s %s with headers %v", len(got), got[0].Method, got[0].Path, got[0].Header)
	}
}

func TestSecurityKeystoneRedirectOfThePassword(t *testing.T) {
	sim := authSim(t, vbssim.Config{})
	other := secondOrigin(t)
	sim.Inject(vbssim.Fault{Path: "/auth/tokens", Status: http.StatusTemporaryRedirect, HostileFault: vbssim.HostileFault{RedirectTo: other.URL()}})
	planFails(t, authConfig(keystoneArgs(sim, nil)), wordsRegexp("Unable to configure the VBS client", "POST", "HTTP 307",
		"redirect of a POST request", "Set auth_url"), vbssim.DefaultPassword)
	if got := other.Requests(); len(got) != 0 {
		t.Errorf("the second origin received %d requests: the password body went there", len(got))
	}
}

func TestSecurityHugeErrorBody(t *testing.T) {
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, HostileFault: vbssim.HostileFault{ErrorBodyBytes: 150 << 20}})
	planFails(t, relConfig(sim, idsOnly, "", ""), wordsRegexp("Unable to list VBS backups", "page 1 (", "HTTP 400", "vbssim: a very long error xxx", "…"))
}

func TestSecurityGzipBombErrorBody(t *testing.T) {
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, HostileFault: vbssim.HostileFault{GzipBombBytes: 300 << 20}})
	planFails(t, relConfig(sim, idsOnly, "max_retries = 0", ""), wordsRegexp("Unable to list VBS backups", "page 1 (", "HTTP 500", "vbssim: a very long error xxx", "…"))
}

func TestSecurityKeystoneTokenNotFoundHidesTheToken(t *testing.T) {
	const token = "gAAAAABsecret-user-token-9d3e"
	sim := authSim(t, vbssim.Config{})
	sim.Inject(vbssim.Fault{Path: "/auth/tokens", Status: http.StatusNotFound, ContentType: "application/json", Times: -1,
		Body: `{"error": {"code": 404, "title": "Not Found", "message": "Could not find token: ` + token + `."}}`})
	planFails(t, authConfig(map[string]any{"auth_url": sim.KeystoneURL(), "token": token, "project_id": vbssim.DefaultProjectID}),
		wordsRegexp("Unable to configure the VBS client", "Keystone at "+sim.KeystoneURL(), "did not find the user, project, domain or token",
			"HTTP 404 for POST", "request id req-", "Could not find token: ***"), token)
}

func TestSecurityHangingKeystoneEndsAtTheConfigurationDeadline(t *testing.T) {
	useOption(t, withConfigureTimeout(2*time.Second))
	sim := authSim(t, vbssim.Config{})
	sim.Inject(vbssim.Fault{Path: vbssim.DefaultKeystonePath, Times: -1, HostileFault: vbssim.HostileFault{Hang: true}})
	planFails(t, authConfig(keystoneArgs(sim, nil)), wordsRegexp("Unable to configure the VBS client", "Keystone at "+sim.KeystoneURL(),
		"did not answer within the 2s the provider gives its configuration"), vbssim.DefaultPassword)
}

func TestSecurityExtremeRetryAfterFromKeystone(t *testing.T) {
	for _, v := range []string{"86400", "9223372037", "18446744074"} {
		t.Run(v, func(t *testing.T) {
			sim := authSim(t, vbssim.Config{})
			sim.Inject(vbssim.Fault{Path: "/auth/tokens", Status: http.StatusServiceUnavailable, RetryAfter: v, Times: -1})
			planFails(t, authConfig(keystoneArgs(sim, nil)), wordsRegexp("Unable to configure the VBS client", "HTTP 503",
				"server asked to retry after", "left of the 5m0s the provider gives its configuration"), vbssim.DefaultPassword)
			if n := len(sim.Requests()); n != 1 {
				t.Errorf("Keystone received %d requests, want 1: the provider retried at once", n)
			}
		})
	}
}

// configureWarnings configures a fresh provider server with args (the others null), which must
// succeed, and returns its warnings.
func configureWarnings(t *testing.T, args map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	s := newProtocolServer("test", fastReadByDefault, testOptions...)
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: objectValue(t, schema.Provider.ValueType(), args),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity != tfprotov6.DiagnosticSeverityWarning {
			t.Fatalf("ConfigureProvider: %s", diagsString(resp.Diagnostics))
		}
	}
	return resp.Diagnostics
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func TestSecurityWarnings(t *testing.T) {
	sim := authSim(t, vbssim.Config{})
	tlsSim := authSim(t, vbssim.Config{TLS: true})
	clouds := writeCloudsYAML(t, "clouds:\n  noverify:\n    auth:\n      auth_url: "+tlsSim.KeystoneURL()+
		"\n      username: "+vbssim.DefaultUserName+"\n      password: "+vbssim.DefaultPassword+
		"\n      user_domain_name: "+vbssim.DefaultDomainName+"\n      project_id: "+vbssim.DefaultProjectID+"\n    verify: false\n")
	token := map[string]tftypes.Value{"token": tfString(vbssim.DefaultToken), "endpoint": tfString(sim.Endpoint("v3", ""))}
	for _, tc := range []struct {
		name string
		args map[string]tftypes.Value
		env  map[string]string
		want []string
	}{
		{"loopback http", token, nil, nil},
		{"insecure", map[string]tftypes.Value{"token": tfString(vbssim.DefaultToken), "endpoint": tfString(tlsSim.Endpoint("v3", "")),
			"insecure": tftypes.NewValue(tftypes.Bool, true)}, nil, []string{"TLS certificate verification is off: insecure is true"}},
		{"clouds.yaml verify false", map[string]tftypes.Value{"cloud": tfString("noverify")}, map[string]string{"OS_CLIENT_CONFIG_FILE": clouds},
			[]string{"TLS certificate verification is off: Cloud noverify in clouds.yaml has verify: false"}},
		{"plain http to a host name", map[string]tftypes.Value{"token": tfString(vbssim.DefaultToken), "endpoint": tfString("http://backup.example.test/v3/" + vbssim.DefaultProjectID)},
			nil, []string{"Credentials sent over plain HTTP: The provider sends credentials (a password, a token or a request signature) over plain http:// to http://backup.example.test:80"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			authEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			// Every request goes to the simulator on 127.0.0.1, whatever host its URL names.
			useOption(t, withTransport(func(next http.RoundTripper) http.RoundTripper {
				return roundTrip(func(r *http.Request) (*http.Response, error) {
					if r.URL.Hostname() == "backup.example.test" {
						r = r.Clone(r.Context())
						r.URL.Host = strings.TrimPrefix(sim.URL(), "http://")
					}
					return next.RoundTrip(r)
				})
			}))
			diags := configureWarnings(t, tc.args)
			if len(diags) != len(tc.want) {
				t.Fatalf("warnings %s, want %q", diagsString(diags), tc.want)
			}
			for i, d := range diags {
				if got := d.Summary + ": " + d.Detail; !strings.HasPrefix(got, tc.want[i]) {
					t.Errorf("warning %q, want it to start %q", got, tc.want[i])
				}
			}
		})
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
