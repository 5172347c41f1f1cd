package provider

// The fast read path: vbs_backups answered by the provider's protocol server itself, its state
// written by internal/tfstate from the data source's own schema and model, a page at a time.
// DESIGN.md ("The two read paths") says why; fastread_test.go requires both paths to agree.

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"runtime/debug"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/tfstate"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// NewProtocol6Server returns the constructor of the provider's protocol-6 server: the framework's,
// with vbs_backups read on the fast path unless the binary is built with -tags vbs_framework_read.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newFastReadServer(version, fastReadByDefault) }
}

// fastReadServer is the framework's server with ReadDataSource of vbs_backups answered itself.
type fastReadServer struct {
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

func newFastReadServer(version string, fast bool) *fastReadServer {
	p := &vbsProvider{version: version}
	server := providerserver.NewProtocol6(p)()
	fw, ok := server.(frameworkServer)
	if !ok {
		// Only a framework upgrade can get here, and every test of the provider then fails at once.
		panic(fmt.Sprintf("the framework's protocol-6 server %T no longer answers every RPC that fastReadServer forwards", server))
	}
	return &fastReadServer{frameworkServer: fw, provider: p, fast: fast}
}

// ReadDataSource reads vbs_backups on the fast path and hands everything else to the framework.
func (s *fastReadServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	r := backupsReader()
	if !s.fast || req.TypeName != r.typeName {
		return s.frameworkServer.ReadDataSource(ctx, req)
	}
	if r.err != nil {
		return errorResponse(req, "Unable to read VBS backups", r.err.Error()+". This is a bug in the provider; please report it."), nil
	}
	args, ok := r.arguments(ctx, req.Config)
	m := args.backupFiltersModel
	if !ok {
		// The framework validated this configuration already; whatever it cannot decode it reports best.
		return s.frameworkServer.ReadDataSource(ctx, req)
	}
	readCtx, cancel, diags := m.readContext(ctx)
	defer cancel()
	if len(diags) > 0 {
		return s.frameworkServer.ReadDataSource(ctx, req)
	}
	if ce := s.provider.unconfigured; s.provider.clients == nil && ce != nil {
		return errorResponse(req, ce.Summary, ce.Detail), nil
	}
	if s.provider.clients == nil {
		return errorResponse(req, "Unconfigured VBS provider",
			"vbs_backups was read before the provider was configured. This is a bug in Terraform or the provider; please report it."), nil
	}
	var scoped diag.Diagnostics // the scope's, then the listing's: in the framework path's order
	client := s.provider.clients.forScope(readCtx, m.scopeModel, &scoped)
	if client == nil {
		return &tfprotov6.ReadDataSourceResponse{State: req.Config, Diagnostics: protoDiagnostics(scoped)}, nil
	}
	opts := m.listOpts()
	// The backups are written page by page as they arrive, so that only one page of them is parsed
	// at a time; the ids and volume keys, which are small, are kept for the attributes of their own,
	// the keys only where the configuration asks for them: otherwise none outlives its page.
	backups := r.backup.NewList()
	var ids []string
	var keys map[string]string
	if args.IncludeVolumeKeys.ValueBool() {
		keys = map[string]string{}
	}
	var encodeErr error
	sum, err := client.EachPage(readCtx, opts, func(page []vbs.Backup) error {
		ids = append(ids, backupIDs(page)...)
		if keys != nil {
			maps.Copy(keys, volumeKeys(page))
		}
		encodeErr = r.writeBackups(ctx, backups, page)
		return encodeErr
	})
	switch {
	case encodeErr != nil:
		return errorResponse(req, encodeErrorSummary, encodeErr.Error()+". This is a bug in the provider; please report it."), nil
	case err != nil:
		listingError(&scoped, err, opts)
		return &tfprotov6.ReadDataSourceResponse{State: req.Config, Diagnostics: protoDiagnostics(scoped)}, nil
	}
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(scoped)}
	if sum.Unreadable > 0 {
		summary, detail := unreadableWarning(sum, backups.Len(), "volume_keys")
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	if sum.Unsorted != "" {
		summary, detail := unsortedWarning(sum.Unsorted)
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	if len(sum.Unfiltered) > 0 {
		summary, detail := unfilteredWarning(sum.Unfiltered)
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	if sum.Strays.Count > 0 {
		summary, detail := straysWarning(sum.Strays)
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	m.setResult(ids, sum.TotalCount)
	// A large state is held twice at two moments: its chunks and the joined slice, then that slice and
	// gRPC's copy. Each copy is one contiguous allocation, which the pages the runtime freed among
	// the chunks and the walk's garbage cannot hold, so the heap grows; handing those pages back to
	// the system first keeps the peak near the two copies (DESIGN.md, "The two read paths").
	big := backups.Size() >= bigState
	if big {
		debug.FreeOSMemory()
	}
	state, err := r.encode(ctx, &backupsState{
		backupFiltersModel: m, Backups: backups, VolumeKeys: keys, IncludeVolumeKeys: args.IncludeVolumeKeys,
	})
	if big {
		debug.FreeOSMemory()
	}
	if err != nil {
		return errorResponse(req, encodeErrorSummary, err.Error()+". This is a bug in the provider; please report it."), nil
	}
	resp.State = state
	return resp, nil
}

// bigState is the size of the backups' elements from which a read returns freed memory to the
// system (about 20,000 backups); a forced collection costs little next to such a read.
const bigState = 32 << 20

// encodeErrorSummary is the summary of a state the fast path failed to write.
const encodeErrorSummary = "Unable to encode the VBS backups"

// errorResponse answers with one error and, as the framework does, the configuration as the state.
func errorResponse(req *tfprotov6.ReadDataSourceRequest, summary, detail string) *tfprotov6.ReadDataSourceResponse {
	return &tfprotov6.ReadDataSourceResponse{
		State: req.Config,
		Diagnostics: []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: summary, Detail: detail,
		}},
	}
}

// backupsState is the vbs_backups model as the fast path writes it: the backups were written as
// they arrived, a page at a time, so that 100,000 parsed backups never exist at once. Backups is
// never nil, as the framework path's slice is never nil.
type backupsState struct {
	backupFiltersModel
	Backups    *tfstate.List     `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"`

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

// fastBackups is what the fast path derives once from the data source's schema.
type fastBackups struct {
	typeName string
	schema   tfsdk.Config // Raw unset: the schema for decoding arguments
	typ      tftypes.Type
	state    *tfstate.Encoder // a backupsState
	backup   *tfstate.Encoder // one element of the backups, a backupModel
	err      error            // the model does not match the schema
}

// backupsReader derives the state's type and encoder from the framework's own data source, once.
var backupsReader = sync.OnceValue(func() *fastBackups {
	ctx := context.Background()
	var pm provider.MetadataResponse
	(&vbsProvider{}).Metadata(ctx, provider.MetadataRequest{}, &pm)
	ds := NewBackupsDataSource()
	var md datasource.MetadataResponse
	ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: pm.TypeName}, &md)
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	r := &fastBackups{typeName: md.TypeName, schema: tfsdk.Config{Schema: sr.Schema}, typ: sr.Schema.Type().TerraformType(ctx)}
	r.state, r.err = tfstate.Compile(r.typ, reflect.TypeFor[backupsState]())
	if r.err == nil {
		r.backup, r.err = compileBackup(r.typ)
	}
	return r
})

// arguments decodes the configuration into the framework's model, the one mapping both paths share;
// the configuration is small, so the framework's decoding costs nothing here.
func (r *fastBackups) arguments(ctx context.Context, config *tfprotov6.DynamicValue) (backupsDataSourceModel, bool) {
	var m backupsDataSourceModel
	if config == nil {
		return m, false
	}
	raw, err := config.Unmarshal(r.typ)
	if err != nil {
		return m, false
	}
	cfg := r.schema
	cfg.Raw = raw
	diags := cfg.Get(ctx, &m)
	return m, len(diags) == 0
}

// compileBackup is the encoder of one element of the backups list of the state type t: a backupModel.
func compileBackup(t tftypes.Type) (*tfstate.Encoder, error) {
	obj, _ := t.(tftypes.Object)                          // tfstate.Compile checked it is one,
	l, ok := obj.AttributeTypes["backups"].(tftypes.List) // and that its backups are a list
	if !ok {
		return nil, fmt.Errorf("the fast read path cannot write the backups as %s", obj.AttributeTypes["backups"])
	}
	return tfstate.Compile(l.ElementType, reflect.TypeFor[backupModel]())
}

// writeBackups appends the backups of a page to the backups list, through newBackupModel, the
// framework path's own mapping.
func (r *fastBackups) writeBackups(ctx context.Context, backups *tfstate.List, page []vbs.Backup) error {
	var m backupModel
	for i := range page {
		m = newBackupModel(&page[i])
		if err := backups.Append(ctx, &m); err != nil {
			return err
		}
	}
	return nil
}

// encode writes the state as the msgpack DynamicValue Terraform decodes with the schema's type.
func (r *fastBackups) encode(ctx context.Context, state *backupsState) (*tfprotov6.DynamicValue, error) {
	b, err := r.state.MarshalMsgPack(ctx, state)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, nil
}
