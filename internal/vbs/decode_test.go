package vbs

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func decodeBackups(t *testing.T, body []byte) ([]Backup, string) {
	t.Helper()
	items, next, err := decodeAll[backupJSON](body)
	if err != nil {
		t.Fatal(err)
	}
	backups := make([]Backup, len(items))
	for i := range items {
		backups[i] = items[i].backup()
	}
	return backups, next
}

func TestDecode_apiExampleV2(t *testing.T) {
	backups, next := decodeBackups(t, readTestdata(t, "v2_example.json"))
	if len(backups) != 3 {
		t.Fatalf("got %d backups, want 3", len(backups))
	}
	if want := "http://192.168.82.222:8776/b23b579f08c84228b9b4673c46f0c442/backups?limit=1&offset=1&marker=b3cf7a16-decc-4beb-8077-682737d94a58"; next != want {
		t.Errorf("next = %q", next)
	}
	b := backups[0]
	want := Backup{
		ID:                  "1d1139d8-8989-49d3-8aa1-83eb691e6db2",
		Status:              ptrTo("error"),
		VolumeID:            ptrTo("2748f2f2-4394-4e6e-af8d-8dd34496c024"),
		FailReason:          ptrTo("Connection to swift failed: [Errno 111] ECONNREFUSED"),
		Container:           ptrTo("volumebackups"),
		Size:                ptrTo(int64(1)),
		CreatedAt:           ptrTo(time.Date(2013, 6, 27, 8, 48, 3, 0, time.UTC)),
		TenantID:            ptrTo("b23b579f08c84228b9b4673c46f0c442"),
		ServiceMetadataJSON: ptrTo(apiExampleServiceMetadata),
		Incremental:         ptrTo(false), // no is_incremental: service_metadata's "Type": 0, a full backup
		Links: []Link{
			{Href: "http://192.168.82.222:8776/v2/b23b579f08c84228b9b4673c46f0c442/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2", Rel: "self"},
			{Href: "http://192.168.82.222:8776/b23b579f08c84228b9b4673c46f0c442/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2", Rel: "bookmark"},
		},
	}
	_, want.ServiceMetadata, _ = parseServiceMetadata([]byte(quoted(apiExampleServiceMetadata)))
	if !reflect.DeepEqual(b, want) {
		t.Errorf("got  %+v\nwant %+v", b, want)
	}
	// "name": null and "object_count": null stay null, never "" or 0.
	if b.Name != nil || b.ObjectCount != nil || b.Description != nil || b.DescriptionText != nil {
		t.Errorf("nulls: name %v, object_count %v, description %v", b.Name, b.ObjectCount, b.Description)
	}
	if backups[1].ServiceMetadataJSON != nil || backups[1].ServiceMetadata != nil || backups[1].TenantID != nil || backups[1].Incremental != nil {
		t.Errorf("absent service_metadata and tenant must be nil: %+v", backups[1])
	}
	for _, b := range backups {
		if b.Unreadable != nil {
			t.Errorf("%s: unreadable %v", b.ID, b.Unreadable)
		}
	}
}

func TestDecode_v3(t *testing.T) {
	backups, next := decodeBackups(t, readTestdata(t, "v3_example.json"))
	if len(backups) != 1 || !strings.Contains(next, "marker=5c2ff5e0") {
		t.Fatalf("got %d backups, next %q", len(backups), next)
	}
	b := backups[0]
	got := map[string]any{
		"tenant":      deref(b.TenantID),
		"metadata":    b.Metadata,
		"user":        deref(b.UserID),
		"key":         deref(b.EncryptionKeyID),
		"desc":        deref(b.DescriptionText),
		"inc":         deref(b.IncrementalRequested),
		"created":     deref(b.CreatedAt),
		"updated":     deref(b.UpdatedAt),
		"data":        deref(b.DataTimestamp),
		"objects":     deref(b.ObjectCount),
		"incremental": deref(b.IsIncremental),
		"dependent":   deref(b.HasDependentBackups),
		"sm":          deref(b.ServiceMetadataJSON),
		"sm parsed":   b.ServiceMetadata == nil,
		"unreadable":  b.Unreadable,
	}
	want := map[string]any{
		"tenant":      "a1b2c3",
		"metadata":    map[string]string{"owner": "ops", "tier": "gold"},
		"user":        "u-42",
		"key":         nil,
		"desc":        "nightly backup",
		"inc":         true,
		"created":     time.Date(2023, 5, 1, 10, 0, 0, 123456000, time.UTC),
		"updated":     time.Date(2023, 5, 1, 10, 5, 0, 0, time.UTC),
		"data":        time.Date(2023, 5, 1, 10, 0, 0, 0, time.UTC),
		"objects":     int64(5),
		"incremental": true,
		"dependent":   false,
		"sm":          "volume_5c2ff5e0/20230501100000/az_nova_backup_5c2ff5e0",
		"sm parsed":   true,
		"unreadable":  []string(nil),
	}
	for k := range want {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s: got %#v, want %#v", k, got[k], want[k])
		}
	}
}

