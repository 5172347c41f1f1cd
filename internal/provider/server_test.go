package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestProtocolServer_openTofuNullArguments: a null argument as OpenTofu sends it, with no data, gives a null
// result as an encoded null does.
func TestProtocolServer_openTofuNullArguments(t *testing.T) {
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

// TestProtocolServer_forwardsEveryRPC: every RPC the framework's server answers, the wrapper
// answers too, so that tf6server, which looks for each optional server interface on the server it
// is given, finds a list resource, action or state store added to the provider.
func TestProtocolServer_forwardsEveryRPC(t *testing.T) {
	framework := reflect.TypeOf(providerserver.NewProtocol6(&vbsProvider{})())
	wrapper := reflect.TypeFor[*protocolServer]()
	for _, iface := range []reflect.Type{
		reflect.TypeFor[tfprotov6.ProviderServer](),
		reflect.TypeFor[tfprotov6.ListResourceServer](),
		reflect.TypeFor[tfprotov6.ActionServer](),
		reflect.TypeFor[tfprotov6.StateStoreServer](),
		reflect.TypeFor[tfprotov6.ProviderServerWithListResource](), //nolint:staticcheck // what tf6server asserts
		reflect.TypeFor[tfprotov6.ProviderServerWithActions](),      //nolint:staticcheck // what tf6server asserts
		reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),  //nolint:staticcheck // what tf6server asserts
	} {
		if framework.Implements(iface) && !wrapper.Implements(iface) {
			t.Errorf("the framework's server implements %s, the wrapper does not", iface)
		}
	}
	// Interfaces that terraform-plugin-go adds later are caught by their methods.
	if framework.NumMethod() < 30 {
		t.Fatalf("%s has %d methods: not the framework's server", framework, framework.NumMethod())
	}
	for m := range framework.Methods() {
		w, ok := wrapper.MethodByName(m.Name)
		if !ok {
			t.Errorf("the wrapper has no method %s of %s", m.Name, framework)
			continue
		}
		if got, want := methodSignature(w.Type), methodSignature(m.Type); got != want {
			t.Errorf("%s: the wrapper's is %s, the framework's %s", m.Name, got, want)
		}
	}
}

// methodSignature is the type of a method expression without its receiver.
func methodSignature(fn reflect.Type) string {
	var in, out []string
	for i := 1; i < fn.NumIn(); i++ {
		in = append(in, fn.In(i).String())
	}
	for i := range fn.NumOut() {
		out = append(out, fn.Out(i).String())
	}
	return "func(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")"
}
