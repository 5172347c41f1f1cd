package provider

// The fast read path: vbs_backups state written as msgpack straight from the API result.
//
// Why: the framework's ReadDataSource spends most of its time after the data source's Read
// returns, about 90% of it in fwschemadata.(*Data).ReifyNullCollectionBlocks calling
// SchemaTypeAtTerraformPath for every value (issue 7: 10,000 backups cost the provider 15.4 s and
// 700 MB; a tftypes.Value tree instead, 0.94 s CPU and 243 MB). A tftypes tree still allocates a
// map per object and a value per attribute, and tftypes.NewValue checks each subtree's type again:
// encoding 10,000 backups took 2.8 s and 626 MB that way, 0.14 s and 30 MB written as msgpack here.
// BenchmarkReadBackups, time and bytes allocated per read (2 vCPU; page walk against vbssim at
// 1000 a page, plus the state):
//
//	backups   floor (fetch + encoding/json maps)   fast              framework
//	1,000     15 ms, 9.7 MB                         24 ms, 14 MB      1.6 s, 691 MB
//	10,000    150 ms, 96 MB                         198 ms, 131 MB    13.8 s, 6.9 GB
//	100,000   1.43 s, 963 MB                        2.21 s, 1.3 GB    -
//
// Everything else stays with the framework: schemas, validation, provider configuration,
// vbs_backup_ids. The state's shape comes from the data source's own schema and tfsdk model
// (newBackupModel), so the two paths cannot drift apart silently: fastread_test.go decodes the
// state of both and requires them to be equal.

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// NewProtocol6Server returns the constructor of the provider's protocol-6 server: the framework's,
// with vbs_backups read on the fast path unless the binary is built with -tags vbs_framework_read.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer { return newFastReadServer(version, fastReadByDefault) }
}

// fastReadServer is the framework's server with ReadDataSource of vbs_backups answered itself.
// This provider has no list resources, actions or state stores, so the plain ProviderServer
// interface is all that needs forwarding.
type fastReadServer struct {
	tfprotov6.ProviderServer
	provider *vbsProvider
	fast     bool // false hands every read to the framework, as tests and benchmarks compare
}

func newFastReadServer(version string, fast bool) *fastReadServer {
	p := &vbsProvider{version: version}
	return &fastReadServer{ProviderServer: providerserver.NewProtocol6(p)(), provider: p, fast: fast}
}

