package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// fullVolumeKey is the volume key of fullBackup.
const fullVolumeKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

// volumeKeySim serves fullBackup, whose volume is encrypted, and the API example's backups, whose
// volumes are not.
func volumeKeySim(t *testing.T) *vbssim.Server {
	t.Helper()
	return newSim(t, vbssim.Config{Backups: append(vbssim.Example(), fullBackup())})
}

// unencryptedID is a backup of vbssim.Example with service_metadata but no VK.
const unencryptedID = "1d1139d8-8989-49d3-8aa1-83eb691e6db2"

// openVolumeKey opens vbs_backup_volume_key with id on a configured protocol server, as Terraform
// does during a run.
func openVolumeKey(t *testing.T, s tfprotov6.ProviderServer, id string) (*tfprotov6.OpenEphemeralResourceResponse, tftypes.Type) {
	t.Helper()
	return openVolumeKeyWith(t, s, map[string]string{"id": id})
}

// openVolumeKeyWith opens vbs_backup_volume_key with the arguments args, the others null.
func openVolumeKeyWith(t *testing.T, s tfprotov6.ProviderServer, args map[string]string) (*tfprotov6.OpenEphemeralResourceResponse, tftypes.Type) {
	t.Helper()
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schema.EphemeralResourceSchemas["vbs_backup_volume_key"] == nil {
		t.Fatalf("GetProviderSchema: %v: no vbs_backup_volume_key", err)
	}
	typ := schema.EphemeralResourceSchemas["vbs_backup_volume_key"].ValueType()
	resp, err := s.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "vbs_backup_volume_key",
		Config:   objectValue(t, typ, stringValues(args)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp, typ
}

// resultKey is the volume_key of an ephemeral result: its text, or nil where it is null.
func resultKey(t *testing.T, typ tftypes.Type, result *tfprotov6.DynamicValue) *string {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := decodeState(t, typ, result).As(&attrs); err != nil {
		t.Fatal(err)
	}
	var key *string
	if err := attrs["volume_key"].As(&key); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestBackupVolumeKeyEphemeralResource_open: the key of an encrypted volume, null for a volume
// that is not encrypted, each read with one GET of the backup and no listing.
func TestBackupVolumeKeyEphemeralResource_open(t *testing.T) {
	sim := volumeKeySim(t)
	for _, version := range []string{"v3", "v2"} {
		s := configuredServer(t, sim.Endpoint(version, vbssim.DefaultProjectID), true)
		sim.Reset()
		resp, typ := openVolumeKey(t, s, fullBackup().ID)
		if len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: %s", version, diagsString(resp.Diagnostics))
		}
		if key := resultKey(t, typ, resp.Result); key == nil || *key != fullVolumeKey {
			t.Errorf("%s: volume_key %v, want the backup's VK", version, key)
		}
		resp, typ = openVolumeKey(t, s, unencryptedID)
		if len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: %s", version, diagsString(resp.Diagnostics))
		}
		if key := resultKey(t, typ, resp.Result); key != nil {
			t.Errorf("%s: volume_key %q of a volume that is not encrypted, want null", version, *key)
		}
		if listings, gets := sim.BackupRequests(); listings != 0 || gets != 2 {
			t.Errorf("%s: %d listings and %d GETs, want 0 and 2", version, listings, gets)
		}
	}
}

