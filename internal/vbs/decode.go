package vbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// backupJSON is one backup as decoded: into a struct of small tolerant fields rather than a map,
// because a read may hold very many backups, and so that one odd value cannot fail a page.
type backupJSON struct {
	ID                  textField            `json:"id"`
	Name                textField            `json:"name"`
	Status              textField            `json:"status"`
	AvailabilityZone    textField            `json:"availability_zone"`
	VolumeID            textField            `json:"volume_id"`
	SnapshotID          textField            `json:"snapshot_id"`
	FailReason          textField            `json:"fail_reason"`
	Container           textField            `json:"container"`
	Description         textField            `json:"description"`
	Size                intField             `json:"size"`
	ObjectCount         intField             `json:"object_count"`
	CreatedAt           timeField            `json:"created_at"`
	UpdatedAt           timeField            `json:"updated_at"`
	DataTimestamp       timeField            `json:"data_timestamp"`
	TenantV2            textField            `json:"os-bak-tenant-attr:tenant_id"`
	ProjectV3           textField            `json:"os-backup-project-attr:project_id"`
	HasDependentBackups boolField            `json:"has_dependent_backups"`
	IsIncremental       boolField            `json:"is_incremental"`
	Links               linksField           `json:"links"`
	Metadata            mapField             `json:"metadata"`
	UserID              textField            `json:"user_id"`
	EncryptionKeyID     textField            `json:"encryption_key_id"`
	ServiceMetadata     serviceMetadataField `json:"service_metadata"`
}

// idMember is a backup decoded for its id alone: listing ids then skips the rest of each backup.
type idMember struct {
	ID textField `json:"id"`
}

// apiFilterMembers is a backup decoded for its id and the members of the API's own filters
// (apiFilters): listing ids with those filters alone checks them again for little more than the
// ids cost.
type apiFilterMembers struct {
	ID       textField `json:"id"`
	Name     textField `json:"name"`
	Status   textField `json:"status"`
	VolumeID textField `json:"volume_id"`
}

func (j *backupJSON) backupID() (string, bool)       { return idOf(&j.ID) }
func (j *idMember) backupID() (string, bool)         { return idOf(&j.ID) }
func (j *apiFilterMembers) backupID() (string, bool) { return idOf(&j.ID) }

// partial is the backup with only the members of the API's filters set.
func (j *apiFilterMembers) partial() Backup {
	return Backup{ID: j.ID.v, Name: j.Name.ptr(), Status: j.Status.ptr(), VolumeID: j.VolumeID.ptr()}
}

// idOf accepts only a non-empty id: a backup without one can be neither deduplicated nor referenced.
func idOf(f *textField) (string, bool) { return f.v, f.set && f.v != "" }

// backup converts j. The Backup points into j (see field.ptr), so j must not be reused.
func (j *backupJSON) backup() Backup {
	tenant := tenantOf(&j.TenantV2, &j.ProjectV3)
	b := Backup{
		ID:                  j.ID.v,
		Name:                j.Name.ptr(),
		Status:              j.Status.ptr(),
		AvailabilityZone:    j.AvailabilityZone.ptr(),
		VolumeID:            j.VolumeID.ptr(),
		SnapshotID:          j.SnapshotID.ptr(),
		FailReason:          j.FailReason.ptr(),
		Container:           j.Container.ptr(),
		Description:         j.Description.ptr(),
		Size:                j.Size.ptr(),
		ObjectCount:         j.ObjectCount.ptr(),
		CreatedAt:           j.CreatedAt.ptr(),
		UpdatedAt:           j.UpdatedAt.ptr(),
		DataTimestamp:       j.DataTimestamp.ptr(),
		TenantID:            tenant.ptr(),
		HasDependentBackups: j.HasDependentBackups.ptr(),
		IsIncremental:       j.IsIncremental.ptr(),
		Links:               j.Links.v,
		Metadata:            j.Metadata.v,
		UserID:              j.UserID.ptr(),
		EncryptionKeyID:     j.EncryptionKeyID.ptr(),
		ServiceMetadataJSON: j.ServiceMetadata.text,
		ServiceMetadata:     j.ServiceMetadata.parsed,
	}
	// The keys are the API's own (see Backup.Unreadable and UnreadableKeys).
	for i := range backupMembers {
		if m := &backupMembers[i]; m.unreadable != nil && m.unreadable(j) {
			b.Unreadable = append(b.Unreadable, m.key)
		}
	}
	b.Incremental = incrementalOf(b.IsIncremental, b.ServiceMetadata)
	var descUnreadable []string
	b.DescriptionText, b.IncrementalRequested, descUnreadable = parseDescription(b.Description)
	b.Unreadable = append(b.Unreadable, descUnreadable...)
	b.Unreadable = append(b.Unreadable, j.ServiceMetadata.unreadable...)
	return b
}

