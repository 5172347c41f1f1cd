package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// TestFastRead_sameAsFramework reads each data set through both paths of the protocol server and
// requires the same state, value for value, and the same diagnostics.
func TestFastRead_sameAsFramework(t *testing.T) {
	generated := vbssim.Generate(500, 42, vbssim.DefaultProjectID)
	cases := []struct {
		name     string
		cfg      vbssim.Config
		version  string
		args     map[string]tftypes.Value
		backups  int  // in the state, so that no case passes by reading nothing
		warnings bool // whether the read must warn about unreadable values
		fails    bool // whether the read fails
	}{
		{name: "every attribute present", cfg: vbssim.Config{Backups: []vbssim.Backup{fullBackup()}}, version: "v3", backups: 1},
		{name: "every attribute present, v2", cfg: vbssim.Config{Backups: []vbssim.Backup{fullBackup()}}, version: "v2", backups: 1},
		{name: "every attribute present, with volume keys", cfg: vbssim.Config{Backups: []vbssim.Backup{fullBackup()}}, version: "v3", backups: 1, args: withVolumeKeys},
		{name: "every attribute absent", cfg: vbssim.Config{Backups: []vbssim.Backup{absentBackup()}}, version: "v3", backups: 1},
		{name: "JSON nulls", cfg: vbssim.Config{Backups: []vbssim.Backup{nullBackup()}}, version: "v3", backups: 1},
		{name: "unreadable values", cfg: vbssim.Config{Backups: unreadableBackups()}, version: "v3", backups: 3, warnings: true},
		{name: "unreadable values, with volume keys", cfg: vbssim.Config{Backups: unreadableBackups()}, version: "v3", backups: 3, warnings: true, args: withVolumeKeys},
		{name: "empty lists and maps", cfg: vbssim.Config{Backups: []vbssim.Backup{emptyBackup()}}, version: "v3", backups: 1},
		{name: "zero backups", version: "v3"},
		{name: "API example", cfg: vbssim.Config{Backups: vbssim.Example()}, version: "v2", backups: 3},
		{name: "generated", cfg: vbssim.Config{Backups: generated}, version: "v3", backups: 500},
		{name: "generated, v2", cfg: vbssim.Config{Backups: generated}, version: "v2", backups: 500},
		{name: "generated, with volume keys", cfg: vbssim.Config{Backups: generated}, version: "v3", backups: 500, args: withVolumeKeys},
		{name: "generated, old microversion", cfg: vbssim.Config{Backups: generated, MaxMicroversion: "3.0"}, version: "v3", backups: 500},
		{
			name: "generated, every argument", cfg: vbssim.Config{Backups: generated}, version: "v3", backups: 40,
			args: map[string]tftypes.Value{
				"status":    tftypes.NewValue(tftypes.String, "available"),
				"sort_key":  tftypes.NewValue(tftypes.String, "size"),
				"sort_dir":  tftypes.NewValue(tftypes.String, "asc"),
				"offset":    tftypes.NewValue(tftypes.Number, 3),
				"limit":     tftypes.NewValue(tftypes.Number, 40),
				"page_size": tftypes.NewValue(tftypes.Number, 7),
				"timeouts":  readTimeout("2m"),
			},
		},
		{
			name: "generated, by volume", cfg: vbssim.Config{Backups: generated}, version: "v3", backups: countVolume(generated),
			args: map[string]tftypes.Value{"volume_id": tftypes.NewValue(tftypes.String, generated[0].VolumeID)},
		},
		{
			name: "server error", cfg: vbssim.Config{Backups: generated, MaxMicroversion: "3.30"}, version: "v3", fails: true,
			args: map[string]tftypes.Value{"sort_key": tftypes.NewValue(tftypes.String, "name")},
		},
		{
			name: "timeout", cfg: vbssim.Config{Backups: generated}, version: "v3", fails: true,
			args: map[string]tftypes.Value{"timeouts": readTimeout("1ns")},
		},
		{
			name: "tenant_id, total_count beside limit", cfg: vbssim.Config{Backups: generated}, version: "v3", backups: 3,
			args: map[string]tftypes.Value{
				"tenant_id": tftypes.NewValue(tftypes.String, vbssim.DefaultProjectID),
				"limit":     tftypes.NewValue(tftypes.Number, 3),
			},
		},
		{
			name: "all_projects refused, an error on the argument", cfg: vbssim.Config{Backups: generated}, version: "v3", fails: true,
			args: map[string]tftypes.Value{"all_projects": tftypes.NewValue(tftypes.Bool, true)},
		},
		{
			name: "a region the endpoint cannot serve", cfg: vbssim.Config{Backups: generated}, version: "v3", fails: true,
			args: map[string]tftypes.Value{"region": tftypes.NewValue(tftypes.String, vbssim.SecondRegion)},
		},
	}
	selected := selectionBackups(60)
	after := createdAt(newestFirst(selected)[40])
	unsorted := selectionBackups(30)
	// The 5th newest claims to be newer than every other, which breaks the order; the 28th newest
	// too, a match that only a walk of every page finds.
	unsorted[25].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2030-01-01T00:00:00.000000"`)}
	unsorted[2].Override = unsorted[25].Override
	cases = append(cases, []struct {
		name     string
		cfg      vbssim.Config
		version  string
		args     map[string]tftypes.Value
		backups  int
		warnings bool
		fails    bool
	}{{
		name: "client-side filters", cfg: vbssim.Config{Backups: selected}, version: "v3",
		backups: len(idsWhere(t, selected, func(b vbssim.Backup) bool {
			return b.Name != nil && strings.Contains(*b.Name, "db") && createdAt(b).After(after) && b.Metadata["env"] == "prod" &&
				*b.AvailabilityZone == "az-1" && !*incrementalOf(b)
		})),
		args: map[string]tftypes.Value{
			"name_regex":        tftypes.NewValue(tftypes.String, "db"),
			"created_after":     tftypes.NewValue(tftypes.String, after.Format(time.RFC3339Nano)),
			"created_before":    tftypes.NewValue(tftypes.String, "2099-01-01T00:00:00Z"),
			"metadata":          tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"env": tftypes.NewValue(tftypes.String, "prod")}),
			"availability_zone": tftypes.NewValue(tftypes.String, "az-1"),
			"incremental":       tftypes.NewValue(tftypes.Bool, false),
			"page_size":         tftypes.NewValue(tftypes.Number, 9),
		},
	}, {
		name: "unsorted server", cfg: vbssim.Config{Backups: unsorted}, version: "v3", warnings: true,
		backups: len(idsWhere(t, unsorted, func(b vbssim.Backup) bool {
			return b.ID == unsorted[2].ID || createdAt(b).After(createdAt(unsorted[20]))
		})),
		args: map[string]tftypes.Value{"created_after": tftypes.NewValue(tftypes.String, createdAt(unsorted[20]).Format(time.RFC3339Nano))},
	}}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim := vbssim.NewTest(t, c.cfg)
			endpoint := sim.Endpoint(c.version, vbssim.DefaultProjectID)
			fast := configuredServer(t, endpoint, true)
			fast.frameworkServer = frameworkForbidden{fast.frameworkServer, t}
			framework := configuredServer(t, endpoint, false)
			typ := backupsType(t, framework)
			req := &tfprotov6.ReadDataSourceRequest{TypeName: "vbs_backups", Config: objectValue(t, typ, c.args)}

			got, err := fast.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := framework.ReadDataSource(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sameRequestIDs(got.Diagnostics), sameRequestIDs(want.Diagnostics)) {
				t.Errorf("diagnostics differ:\nfast:      %s\nframework: %s", diagsString(got.Diagnostics), diagsString(want.Diagnostics))
			}
			gotState, wantState := decodeState(t, typ, got.State), decodeState(t, typ, want.State)
			if !gotState.Equal(wantState) {
				diffs, err := gotState.Diff(wantState)
				t.Fatalf("states differ (%v) in %d values, first: %v", err, len(diffs), diffs[:min(len(diffs), 5)])
			}

			if failed := strings.Contains(diagsString(want.Diagnostics), "ERROR: "); failed != c.fails {
				t.Fatalf("failed %v, want %v: %s", failed, c.fails, diagsString(want.Diagnostics))
			}
			if n := len(stateAttribute(t, wantState, "backups")); !c.fails && n != c.backups {
				t.Errorf("%d backups in the state, want %d", n, c.backups)
			}
			if c.warnings && !strings.Contains(diagsString(want.Diagnostics), "WARNING") {
				t.Errorf("no warning: %s", diagsString(want.Diagnostics))
			}
		})
	}
}

