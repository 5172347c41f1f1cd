package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// checkFunctionName checks the name under which Terraform calls f, provider::vbs::<want>.
func checkFunctionName(t *testing.T, f function.Function, want string) {
	t.Helper()
	var meta function.MetadataResponse
	f.Metadata(context.Background(), function.MetadataRequest{}, &meta)
	if meta.Name != want {
		t.Errorf("name: got %q, want %q", meta.Name, want)
	}
}

// checkArgumentError checks that err is text's error, about the function's only argument.
func checkArgumentError(t *testing.T, err *function.FuncError, want string) {
	t.Helper()
	if err == nil || err.Text != want || err.FunctionArgument == nil || *err.FunctionArgument != 0 {
		t.Errorf("got %v, want an error of argument 0: %q", err, want)
	}
}

// runFunction calls a function definition as the framework does and returns its result.
func runFunction(t *testing.T, f function.Function, arg attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	var valid function.DefinitionValidateResponse
	def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{}, &valid)
	if valid.Diagnostics.HasError() {
		t.Fatalf("definition: %v", valid.Diagnostics)
	}
	resp := function.RunResponse{Result: function.NewResultData(def.Definition.Return.GetType().ValueType(ctx))}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{arg})}, &resp)
	return resp.Result.Value(), resp.Error
}

// serviceMetadataAttributeNames are the attributes of the result: vbs_backups' service_metadata
// and volume_key.
var serviceMetadataAttributeNames = []string{
	"deduplicated", "compressed", "bootable", "backup_url", "storage_path", "vm_id", "service_type", "storage_type",
	"space_saving_rate", "storage_unit_path", "cmk_id", "progress", "chain_size_mb", "volume_type", "host_id",
	"backup_type", "job_id", "average_rate_mbps", "extra", "volume_key",
}

func TestServiceMetadataParseFunction_run(t *testing.T) {
	f := NewServiceMetadataParseFunction()
	checkFunctionName(t, f, "service_metadata_parse")

	got, ferr := runFunction(t, f, types.StringValue(` {"DL": "1", "VK": "k1", "progress": "50", "ST": 1, "snap_id": "s"} `))
	if ferr != nil {
		t.Fatal(ferr)
	}
	attrs := got.(types.Object).Attributes()
	if len(attrs) != len(serviceMetadataAttributeNames) {
		t.Errorf("attributes: got %d, want %d: %v", len(attrs), len(serviceMetadataAttributeNames), attrs)
	}
	for k, want := range map[string]attr.Value{
		"deduplicated": types.BoolValue(true),
		"compressed":   types.BoolValue(false),
		"progress":     types.Float64Value(50),
		"service_type": types.StringValue("vm"),
		"volume_key":   types.StringValue("k1"),
		"bootable":     types.BoolNull(),
		"extra":        types.MapValueMust(types.StringType, map[string]attr.Value{"snap_id": types.StringValue("s")}),
	} {
		if !attrs[k].Equal(want) {
			t.Errorf("%s: got %v, want %v", k, attrs[k], want)
		}
	}

	// The mask of service_metadata_json is not a key.
	got, _ = runFunction(t, f, types.StringValue(`{"VK": "(sensitive)"}`))
	if vk := got.(types.Object).Attributes()["volume_key"]; !vk.IsNull() {
		t.Errorf("masked volume key: got %v, want null", vk)
	}

	for name, arg := range map[string]types.String{
		"null":       types.StringNull(),
		"plain text": types.StringValue("volume_1/20230501/az_nova_backup_1"),
		"empty":      types.StringValue(""),
	} {
		got, ferr := runFunction(t, f, arg)
		if ferr != nil || !got.IsNull() {
			t.Errorf("%s: got %v, %v; want null", name, got, ferr)
		}
	}

	_, ferr = runFunction(t, f, types.StringValue(`{"DL": 1,}`))
	checkArgumentError(t, ferr, "service_metadata is not valid JSON: unexpected character looking "+
		"for beginning of object key string, at line 1, column 10 (byte 10)")
}