// tenantOf is the member that names a backup's project: v2 names it "tenant", Cinder v3 from 3.18
// names it "project".
func tenantOf(v2, v3 *textField) *textField {
	if v2.set || v2.bad {
		return v2
	}
	return v3
}

// backupMembers are the members of a backup as the API names them, in the order of backupJSON's
// fields (TestBackupMembers_followBackupJSON holds them to its tags): the one list from which the
// checks of unreadable values, the keys of Backup.Unreadable and what a selection reads derive.
var backupMembers = []struct {
	key string
	// unreadable reports whether the member's value in a full decode could not be read; nil for the
	// id (a backup without a readable one is an error) and for service_metadata, whose keys
	// parseServiceMetadata reports one by one.
	unreadable func(*backupJSON) bool
	// selection is where selectionMembers keeps the member; nil for a member no selection reads.
	selection func(*selectionMembers) json.Unmarshaler
}{
	{"id", nil, func(j *selectionMembers) json.Unmarshaler { return &j.id }},
	{"name", func(j *backupJSON) bool { return j.Name.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.name }},
	{"status", func(j *backupJSON) bool { return j.Status.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.status }},
	{"availability_zone", func(j *backupJSON) bool { return j.AvailabilityZone.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.zone }},
	{"volume_id", func(j *backupJSON) bool { return j.VolumeID.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.volumeID }},
	{"snapshot_id", func(j *backupJSON) bool { return j.SnapshotID.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.snapshotID }},
	{"fail_reason", func(j *backupJSON) bool { return j.FailReason.bad }, nil},
	{"container", func(j *backupJSON) bool { return j.Container.bad }, nil},
	{"description", func(j *backupJSON) bool { return j.Description.bad }, nil},
	{"size", func(j *backupJSON) bool { return j.Size.bad }, nil},
	{"object_count", func(j *backupJSON) bool { return j.ObjectCount.bad }, nil},
	{"created_at", func(j *backupJSON) bool { return j.CreatedAt.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.createdAt }},
	{"updated_at", func(j *backupJSON) bool { return j.UpdatedAt.bad }, nil},
	{"data_timestamp", func(j *backupJSON) bool { return j.DataTimestamp.bad }, nil},
	// Of the two members that name a project, only the one read can be unreadable (see tenantOf).
	{"os-bak-tenant-attr:tenant_id", func(j *backupJSON) bool { return tenantOf(&j.TenantV2, &j.ProjectV3) == &j.TenantV2 && j.TenantV2.bad },
		func(j *selectionMembers) json.Unmarshaler { return &j.tenantV2 }},
	{"os-backup-project-attr:project_id", func(j *backupJSON) bool {
		return tenantOf(&j.TenantV2, &j.ProjectV3) == &j.ProjectV3 && j.ProjectV3.bad
	},
		func(j *selectionMembers) json.Unmarshaler { return &j.projectV3 }},
	{"has_dependent_backups", func(j *backupJSON) bool { return j.HasDependentBackups.bad }, nil},
	{"is_incremental", func(j *backupJSON) bool { return j.IsIncremental.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.isIncremental }},
	{"links", func(j *backupJSON) bool { return j.Links.bad }, nil},
	{"metadata", func(j *backupJSON) bool { return j.Metadata.bad }, func(j *selectionMembers) json.Unmarshaler { return &j.metadata }},
	{"user_id", func(j *backupJSON) bool { return j.UserID.bad }, nil},
	{"encryption_key_id", func(j *backupJSON) bool { return j.EncryptionKeyID.bad }, nil},
	{"service_metadata", nil, func(j *selectionMembers) json.Unmarshaler { return &j.serviceMetadata }},
}

// unreadableKeys are the keys that Backup.Unreadable can hold: every member of a backup but the
// id, the keys of description's document, those of service_metadata's and the withheld text.
func unreadableKeys() []string {
	var keys []string
	for _, m := range backupMembers {
		if m.key != "id" {
			keys = append(keys, m.key)
		}
	}
	for _, key := range descriptionKeys {
		keys = append(keys, "description."+key)
	}
	for _, key := range serviceMetadataKeys {
		keys = append(keys, "service_metadata."+key)
	}
	return append(keys, WithheldServiceMetadata)
}