// withVolumeKeys are the arguments of a read that asks for the volume keys.
var withVolumeKeys = map[string]tftypes.Value{"include_volume_keys": tftypes.NewValue(tftypes.Bool, true)}

// TestFastRead_volumeKeysOnlyWhenAsked: on both paths, volume_keys is null unless
// include_volume_keys = true, and then holds the key of the encrypted volume.
func TestFastRead_volumeKeysOnlyWhenAsked(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{Backups: append(vbssim.Example(), fullBackup())})
	endpoint := sim.Endpoint("v3", vbssim.DefaultProjectID)
	for _, fast := range []bool{true, false} {
		s := configuredServer(t, endpoint, fast)
		if fast {
			s.frameworkServer = frameworkForbidden{s.frameworkServer, t}
		}
		typ := backupsType(t, s)
		for _, include := range []*bool{nil, ptr(false), ptr(true)} {
			var args map[string]tftypes.Value
			if include != nil {
				args = map[string]tftypes.Value{"include_volume_keys": tftypes.NewValue(tftypes.Bool, *include)}
			}
			resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "vbs_backups", Config: objectValue(t, typ, args)})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("fast %v, include_volume_keys %v: %v %s", fast, include, err, diagsString(resp.Diagnostics))
			}
			var attrs map[string]tftypes.Value
			if err := decodeState(t, typ, resp.State).As(&attrs); err != nil {
				t.Fatal(err)
			}
			want := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil)
			if include != nil && *include {
				want = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
					fullBackup().ID: tftypes.NewValue(tftypes.String, "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
				})
			}
			if got := attrs["volume_keys"]; !got.Equal(want) {
				t.Errorf("fast %v, include_volume_keys %v: volume_keys %v, want %v", fast, include, got, want)
			}
		}
	}
}

