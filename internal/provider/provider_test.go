package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// testAccProtoV6ProviderFactories serve the provider in-process to the Terraform CLI that the tests
// run, as main.go serves it: with the fast read path.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vbs": func() (tfprotov6.ProviderServer, error) {
		return newProtocolServer("test", fastReadByDefault, testOptions...), nil
	},
}

// testOptions are the options of every provider the tests serve; a test that sets one (useOption)
// must not call t.Parallel.
var testOptions []option

// useOption gives o to every provider served until the test ends.
func useOption(t *testing.T, o option) {
	t.Helper()
	saved := testOptions
	testOptions = append(slices.Clip(testOptions), o)
	t.Cleanup(func() { testOptions = saved })
}

// providerEnv lists every variable the provider reads, so that tests start from a clean environment.
var providerEnv = auth.EnvironmentVariables()

// TestMain gives the Terraform CLI a configuration file of its own: the machine's may not exist.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vbs-provider-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", rc)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if os.Getenv("TF_ACC") == "" {
		// Unit tests describe their provider completely; a developer's cloud settings must not leak in.
		for _, k := range providerEnv {
			os.Unsetenv(k)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tokenProvider is the provider block for the simulator: a token and a fixed endpoint.
func tokenProvider(endpoint, token string) string {
	return fmt.Sprintf(`
provider "vbs" {
  endpoint = %q
  token    = %q
}
`, endpoint, token)
}

// stateCheckFunc adapts a function to statecheck.StateCheck, for checks over whole lists of backups.
type stateCheckFunc func(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse)

func (f stateCheckFunc) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f(ctx, req, resp)
}

// checkAttribute runs check on one attribute of a data source in the state.
func checkAttribute(address, attribute string, check func(value any) error) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
			resp.Error = fmt.Errorf("no state")
			return
		}
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address == address {
				resp.Error = check(r.AttributeValues[attribute])
				return
			}
		}
		resp.Error = fmt.Errorf("%s not found in state", address)
	})
}

// checkBackups runs check on the backups of a vbs_backups data source in the state.
func checkBackups(address string, check func(backups []map[string]any) error) statecheck.StateCheck {
	return checkAttribute(address, "backups", func(v any) error {
		raw, _ := v.([]any)
		backups := make([]map[string]any, len(raw))
		for i, b := range raw {
			backups[i], _ = b.(map[string]any)
		}
		return check(backups)
	})
}

// checkIDs runs check on the ids of a data source in the state.
func checkIDs(address string, check func(ids []string) error) statecheck.StateCheck {
	return checkAttribute(address, "ids", func(v any) error {
		raw, _ := v.([]any)
		ids := make([]string, len(raw))
		for i, id := range raw {
			ids[i], _ = id.(string)
		}
		return check(ids)
	})
}