// maxPageBackups bounds the backups of one page, duplicates included: a page holds at most 1000
// on Cinder (osapi_max_limit) and Huawei VBS, so ten times that is a server that is not paging.
const maxPageBackups = 10000

// skipValue reads any JSON value and keeps nothing of it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// decodePage reads one page of backups, handing each one to yield as soon as it is decoded, with
// its index in the page, and returns how many the page held and the href of its next link ("" when
// there is none). The backups are decoded one at a time, rather than the page into a slice, so that
// a page costs a few times its bytes whatever it holds: a decoded backup is far larger than the
// smallest text a server can send for one, so a page of tiny duplicates would otherwise cost many
// times its size. When yield reports that it kept the backup, the next one is decoded into a new T;
// otherwise the same T is reused. The error says what is wrong with the body; the caller adds where it came from.
func decodePage[T any, P decodedBackup[T]](body []byte, yield func(i int, b P) (kept bool, err error)) (int, string, error) {
	if !validJSON(body) {
		// encoding/json says what is wrong and where; it checks the whole body before decoding any.
		err := json.Unmarshal(body, new(skipValue))
		if err == nil {
			err = errors.New("the body is not one JSON value")
		}
		return 0, "", fmt.Errorf("not valid JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return 0, "", fmt.Errorf("not valid JSON: %w", err)
	}
	if tok == nil {
		return 0, "", errors.New(`not a page of backups: no "backups" list`)
	}
	if tok != json.Delim('{') {
		return 0, "", fmt.Errorf("not a page of backups: JSON %s at the top level", jsonKind(tok))
	}
	n, next, hasList := 0, "", false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return n, "", fmt.Errorf("not valid JSON: %w", err)
		}
		switch key {
		case "backups":
			if hasList {
				return n, "", errors.New(`not a page of backups: two "backups" lists`)
			}
			if hasList, err = decodeBackupList(dec, &n, yield); err != nil {
				return n, "", err
			}
		case "backups_links":
			var links linksField
			if err := dec.Decode(&links); err != nil || links.bad {
				return n, "", errors.New(`not a page of backups: "backups_links" is not a list of links`)
			}
			next = ""
			for _, l := range links.v {
				if l.Rel == "next" && l.Href != "" {
					next = l.Href
					break
				}
			}
		default:
			if err := dec.Decode(new(skipValue)); err != nil {
				return n, "", fmt.Errorf("not valid JSON: %w", err)
			}
		}
	}
	if !hasList {
		return n, "", errors.New(`not a page of backups: no "backups" list`)
	}
	return n, next, nil
}

// decodeBackupList reads the value of "backups", counting its elements in n; it reports false for
// null, which is no list.
func decodeBackupList[T any, P decodedBackup[T]](dec *json.Decoder, n *int, yield func(int, P) (bool, error)) (bool, error) {
	tok, err := dec.Token()
	switch {
	case err != nil:
		return false, fmt.Errorf("not valid JSON: %w", err)
	case tok == nil:
		return false, nil
	case tok != json.Delim('['):
		return false, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, jsonKind(tok))
	}
	item := P(new(T))
	for ; dec.More(); *n++ {
		if *n == maxPageBackups {
			return true, fmt.Errorf("the page holds more than %d backups", maxPageBackups)
		}
		if err := dec.Decode(item); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				// Only the page's own structure can mismatch: every field of a backup reads tolerantly.
				return true, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, typeErr.Value)
			}
			return true, fmt.Errorf("not valid JSON: %w", err)
		}
		kept, err := yield(*n, item)
		if err != nil {
			return true, err
		}
		if kept {
			item = P(new(T))
		} else {
			*item = *new(T)
		}
	}
	_, err = dec.Token() // the closing bracket
	return true, err
}

// jsonKind names the kind of JSON value that starts with tok, as encoding/json's type errors do; a
// scalar is a whole token.
func jsonKind(tok json.Token) string {
	switch tok {
	case json.Delim('{'):
		return "object"
	case json.Delim('['):
		return "array"
	}
	switch tok.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	}
	return "number"
}

