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
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"runtime/debug"
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
	if ce := s.provider.unconfigured; s.provider.client == nil && ce != nil {
		return errorResponse(req, ce.Summary, ce.Detail), nil
	}
	if s.provider.client == nil {
		return errorResponse(req, "Unconfigured VBS provider",
			"vbs_backups was read before the provider was configured. This is a bug in Terraform or the provider; please report it."), nil
	}
	// The backups are written page by page as they arrive, so that only one page of them is parsed
	// at a time; the ids and volume keys, which are small, are kept for the attributes of their own.
	list := backupList{items: &chunkWriter{}}
	w := newStateWriter(ctx, list.items)
	var ids []string
	keys := map[string]string{}
	var encodeErr error
	sum, err := s.provider.client.EachPage(readCtx, m.listOpts(), func(page []vbs.Backup) error {
		ids = append(ids, backupIDs(page)...)
		maps.Copy(keys, volumeKeys(page))
		list.len += len(page)
		encodeErr = r.writeBackups(w, page)
		return encodeErr
	})
	switch {
	case encodeErr != nil:
		return errorResponse(req, encodeErrorSummary, encodeErr.Error()+". This is a bug in the provider; please report it."), nil
	case err != nil:
		return errorResponse(req, listErrorSummary, err.Error()), nil
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	if sum.Unreadable > 0 {
		summary, detail := unreadableWarning(sum, list.len)
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail,
		})
	}
	m.setIDs(ids)
	// A large state is held twice at two moments: its chunks and the joined slice, then that slice and
	// gRPC's copy. Each copy is one contiguous allocation, which the pages the runtime freed among
	// the chunks and the walk's garbage cannot hold, so the heap grows; handing those pages back to
	// the system first keeps the peak near the two copies (100,000 backups: 358 MB instead of 637).
	big := list.items.size >= bigState
	if big {
		debug.FreeOSMemory()
	}
	state, err := r.encode(ctx, &backupsState{backupFiltersModel: m, Backups: list, VolumeKeys: keys})
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
// they arrived, a page at a time, so that 100,000 parsed backups never exist at once.
type backupsState struct {
	backupFiltersModel
	Backups    backupList        `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"`
}

// backupList is a list of newBackupModel, never null, like the framework path's slice, whose
// elements are written already: len of them, in items.
type backupList struct {
	len   int
	items *chunkWriter
}

// fastBackups is what the fast path derives once from the data source's schema.
type fastBackups struct {
	typeName string
	schema   tfsdk.Config // Raw unset: the schema for decoding arguments
	typ      tftypes.Type
	write    encodeFunc
	backup   encodeFunc // one element of the backups, a backupModel
	err      error      // the model does not match the schema
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
	if r.err == nil {
		obj, _ := r.typ.(tftypes.Object) // compileEncoder checked it is one
		r.backup, r.err = compileBackup(obj.AttributeTypes["backups"])
	}
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

// writeBackups writes backups as elements of the backups list, through newBackupModel, the
// framework path's own mapping.
func (r *fastBackups) writeBackups(w *stateWriter, backups []vbs.Backup) error {
	var m backupModel
	mv := reflect.ValueOf(&m).Elem()
	for i := range backups {
		m = newBackupModel(&backups[i])
		if err := r.backup(w, mv); err != nil {
			return err
		}
	}
	return nil
}

// encode writes the state as the msgpack DynamicValue Terraform decodes with the schema's type.
func (r *fastBackups) encode(ctx context.Context, state *backupsState) (*tfprotov6.DynamicValue, error) {
	var out chunkWriter
	if err := r.write(newStateWriter(ctx, &out), reflect.ValueOf(state).Elem()); err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: out.bytes()}, nil
}

// stateWriter is the msgpack encoder with the context that attr.Value conversions take.
type stateWriter struct {
	ctx    context.Context
	chunks *chunkWriter // the Encoder's, for splicing in what is written already
	*msgpack.Encoder
}

