package provider

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// TestBackupAttributes_unreadableCoverTheClient: every key the client can report unreadable maps to
// attributes that vbs_backup and an element of vbs_backups have, and the table names no key that the
// client cannot report; a new key in the client whose attribute has another name, and no row, fails here.
func TestBackupAttributes_unreadableCoverTheClient(t *testing.T) {
	one := dataSourceAttributes(t, NewBackupDataSource())
	list := dataSourceAttributes(t, NewBackupsDataSource())
	element := list["backups"].(schema.ListNestedAttribute).NestedObject.Attributes
	for _, key := range vbs.UnreadableKeys {
		for _, a := range unreadableAttributesOf(key) {
			if a == volumeKeyAttribute {
				if _, ok := one["volume_key"]; !ok {
					t.Errorf("%q: vbs_backup has no volume_key", key)
				}
				if _, ok := list["volume_keys"]; !ok {
					t.Errorf("%q: vbs_backups has no volume_keys", key)
				}
				continue
			}
			if !hasAttribute(one, a) || !hasAttribute(element, a) {
				t.Errorf("%q maps to %q, which is not an attribute of vbs_backup and of an element of vbs_backups", key, a)
			}
		}
	}
	for key := range unreadableAttributes {
		if !slices.Contains(vbs.UnreadableKeys, key) {
			t.Errorf("unreadableAttributes maps %q, which the client never reports", key)
		}
	}
}

