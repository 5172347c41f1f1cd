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
)

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