// stringValues are args as Terraform string values.
func stringValues(args map[string]string) map[string]tftypes.Value {
	values := map[string]tftypes.Value{}
	for name, v := range args {
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	return values
}

// TestBackupVolumeKeyEphemeralResource_scope: region and project_id choose where the key is read,
// as they do on the data sources: a backup of another project in another region is found there,
// and not in the provider's own region and project.
func TestBackupVolumeKeyEphemeralResource_scope(t *testing.T) {
	b := fullBackup()
	b.ProjectID, b.Region = vbssim.OtherProjectID, vbssim.SecondRegion
	sim := newSim(t, vbssim.Config{Backups: []vbssim.Backup{b}})
	s := newProtocolServer("test", true, testOptions...)
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := objectValue(t, schema.Provider.ValueType(), stringValues(map[string]string{
		"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey,
		"project_id": vbssim.DefaultProjectID, "region": vbssim.DefaultRegion,
		"endpoint": sim.URL() + "/{region}/public/v3/{project_id}",
	}))
	configured, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %s", err, diagsString(configured.Diagnostics))
	}
	resp, typ := openVolumeKeyWith(t, s, map[string]string{"id": b.ID, "region": vbssim.SecondRegion, "project_id": vbssim.OtherProjectID})
	if len(resp.Diagnostics) > 0 {
		t.Fatal(diagsString(resp.Diagnostics))
	}
	if key := resultKey(t, typ, resp.Result); key == nil || *key != fullVolumeKey {
		t.Errorf("volume_key %v in the backup's own region and project, want its VK", key)
	}
	resp, _ = openVolumeKey(t, s, b.ID)
	if got := diagsString(resp.Diagnostics); !strings.Contains(got, notFoundSummary) || !strings.Contains(got, "404") {
		t.Errorf("the provider's own region and project: %s, want %q with the server's 404", got, notFoundSummary)
	}
}

// TestBackupVolumeKeyEphemeralResource_sensitive: the key is sensitive, so that Terraform hides it
// wherever the configuration hands it.
func TestBackupVolumeKeyEphemeralResource_sensitive(t *testing.T) {
	schema, err := newProtocolServer("test", true, testOptions...).GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	s := schema.EphemeralResourceSchemas["vbs_backup_volume_key"]
	if s == nil {
		t.Fatal("no vbs_backup_volume_key")
	}
	for _, a := range s.Block.Attributes {
		if a.Name == "volume_key" && !a.Sensitive {
			t.Error("volume_key is not sensitive")
		}
	}
}

// TestBackupVolumeKeyEphemeralResource_errorsOfVBSBackup: an unknown id and a server that answers
// with another backup fail exactly as vbs_backup with that id does: the 404 with the server's
// message and request id, the other backup named.
func TestBackupVolumeKeyEphemeralResource_errorsOfVBSBackup(t *testing.T) {
	sim := volumeKeySim(t)
	const stranger = "a0000000-0000-4000-8000-0000000000ff"
	sim.Inject(vbssim.Fault{
		Path: "/backups/" + stranger, Times: -1, ContentType: "application/json",
		Body: `{"backup": {"id": "` + fullBackup().ID + `", "service_metadata": "{\"VK\": \"` + fullVolumeKey + `\"}"}}`,
	})
	endpoint := sim.Endpoint("v3", vbssim.DefaultProjectID)
	for _, c := range []struct{ id, want string }{
		{"no-such-backup", `No VBS backup matches: id = "no-such-backup": the server answered HTTP 404: Backup no-such-backup could not be found (request id req-`},
		{stranger, `Unable to read the VBS backup: ` + `page 1 (GET `},
	} {
		s := configuredServer(t, endpoint, true)
		opened, typ := openVolumeKey(t, s, c.id)
		read, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
			TypeName: "vbs_backup",
			Config:   objectValue(t, dataSourceType(t, s, "vbs_backup"), map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, c.id)}),
		})
		if err != nil {
			t.Fatal(err)
		}
		got, want := diagsString(sameRequestIDs(opened.Diagnostics)), diagsString(sameRequestIDs(read.Diagnostics))
		if got != want {
			t.Errorf("id %s: vbs_backup_volume_key fails with\n%s\nvbs_backup with\n%s", c.id, got, want)
		}
		if !strings.Contains(strings.ReplaceAll(diagsString(opened.Diagnostics), "ERROR: ", ""), c.want) {
			t.Errorf("id %s: %s, want %q", c.id, diagsString(opened.Diagnostics), c.want)
		}
		if strings.Contains(got, fullVolumeKey) {
			t.Errorf("id %s: the error holds the volume key: %s", c.id, got)
		}
		if c.id == stranger && !strings.Contains(got, fmt.Sprintf(`returned backup %q for id %q`, fullBackup().ID, stranger)) {
			t.Errorf("the error does not name the other backup: %s", got)
		}
		if opened.Result != nil {
			if key := resultKey(t, typ, opened.Result); key != nil {
				t.Errorf("id %s: a volume key beside the error", c.id)
			}
		}
	}
}