func TestDecode_unreadableValues(t *testing.T) {
	body := `{"backups": [{"id": "b1", "name": ["x"], "size": "big", "object_count": "3", "created_at": "soon",
		"updated_at": "", "is_incremental": "perhaps", "has_dependent_backups": "True", "links": "none",
		"metadata": "none", "os-backup-project-attr:project_id": {}, "description": "{\"DESC\": 1",
		"service_metadata": "{\"progress\": \"x\", \"VK\": \"secret-vk\"}"}]}`
	backups, next := decodeBackups(t, []byte(body))
	b := backups[0]
	want := []string{"name", "size", "created_at", "os-backup-project-attr:project_id", "is_incremental", "links", "metadata", "description", "service_metadata.progress"}
	if !slices.Equal(b.Unreadable, want) {
		t.Errorf("unreadable: got %q, want %q", b.Unreadable, want)
	}
	if next != "" || b.Name != nil || b.Size != nil || b.CreatedAt != nil || b.UpdatedAt != nil || b.IsIncremental != nil ||
		b.Links != nil || b.Metadata != nil || b.TenantID != nil || b.ServiceMetadata.Progress != nil {
		t.Errorf("unreadable values must be nil: %+v", b)
	}
	if deref(b.ObjectCount) != int64(3) || deref(b.HasDependentBackups) != true || deref(b.DescriptionText) != `{"DESC": 1` {
		t.Errorf("tolerant values: %+v", b)
	}
	if strings.Contains(strings.Join(b.Unreadable, ","), "secret") {
		t.Error("a value leaked into Unreadable")
	}
}

func TestDecode_tenantV2WinsOverV3(t *testing.T) {
	backups, _ := decodeBackups(t, []byte(`{"backups": [{"id": "b", "os-bak-tenant-attr:tenant_id": "v2", "os-backup-project-attr:project_id": "v3"}]}`))
	if deref(backups[0].TenantID) != "v2" {
		t.Errorf("tenant: %v", deref(backups[0].TenantID))
	}
}

func TestDecodePage_errors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{``, "not valid JSON: unexpected end of JSON input"},
		{`{"backups": [{"id": "a"}`, "not valid JSON: unexpected end of JSON input"},
		{`<html><body>Bad Gateway</body></html>`, "not valid JSON: invalid character '<'"},
		{`{"volumes": []}`, `no "backups" list`},
		{`{"backups": null}`, `no "backups" list`},
		{`{"backups": {}}`, `not a page of backups: JSON object at "backups"`},
		{`{"backups": [1]}`, `not a page of backups: JSON number at "backups"`},
		{`[]`, `not a page of backups: JSON array at the top level`},
		{`{"backups": [], "backups_links": {"href": "x"}}`, `"backups_links" is not a list of links`},
	} {
		_, _, err := decodeAll[backupJSON]([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.body, err, tc.want)
		}
		_, _, err = decodeAll[idMember]([]byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ids %q: got %v, want %q", tc.body, err, tc.want)
		}
	}
}

