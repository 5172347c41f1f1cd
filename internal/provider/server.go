package provider

// The provider's protocol-6 server: the framework's, with vbs_backups read on the fast path
// (fastread.go) and OpenTofu's null function arguments repaired before the framework decodes them.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewProtocol6Server returns the constructor of the provider's protocol-6 server: the framework's,
// with vbs_backups read on the fast path unless the binary is built with -tags vbs_framework_read.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newProtocolServer(version, fastReadByDefault) }
}

// protocolServer is the framework's server, with ReadDataSource of vbs_backups answered itself and
// CallFunction's arguments repaired.
type protocolServer struct {
	frameworkServer
	provider *vbsProvider
	fast     bool // false hands every read to the framework, as tests and benchmarks compare
}

// frameworkServer is every RPC the framework's protocol-6 server answers: ProviderServer and the
// optional servers terraform-plugin-go has not folded into it yet. tf6server looks for each of
// them on the server it is given, so the wrapper must have them all, or a list resource, action or
// state store added to the provider would be answered "unimplemented" without an error anywhere.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// newProtocolServer is the server of a provider made with opts; fast reads vbs_backups on the fast path.
func newProtocolServer(version string, fast bool, opts ...option) *protocolServer {
	p := newProvider(version, opts...)
	server := providerserver.NewProtocol6(p)()
	fw, ok := server.(frameworkServer)
	if !ok {
		// Only a framework upgrade can get here, and every test of the provider then fails at once.
		panic(fmt.Sprintf("the framework's protocol-6 server %T no longer answers every RPC that protocolServer forwards", server))
	}
	return &protocolServer{frameworkServer: fw, provider: p, fast: fast}
}

// ReadDataSource reads vbs_backups on the fast path and hands everything else to the framework.
func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if s.fast && req.TypeName == backupsStateWriter().typeName {
		if resp := s.readBackupsFast(ctx, req); resp != nil {
			return resp, nil
		}
	}
	return s.frameworkServer.ReadDataSource(ctx, req)
}

// msgpackNil is the MessagePack encoding of null, whatever its type.
const msgpackNil = 0xc0

// CallFunction hands a function call to the framework with OpenTofu's null arguments repaired:
// OpenTofu (1.10 and 1.12) sends a null argument of a parameter that allows null as a value with
// no data at all, which the framework cannot decode ("DynamicValue had no JSON or msgpack data
// set"); Terraform sends it as an encoded null.
func (s *protocolServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	for i, arg := range req.Arguments {
		if arg == nil || arg.MsgPack == nil && arg.JSON == nil {
			req.Arguments[i] = &tfprotov6.DynamicValue{MsgPack: []byte{msgpackNil}}
		}
	}
	return s.frameworkServer.CallFunction(ctx, req)
}

// errorResponse answers with one error and, as the framework does, the configuration as the state.
func errorResponse(req *tfprotov6.ReadDataSourceRequest, summary, detail string) *tfprotov6.ReadDataSourceResponse {
	return &tfprotov6.ReadDataSourceResponse{
		State: req.Config,
		Diagnostics: []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail,
		}},
	}
}

// protoDiagnostics are diags as the protocol carries them, for the fast read path.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		p := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityError {
			p.Severity = tfprotov6.DiagnosticSeverityError
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			p.Attribute = tftypes.NewAttributePath()
			for _, step := range wp.Path().Steps() {
				if name, ok := step.(path.PathStepAttributeName); ok {
					p.Attribute = p.Attribute.WithAttributeName(string(name))
				}
			}
		}
		out = append(out, p)
	}
	return out
}