// dataSourceType is the type of a data source as the server announces it to Terraform.
func dataSourceType(t testing.TB, s tfprotov6.ProviderServer, name string) tftypes.Type {
	t.Helper()
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schema.DataSourceSchemas[name] == nil {
		t.Fatalf("GetProviderSchema: %v: no %s", err, name)
	}
	return schema.DataSourceSchemas[name].ValueType()
}

// TestBackupVolumeKeyEphemeralResource_unreadable: a VK that cannot be read, or service_metadata
// kept back because it might hold one, is a null key and a warning naming the API's keys, never
// the text.
func TestBackupVolumeKeyEphemeralResource_unreadable(t *testing.T) {
	listed, malformed := fullBackup(), fullBackup()
	listed.ID, listed.ServiceMetadata = "c0000000-0000-4000-8000-000000000001", ptr(`{"VK": ["secret-in-a-list"], "DL": 1}`)
	malformed.ID, malformed.ServiceMetadata = "c0000000-0000-4000-8000-000000000002", ptr(`{"VK": "secret-in-broken-json", `)
	sim := newSim(t, vbssim.Config{Backups: []vbssim.Backup{listed, malformed}})
	s := configuredServer(t, sim.Endpoint("v3", vbssim.DefaultProjectID), true)
	for id, want := range map[string]string{
		listed.ID:    "service_metadata.VK could not be read",
		malformed.ID: "service_metadata, service_metadata (withheld) could not be read",
	} {
		resp, typ := openVolumeKey(t, s, id)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
			!strings.Contains(resp.Diagnostics[0].Detail, want) {
			t.Errorf("%s: %s, want one warning saying %q", id, diagsString(resp.Diagnostics), want)
		}
		if d := diagsString(resp.Diagnostics); strings.Contains(d, "secret-in-broken-json") || strings.Contains(d, "secret-in-a-list") {
			t.Errorf("%s: the warning holds service_metadata's text", id)
		}
		if key := resultKey(t, typ, resp.Result); key != nil {
			t.Errorf("%s: volume_key %q, want null", id, *key)
		}
	}
}

// TestBackupVolumeKeyEphemeralResource_noAuthentication: a provider given no authentication fails
// the ephemeral resource, as it does each data source, with the configuration error.
func TestBackupVolumeKeyEphemeralResource_noAuthentication(t *testing.T) {
	s := newProtocolServer("test", true, testOptions...)
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	configured, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: objectValue(t, schema.Provider.ValueType(), nil),
	})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %s", err, diagsString(configured.Diagnostics))
	}
	resp, _ := openVolumeKey(t, s, fullBackup().ID)
	if got := diagsString(resp.Diagnostics); !strings.Contains(got, "ERROR: No authentication configured") {
		t.Errorf("diagnostics: %s", got)
	}
}

// cliIsOpenTofu reports whether the CLI of the Terraform tests is OpenTofu, whose version numbers
// the tfversion checks compare as if they were Terraform's.
var cliIsOpenTofu = sync.OnceValues(func() (bool, error) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			return false, err
		}
	}
	return isOpenTofu(cli)
})

// isOpenTofu reports whether the CLI cli is OpenTofu, which prints "OpenTofu v…" where Terraform
// prints "Terraform v…".
func isOpenTofu(cli string) (bool, error) {
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		return false, err
	}
	switch first, _, _ := strings.Cut(string(out), " "); first {
	case "OpenTofu":
		return true, nil
	case "Terraform":
		return false, nil
	}
	return false, fmt.Errorf("%s version printed %q, neither Terraform nor OpenTofu", cli, out)
}

// skipBelowCLI skips a test on a CLI older than the first release of Terraform, or of OpenTofu,
// that has what the test needs.
type skipBelowCLI struct {
	terraform, openTofu *version.Version
	needs               string
}

func (c skipBelowCLI) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tofu, err := cliIsOpenTofu()
	if err != nil {
		resp.Error = fmt.Errorf("cannot tell Terraform from OpenTofu: %w", err)
		return
	}
	resp.Skip = c.skip(tofu, req.TerraformVersion)
}

// skip is why a test cannot run on the CLI of version v, OpenTofu or Terraform; "" where it can.
func (c skipBelowCLI) skip(tofu bool, v *version.Version) string {
	name, minimum := "Terraform", c.terraform
	if tofu {
		name, minimum = "OpenTofu", c.openTofu
	}
	if v.Core().LessThan(minimum) {
		return fmt.Sprintf("%s %s has no %s (%s %s and later)", name, v, c.needs, name, minimum)
	}
	return ""
}