func TestDecodePage_ids(t *testing.T) {
	items, next, err := decodeAll[idMember](readTestdata(t, "v2_example.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range items {
		id, _ := items[i].backupID()
		ids = append(ids, id)
	}
	want := []string{"1d1139d8-8989-49d3-8aa1-83eb691e6db2", "80e17946-6e56-46e0-9547-e9ba4f1619bd", "b3cf7a16-decc-4beb-8077-682737d94a58"}
	if !slices.Equal(ids, want) || !strings.Contains(next, "marker=b3cf7a16") {
		t.Errorf("got %v, %q", ids, next)
	}
}

func TestDecode_backupID(t *testing.T) {
	for body, want := range map[string]bool{
		`{"id": "a"}`: true, `{"id": 5}`: true, `{"id": ""}`: false, `{"id": null}`: false, `{}`: false, `{"id": {}}`: false,
	} {
		items, _, err := decodeAll[idMember]([]byte(`{"backups": [` + body + `]}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := items[0].backupID(); ok != want {
			t.Errorf("%s: has id %v, want %v", body, ok, want)
		}
	}
}

// TestUnreadableKeys_areWhatTheDecoderReports holds UnreadableKeys to the decoder both ways: every
// key is reported for a value of the wrong kind (a list), and the keys of service_metadata are
// exactly the documented ones of fullServiceMetadata, those not kept in Extra. FuzzDecodePage
// checks that nothing outside UnreadableKeys is ever reported.
func TestUnreadableKeys_areWhatTheDecoderReports(t *testing.T) {
	wrong := map[string]any{"id": "b1"}
	var smKeys []string
	for _, key := range UnreadableKeys {
		switch member, inner, nested := strings.Cut(key, "."); {
		case key == WithheldServiceMetadata:
		case nested && member == "service_metadata":
			smKeys = append(smKeys, inner)
		case !nested:
			wrong[key] = []int{1}
		}
	}
	sm := map[string]any{}
	for _, key := range smKeys {
		sm[key] = []int{1}
	}
	smText, _ := json.Marshal(sm)
	v3only := map[string]any{"id": "b2", "os-backup-project-attr:project_id": []int{1}} // v2's tenant wins when present
	body, _ := json.Marshal(map[string]any{"backups": []any{
		wrong, v3only,
		map[string]any{"id": "b3", "description": `{"DESC": [1], "INC": [1]}`, "service_metadata": string(smText)},
		map[string]any{"id": "b4", "service_metadata": `{"VK": "s3cr3t",`},
	}})
	backups, _ := decodeBackups(t, body)
	reported := map[string]bool{}
	for _, b := range backups {
		for _, key := range b.Unreadable {
			reported[key] = true
		}
	}
	for _, key := range UnreadableKeys {
		if !reported[key] {
			t.Errorf("UnreadableKeys holds %q, which the decoder did not report for a value of the wrong kind", key)
		}
	}
	if len(reported) != len(UnreadableKeys) {
		t.Errorf("reported %d keys, UnreadableKeys holds %d: %v", len(reported), len(UnreadableKeys), reported)
	}

	_, parsed, _ := parseServiceMetadata([]byte(quoted(fullServiceMetadata)))
	var documented []string
	for key := range each([]byte(fullServiceMetadata)) {
		if _, extra := parsed.Extra[string(key)]; !extra {
			documented = append(documented, string(key))
		}
	}
	slices.Sort(documented)
	if slices.Sort(smKeys); !slices.Equal(smKeys, documented) {
		t.Errorf("service_metadata keys in UnreadableKeys %q, documented keys the parser reads %q", smKeys, documented)
	}
}

// TestSelectionMembers_agreeWithFullDecode: what the selection decodes of a backup equals the same fields
// of the full decode, for the API example and for a backup with every field.
func TestSelectionMembers_agreeWithFullDecode(t *testing.T) {
	full := pageJSON(t, "", "a", "b")
	for _, body := range [][]byte{readTestdata(t, "v2_example.json"), full} {
		lazy, _, err := decodeAll[selectionMembersAndText](body)
		if err != nil {
			t.Fatal(err)
		}
		decoded, _ := decodeBackups(t, body)
		for i := range lazy {
			got, want := lazy[i].partial(true), decoded[i]
			sel := Backup{ID: want.ID, Name: want.Name, Status: want.Status, VolumeID: want.VolumeID, SnapshotID: want.SnapshotID, AvailabilityZone: want.AvailabilityZone,
				CreatedAt: want.CreatedAt, Metadata: want.Metadata, IsIncremental: want.IsIncremental, Incremental: want.Incremental,
				TenantID: want.TenantID}
			if !reflect.DeepEqual(got, sel) {
				t.Errorf("backup %d: selected %+v\nwant %+v", i, got, sel)
			}
			if f := lazy[i].full(); !reflect.DeepEqual(*f, want) {
				t.Errorf("backup %d: full %+v\nwant %+v", i, *f, want)
			}
		}
	}
}

// TestBackupMembers_fillEveryField: a backup with every member readable fills every field of
// Backup, so a field without its row in backupMembers (or a row that fills another field) fails.
func TestBackupMembers_fillEveryField(t *testing.T) {
	obj := backupObject("a")
	obj["fail_reason"], obj["object_count"], obj["metadata"] = "none", 3, map[string]string{"k": "v"}
	obj["user_id"], obj["encryption_key_id"] = "u", "k"
	body, err := json.Marshal(map[string]any{"backups": []any{obj}})
	if err != nil {
		t.Fatal(err)
	}
	backups, _ := decodeBackups(t, body)
	b := reflect.ValueOf(backups[0])
	for i := range b.NumField() {
		if name := b.Type().Field(i).Name; name != "Unreadable" && b.Field(i).IsZero() {
			t.Errorf("Backup.%s is not filled by any member", name)
		}
	}
	if backups[0].Unreadable != nil {
		t.Errorf("unreadable %q", backups[0].Unreadable)
	}
}

// TestBackupMembers_fitTheBits: backupJSON.bad has one bit per member.
func TestBackupMembers_fitTheBits(t *testing.T) {
	if n := len(backupMembers); n > 64 {
		t.Fatalf("%d members, more than backupJSON.bad has bits", n)
	}
}