// TestFastRead_unconfigured: a read before ConfigureProvider is an error, not a panic.
func TestFastRead_unconfigured(t *testing.T) {
	s := newProtocolServer("test", true, testOptions...)
	typ := backupsType(t, s)
	resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: "vbs_backups", Config: objectValue(t, typ, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := diagsString(resp.Diagnostics); !strings.Contains(got, "ERROR: Unconfigured VBS provider") {
		t.Errorf("diagnostics: %s", got)
	}
}

// TestFastRead_derivedType: the type the fast path writes is the one the framework announces.
func TestFastRead_derivedType(t *testing.T) {
	r := backupsStateWriter()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if typ := backupsType(t, newProtocolServer("test", true, testOptions...)); !r.typ.Equal(typ) {
		t.Errorf("fast path type %s, schema type %s", r.typ, typ)
	}
}

// frameworkForbidden fails the test when the fast server hands vbs_backups to the framework, so
// that an equality test cannot pass by comparing the framework with itself.
type frameworkForbidden struct {
	frameworkServer
	t testing.TB
}

func (f frameworkForbidden) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName == "vbs_backups" {
		f.t.Error("the fast path handed vbs_backups to the framework")
	}
	return f.frameworkServer.ReadDataSource(ctx, req)
}

// fullBackup has every key the API knows, and service_metadata with every documented key, a secret
// volume key and undocumented keys.
func fullBackup() vbssim.Backup {
	return vbssim.Backup{
		ID:                  "5b0c2f0e-8f7a-4c59-9d43-6a3c0f9d2b11",
		Name:                ptr("nightly"),
		Description:         ptr(`{"DESC": "nightly backup of the database", "INC": 1}`),
		Status:              "available",
		AvailabilityZone:    ptr("cn-north-4a"),
		VolumeID:            "0c5a1d4e-6b2f-4a8e-9c3d-7e1f2a3b4c5d",
		SnapshotID:          ptr("7d6c5b4a-3f2e-4d1c-8b0a-9e8d7c6b5a4f"),
		FailReason:          ptr("none"),
		Container:           ptr("volumebackups"),
		Size:                40,
		ObjectCount:         ptr(int64(12)),
		CreatedAt:           "2026-11-28T01:02:03.123456",
		UpdatedAt:           ptr("2026-11-28T01:12:03+08:00"),
		DataTimestamp:       ptr("2026-11-28T01:02:03Z"),
		ProjectID:           vbssim.DefaultProjectID,
		UserID:              ptr("4f8e2a1c9b3d4e5f6a7b8c9d0e1f2a3b"),
		EncryptionKeyID:     ptr("c0ffee00-0000-4000-8000-000000000002"),
		HasDependentBackups: true,
		IsIncremental:       true,
		Links:               []vbssim.Link{{Href: "http://127.0.0.1:1/v3/p/backups/5b0c", Rel: "self"}},
		Metadata:            map[string]string{"owner": "db-team", "env": "prod"},
		ServiceMetadata: ptr(`{"DL": 3, "VK": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "bootable": "true", "backupurl": "img-1", ` +
			`"SP": "/pool/a", "VMID": "vm-1", "ST": 5, "BT": "2", "SS": 37, "BP": "/unit/1", "CMKID": "c0ffee00-0000-4000-8000-000000000001", ` +
			`"progress": 99.5, "CS": "2048", "VT": "SSD", "OMID": "host-7", "Type": "1", "ebk_T_I": "job-9", "AT": 12.25, ` +
			`"custom": {"a": 1}, "flag": false, "BackupSize": 0, "big": 1e300}`),
	}
}