// selectionMembers is a backup decoded for what a selection reads (the members of backupMembers
// with a selection field) and nothing else: listing ids skips the rest of each backup.
// service_metadata, the costly part, is kept as text and parsed only where incremental needs it.
type selectionMembers struct {
	id, name, snapshotID, zone textField
	status, volumeID           textField // the API's own filters, which the walk checks again
	createdAt                  timeField
	metadata                   mapField
	isIncremental              boolField
	serviceMetadata            rawField
	tenantV2, projectV3        textField
}

func (j *selectionMembers) backupID() (string, bool) { return idOf(&j.id) }

func (j *selectionMembers) UnmarshalJSON(raw []byte) error {
	*j = selectionMembers{}
	return j.scan(raw)
}

// rawField is a member kept as its JSON text, copied: encoding/json does not let an Unmarshaler
// keep its input.
type rawField []byte

func (f *rawField) UnmarshalJSON(raw []byte) error {
	*f = bytes.Clone(raw)
	return nil
}

// selectionKeys are the members a selection reads, as backupMembers names them, and as bytes for
// folding; selectionFields are where selectionMembers keeps each, in the same order.
var (
	selectionKeys, selectionKeyBytes, selectionFields = func() ([]string, [][]byte, []func(*selectionMembers) json.Unmarshaler) {
		var keys []string
		var folded [][]byte
		var fields []func(*selectionMembers) json.Unmarshaler
		for _, m := range backupMembers {
			if m.selection != nil {
				keys, folded, fields = append(keys, m.key), append(folded, []byte(m.key)), append(fields, m.selection)
			}
		}
		return keys, folded, fields
	}()
)

// scan reads the members a selection needs with the package's scanner (raw is valid JSON, which
// encoding/json checked before handing it over), as encoding/json would decode them into
// backupJSON: keys match case-insensitively, the last of repeated keys wins, null is no backup at
// all, and a value other than an object is the same type error.
func (j *selectionMembers) scan(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil
	case !isObject(raw):
		kind := map[byte]string{'"': "string", '[': "array", 't': "bool", 'f': "bool"}[raw[0]]
		if kind == "" {
			kind = "number"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[selectionMembers]()}
	}
	for key, v := range each(raw) {
		if i := selectionKey(key); i >= 0 {
			_ = selectionFields[i](j).UnmarshalJSON(v) // the fields' UnmarshalJSON never fails
		}
	}
	return nil
}

// selectionKey is the index in selectionKeys of the member that key names as encoding/json matches
// names (exactly, else by Unicode case folding), -1 for none.
func selectionKey(key []byte) int {
	for i, k := range selectionKeys {
		if string(key) == k { // no conversion is allocated for a comparison
			return i
		}
	}
	for i, k := range selectionKeyBytes {
		if bytes.EqualFold(key, k) {
			return i
		}
	}
	return -1
}

// partial is the backup with only what a selection reads set; incremental asks for
// Backup.Incremental.
func (j *selectionMembers) partial(incremental bool) Backup {
	b := Backup{
		ID: j.id.v, Name: j.name.ptr(), Status: j.status.ptr(), VolumeID: j.volumeID.ptr(),
		SnapshotID: j.snapshotID.ptr(), AvailabilityZone: j.zone.ptr(),
		CreatedAt: j.createdAt.ptr(), Metadata: j.metadata.v, IsIncremental: j.isIncremental.ptr(),
		TenantID: tenantOf(&j.tenantV2, &j.projectV3).ptr(),
	}
	if incremental {
		var sm *ServiceMetadata
		if b.IsIncremental == nil {
			_, sm, _ = parseServiceMetadata(j.serviceMetadata)
		}
		b.Incremental = incrementalOf(b.IsIncremental, sm)
	}
	return b
}

// selectionMembersAndText is a backup's selectionMembers with its whole text kept, so that only the
// backups selected are decoded in full.
type selectionMembersAndText struct {
	selectionMembers
	raw []byte // a copy: encoding/json does not let an Unmarshaler keep its input
}

func (j *selectionMembersAndText) UnmarshalJSON(raw []byte) error {
	*j = selectionMembersAndText{raw: bytes.Clone(raw)}
	return j.scan(j.raw)
}

// full decodes the whole backup, as a listing does.
func (j *selectionMembersAndText) full() *Backup {
	var d backupJSON
	_ = json.Unmarshal(j.raw, &d) // valid JSON, and no field of backupJSON fails to decode
	b := d.backup()
	return &b
}