func TestBackupAttributes_unreadableNames(t *testing.T) {
	keys := []string{"size", "service_metadata.DL", "service_metadata.VK", "os-bak-tenant-attr:tenant_id",
		"os-backup-project-attr:project_id", vbs.WithheldServiceMetadata}
	want := []string{"size", "service_metadata.deduplicated", "service_metadata.compressed", "volume_keys", "tenant_id",
		"service_metadata_json"}
	if got := unreadableAttributeNames(keys, "volume_keys"); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func dataSourceAttributes(t *testing.T, d datasource.DataSource) map[string]schema.Attribute {
	t.Helper()
	var resp datasource.SchemaResponse
	d.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema.Attributes
}

// hasAttribute reports whether the dotted path names an attribute of attrs, through single nested ones.
func hasAttribute(attrs map[string]schema.Attribute, path string) bool {
	name, rest, nested := strings.Cut(path, ".")
	a, ok := attrs[name]
	if !ok || !nested {
		return ok
	}
	single, ok := a.(schema.SingleNestedAttribute)
	return ok && hasAttribute(single.Attributes, rest)
}

// TestBackupAttributes_tableMatchesModel: every attribute of backupModel (its embedded
// backupFilterModel's too) has exactly one row of backupAttributeTable, and every row names one; a
// model field added without a row, a row without a field, or a row twice fails here.
func TestBackupAttributes_tableMatchesModel(t *testing.T) {
	fields := modelFields(reflect.ValueOf(&backupModel{}).Elem())
	rows := map[string]int{}
	for _, a := range backupAttributeTable {
		rows[a.name]++
		if _, ok := fields[a.name]; !ok {
			t.Errorf("row %q names no attribute of backupModel", a.name)
		}
		if a.schema == nil || a.set == nil {
			t.Errorf("row %q lacks its schema or its mapping", a.name)
		}
	}
	for name := range fields {
		if rows[name] != 1 {
			t.Errorf("attribute %q of backupModel has %d rows in backupAttributeTable, want 1", name, rows[name])
		}
	}
	if got := len(backupAttributes()); got != len(fields) {
		t.Errorf("backupAttributes has %d attributes, backupModel %d", got, len(fields))
	}
}

// TestBackupAttributes_eachRowWritesItsAttribute: from a backup with every value set, each row's
// mapping alone makes its own attribute non-null and leaves every other null, and newBackupModel
// leaves none null; a row whose mapping is missing, or writes another attribute, fails here.
func TestBackupAttributes_eachRowWritesItsAttribute(t *testing.T) {
	b := fullClientBackup(t)
	for _, a := range backupAttributeTable {
		var m backupModel
		a.set(&m, b)
		for name, v := range modelFields(reflect.ValueOf(&m).Elem()) {
			if set := !isNull(t, name, v); set != (name == a.name) {
				t.Errorf("row %q: attribute %q is set: %t", a.name, name, set)
			}
		}
	}
	m := newBackupModel(b)
	for name, v := range modelFields(reflect.ValueOf(&m).Elem()) {
		if isNull(t, name, v) {
			t.Errorf("newBackupModel leaves %q null for a backup that has it", name)
		}
	}
}

// TestBackupAttributes_reusedModelKeepsNothingOfTheLast: the fast path maps each backup into one
// model it reuses, so a backup without values, mapped after one with every value, is null but for
// its id; a row that writes nothing where its value is absent would otherwise leave the last one's.
func TestBackupAttributes_reusedModelKeepsNothingOfTheLast(t *testing.T) {
	var m backupModel
	setBackupModel(&m, fullClientBackup(t))
	setBackupModel(&m, &vbs.Backup{ID: "b2"})
	for name, v := range modelFields(reflect.ValueOf(&m).Elem()) {
		if null := isNull(t, name, v); null != (name != "id") {
			t.Errorf("attribute %q is null: %t", name, null)
		}
	}
	if m.ID.ValueString() != "b2" {
		t.Errorf("id %q, want b2", m.ID.ValueString())
	}
}

// fullClientBackup is a backup whose every value is set, which the test checks so that a value the client
// gains is set here as well.
func fullClientBackup(t *testing.T) *vbs.Backup {
	t.Helper()
	at := time.Date(2013, 6, 27, 8, 48, 3, 0, time.UTC)
	b := &vbs.Backup{
		ID: "b1", Name: ptr("daily"), Status: ptr("available"), AvailabilityZone: ptr("az1"), VolumeID: ptr("v1"),
		SnapshotID: ptr("s1"), FailReason: ptr("none"), Container: ptr("c1"), Description: ptr(`{"DESC":"d","INC":1}`),
		DescriptionText: ptr("d"), IncrementalRequested: ptr(true), Size: ptr(int64(10)), ObjectCount: ptr(int64(3)),
		CreatedAt: &at, UpdatedAt: &at, DataTimestamp: &at, TenantID: ptr("p1"), HasDependentBackups: ptr(true),
		IsIncremental: ptr(true), Incremental: ptr(true), Links: []vbs.Link{{Href: "https://127.0.0.1/b1", Rel: "self"}},
		Metadata: map[string]string{"k": "v"}, UserID: ptr("u1"), EncryptionKeyID: ptr("e1"),
		ServiceMetadataJSON: ptr(`{"BT":1}`), ServiceMetadata: &vbs.ServiceMetadata{BackupType: ptr("incremental")},
		Unreadable: []string{"size"},
	}
	v := reflect.ValueOf(b).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("fullClientBackup leaves %s unset", v.Type().Field(i).Name)
		}
	}
	return b
}

// modelFields are the fields of a tfsdk-tagged struct by their tags, through embedded structs.
func modelFields(v reflect.Value) map[string]reflect.Value {
	fields := map[string]reflect.Value{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if tag := f.Tag.Get("tfsdk"); tag != "" {
			fields[tag] = v.Field(i)
		} else if f.Anonymous {
			for name, fv := range modelFields(v.Field(i)) {
				fields[name] = fv
			}
		}
	}
	return fields
}

// isNull reports whether a model field holds null: a null or unknown value, or a nil list, map or object.
func isNull(t *testing.T, name string, v reflect.Value) bool {
	t.Helper()
	if a, ok := v.Interface().(attr.Value); ok {
		return a.IsNull() || a.IsUnknown()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return v.IsNil()
	}
	t.Fatalf("attribute %q: a field of kind %s, which the test cannot tell null", name, v.Kind())
	return false
}