// TestProvider_noAuthentication: a provider given no authentication at all configures, so that
// OpenTofu, which configures a provider to call its functions, can run them; each data source
// then fails with the configuration error.
func TestProvider_noAuthentication(t *testing.T) {
	noAuth := regexp.MustCompile(`No authentication configured`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "vbs" {}
output "type" { value = provider::vbs::description_parse("{\"INC\": 0}").incremental_requested }`,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("type", knownvalue.Bool(false))},
			},
			{Config: `data "vbs_backups" "all" {}`, ExpectError: noAuth},
			{Config: `data "vbs_backup_ids" "all" {}`, ExpectError: noAuth},
		},
	})
}

// End-to-end tests of every way the provider authenticates, each a real plan through the
// Terraform CLI against the simulator on 127.0.0.1: Keystone password, token and application
// credential through the service catalog, clouds.yaml, environment fallbacks and their
// precedence, the catalog's region, interface and version, Huawei AK/SK signing, a token with a
// fixed endpoint, TLS, configuration errors, and that no secret reaches a log or an error.

const authAddress = "data.vbs_backups.test"

// authSim starts a simulator with three backups in the default project and two in the other,
// so that a test can tell which project a token was scoped to.
func authSim(t *testing.T, cfg vbssim.Config) *vbssim.Server {
	t.Helper()
	if cfg.Backups == nil {
		cfg.Backups = append(vbssim.Generate(3, 301, vbssim.DefaultProjectID), vbssim.Generate(2, 302, vbssim.OtherProjectID)...)
	}
	return vbssim.NewTest(t, cfg)
}

// authEnv clears every variable the provider reads for the rest of the test (restored after it),
// so that the test may set its own; such a test cannot run in parallel.
func authEnv(t *testing.T) {
	t.Helper()
	for _, k := range providerEnv {
		t.Setenv(k, "")
	}
}

// authParallel runs a test that sets no variable in parallel, unless the developer's environment
// holds provider variables (TestMain keeps them under TF_ACC): then it clears them and runs alone.
func authParallel(t *testing.T) {
	t.Helper()
	for _, k := range providerEnv {
		if os.Getenv(k) != "" {
			authEnv(t)
			return
		}
	}
	t.Parallel()
}

// hclExpr is an HCL expression, written into a configuration as it is.
type hclExpr string

// authProvider renders a provider block; string values are quoted, others written as they are.
func authProvider(attrs map[string]any) string {
	var b strings.Builder
	b.WriteString("provider \"vbs\" {\n")
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		switch v := attrs[k].(type) {
		case hclExpr:
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		case string:
			fmt.Fprintf(&b, "  %s = %q\n", k, v)
		default:
			fmt.Fprintf(&b, "  %s = %v\n", k, v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// authConfig is a provider block and the data source every test reads, with its extra arguments.
func authConfig(attrs map[string]any, dataArgs ...string) string {
	return authProvider(attrs) + "\ndata \"vbs_backups\" \"test\" {\n" + strings.Join(dataArgs, "\n") + "\n}\n"
}

// keystoneArgs are the arguments of password authentication by names, with the given extras.
func keystoneArgs(sim *vbssim.Server, extra map[string]any) map[string]any {
	args := map[string]any{
		"auth_url":            sim.KeystoneURL(),
		"user_name":           vbssim.DefaultUserName,
		"user_domain_name":    vbssim.DefaultDomainName,
		"password":            vbssim.DefaultPassword,
		"project_name":        vbssim.DefaultProjectName,
		"project_domain_name": vbssim.DefaultDomainName,
	}
	maps.Copy(args, extra)
	for k, v := range extra {
		if v == nil {
			delete(args, k)
		}
	}
	return args
}

// projectBackupIDs are the sorted ids of the simulator's backups of one project.
func projectBackupIDs(sim *vbssim.Server, project string) []string {
	var ids []string
	for _, b := range sim.Backups() {
		if b.ProjectID == project {
			ids = append(ids, b.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// checkProjectIDs: the data source holds exactly the backups of project, each once.
func checkProjectIDs(sim *vbssim.Server, project string) statecheck.StateCheck {
	return checkIDs(authAddress, func(ids []string) error {
		want := projectBackupIDs(sim, project)
		got := slices.Sorted(slices.Values(ids))
		if len(want) == 0 || !slices.Equal(got, want) {
			return fmt.Errorf("ids %v, want the backups of project %s: %v", ids, project, want)
		}
		return nil
	})
}

// backupRequests are the backup requests the simulator received.
func backupRequests(sim *vbssim.Server) []vbssim.Request {
	var out []vbssim.Request
	for _, r := range sim.Requests() {
		if strings.Contains(r.Path, "/backups") {
			out = append(out, r)
		}
	}
	return out
}

// checkListedAt: every listing request went to base (a path such as /RegionTwo/internal/v2/{project})
// and succeeded, and there was at least one. The simulator must serve this one step only.
func checkListedAt(sim *vbssim.Server, base string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		reqs := backupRequests(sim)
		if len(reqs) == 0 {
			resp.Error = fmt.Errorf("no listing request reached the simulator, want %s/backups/detail", base)
			return
		}
		for _, r := range reqs {
			if r.Path != base+"/backups/detail" || r.Status != 200 {
				resp.Error = fmt.Errorf("listing request %s %s?%s answered %d, want %s/backups/detail answered 200", r.Method, r.Path, r.RawQuery, r.Status, base)
				return
			}
		}
	})
}

// catalogPath is the path of a catalog endpoint of the simulator.
func catalogPath(region, iface, version, project string) string {
	return "/" + region + "/" + iface + "/" + version + "/" + project
}

// authStep is one plan of the data source, which either succeeds (and passes checks) or fails
// with an error matching wantErr.
type authStep struct {
	name    string
	env     map[string]string // set for this step only, on top of a cleared provider environment
	config  string
	checks  []statecheck.StateCheck
	wantErr *regexp.Regexp
}

// runAuthSteps runs the steps as one test case. Every error, expected or not, is checked to hold
// none of secrets. A test whose steps set variables must not be parallel.
func runAuthSteps(t *testing.T, secrets []string, steps ...authStep) {
	t.Helper()
	usesEnv := slices.ContainsFunc(steps, func(s authStep) bool { return s.env != nil })
	if usesEnv {
		authEnv(t)
	}
	for _, s := range steps {
		for k := range s.env {
			if !slices.Contains(providerEnv, k) {
				t.Fatalf("step %q sets %s, which is not in providerEnv and so would not be reset", s.name, k)
			}
		}
	}
	current := -1
	failed := map[int]bool{}
	var tfSteps []resource.TestStep
	for i, s := range steps {
		tfSteps = append(tfSteps, resource.TestStep{
			PreConfig: func() {
				current = i
				if !usesEnv {
					return
				}
				for _, k := range providerEnv {
					t.Setenv(k, s.env[k]) // restored when the test ends
				}
			},
			Config:            s.config,
			ConfigStateChecks: s.checks,
		})
	}
	if steps[len(steps)-1].wantErr != nil {
		// The post-test destroy runs with the last configuration: give it one that configures,
		// with no request (a v2 endpoint needs no microversion) and nothing to read.
		tfSteps = append(tfSteps, resource.TestStep{
			PreConfig: func() {
				current = -1
				if usesEnv {
					authEnv(t)
				}
			},
			Config: authProvider(map[string]any{"token": "sentinel", "endpoint": "http://127.0.0.1:1/v2/sentinel"}),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    tfSteps,
		ErrorCheck: func(err error) error {
			if current < 0 {
				return err
			}
			s := steps[current]
			msg := err.Error()
			for _, secret := range secrets {
				if strings.Contains(msg, secret) {
					return fmt.Errorf("step %q: the error reveals the secret %q: %w", s.name, secret, err)
				}
			}
			if s.wantErr == nil {
				return fmt.Errorf("step %q: %w", s.name, err)
			}
			if !s.wantErr.MatchString(msg) {
				return fmt.Errorf("step %q: want an error matching %s, got: %w", s.name, s.wantErr, err)
			}
			failed[current] = true
			return nil
		},
	})
	for i, s := range steps {
		if s.wantErr != nil && !failed[i] {
			t.Errorf("step %q: succeeded, want an error matching %s", s.name, s.wantErr)
		}
	}
}

// authError matches an error holding each part in turn; a space in a part matches any run of
// white space, since Terraform wraps long diagnostics between words.
func authError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// defaultSecrets are the simulator's default credentials, which no error may show.
var defaultSecrets = []string{vbssim.DefaultPassword, vbssim.DefaultToken, vbssim.DefaultAppCredSecret, vbssim.DefaultSecretKey, "vbssim-keystone-token-"}

// TestProvider_keystonePassword authenticates with a password, by user and project names with
// their domains, by generic domain, and by user and project ids, and lists through the catalog.
func TestProvider_keystonePassword(t *testing.T) {
	authParallel(t)
	byName, byDomainID, byID := authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{})
	runAuthSteps(t, defaultSecrets,
		authStep{
			name:   "names with domain names",
			config: authConfig(keystoneArgs(byName, nil)),
			checks: []statecheck.StateCheck{
				checkProjectIDs(byName, vbssim.DefaultProjectID),
				checkListedAt(byName, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.DefaultProjectID)),
			},
		},
		authStep{
			name: "names with the generic domain id",
			config: authConfig(keystoneArgs(byDomainID, map[string]any{
				"user_domain_name": nil, "project_domain_name": nil, "domain_id": vbssim.DefaultDomainID,
				"project_name": vbssim.OtherProjectName,
			})),
			checks: []statecheck.StateCheck{
				checkProjectIDs(byDomainID, vbssim.OtherProjectID),
				checkListedAt(byDomainID, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.OtherProjectID)),
			},
		},
		authStep{
			name: "ids",
			config: authConfig(map[string]any{
				"auth_url":   byID.KeystoneURL(),
				"user_id":    vbssim.DefaultUserID,
				"password":   vbssim.DefaultPassword,
				"project_id": vbssim.OtherProjectID,
			}),
			checks: []statecheck.StateCheck{
				checkProjectIDs(byID, vbssim.OtherProjectID),
				checkListedAt(byID, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.OtherProjectID)),
			},
		},
	)
}

// TestProvider_keystoneToken rescopes an existing token to another project through Keystone.
func TestProvider_keystoneToken(t *testing.T) {
	authParallel(t)
	byID, byName := authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{})
	runAuthSteps(t, defaultSecrets,
		authStep{
			name: "token rescoped by project id",
			config: authConfig(map[string]any{
				"auth_url": byID.KeystoneURL(), "token": vbssim.DefaultToken, "project_id": vbssim.OtherProjectID,
			}),
			checks: []statecheck.StateCheck{
				checkProjectIDs(byID, vbssim.OtherProjectID),
				checkListedAt(byID, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.OtherProjectID)),
			},
		},
		authStep{
			name: "token rescoped by project name",
			config: authConfig(map[string]any{
				"auth_url": byName.KeystoneURL(), "token": vbssim.DefaultToken,
				"project_name": vbssim.OtherProjectName, "project_domain_id": vbssim.DefaultDomainID,
			}),
			checks: []statecheck.StateCheck{
				checkProjectIDs(byName, vbssim.OtherProjectID),
				checkListedAt(byName, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.OtherProjectID)),
			},
		},
	)
	for _, sim := range []*vbssim.Server{byID, byName} {
		if !slices.ContainsFunc(sim.Requests(), func(r vbssim.Request) bool {
			return r.Method == "POST" && strings.HasSuffix(r.Path, "/identity/v3/auth/tokens")
		}) {
			t.Error("the token was not rescoped through Keystone")
		}
	}
}

// TestProvider_applicationCredential authenticates with an application credential by id, and by
// name with its user (by name and domain, and by id); it is bound to the default project.
func TestProvider_applicationCredential(t *testing.T) {
	authParallel(t)
	byID, byName, byUserID := authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{})
	step := func(name string, sim *vbssim.Server, args map[string]any) authStep {
		args["auth_url"] = sim.KeystoneURL()
		args["application_credential_secret"] = vbssim.DefaultAppCredSecret
		return authStep{
			name:   name,
			config: authConfig(args),
			checks: []statecheck.StateCheck{
				checkProjectIDs(sim, vbssim.DefaultProjectID),
				checkListedAt(sim, catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.DefaultProjectID)),
			},
		}
	}
	runAuthSteps(t, defaultSecrets,
		step("by id", byID, map[string]any{"application_credential_id": vbssim.DefaultAppCredID}),
		step("by name and user name", byName, map[string]any{
			"application_credential_name": vbssim.DefaultAppCredName,
			"user_name":                   vbssim.DefaultUserName, "user_domain_name": vbssim.DefaultDomainName,
		}),
		step("by name and user id", byUserID, map[string]any{
			"application_credential_name": vbssim.DefaultAppCredName, "user_id": vbssim.DefaultUserID,
		}),
	)
}

// writeCloudsYAML writes a clouds.yaml with the given text and returns its path.
func writeCloudsYAML(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestProvider_cloudsYAML reads clouds.yaml through the provider's cloud argument, with what auth's
// own tests (TestCloudsYAML_*) do not show: a project argument over the file's, an application
// credential in the file, and an unknown cloud as Terraform reports it. The entry's region,
// interface, cacert and verify, OS_CLOUD, and the arguments over them are auth's to test.
func TestProvider_cloudsYAML(t *testing.T) {
	sims := map[string]*vbssim.Server{}
	for _, name := range []string{"cloud", "project", "appcred"} {
		sims[name] = authSim(t, vbssim.Config{})
	}
	entry := func(name string, sim *vbssim.Server, auth string, extra ...string) string {
		return "  " + name + ":\n    auth:\n      auth_url: " + sim.KeystoneURL() + "\n" + auth +
			"    region_name: " + vbssim.DefaultRegion + "\n    interface: internal\n" + strings.Join(extra, "")
	}
	password := "      username: " + vbssim.DefaultUserName + "\n      password: " + vbssim.DefaultPassword +
		"\n      user_domain_name: " + vbssim.DefaultDomainName + "\n"
	byName := password + "      project_name: " + vbssim.DefaultProjectName + "\n      project_domain_name: " + vbssim.DefaultDomainName + "\n"
	byID := password + "      project_id: " + vbssim.DefaultProjectID + "\n"
	var yaml strings.Builder
	yaml.WriteString("clouds:\n")
	yaml.WriteString(entry("cloud", sims["cloud"], byName))
	yaml.WriteString(entry("project", sims["project"], byID))
	yaml.WriteString(entry("appcred", sims["appcred"], "      application_credential_id: "+vbssim.DefaultAppCredID+
		"\n      application_credential_secret: "+vbssim.DefaultAppCredSecret+"\n", "    auth_type: v3applicationcredential\n"))
	file := writeCloudsYAML(t, yaml.String())

	internalPath := func(sim string, project string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			checkProjectIDs(sims[sim], project),
			checkListedAt(sims[sim], catalogPath(vbssim.DefaultRegion, "internal", "v3", project)),
		}
	}
	env := map[string]string{"OS_CLIENT_CONFIG_FILE": file}
	runAuthSteps(t, defaultSecrets,
		authStep{
			name: "cloud argument", env: env,
			config: authConfig(map[string]any{"cloud": "cloud"}),
			checks: internalPath("cloud", vbssim.DefaultProjectID),
		},
		authStep{
			name: "project_name argument over the file's project_id", env: env,
			config: authConfig(map[string]any{
				"cloud": "project", "project_name": vbssim.OtherProjectName, "project_domain_name": vbssim.DefaultDomainName,
			}),
			checks: internalPath("project", vbssim.OtherProjectID),
		},
		authStep{
			name: "application credential", env: env,
			config: authConfig(map[string]any{"cloud": "appcred"}),
			checks: internalPath("appcred", vbssim.DefaultProjectID),
		},
		authStep{
			name: "unknown cloud", env: env,
			config:  authConfig(map[string]any{"cloud": "nowhere"}),
			wantErr: authError(`Cannot use clouds.yaml`, `nowhere`),
		},
	)
}

// TestProvider_argumentsOverEnvironment: an explicit argument wins over any variable.
func TestProvider_argumentsOverEnvironment(t *testing.T) {
	sim := authSim(t, vbssim.Config{})
	runAuthSteps(t, defaultSecrets, authStep{
		name: "password, region and endpoint_type",
		env: map[string]string{
			"OS_PASSWORD": "wrong-password", "OS_REGION_NAME": vbssim.DefaultRegion, "OS_INTERFACE": "admin",
			"OS_AUTH_URL": "http://127.0.0.1:1/identity/v3", "OS_PROJECT_NAME": "nonexistent",
		},
		config: authConfig(keystoneArgs(sim, map[string]any{"region": vbssim.SecondRegion, "endpoint_type": "internal"})),
		checks: []statecheck.StateCheck{
			checkProjectIDs(sim, vbssim.DefaultProjectID),
			checkListedAt(sim, catalogPath(vbssim.SecondRegion, "internal", "v3", vbssim.DefaultProjectID)),
		},
	})
}

// TestProvider_environment configures the provider from variables alone, and shows that among the
// variables of one argument the first listed wins: each lower variable holds a wrong value, and is
// shown to be read at all when it is the only one.
func TestProvider_environment(t *testing.T) {
	osFirst, hwOnly := authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{})
	tokens := authSim(t, vbssim.Config{})
	const dead = "http://127.0.0.1:1/identity/v3" // nothing listens on port 1
	keystoneEnv := func(sim *vbssim.Server, more map[string]string) map[string]string {
		env := map[string]string{
			"OS_USERNAME": vbssim.DefaultUserName, "OS_PASSWORD": vbssim.DefaultPassword,
			"OS_USER_DOMAIN_NAME": vbssim.DefaultDomainName, "OS_REGION_NAME": vbssim.SecondRegion,
			"OS_INTERFACE": "internal",
		}
		maps.Copy(env, more)
		return env
	}
	otherProject := func(sim *vbssim.Server) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			checkProjectIDs(sim, vbssim.OtherProjectID),
			checkListedAt(sim, catalogPath(vbssim.SecondRegion, "internal", "v3", vbssim.OtherProjectID)),
		}
	}
	endpoint := tokens.Endpoint("v3", vbssim.DefaultProjectID)
	tokenStep := func(name string, env map[string]string) authStep {
		env["VBS_ENDPOINT"] = endpoint
		return authStep{
			name: name, env: env, config: authConfig(nil),
			checks: []statecheck.StateCheck{checkProjectIDs(tokens, vbssim.DefaultProjectID)},
		}
	}
	runAuthSteps(t, append(slices.Clone(defaultSecrets), "wrong-token"),
		authStep{
			name: "OS_AUTH_URL over HW_AUTH_URL, OS_PROJECT_ID over HW_PROJECT_ID",
			env: keystoneEnv(osFirst, map[string]string{
				"OS_AUTH_URL": osFirst.KeystoneURL(), "HW_AUTH_URL": dead,
				"OS_PROJECT_ID": vbssim.OtherProjectID, "HW_PROJECT_ID": "nonexistent",
			}),
			config: authConfig(nil),
			checks: otherProject(osFirst),
		},
		authStep{
			name: "HW_AUTH_URL, HW_PROJECT_ID and HW_REGION_NAME alone",
			env: keystoneEnv(hwOnly, map[string]string{
				"HW_AUTH_URL": hwOnly.KeystoneURL(), "HW_PROJECT_ID": vbssim.OtherProjectID,
				"OS_REGION_NAME": "", "HW_REGION_NAME": vbssim.SecondRegion,
			}),
			config: authConfig(nil),
			checks: otherProject(hwOnly),
		},
		tokenStep("OS_TOKEN first", map[string]string{
			"OS_TOKEN": vbssim.DefaultToken, "OS_AUTH_TOKEN": "wrong-token", "HW_AUTH_TOKEN": "wrong-token",
		}),
		tokenStep("OS_AUTH_TOKEN second", map[string]string{
			"OS_AUTH_TOKEN": vbssim.DefaultToken, "HW_AUTH_TOKEN": "wrong-token",
		}),
		tokenStep("HW_AUTH_TOKEN last", map[string]string{"HW_AUTH_TOKEN": vbssim.DefaultToken}),
	)
}

// TestProvider_catalog chooses the catalog endpoint by region, interface and api_version.
func TestProvider_catalog(t *testing.T) {
	authParallel(t)
	cases := []struct {
		region, iface, version string
		args                   map[string]any
	}{
		{vbssim.SecondRegion, "internal", "v2", map[string]any{"region": vbssim.SecondRegion, "endpoint_type": "internal", "api_version": "v2"}},
		{vbssim.DefaultRegion, "admin", "v3", map[string]any{"region": vbssim.DefaultRegion, "endpoint_type": "admin"}},
		{vbssim.SecondRegion, "public", "v3", map[string]any{"region": vbssim.SecondRegion, "api_version": "v3"}},
		{vbssim.DefaultRegion, "public", "v2", map[string]any{"region": vbssim.DefaultRegion, "endpoint_type": "public", "api_version": "v2"}},
	}
	var steps []authStep
	for _, c := range cases {
		sim := authSim(t, vbssim.Config{})
		steps = append(steps, authStep{
			name:   fmt.Sprint(c.args),
			config: authConfig(keystoneArgs(sim, c.args)),
			checks: []statecheck.StateCheck{
				checkProjectIDs(sim, vbssim.DefaultProjectID),
				checkListedAt(sim, catalogPath(c.region, c.iface, c.version, vbssim.DefaultProjectID)),
			},
		})
	}
	nowhere := authSim(t, vbssim.Config{})
	steps = append(steps, authStep{
		name:    "unknown region",
		config:  authConfig(keystoneArgs(nowhere, map[string]any{"region": "RegionThree"})),
		wantErr: authError(`No backup API endpoint in the service catalog`, `RegionThree`),
	})
	runAuthSteps(t, defaultSecrets, steps...)
	if n := len(backupRequests(nowhere)); n != 0 {
		t.Errorf("%d listing requests without a catalog endpoint", n)
	}
}

// TestProvider_akSK signs every request, each page included, with AK/SK: by arguments, with a
// security token that the simulator requires, and from the HW_* variables; a wrong secret key or
// a missing security token is a clear 401.
func TestProvider_akSK(t *testing.T) {
	const (
		stsAK    = "AKVBSSIMTEMPORARY0001"
		stsSK    = "SKVBSSIMtemporarysecretkey0123456789abcd"
		stsToken = "vbssim-security-token-5a7c"
	)
	keys := []vbssim.AccessKey{
		{AccessKey: vbssim.DefaultAccessKey, SecretKey: vbssim.DefaultSecretKey},
		{AccessKey: stsAK, SecretKey: stsSK, SecurityToken: stsToken},
	}
	akskSim := func() *vbssim.Server {
		return authSim(t, vbssim.Config{AccessKeys: keys, Backups: vbssim.Generate(5, 303, vbssim.DefaultProjectID)})
	}
	args, sts, env, wrong := akskSim(), akskSim(), akskSim(), akskSim()
	pages := func(sim *vbssim.Server, base string, securityToken bool) statecheck.StateCheck {
		return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
			reqs := backupRequests(sim)
			if len(reqs) < 3 {
				resp.Error = fmt.Errorf("%d listing requests, want at least 3 pages of 2", len(reqs))
				return
			}
			for _, r := range reqs {
				switch {
				case r.Path != base+"/backups/detail" || r.Status != 200:
					resp.Error = fmt.Errorf("request %s?%s answered %d", r.Path, r.RawQuery, r.Status)
				case !strings.Contains(r.RawQuery, "limit=2"):
					resp.Error = fmt.Errorf("request %s?%s without page_size", r.Path, r.RawQuery)
				case r.Header.Get("Authorization") == "" || r.Header.Get("X-Sdk-Date") == "" ||
					r.Header.Get("X-Project-Id") != vbssim.DefaultProjectID:
					resp.Error = fmt.Errorf("request %s?%s is not signed: %v", r.Path, r.RawQuery, r.Header)
				case r.Header.Get("X-Auth-Token") != "":
					resp.Error = fmt.Errorf("request %s?%s carries a token", r.Path, r.RawQuery)
				case securityToken != (r.Header.Get("X-Security-Token") != ""):
					resp.Error = fmt.Errorf("request %s?%s: X-Security-Token present = %t, want %t", r.Path, r.RawQuery, !securityToken, securityToken)
				}
				if resp.Error != nil {
					return
				}
			}
		})
	}
	v2 := "/v2/" + vbssim.DefaultProjectID
	akskArgs := func(sim *vbssim.Server, extra map[string]any) map[string]any {
		a := map[string]any{
			"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey,
			"project_id": vbssim.DefaultProjectID, "endpoint": sim.Endpoint("v2", vbssim.DefaultProjectID),
		}
		maps.Copy(a, extra)
		return a
	}
	runAuthSteps(t, []string{vbssim.DefaultSecretKey, stsSK, stsToken, "SKwrong"},
		authStep{
			name:   "arguments",
			config: authConfig(akskArgs(args, nil), "page_size = 2"),
			checks: []statecheck.StateCheck{checkProjectIDs(args, vbssim.DefaultProjectID), pages(args, v2, false)},
		},
		authStep{
			name: "security token",
			config: authConfig(akskArgs(sts, map[string]any{"access_key": stsAK, "secret_key": stsSK, "security_token": stsToken}),
				"page_size = 2"),
			checks: []statecheck.StateCheck{checkProjectIDs(sts, vbssim.DefaultProjectID), pages(sts, v2, true)},
		},
		authStep{
			name: "HW_* variables, {region} and {project_id} in VBS_ENDPOINT",
			env: map[string]string{
				"HW_ACCESS_KEY": stsAK, "HW_SECRET_KEY": stsSK, "HW_SECURITY_TOKEN": stsToken,
				"HW_PROJECT_ID": vbssim.DefaultProjectID, "HW_REGION_NAME": vbssim.SecondRegion,
				"VBS_ENDPOINT": env.URL() + "/{region}/public/v2/{project_id}",
			},
			config: authConfig(nil, "page_size = 2"),
			checks: []statecheck.StateCheck{
				checkProjectIDs(env, vbssim.DefaultProjectID),
				pages(env, catalogPath(vbssim.SecondRegion, "public", "v2", vbssim.DefaultProjectID), true),
			},
		},
		authStep{
			name:    "wrong secret key",
			config:  authConfig(akskArgs(wrong, map[string]any{"secret_key": "SKwrong0123456789", "max_retries": 0})),
			wantErr: authError(`401`, `Incorrect IAM authentication information`),
		},
		authStep{
			name:    "missing security token",
			config:  authConfig(akskArgs(wrong, map[string]any{"access_key": stsAK, "secret_key": stsSK, "max_retries": 0})),
			wantErr: authError(`401`, `X-Security-Token is missing or wrong`),
		},
	)
}

// TestProvider_tokenEndpoint sends a token as it is to an endpoint with {project_id} in it, with no
// Keystone call: a static token, and a noauth Cinder's user:project token.
func TestProvider_tokenEndpoint(t *testing.T) {
	authParallel(t)
	static, noauth := authSim(t, vbssim.Config{}), authSim(t, vbssim.Config{NoAuth: true})
	runAuthSteps(t, defaultSecrets,
		authStep{
			name: "static token",
			config: authConfig(map[string]any{
				"token": vbssim.DefaultToken, "project_id": vbssim.DefaultProjectID, "endpoint": static.URL() + "/v3/{project_id}",
			}),
			checks: []statecheck.StateCheck{
				checkProjectIDs(static, vbssim.DefaultProjectID),
				checkListedAt(static, "/v3/"+vbssim.DefaultProjectID),
			},
		},
		authStep{
			name: "noauth token",
			config: authConfig(map[string]any{
				"token": "admin:" + vbssim.OtherProjectID, "project_id": vbssim.OtherProjectID,
				"endpoint": noauth.URL() + "/v2/{project_id}",
			}),
			checks: []statecheck.StateCheck{
				checkProjectIDs(noauth, vbssim.OtherProjectID),
				checkListedAt(noauth, "/v2/"+vbssim.OtherProjectID),
			},
		},
	)
	for _, sim := range []*vbssim.Server{static, noauth} {
		for _, r := range sim.Requests() {
			if strings.Contains(r.Path, "/identity") {
				t.Errorf("a Keystone request with token and endpoint: %s %s", r.Method, r.Path)
			}
		}
	}
}

// TestProvider_tls reaches an HTTPS Keystone and API with cacert_file, with insecure, and with a
// client certificate where the server demands one; without them the read fails.
func TestProvider_tls(t *testing.T) {
	authParallel(t)
	sim := authSim(t, vbssim.Config{TLS: true})
	mtls := authSim(t, vbssim.Config{TLS: true, RequireClientCert: true})
	ca, client := sim.TLSFiles().CACert, mtls.TLSFiles()
	catalogRead := []statecheck.StateCheck{checkProjectIDs(sim, vbssim.DefaultProjectID)}
	runAuthSteps(t, defaultSecrets,
		authStep{
			name:   "cacert_file",
			config: authConfig(keystoneArgs(sim, map[string]any{"cacert_file": ca})),
			checks: catalogRead,
		},
		authStep{
			name:    "no CA",
			config:  authConfig(keystoneArgs(sim, map[string]any{"max_retries": 0})),
			wantErr: authError(`certificate signed by unknown authority`),
		},
		authStep{
			name:   "insecure",
			config: authConfig(keystoneArgs(sim, map[string]any{"insecure": true})),
			checks: catalogRead,
		},
		authStep{
			name: "client certificate",
			config: authConfig(keystoneArgs(mtls, map[string]any{
				"cacert_file": client.CACert, "cert": client.ClientCert, "key": client.ClientKey,
			})),
			checks: []statecheck.StateCheck{checkProjectIDs(mtls, vbssim.DefaultProjectID)},
		},
		authStep{
			name:    "no client certificate",
			config:  authConfig(keystoneArgs(mtls, map[string]any{"cacert_file": client.CACert, "max_retries": 0})),
			wantErr: authError(`certificate required`),
		},
	)
	if !strings.HasPrefix(sim.URL(), "https://127.0.0.1:") {
		t.Errorf("the simulator serves %s, want HTTPS on 127.0.0.1", sim.URL())
	}
}

// TestProvider_configurationErrors: each mistake is a diagnostic at configure time that names the
// arguments involved and none of the secrets; a bad credential is Keystone's or the API's 401.
func TestProvider_configurationErrors(t *testing.T) {
	authParallel(t)
	quiet := authSim(t, vbssim.Config{})    // no step may send it anything
	keystone := authSim(t, vbssim.Config{}) // bad credentials, refused
	const (
		wrongPassword = "wrong-password-6f1d"
		wrongToken    = "wrong-token-2b8e"
	)
	endpoint := quiet.Endpoint("v2", vbssim.DefaultProjectID)
	step := func(name string, args map[string]any, want ...string) authStep {
		return authStep{name: name, config: authConfig(args), wantErr: authError(want...)}
	}
	runAuthSteps(t, append(slices.Clone(defaultSecrets), wrongPassword, wrongToken),
		step("access_key with password", map[string]any{
			"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey, "project_id": vbssim.DefaultProjectID,
			"endpoint": endpoint, "password": vbssim.DefaultPassword, "user_name": vbssim.DefaultUserName,
		}, `Conflicting authentication methods`, `access_key`, `password`),
		step("AK/SK without project_id", map[string]any{
			"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey, "endpoint": endpoint,
		}, `Missing project_id`, `access_key`, `project_id`),
		step("secret_key without access_key", map[string]any{
			"secret_key": vbssim.DefaultSecretKey, "project_id": vbssim.DefaultProjectID, "endpoint": endpoint,
		}, `Missing access_key`, `secret_key`, `access_key`),
		step("unreadable cacert_file", map[string]any{
			"token": vbssim.DefaultToken, "endpoint": endpoint, "cacert_file": filepath.Join(t.TempDir(), "missing-ca.pem"),
		}, `Cannot read cacert_file`, `missing-ca.pem`),
		step("bad password", keystoneArgs(keystone, map[string]any{"password": wrongPassword}),
			`Keystone at`, `refused the credentials (HTTP 401`, `requires authentication`),
		step("bad token through Keystone", map[string]any{
			"auth_url": keystone.KeystoneURL(), "token": wrongToken, "project_id": vbssim.DefaultProjectID,
		}, `Keystone at`, `refused the credentials (HTTP 401`, `requires authentication`),
		step("bad token with endpoint", map[string]any{
			"token": wrongToken, "endpoint": keystone.Endpoint("v3", vbssim.DefaultProjectID),
		}, `401`, `requires authentication`),
	)
	if reqs := quiet.Requests(); len(reqs) != 0 {
		t.Errorf("configuration errors sent %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
	if n := len(backupRequests(keystone)); n != 1 {
		t.Errorf("%d listing requests, want only the one with the bad token and endpoint", n)
	}
}

// TestProvider_noSecretInLogs reads with every secret a working configuration can hold, with
// TF_LOG=TRACE and the logs of Terraform, of the test harness and of the provider (in-process,
// through the SDK logger's test sink) written to TF_ACC_LOG_PATH, and finds none of the secrets
// there, nor the volume key of a served backup, nor any Keystone-issued token. The log must hold
// the provider's own request lines, so that the test cannot pass on an empty log.
//
// The secrets reach the provider arguments through sensitive variables (TF_VAR_*), as a careful
// user's do: the harness logs each step's configuration text, which would otherwise hold them.
func TestProvider_noSecretInLogs(t *testing.T) {
	const (
		password      = "pw-LogSecret-4e1b9c"
		appCredSecret = "ac-LogSecret-8d2c71"
		token         = "tok-LogSecret-19fa3e"
		accessKey     = "AKLOGTEST0123456789"
		secretKey     = "sk-LogSecret-0a1b2c3d4e5f6a7b8c9d0e1f"
		securityToken = "st-LogSecret-77aa55"
		volumeKey     = "vk-LogSecret-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"
		wrongPassword = "pw-WrongSecret-5c5c5c"
		issuedToken   = "vbssim-keystone-token-" // every token Keystone issues
	)
	secrets := []string{password, appCredSecret, token, secretKey, securityToken, volumeKey, wrongPassword, issuedToken}
	domain := vbssim.Domain{ID: vbssim.DefaultDomainID, Name: vbssim.DefaultDomainName}
	backups := vbssim.Generate(3, 304, vbssim.DefaultProjectID)
	backups[0].ServiceMetadata = new(`{"VK": "` + volumeKey + `", "CMKID": "cmk-1", "DL": 1}`)
	sim := authSim(t, vbssim.Config{
		Backups:        backups,
		Users:          []vbssim.User{{ID: vbssim.DefaultUserID, Name: vbssim.DefaultUserName, Password: password, Domain: domain}},
		AppCredentials: []vbssim.AppCredential{{ID: vbssim.DefaultAppCredID, Name: vbssim.DefaultAppCredName, Secret: appCredSecret, UserID: vbssim.DefaultUserID, ProjectID: vbssim.DefaultProjectID}},
		Tokens:         map[string]string{token: vbssim.DefaultProjectID},
		AccessKeys:     []vbssim.AccessKey{{AccessKey: accessKey, SecretKey: secretKey, SecurityToken: securityToken}},
	})

	authEnv(t)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	vars := map[string]string{
		"password": password, "app_cred_secret": appCredSecret, "token": token,
		"secret_key": secretKey, "security_token": securityToken, "wrong_password": wrongPassword,
	}
	var declarations strings.Builder
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		t.Setenv("TF_VAR_"+name, vars[name])
		fmt.Fprintf(&declarations, "variable %q {\n  type      = string\n  sensitive = true\n}\n", name)
	}
	config := func(attrs map[string]any, dataArgs ...string) string {
		return declarations.String() + authConfig(attrs, dataArgs...)
	}

	// The volume key is read into the state, so that the log could hold it.
	const includeKeys = "include_volume_keys = true"
	ids := []statecheck.StateCheck{
		checkProjectIDs(sim, vbssim.DefaultProjectID),
		checkAttribute(authAddress, "volume_keys", func(v any) error {
			// The volume key is in the state (as a sensitive value), so the read did carry it.
			if !strings.Contains(fmt.Sprint(v), volumeKey) {
				return errors.New("the state does not hold the volume key")
			}
			return nil
		}),
	}
	runAuthSteps(t, secrets,
		authStep{
			name:   "Keystone password",
			config: config(keystoneArgs(sim, map[string]any{"password": hclExpr("var.password")}), includeKeys),
			checks: ids,
		},
		authStep{
			name: "application credential",
			config: config(map[string]any{
				"auth_url": sim.KeystoneURL(), "application_credential_id": vbssim.DefaultAppCredID,
				"application_credential_secret": hclExpr("var.app_cred_secret"),
			}, includeKeys),
			checks: ids,
		},
		authStep{
			name: "AK/SK with security token",
			config: config(map[string]any{
				"access_key": accessKey, "secret_key": hclExpr("var.secret_key"), "security_token": hclExpr("var.security_token"),
				"project_id": vbssim.DefaultProjectID, "endpoint": sim.Endpoint("v2", vbssim.DefaultProjectID),
			}, "page_size = 2", includeKeys),
			checks: ids,
		},
		authStep{
			name: "token and endpoint",
			config: config(map[string]any{
				"token": hclExpr("var.token"), "project_id": vbssim.DefaultProjectID, "endpoint": sim.URL() + "/v3/{project_id}",
			}, includeKeys),
			checks: ids,
		},
		authStep{
			name:    "wrong password",
			config:  config(keystoneArgs(sim, map[string]any{"password": hclExpr("var.wrong_password")})),
			wantErr: authError(`Keystone at`, `refused the credentials (HTTP 401`),
		},
	)

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("no log was captured: %v", err)
	}
	log := string(raw)
	for _, secret := range secrets {
		if n := strings.Count(log, secret); n > 0 {
			i := strings.Index(log, secret)
			t.Errorf("the log holds the secret %q %d times, first: …%s…", secret, n, log[max(0, i-300):min(len(log), i+len(secret)+100)])
		}
	}
	// The provider's own lines, of every method: Keystone, the catalog, signed pages, the fixed
	// endpoint, and the refused password.
	for _, want := range []string{
		`configured the backup API client`,
		`HTTP request: `,
		sim.KeystoneURL() + "/auth/tokens",
		catalogPath(vbssim.DefaultRegion, "public", "v3", vbssim.DefaultProjectID) + "/backups/detail",
		"/v2/" + vbssim.DefaultProjectID + "/backups/detail?limit=2",
		"/v3/" + vbssim.DefaultProjectID + "/backups/detail",
		`status=401`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log (%d bytes) lacks %q", len(log), want)
		}
	}
}

// Terraform-level tests of the HTTP policy, each with a hostile simulator as a user would meet
// it: redirects elsewhere, huge and inflating error bodies, a Keystone that echoes the token or
// never answers, extreme Retry-After, and the warnings of a weakened transport. The tests that give
// the providers options (useOption) must not call t.Parallel.

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

func TestProvider_redirectToAnotherOriginWithAKSK(t *testing.T) {
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

func TestProvider_keystoneRedirectOfThePassword(t *testing.T) {
	sim := authSim(t, vbssim.Config{})
	other := secondOrigin(t)
	sim.Inject(vbssim.Fault{Path: "/auth/tokens", Status: http.StatusTemporaryRedirect, HostileFault: vbssim.HostileFault{RedirectTo: other.URL()}})
	planFails(t, authConfig(keystoneArgs(sim, nil)), wordsRegexp("Unable to configure the VBS client", "POST", "HTTP 307",
		"redirect of a POST request", "Set auth_url"), vbssim.DefaultPassword)
	if got := other.Requests(); len(got) != 0 {
		t.Errorf("the second origin received %d requests: the password body went there", len(got))
	}
}

func TestProvider_hugeErrorBody(t *testing.T) {
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, HostileFault: vbssim.HostileFault{ErrorBodyBytes: 150 << 20}})
	planFails(t, relConfig(sim, idsOnly, "", ""), wordsRegexp("Unable to list VBS backups", "page 1 (", "HTTP 400", "vbssim: a very long error xxx", "…"))
}

func TestProvider_gzipBombErrorBody(t *testing.T) {
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, HostileFault: vbssim.HostileFault{GzipBombBytes: 300 << 20}})
	planFails(t, relConfig(sim, idsOnly, "max_retries = 0", ""), wordsRegexp("Unable to list VBS backups", "page 1 (", "HTTP 500", "vbssim: a very long error xxx", "…"))
}

func TestProvider_keystoneTokenNotFoundHidesTheToken(t *testing.T) {
	const token = "gAAAAABsecret-user-token-9d3e"
	sim := authSim(t, vbssim.Config{})
	sim.Inject(vbssim.Fault{Path: "/auth/tokens", Status: http.StatusNotFound, ContentType: "application/json", Times: -1,
		Body: `{"error": {"code": 404, "title": "Not Found", "message": "Could not find token: ` + token + `."}}`})
	planFails(t, authConfig(map[string]any{"auth_url": sim.KeystoneURL(), "token": token, "project_id": vbssim.DefaultProjectID}),
		wordsRegexp("Unable to configure the VBS client", "Keystone at "+sim.KeystoneURL(), "did not find the user, project, domain or token",
			"HTTP 404 for POST", "request id req-", "Could not find token: ***"), token)
}

func TestProvider_hangingKeystoneEndsAtTheConfigurationDeadline(t *testing.T) {
	useOption(t, withConfigureTimeout(2*time.Second))
	sim := authSim(t, vbssim.Config{})
	sim.Inject(vbssim.Fault{Path: vbssim.DefaultKeystonePath, Times: -1, HostileFault: vbssim.HostileFault{Hang: true}})
	planFails(t, authConfig(keystoneArgs(sim, nil)), wordsRegexp("Unable to configure the VBS client", "Keystone at "+sim.KeystoneURL(),
		"did not answer within the 2s the provider gives its configuration"), vbssim.DefaultPassword)
}

func TestProvider_extremeRetryAfterFromKeystone(t *testing.T) {
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

func TestProvider_transportWarnings(t *testing.T) {
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