func newStateWriter(ctx context.Context, out *chunkWriter) *stateWriter {
	return &stateWriter{ctx: ctx, chunks: out, Encoder: msgpack.NewEncoder(out)}
}

// chunkWriter collects bytes in chunks, so that a growing state of 100 MB is never copied into a
// buffer twice as large, and another chunkWriter's bytes can be appended without copying them.
// bytes joins the chunks once, into a slice of exactly the state's size.
type chunkWriter struct {
	chunks [][]byte // full, or spliced in
	cur    []byte   // the chunk being written, nil after a splice
	last   int      // the capacity of the last chunk allocated
	size   int
}

// The chunks grow from minChunk, for the many small states, to maxChunk.
const (
	minChunk = 4 << 10
	maxChunk = 1 << 20
)

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(c.cur) == cap(c.cur) {
			c.grow()
		}
		k := copy(c.cur[len(c.cur):cap(c.cur)], p)
		c.cur = c.cur[:len(c.cur)+k]
		p = p[k:]
	}
	c.size += n
	return n, nil
}

// WriteByte spares the msgpack encoder a one-byte slice per call.
func (c *chunkWriter) WriteByte(b byte) error {
	if len(c.cur) == cap(c.cur) {
		c.grow()
	}
	c.cur = append(c.cur, b)
	c.size++
	return nil
}

// grow starts a new chunk, twice as large as the last one, up to maxChunk.
func (c *chunkWriter) grow() {
	c.flush()
	c.last = min(max(2*c.last, minChunk), maxChunk)
	c.cur = make([]byte, 0, c.last)
}

// flush moves the current chunk, unless empty, to the full ones.
func (c *chunkWriter) flush() {
	if len(c.cur) > 0 {
		c.chunks = append(c.chunks, c.cur)
	}
	c.cur = nil
}

// splice appends the bytes of o, which is left empty, without copying them.
func (c *chunkWriter) splice(o *chunkWriter) {
	c.flush()
	o.flush()
	c.chunks = append(c.chunks, o.chunks...)
	c.size += o.size
	*o = chunkWriter{}
}

// bytes joins the chunks, which it drops, into one slice.
func (c *chunkWriter) bytes() []byte {
	c.flush()
	if len(c.chunks) == 1 {
		return c.chunks[0]
	}
	out := make([]byte, 0, c.size)
	for i, chunk := range c.chunks {
		out = append(out, chunk...)
		c.chunks[i] = nil
	}
	c.chunks = nil
	return out
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

// encodeFloat writes a number as tftypes writes the framework's big.Float of it: a whole number
// that fits an int64 as an integer, any other whole number (2^63, 1e300) as its exact decimal
// text, a fraction or an infinity as a float64.
func encodeFloat(w *stateWriter, f float64) error {
	switch {
	case math.IsInf(f, 0) || f != math.Trunc(f):
		return w.EncodeFloat64(f)
	case f >= math.MinInt64 && f < math.MaxInt64: // float64(MaxInt64) is 2^63
		return w.EncodeInt(int64(f))
	}
	return w.EncodeString(new(big.Float).SetFloat64(f).Text('f', -1))
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

// compileBackup returns the encoder of one element of the backups list, t: a backupModel.
func compileBackup(t tftypes.Type) (encodeFunc, error) {
	l, ok := t.(tftypes.List)
	if !ok {
		return nil, fmt.Errorf("the fast read path cannot write the backups as %s", t)
	}
	return compileEncoder(l.ElementType, reflect.TypeFor[backupModel]())
}

// compileBackupList writes a backupList: its length, then its elements, written already.
func compileBackupList(t tftypes.Type) (encodeFunc, error) {
	if _, err := compileBackup(t); err != nil {
		return nil, err
	}
	return func(w *stateWriter, v reflect.Value) error {
		list := v.Addr().Interface().(*backupList) //nolint:forcetypeassert // compiled for backupList
		if err := w.EncodeArrayLen(list.len); err != nil {
			return err
		}
		w.chunks.splice(list.items)
		return nil
	}, nil
}