var (
	// ephemeralResources: Terraform 1.10, OpenTofu 1.11.
	ephemeralResources = skipBelowCLI{terraform: tfversion.Version1_10_0, openTofu: tfversion.Version1_11_0, needs: "ephemeral resources"}
	// writeOnlyAttributes: Terraform 1.11, OpenTofu 1.11.
	writeOnlyAttributes = skipBelowCLI{terraform: tfversion.Version1_11_0, openTofu: tfversion.Version1_11_0, needs: "write-only attributes"}
)

// TestBackupVolumeKeyEphemeralResource_skipBelowCLI: OpenTofu 1.10 reports a version that Terraform's numbering would take for one
// with ephemeral resources; the tests of the ephemeral resource skip it, and run on every CLI that has them.
func TestBackupVolumeKeyEphemeralResource_skipBelowCLI(t *testing.T) {
	for _, c := range []struct {
		tofu    bool
		version string
		check   skipBelowCLI
		skips   bool
	}{
		{false, "1.9.8", ephemeralResources, true},
		{false, "1.10.0", ephemeralResources, false},
		{false, "1.11.4", ephemeralResources, false},
		{false, "1.10.5", writeOnlyAttributes, true},
		{false, "1.11.0-rc1", writeOnlyAttributes, false},
		{false, "1.15.9", writeOnlyAttributes, false},
		{true, "1.10.10", ephemeralResources, true},
		{true, "1.10.10", writeOnlyAttributes, true},
		{true, "1.11.0", ephemeralResources, false},
		{true, "1.12.6", writeOnlyAttributes, false},
	} {
		reason := c.check.skip(c.tofu, version.Must(version.NewVersion(c.version)))
		if (reason != "") != c.skips {
			t.Errorf("OpenTofu %v, %s, %s: skip %q, want a skip: %v", c.tofu, c.version, c.check.needs, reason, c.skips)
		}
	}
	cli := func(output string) string {
		name := filepath.Join(t.TempDir(), "cli")
		if err := os.WriteFile(name, []byte("#!/bin/sh\nprintf '"+output+"'\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		return name
	}
	for output, want := range map[string]bool{"OpenTofu v1.10.10\\non linux_amd64": true, "Terraform v1.11.4\\non linux_amd64": false} {
		if got, err := isOpenTofu(cli(output)); err != nil || got != want {
			t.Errorf("%q: OpenTofu %v (%v), want %v", output, got, err, want)
		}
	}
	if _, err := isOpenTofu(cli("something else")); err == nil {
		t.Error("a CLI that is neither Terraform nor OpenTofu was taken for one")
	}
}

// TestBackupVolumeKeyEphemeralResource_echo: the key reaches what consumes it (the echo provider,
// which copies its configuration into its own resource for tests to see), and the ephemeral
// resource itself is in no state.
func TestBackupVolumeKeyEphemeralResource_echo(t *testing.T) {
	sim := volumeKeySim(t)
	dir := t.TempDir()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{ephemeralResources},
		WorkingDir:             dir,
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"vbs":  testAccProtoV6ProviderFactories["vbs"],
			"echo": echoprovider.NewProviderServer(),
		},
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + fmt.Sprintf(`
ephemeral "vbs_backup_volume_key" "encrypted" {
  id = %q
}
ephemeral "vbs_backup_volume_key" "plain" {
  id = %q
}
provider "echo" {
  data = {
    encrypted = ephemeral.vbs_backup_volume_key.encrypted.volume_key
    plain     = ephemeral.vbs_backup_volume_key.plain.volume_key
  }
}
resource "echo" "keys" {}
`, fullBackup().ID, unencryptedID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.keys", tfjsonpath.New("data"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"encrypted": knownvalue.StringExact(fullVolumeKey),
					"plain":     knownvalue.Null(),
				})),
				stateFileCheck(dir, func(state []byte) error {
					types, err := stateResourceTypes(state)
					if err != nil {
						return err
					}
					if !reflect.DeepEqual(types, []string{"echo"}) {
						return fmt.Errorf("the state holds resources of types %v, want only the echo resource", types)
					}
					return nil
				}),
			},
		}},
	})
}