// absentBackup leaves out every key but its id.
func absentBackup() vbssim.Backup {
	b := fullBackup()
	b.Override = map[string]json.RawMessage{}
	for _, k := range []string{"status", "description", "links", "availability_zone", "volume_id", "fail_reason", "size",
		"object_count", "container", "name", "created_at", "updated_at", "data_timestamp", "os-bak-tenant-attr:tenant_id",
		"os-backup-project-attr:project_id", "service_metadata", "has_dependent_backups", "snapshot_id", "is_incremental",
		"metadata", "user_id", "encryption_key_id"} {
		b.Override[k] = nil
	}
	return b
}

// nullBackup has every key but its id, as JSON null.
func nullBackup() vbssim.Backup {
	b := absentBackup()
	for k := range b.Override {
		b.Override[k] = json.RawMessage("null")
	}
	return b
}

// unreadableBackups have values of the wrong kind, among readable ones.
func unreadableBackups() []vbssim.Backup {
	a, b, c := fullBackup(), fullBackup(), fullBackup()
	a.Override = map[string]json.RawMessage{"size": json.RawMessage(`"large"`), "updated_at": json.RawMessage(`"yesterday"`)}
	b.ID = "6b0c2f0e-8f7a-4c59-9d43-6a3c0f9d2b12"
	b.ServiceMetadata = ptr(`{"DL": "x", "progress": "NaN", "VK": "secret-volume-key", "bootable": "perhaps"}`)
	b.Override = map[string]json.RawMessage{"is_incremental": json.RawMessage(`"sometimes"`)}
	c.ID = "7b0c2f0e-8f7a-4c59-9d43-6a3c0f9d2b13"
	return []vbssim.Backup{a, b, c}
}

// emptyBackup has empty links, metadata, description and service_metadata.
func emptyBackup() vbssim.Backup {
	b := fullBackup()
	b.Links, b.Metadata, b.Description, b.ServiceMetadata = []vbssim.Link{}, map[string]string{}, ptr(""), ptr("{}")
	b.Name = ptr("")
	return b
}

func countVolume(backups []vbssim.Backup) int {
	n := 0
	for _, b := range backups {
		if b.VolumeID == backups[0].VolumeID {
			n++
		}
	}
	return n
}

func readTimeout(d string) tftypes.Value {
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}}
	return tftypes.NewValue(typ, map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, d)})
}

// configuredServer is a protocol server of the provider after ConfigureProvider with a token and
// the simulator's endpoint, as Terraform leaves it before reading data sources.
func configuredServer(t testing.TB, endpoint string, fast bool) *protocolServer {
	t.Helper()
	s := newProtocolServer("test", fast, testOptions...)
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schema.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %s", err, diagsString(schema.Diagnostics))
	}
	config := objectValue(t, schema.Provider.ValueType(), map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, endpoint),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	})
	resp, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %s", err, diagsString(resp.Diagnostics))
	}
	return s
}

