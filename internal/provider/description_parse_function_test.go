package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestDescriptionParseFunction_run(t *testing.T) {
	f := NewDescriptionParseFunction()
	checkFunctionName(t, f, "description_parse")
	for in, want := range map[string]map[string]attr.Value{
		` {"DESC": "daily", "INC": 1} `: {"text": types.StringValue("daily"), "incremental_requested": types.BoolValue(true)},
		`{"DESC": "d", "INC": "0"}`:     {"text": types.StringValue("d"), "incremental_requested": types.BoolValue(false)},
		`{"INC": "maybe"}`:              {"text": types.StringNull(), "incremental_requested": types.BoolNull()},
		"weekly {daily}":                {"text": types.StringValue("weekly {daily}"), "incremental_requested": types.BoolNull()},
	} {
		got, ferr := runFunction(t, f, types.StringValue(in))
		if ferr != nil {
			t.Errorf("%q: %v", in, ferr)
			continue
		}
		if w := types.ObjectValueMust(descriptionParseAttrTypes, want); !got.Equal(w) {
			t.Errorf("%q: got %v, want %v", in, got, w)
		}
	}
	if got, ferr := runFunction(t, f, types.StringNull()); ferr != nil || !got.IsNull() {
		t.Errorf("null: got %v, %v; want null", got, ferr)
	}
	_, ferr := runFunction(t, f, types.StringValue(`{"DESC": "d", `))
	checkArgumentError(t, ferr, "description is not valid JSON: unexpected end of JSON input, at line 1, column 14 (byte 14)")
}

// TestDescriptionParseFunction_inTerraform runs the function in Terraform, with no provider configuration.
func TestDescriptionParseFunction_inTerraform(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
output "json" {
  value = provider::vbs::description_parse(jsonencode({ DESC = "nightly backup of the database", INC = 1 }))
}
output "string_inc" {
  value = provider::vbs::description_parse("  {\"DESC\": \"weekly\", \"INC\": \"0\"}\n")
}
output "plain" {
  value = provider::vbs::description_parse("weekly {full}")
}
# Terraform keeps no null output in the state.
output "null" {
  value = provider::vbs::description_parse(null) == null
}
output "sensitive" {
  value     = provider::vbs::description_parse(sensitive("secret plan")).text
  sensitive = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("json", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"text":                  knownvalue.StringExact("nightly backup of the database"),
						"incremental_requested": knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownOutputValue("string_inc", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"text":                  knownvalue.StringExact("weekly"),
						"incremental_requested": knownvalue.Bool(false),
					})),
					statecheck.ExpectKnownOutputValue("plain", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"text":                  knownvalue.StringExact("weekly {full}"),
						"incremental_requested": knownvalue.Null(),
					})),
					statecheck.ExpectKnownOutputValue("null", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("sensitive", knownvalue.StringExact("secret plan")),
					outputSensitive("sensitive", true),
					outputSensitive("json", false),
				},
			},
			{
				Config: `output "bad" { value = provider::vbs::description_parse("{\"DESC\": \"d\", ") }`,
				ExpectError: wrapped(`Invalid value for "description" parameter: description is not valid JSON: ` +
					`unexpected end of JSON input, at line 1, column 14 (byte 14).`),
			},
		},
	})
}
