package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestCallFunction_openTofuNull: a null argument as OpenTofu sends it, with no data, gives a null
// result as an encoded null does.
func TestCallFunction_openTofuNull(t *testing.T) {
	s := NewProtocol6Server("test")()
	ctx := context.Background()
	if _, err := s.GetFunctions(ctx, &tfprotov6.GetFunctionsRequest{}); err != nil {
		t.Fatal(err)
	}
	resultType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"text": tftypes.String, "incremental_requested": tftypes.Bool}}
	encodedNull, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, nil))
	if err != nil {
		t.Fatal(err)
	}
	for name, arg := range map[string]*tfprotov6.DynamicValue{"no data": {}, "nil": nil, "Terraform's null": &encodedNull} {
		resp, err := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "description_parse", Arguments: []*tfprotov6.DynamicValue{arg}})
		if err != nil || resp.Error != nil {
			t.Fatalf("%s: %v, %v", name, err, resp.Error)
		}
		v, err := resp.Result.Unmarshal(resultType)
		if err != nil || !v.IsNull() {
			t.Errorf("%s: got %v, %v; want null", name, v, err)
		}
	}
}
