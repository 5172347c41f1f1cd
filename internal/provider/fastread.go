package provider

// The fast read path: vbs_backups answered by the provider's protocol server itself, through the
// same readBackups as the framework's Read, its state written by internal/tfstate from the data
// source's own schema and model, a page at a time. DESIGN.md ("The two read paths") says why;
// fastread_test.go requires both paths to agree.

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/tfstate"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// readBackupsFast reads vbs_backups, writing each page's backups into the state as it arrives; it
// is nil where the framework answers better (a configuration it cannot decode).
func (s *protocolServer) readBackupsFast(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) *tfprotov6.ReadDataSourceResponse {
	w := backupsStateWriter()
	if w.err != nil {
		return errorResponse(req, "Unable to read VBS backups", w.err.Error()+". This is a bug in the provider; please report it.")
	}
	cfg, m, ok := w.arguments(ctx, req.Config)
	if !ok {
		// The framework validated this configuration already; whatever it cannot decode it reports best.
		return nil
	}
	if ce := s.provider.unconfigured; s.provider.clients == nil && ce != nil {
		return errorResponse(req, ce.Summary, ce.Detail)
	}
	backups := w.backup.NewList()
	var diags diag.Diagnostics
	if !readBackups(ctx, s.provider.clients, cfg, &m, &diags, func(page []vbs.Backup) error {
		return w.writeBackups(ctx, backups, page)
	}) {
		return &tfprotov6.ReadDataSourceResponse{State: req.Config, Diagnostics: protoDiagnostics(diags)}
	}
	// A large state is held twice at two moments: its chunks and the joined slice, then that slice and
	// gRPC's copy. Each copy is one contiguous allocation, which the pages the runtime freed among
	// the chunks and the walk's garbage cannot hold, so the heap grows; handing those pages back to
	// the system first keeps the peak near the two copies (DESIGN.md, "The two read paths").
	big := backups.Size() >= bigState
	if big {
		debug.FreeOSMemory()
	}
	state, err := w.encode(ctx, &backupsState{
		listingModel: m.listingModel, Backups: backups, VolumeKeys: m.VolumeKeys, IncludeVolumeKeys: m.IncludeVolumeKeys,
	})
	if big {
		debug.FreeOSMemory()
	}
	if err != nil {
		return errorResponse(req, encodeErrorSummary, err.Error()+". This is a bug in the provider; please report it.")
	}
	return &tfprotov6.ReadDataSourceResponse{State: state, Diagnostics: protoDiagnostics(diags)}
}

// bigState is the size of the backups' elements from which a read returns freed memory to the
// system; a forced collection costs little next to such a read.
const bigState = 32 << 20

// backupsState is the vbs_backups model as the fast path writes it: the backups were written as
// they arrived, a page at a time, so that the parsed backups of a whole listing never exist at
// once. Backups is never nil, as the framework path's slice is never nil.
type backupsState struct {
	listingModel
	Backups    *tfstate.List     `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"`

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

// backupsEncoders are the state's type and encoders, derived once from the data source's schema.
type backupsEncoders struct {
	typeName string
	schema   tfsdk.Config // Raw unset: the schema for decoding arguments
	typ      tftypes.Type
	state    *tfstate.Encoder // a backupsState
	backup   *tfstate.Encoder // one element of the backups, a backupModel
	err      error            // the model does not match the schema
}

// backupsStateWriter derives the state's type and encoders from the framework's own data source, once.
var backupsStateWriter = sync.OnceValue(func() *backupsEncoders {
	ctx := context.Background()
	var pm provider.MetadataResponse
	(&vbsProvider{}).Metadata(ctx, provider.MetadataRequest{}, &pm)
	ds := NewBackupsDataSource()
	var md datasource.MetadataResponse
	ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: pm.TypeName}, &md)
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	w := &backupsEncoders{typeName: md.TypeName, schema: tfsdk.Config{Schema: sr.Schema}, typ: sr.Schema.Type().TerraformType(ctx)}
	w.state, w.err = tfstate.Compile(w.typ, reflect.TypeFor[backupsState]())
	if w.err == nil {
		w.backup, w.err = compileBackup(w.typ)
	}
	return w
})

// arguments decodes the configuration into the framework's model, the one mapping both paths share;
// the configuration is small, so the framework's decoding costs nothing here.
func (w *backupsEncoders) arguments(ctx context.Context, config *tfprotov6.DynamicValue) (tfsdk.Config, backupsDataSourceModel, bool) {
	var m backupsDataSourceModel
	cfg := w.schema
	if config == nil {
		return cfg, m, false
	}
	raw, err := config.Unmarshal(w.typ)
	if err != nil {
		return cfg, m, false
	}
	cfg.Raw = raw
	diags := cfg.Get(ctx, &m)
	return cfg, m, len(diags) == 0
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

// writeBackups appends the backups of a page to the backups list, through setBackupModel, the
// framework path's own mapping.
func (w *backupsEncoders) writeBackups(ctx context.Context, backups *tfstate.List, page []vbs.Backup) error {
	var m backupModel
	for i := range page {
		setBackupModel(&m, &page[i])
		if err := backups.Append(ctx, &m); err != nil {
			return err
		}
	}
	return nil
}

// encode writes the state as the msgpack DynamicValue Terraform decodes with the schema's type.
func (w *backupsEncoders) encode(ctx context.Context, state *backupsState) (*tfprotov6.DynamicValue, error) {
	b, err := w.state.MarshalMsgPack(ctx, state)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, nil
}