// ReadDataSource reads vbs_backups on the fast path and hands everything else to the framework.
func (s *fastReadServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	r := backupsReader()
	if !s.fast || req.TypeName != r.typeName {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	if r.err != nil {
		return errorResponse(req, "Unable to read VBS backups", r.err.Error()+". This is a bug in the provider; please report it."), nil
	}
	m, ok := r.arguments(ctx, req.Config)
	if !ok {
		// The framework validated this configuration already; whatever it cannot decode it reports best.
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	readCtx, cancel, diags := m.readContext(ctx)
	defer cancel()
	if len(diags) > 0 {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	if s.provider.client == nil {
		return errorResponse(req, "Unconfigured VBS provider",
			"vbs_backups was read before the provider was configured. This is a bug in Terraform or the provider; please report it."), nil
	}
	res, err := s.provider.client.ListBackups(readCtx, m.listOpts())
	if err != nil {
		return errorResponse(req, listErrorSummary, err.Error()), nil
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	if res.Unreadable > 0 {
		summary, detail := unreadableWarning(res, len(res.Backups))
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	m.setIDs(backupIDs(res.Backups))
	state, err := r.encode(ctx, &backupsState{backupFiltersModel: m, Backups: res.Backups, VolumeKeys: volumeKeys(res.Backups)})
	if err != nil {
		return errorResponse(req, "Unable to encode the VBS backups", err.Error()+". This is a bug in the provider; please report it."), nil
	}
	resp.State = state
	return resp, nil
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

// backupsState is the vbs_backups model as the fast path writes it: the backups stay as the
// client returned them and become models one at a time, so that 100,000 never exist at once.
type backupsState struct {
	backupFiltersModel
	Backups    backupList        `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"`
}

// backupList is written as a list of newBackupModel, never null, like the framework path's slice.
type backupList []vbs.Backup

// fastBackups is what the fast path derives once from the data source's schema.
type fastBackups struct {
	typeName string
	schema   tfsdk.Config // Raw unset: the schema for decoding arguments
	typ      tftypes.Type
	write    encodeFunc
	err      error // the model does not match the schema
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
	r.write, r.err = compileEncoder(r.typ, reflect.TypeFor[backupsState]())
	return r
})

// arguments decodes the configuration into the framework's model, the one mapping both paths share;
// the configuration is small, so the framework's decoding costs nothing here.
func (r *fastBackups) arguments(ctx context.Context, config *tfprotov6.DynamicValue) (backupFiltersModel, bool) {
	if config == nil {
		return backupFiltersModel{}, false
	}
	raw, err := config.Unmarshal(r.typ)
	if err != nil {
		return backupFiltersModel{}, false
	}
	cfg := r.schema
	cfg.Raw = raw
	var m backupsDataSourceModel
	diags := cfg.Get(ctx, &m)
	return m.backupFiltersModel, len(diags) == 0
}

// encode writes the state as the msgpack DynamicValue Terraform decodes with the schema's type.
func (r *fastBackups) encode(ctx context.Context, state *backupsState) (*tfprotov6.DynamicValue, error) {
	var buf bytes.Buffer
	w := &stateWriter{ctx: ctx, buf: &buf, Encoder: msgpack.NewEncoder(&buf)}
	if err := r.write(w, reflect.ValueOf(state).Elem()); err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

// stateWriter is the msgpack encoder with the context that attr.Value conversions take.
type stateWriter struct {
	ctx context.Context
	buf *bytes.Buffer // the Encoder's, to size it
	*msgpack.Encoder
}

// encodeFunc writes v, an addressable Go value, as msgpack of the Terraform type it was compiled for.
type encodeFunc func(w *stateWriter, v reflect.Value) error

// compileEncoder returns the encoder of Go type rt as Terraform type t, following the framework's
// rules for tfsdk models: struct fields by their tfsdk tags (embedded structs included), a nil
// pointer, slice or map as null, attr.Values as their ToTerraformValue. It covers the types the
// vbs_backups model uses and rejects any other, and any mismatch between model and schema.
func compileEncoder(t tftypes.Type, rt reflect.Type) (encodeFunc, error) {
	switch rt {
	case reflect.TypeFor[backupList]():
		return compileBackupList(t)
	case reflect.TypeFor[types.String]():
		return primitive(t, tftypes.String, func(w *stateWriter, v *types.String) error { return w.EncodeString(v.ValueString()) })
	case reflect.TypeFor[types.Bool]():
		return primitive(t, tftypes.Bool, func(w *stateWriter, v *types.Bool) error { return w.EncodeBool(v.ValueBool()) })
	case reflect.TypeFor[types.Int64]():
		return primitive(t, tftypes.Number, func(w *stateWriter, v *types.Int64) error { return w.EncodeInt(v.ValueInt64()) })
	case reflect.TypeFor[types.Float64]():
		return primitive(t, tftypes.Number, func(w *stateWriter, v *types.Float64) error { return encodeFloat(w, v.ValueFloat64()) })
	}
	if rt.Implements(reflect.TypeFor[attr.Value]()) {
		return func(w *stateWriter, v reflect.Value) error {
			return encodeAttrValue(w, t, v.Interface().(attr.Value)) //nolint:forcetypeassert // checked by Implements
		}, nil
	}
	switch {
	case rt.Kind() == reflect.String && t.Equal(tftypes.String):
		return func(w *stateWriter, v reflect.Value) error { return w.EncodeString(v.String()) }, nil
	case rt.Kind() == reflect.Pointer && rt.Elem().Kind() == reflect.Struct:
		elem, err := compileEncoder(t, rt.Elem())
		if err != nil {
			return nil, err
		}
		return func(w *stateWriter, v reflect.Value) error {
			if v.IsNil() {
				return w.EncodeNil()
			}
			return elem(w, v.Elem())
		}, nil
	case rt.Kind() == reflect.Struct:
		if o, ok := t.(tftypes.Object); ok {
			return compileObject(o, rt)
		}
	case rt.Kind() == reflect.Slice:
		if l, ok := t.(tftypes.List); ok {
			return compileList(l, rt)
		}
	case rt.Kind() == reflect.Map && rt.Key().Kind() == reflect.String:
		if m, ok := t.(tftypes.Map); ok {
			return compileMap(m, rt)
		}
	}
	return nil, fmt.Errorf("the fast read path cannot write %s as %s", rt, t)
}

// primitive is the encoder of a framework primitive that is null or known; an unknown value, which
// a data source's state never holds but its arguments could, goes the framework's way.
func primitive[T attr.Value](t, want tftypes.Type, known func(*stateWriter, *T) error) (encodeFunc, error) {
	if !t.Equal(want) {
		var zero T
		return nil, fmt.Errorf("the fast read path cannot write %T as %s", zero, t)
	}
	return func(w *stateWriter, v reflect.Value) error {
		p := v.Addr().Interface().(*T) //nolint:forcetypeassert // compiled for T
		switch {
		case (*p).IsNull():
			return w.EncodeNil()
		case (*p).IsUnknown():
			return encodeAttrValue(w, t, *p)
		}
		return known(w, p)
	}, nil
}

// encodeFloat writes a number as tftypes does: an integral value as an integer.
func encodeFloat(w *stateWriter, f float64) error {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return w.EncodeInt(int64(f))
	}
	return w.EncodeFloat64(f)
}

// encodeAttrValue writes any attr.Value through tftypes: the slow way, for the few values that
// are neither primitives nor collections (timeouts).
func encodeAttrValue(w *stateWriter, t tftypes.Type, v attr.Value) error {
	tv, err := v.ToTerraformValue(w.ctx)
	if err != nil {
		return err
	}
	dv, err := tfprotov6.NewDynamicValue(t, tv)
	if err != nil {
		return err
	}
	_, err = w.Writer().Write(dv.MsgPack)
	return err
}

// compileObject writes a struct as an object, its attributes in tftypes' sorted order.
func compileObject(t tftypes.Object, rt reflect.Type) (encodeFunc, error) {
	fields := map[string][]int{}
	for _, f := range reflect.VisibleFields(rt) {
		tag := f.Tag.Get("tfsdk")
		if f.Anonymous || !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			return nil, fmt.Errorf("field %s.%s has no tfsdk tag", rt, f.Name)
		}
		fields[tag] = f.Index
	}
	type attribute struct {
		name   string
		index  []int
		encode encodeFunc
	}
	var attrs []attribute
	for _, name := range slices.Sorted(maps.Keys(t.AttributeTypes)) {
		index, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("%s has no field for attribute %q", rt, name)
		}
		delete(fields, name)
		enc, err := compileEncoder(t.AttributeTypes[name], rt.FieldByIndex(index).Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		attrs = append(attrs, attribute{name, index, enc})
	}
	if len(fields) > 0 {
		return nil, fmt.Errorf("%s has fields for %q, which the schema does not have", rt, slices.Sorted(maps.Keys(fields)))
	}
	return func(w *stateWriter, v reflect.Value) error {
		if err := w.EncodeMapLen(len(attrs)); err != nil {
			return err
		}
		for _, a := range attrs {
			if err := w.EncodeString(a.name); err != nil {
				return err
			}
			if err := a.encode(w, v.FieldByIndex(a.index)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileList writes a slice as a list, nil as null.
func compileList(t tftypes.List, rt reflect.Type) (encodeFunc, error) {
	elem, err := compileEncoder(t.ElementType, rt.Elem())
	if err != nil {
		return nil, err
	}
	return func(w *stateWriter, v reflect.Value) error {
		if v.IsNil() {
			return w.EncodeNil()
		}
		if err := w.EncodeArrayLen(v.Len()); err != nil {
			return err
		}
		for i := range v.Len() {
			if err := elem(w, v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// compileMap writes a map as a map, nil as null.
func compileMap(t tftypes.Map, rt reflect.Type) (encodeFunc, error) {
	elem, err := compileEncoder(t.ElementType, rt.Elem())
	if err != nil {
		return nil, err
	}
	return func(w *stateWriter, v reflect.Value) error {
		if v.IsNil() {
			return w.EncodeNil()
		}
		if err := w.EncodeMapLen(v.Len()); err != nil {
			return err
		}
		value := reflect.New(rt.Elem()).Elem() // map values are not addressable; the encoders want them so
		for it := v.MapRange(); it.Next(); {
			if err := w.EncodeString(it.Key().String()); err != nil {
				return err
			}
			value.SetIterValue(it)
			if err := elem(w, value); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// sizingSample is how many backups are written before the state's size is estimated from them.
const sizingSample = 256

// compileBackupList writes the backups through newBackupModel, the framework path's own mapping.
func compileBackupList(t tftypes.Type) (encodeFunc, error) {
	l, ok := t.(tftypes.List)
	if !ok {
		return nil, fmt.Errorf("the fast read path cannot write the backups as %s", t)
	}
	elem, err := compileEncoder(l.ElementType, reflect.TypeFor[backupModel]())
	if err != nil {
		return nil, err
	}
	return func(w *stateWriter, v reflect.Value) error {
		backups := v.Interface().(backupList) //nolint:forcetypeassert // compiled for backupList
		if err := w.EncodeArrayLen(len(backups)); err != nil {
			return err
		}
		var m backupModel
		mv := reflect.ValueOf(&m).Elem()
		for i := range backups {
			m = newBackupModel(&backups[i])
			// Written backups are dropped, and the buffer sized once from the first ones, so that the
			// parsed backups, the state and its doublings do not all hold memory at the same time.
			backups[i] = vbs.Backup{}
			if err := elem(w, mv); err != nil {
				return err
			}
			if written := i + 1; written == sizingSample && written < len(backups) {
				w.buf.Grow(w.buf.Len() / written * (len(backups) - written) * 9 / 8)
			}
		}
		return nil
	}, nil
}