// TestBackupVolumeKeyEphemeralResource_writeOnly: handed to a write-only attribute, the key
// reaches the resource that consumes it and no byte of the state file.
func TestBackupVolumeKeyEphemeralResource_writeOnly(t *testing.T) {
	sim := volumeKeySim(t)
	dir := t.TempDir()
	sink := &keySink{}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{writeOnlyAttributes},
		WorkingDir:             dir,
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"vbs":  testAccProtoV6ProviderFactories["vbs"],
			"sink": providerserver.NewProtocol6WithError(sink),
		},
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + fmt.Sprintf(`
ephemeral "vbs_backup_volume_key" "this" {
  id = %q
}
resource "sink_volume" "restored" {
  volume_key = ephemeral.vbs_backup_volume_key.this.volume_key
}
`, fullBackup().ID),
			ConfigStateChecks: []statecheck.StateCheck{
				stateFileCheck(dir, func(state []byte) error {
					if !strings.Contains(string(state), `"sink_volume"`) {
						return fmt.Errorf("the state file holds no sink_volume: %s", state)
					}
					if strings.Contains(string(state), fullVolumeKey) {
						return fmt.Errorf("the state file holds the volume key: %s", state)
					}
					return nil
				}),
			},
		}},
	})
	if got := sink.received(); !reflect.DeepEqual(got, []string{fullVolumeKey}) {
		t.Errorf("the write-only attribute received %q, want the volume key once", got)
	}
}

// stateFileCheck runs check on the bytes of the state file that the CLI wrote in a test's working
// directory dir (TestCase.WorkingDir): what a shared backend would store.
func stateFileCheck(dir string, check func(state []byte) error) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		files, err := filepath.Glob(filepath.Join(dir, "work*", "terraform.tfstate"))
		if err == nil && len(files) != 1 {
			err = fmt.Errorf("state files %v, want one", files)
		}
		if err != nil {
			resp.Error = err
			return
		}
		state, err := os.ReadFile(files[0])
		if err != nil {
			resp.Error = err
			return
		}
		resp.Error = check(state)
	})
}

// stateResourceTypes are the types of the resources (data sources included) of a state file.
func stateResourceTypes(state []byte) ([]string, error) {
	var doc struct {
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &doc); err != nil {
		return nil, err
	}
	types := make([]string, len(doc.Resources))
	for i, r := range doc.Resources {
		types[i] = r.Type
	}
	return types, nil
}

// keySink is a provider of one resource, sink_volume, whose volume_key is write-only, as the
// password of a database or the key of a volume in a cloud's provider: it records what it was given.
type keySink struct {
	mu   sync.Mutex
	keys []string
}

func (p *keySink) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys
}

func (p *keySink) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "sink"
}

func (p *keySink) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {}

func (p *keySink) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}

func (p *keySink) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return (*sinkVolume)(p) }}
}

func (p *keySink) DataSources(context.Context) []func() datasource.DataSource { return nil }

// sinkVolume is the resource of keySink.
type sinkVolume keySink

type sinkVolumeModel struct {
	ID        types.String `tfsdk:"id"`
	VolumeKey types.String `tfsdk:"volume_key"`
}

func (r *sinkVolume) Metadata(_ context.Context, req fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_volume"
}

func (r *sinkVolume) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"id":         rschema.StringAttribute{Computed: true},
		"volume_key": rschema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true},
	}}
}

func (r *sinkVolume) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var key types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("volume_key"), &key)...)
	r.mu.Lock()
	r.keys = append(r.keys, key.ValueString())
	r.mu.Unlock()
	resp.Diagnostics.Append(resp.State.Set(ctx, sinkVolumeModel{ID: types.StringValue("restored"), VolumeKey: types.StringNull()})...)
}

func (r *sinkVolume) Read(ctx context.Context, req fwresource.ReadRequest, resp *fwresource.ReadResponse) {
	var m sinkVolumeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *sinkVolume) Update(ctx context.Context, req fwresource.UpdateRequest, resp *fwresource.UpdateResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, sinkVolumeModel{ID: types.StringValue("restored"), VolumeKey: types.StringNull()})...)
}

func (r *sinkVolume) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {}
