package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

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