// backupsType is the type of vbs_backups as the server announces it to Terraform.
func backupsType(t testing.TB, s tfprotov6.ProviderServer) tftypes.Type {
	t.Helper()
	return dataSourceType(t, s, "vbs_backups")
}

// objectValue is a configuration block with the attributes in set and every other one null.
func objectValue(t testing.TB, typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.(tftypes.Object).AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			attrs[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func decodeState(t testing.TB, typ tftypes.Type, dv *tfprotov6.DynamicValue) tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no state")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stateAttribute is a list attribute of a decoded state.
func stateAttribute(t testing.TB, state tftypes.Value, name string) []tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	var list []tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if err := attrs[name].As(&list); err != nil {
		t.Fatal(err)
	}
	return list
}

// simRequestID is the simulator's request id, which differs between two reads of the same pages.
var simRequestID = regexp.MustCompile(`req-[0-9a-f-]{36}`)

// sameRequestIDs are the diagnostics with every request id the same.
func sameRequestIDs(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, len(diags))
	for i, d := range diags {
		c := *d
		c.Detail = simRequestID.ReplaceAllString(c.Detail, "req-ID")
		out[i] = &c
	}
	return out
}

func diagsString(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "[%s: %s: %s @%v]", d.Severity, d.Summary, d.Detail, d.Attribute)
	}
	return b.String()
}

// BenchmarkReadBackups reads n backups through the protocol server (the page walk against the
// simulator, 1000 a page, and the state's encoding) on the fast path and, up to 10,000, on the
// framework path; floor is the same pages fetched over loopback and decoded with encoding/json
// into maps, the least any read of them can cost.
func BenchmarkReadBackups(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		sim := vbssim.NewTest(b, vbssim.Config{Backups: vbssim.Generate(n, 1, vbssim.DefaultProjectID)})
		endpoint := sim.Endpoint("v3", vbssim.DefaultProjectID)
		fetchMaps(b, endpoint, n) // the simulator encodes its pages on first use
		b.Run(fmt.Sprintf("floor/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fetchMaps(b, endpoint, n)
			}
		})
		for _, fast := range []bool{true, false} {
			name := map[bool]string{true: "fast", false: "framework"}[fast]
			if !fast && n > 10000 {
				continue // about 1.5 s and 70 KB per backup: the point is made at 10,000
			}
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				s := configuredServer(b, endpoint, fast)
				req := &tfprotov6.ReadDataSourceRequest{TypeName: "vbs_backups", Config: objectValue(b, backupsType(b, s),
					map[string]tftypes.Value{"page_size": tftypes.NewValue(tftypes.Number, 1000)})}
				b.ReportAllocs()
				for b.Loop() {
					resp, err := s.ReadDataSource(context.Background(), req)
					if err != nil || strings.Contains(diagsString(resp.Diagnostics), "ERROR") {
						b.Fatalf("%v %s", err, diagsString(resp.Diagnostics))
					}
				}
			})
		}
	}
}

// fetchMaps walks the pages of a listing by their next links and decodes each into maps, keeping
// them as a read must keep what it returns.
func fetchMaps(b *testing.B, endpoint string, want int) []map[string]any {
	u := endpoint + "/backups/detail?limit=1000"
	var pages []map[string]any
	got := 0
	for u != "" {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", vbssim.DefaultToken)
		req.Header.Set("OpenStack-API-Version", "volume "+vbssim.DefaultMicroversion) // the provider's pages, key for key
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if err := errors.Join(err, resp.Body.Close()); err != nil {
			b.Fatal(err)
		}
		var page map[string]any
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, page)
		items, _ := page["backups"].([]any)
		got += len(items)
		u = ""
		links, _ := page["backups_links"].([]any)
		for _, l := range links {
			if l, _ := l.(map[string]any); l["rel"] == "next" && len(items) > 0 {
				u, _ = l["href"].(string)
			}
		}
	}
	if got != want {
		b.Fatalf("fetched %d backups, want %d", got, want)
	}
	return pages
}
