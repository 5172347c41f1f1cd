package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// msgpackNil is the MessagePack encoding of null, whatever its type.
const msgpackNil = 0xc0

// CallFunction hands a function call to the framework with OpenTofu's null arguments repaired:
// OpenTofu (1.10 and 1.12) sends a null argument of a parameter that allows null as a value with
// no data at all, which the framework cannot decode ("DynamicValue had no JSON or msgpack data
// set"); Terraform sends it as an encoded null.
func (s *fastReadServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	for i, arg := range req.Arguments {
		if arg == nil || arg.MsgPack == nil && arg.JSON == nil {
			req.Arguments[i] = &tfprotov6.DynamicValue{MsgPack: []byte{msgpackNil}}
		}
	}
	return s.frameworkServer.CallFunction(ctx, req)
}

// textArgument reads the one string argument of a parsing function. A null argument gives a null
// result of resultTypes, and ok is false whenever the result is already set.
func textArgument(ctx context.Context, req function.RunRequest, resp *function.RunResponse, resultTypes map[string]attr.Type) (text string, ok bool) {
	var arg types.String
	if resp.Error = req.Arguments.Get(ctx, &arg); resp.Error != nil {
		return "", false
	}
	if arg.IsNull() {
		resp.Error = resp.Result.Set(ctx, types.ObjectNull(resultTypes))
		return "", false
	}
	return arg.ValueString(), true
}

// argumentError is a parsing error of the one argument; Terraform introduces it as an invalid value
// of that parameter, naming it.
func argumentError(err error) *function.FuncError {
	return function.NewArgumentFuncError(0, err.Error())
}

// attrTypes are the types of an object with attrs, as a function's result.
func attrTypes(attrs map[string]schema.Attribute) map[string]attr.Type {
	t := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		t[name] = a.GetType()
	}
	return t
}

// attributesMarkdown lists attributes with their types and descriptions, for a function's
// documentation, which tfplugindocs renders without the attributes of an object result.
func attributesMarkdown(attrs map[string]schema.Attribute) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		var kind string
		switch a.GetType() {
		case types.StringType:
			kind = "String"
		case types.BoolType:
			kind = "Boolean"
		case types.Float64Type:
			kind = "Number"
		case types.MapType{ElemType: types.StringType}:
			kind = "Map of String"
		default:
			kind = a.GetType().String()
		}
		fmt.Fprintf(&b, "- `%s` (%s) %s\n", name, kind, a.GetMarkdownDescription())
	}
	return b.String()
}
