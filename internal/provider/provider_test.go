package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
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