// apiExampleFile is the API document's own example response, which the vbs package tests too.
func apiExampleFile(t *testing.T) string {
	path, err := filepath.Abs("../vbs/testdata/v2_example.json")
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestServiceMetadataParseFunction_inTerraform runs the function in Terraform, with no provider configuration.
func TestServiceMetadataParseFunction_inTerraform(t *testing.T) {
	nulls := func() map[string]knownvalue.Check {
		m := map[string]knownvalue.Check{}
		for _, n := range serviceMetadataAttributeNames {
			m[n] = knownvalue.Null()
		}
		return m
	}
	with := func(m map[string]knownvalue.Check, set map[string]knownvalue.Check) knownvalue.Check {
		for k, v := range set {
			m[k] = v
		}
		return knownvalue.ObjectExact(m)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
locals {
  example = jsondecode(file(%q)).backups[0].service_metadata
}
output "api_example" {
  value = provider::vbs::service_metadata_parse(local.example)
}
output "string_numbers" {
  value = provider::vbs::service_metadata_parse(jsonencode({
    DL = "2", ST = "4", BT = "3", SS = "37.5", progress = "100", CS = "2048", AT = "12.5", Type = "1", bootable = "true"
  }))
}
output "padded" {
  value = provider::vbs::service_metadata_parse("\n\t  {\"VK\": \"0f1e2d3c\", \"VMID\": \"vm-1\"}  \n")
}
output "masked" {
  value = provider::vbs::service_metadata_parse("{\"VK\": \"(sensitive)\", \"CMKID\": \"cmk-1\"}")
}
# Terraform keeps no null output in the state: these say whether the result is null.
output "plain_text" {
  value = provider::vbs::service_metadata_parse("volume_1/20230501/az_nova_backup_1") == null
}
output "null" {
  value = provider::vbs::service_metadata_parse(null) == null
}
`, apiExampleFile(t)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("api_example", with(nulls(), map[string]knownvalue.Check{
					"deduplicated": knownvalue.Bool(false),
					"compressed":   knownvalue.Bool(false),
					"bootable":     knownvalue.Bool(false),
					"backup_url":   knownvalue.StringExact("58d94782-6509-45ad-9442-970d2a005050"),
					"service_type": knownvalue.StringExact("disk"),
					"progress":     knownvalue.Float64Exact(0),
					"backup_type":  knownvalue.StringExact("full"),
					"extra": knownvalue.MapExact(map[string]knownvalue.Check{
						"BackupSize": knownvalue.StringExact("0"),
						"snap_id":    knownvalue.StringExact("665e411f5d87431ca98c199fbd4a64fd"),
					}),
				})),
				statecheck.ExpectKnownOutputValue("string_numbers", with(nulls(), map[string]knownvalue.Check{
					"deduplicated":      knownvalue.Bool(false),
					"compressed":        knownvalue.Bool(true),
					"service_type":      knownvalue.StringExact("disk_copy"),
					"storage_type":      knownvalue.Float64Exact(3),
					"space_saving_rate": knownvalue.Float64Exact(37.5),
					"progress":          knownvalue.Float64Exact(100),
					"chain_size_mb":     knownvalue.Float64Exact(2048),
					"average_rate_mbps": knownvalue.Float64Exact(12.5),
					"backup_type":       knownvalue.StringExact("incremental"),
					"bootable":          knownvalue.Bool(true),
				})),
				statecheck.ExpectKnownOutputValue("padded", with(nulls(), map[string]knownvalue.Check{
					"deduplicated": knownvalue.Bool(false),
					"compressed":   knownvalue.Bool(false),
					"service_type": knownvalue.StringExact("disk"),
					"vm_id":        knownvalue.StringExact("vm-1"),
					"volume_key":   knownvalue.StringExact("0f1e2d3c"),
				})),
				statecheck.ExpectKnownOutputValue("masked", with(nulls(), map[string]knownvalue.Check{
					"deduplicated": knownvalue.Bool(false),
					"compressed":   knownvalue.Bool(false),
					"service_type": knownvalue.StringExact("disk"),
					"cmk_id":       knownvalue.StringExact("cmk-1"),
				})),
				statecheck.ExpectKnownOutputValue("plain_text", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("null", knownvalue.Bool(true)),
				outputSensitive("api_example", false),
			},
		}},
	})
}

// TestServiceMetadataParseFunction_sensitive: Terraform marks the result sensitive where the
// argument is, so that a volume key read from a sensitive attribute stays sensitive.
func TestServiceMetadataParseFunction_sensitive(t *testing.T) {
	const call = `provider::vbs::service_metadata_parse(sensitive("{\"VK\": \"0f1e2d3c\", \"progress\": 5}"))`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `output "key" { value = ` + call + `.volume_key }`,
				ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
			},
			{
				Config: `
output "key" {
  value     = ` + call + `.volume_key
  sensitive = true
}
output "progress" {
  value     = ` + call + `.progress
  sensitive = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("key", knownvalue.StringExact("0f1e2d3c")),
					statecheck.ExpectKnownOutputValue("progress", knownvalue.Float64Exact(5)),
					outputSensitive("key", true),
				},
			},
		},
	})
}

// TestServiceMetadataParseFunction_malformed: text that starts like JSON but is not fails the call
// with the reason and the position, and try() tolerates it.
func TestServiceMetadataParseFunction_malformed(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `output "bad" { value = provider::vbs::service_metadata_parse("{\"DL\": 1,}") }`,
				ExpectError: wrapped(`Invalid value for "text" parameter: service_metadata is not valid JSON: unexpected ` +
					`character looking for beginning of object key string, at line 1, column 10 (byte 10).`),
			},
			{
				Config: `output "tolerated" { value = try(provider::vbs::service_metadata_parse("[1, "), "unparsed") }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tolerated", knownvalue.StringExact("unparsed")),
				},
			},
		},
	})
}

// wrapped matches text in a CLI's error output, which wraps lines at any space.
func wrapped(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// outputSensitive checks whether Terraform holds an output as sensitive.
func outputSensitive(name string, want bool) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if req.State == nil || req.State.Values == nil || req.State.Values.Outputs[name] == nil {
			resp.Error = fmt.Errorf("output %s not in state", name)
			return
		}
		if got := req.State.Values.Outputs[name].Sensitive; got != want {
			resp.Error = fmt.Errorf("output %s: sensitive %v, want %v", name, got, want)
		}
	})
}
