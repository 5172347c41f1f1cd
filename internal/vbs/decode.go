package vbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// backupJSON is one backup as decoded: into a struct of small tolerant fields rather than a map,
// because a read may hold 100,000 backups, and so that one odd value cannot fail a page.
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

// idOnly is a backup decoded for its id alone: listing ids then skips the rest of each backup.
type idOnly struct {
	ID textField `json:"id"`
}

// apiOnly is a backup decoded for its id and the members of the API's own filters (apiFilters):
// listing ids with those filters alone checks them again for little more than the ids cost.
type apiOnly struct {
	ID       textField `json:"id"`
	Name     textField `json:"name"`
	Status   textField `json:"status"`
	VolumeID textField `json:"volume_id"`
}

func (j *backupJSON) backupID() (string, bool) { return idOf(&j.ID) }
func (j *idOnly) backupID() (string, bool)     { return idOf(&j.ID) }
func (j *apiOnly) backupID() (string, bool)    { return idOf(&j.ID) }

// selected is what the API's filters read of the backup.
func (j *apiOnly) selected() Backup {
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
	checks := [...]struct {
		key string
		bad bool
	}{
		{"name", j.Name.bad},
		{"status", j.Status.bad},
		{"availability_zone", j.AvailabilityZone.bad},
		{"volume_id", j.VolumeID.bad},
		{"snapshot_id", j.SnapshotID.bad},
		{"fail_reason", j.FailReason.bad},
		{"container", j.Container.bad},
		{"description", j.Description.bad},
		{"size", j.Size.bad},
		{"object_count", j.ObjectCount.bad},
		{"created_at", j.CreatedAt.bad},
		{"updated_at", j.UpdatedAt.bad},
		{"data_timestamp", j.DataTimestamp.bad},
		{"os-bak-tenant-attr:tenant_id", tenant == &j.TenantV2 && tenant.bad},
		{"os-backup-project-attr:project_id", tenant == &j.ProjectV3 && tenant.bad},
		{"has_dependent_backups", j.HasDependentBackups.bad},
		{"is_incremental", j.IsIncremental.bad},
		{"links", j.Links.bad},
		{"metadata", j.Metadata.bad},
		{"user_id", j.UserID.bad},
		{"encryption_key_id", j.EncryptionKeyID.bad},
	}
	for _, c := range checks {
		if c.bad {
			b.Unreadable = append(b.Unreadable, c.key)
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

// unreadableKeys are the keys that Backup.Unreadable can hold: every member of backupJSON but the
// id (a backup without a readable one is an error), the keys of description's document, those of
// service_metadata's and the withheld text.
func unreadableKeys() []string {
	var keys []string
	t := reflect.TypeFor[backupJSON]()
	for i := range t.NumField() {
		if key := t.Field(i).Tag.Get("json"); key != "id" {
			keys = append(keys, key)
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
// a page costs a few times its bytes whatever it holds: a backup decodes into about 700 bytes, and
// a page of 10,000 tiny duplicates (10 bytes each) would otherwise cost 80 times its size. When
// yield reports that it kept the backup, the next one is decoded into a new T; otherwise the same
// T is reused. The error says what is wrong with the body; the caller adds where it came from.
func decodePage[T any, P listed[T]](body []byte, yield func(i int, b P) (kept bool, err error)) (int, string, error) {
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
func decodeBackupList[T any, P listed[T]](dec *json.Decoder, n *int, yield func(int, P) (bool, error)) (bool, error) {
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

// lazyJSON is a backup decoded for what a selection reads and nothing else: listing ids skips the
// rest of each backup. service_metadata, the costly part, is kept as text and parsed only where
// incremental needs it.
type lazyJSON struct {
	id, name, snapshotID, zone textField
	status, volumeID           textField // the API's own filters, which the walk checks again
	createdAt                  timeField
	metadata                   mapField
	isIncremental              boolField
	serviceMetadata            []byte // raw JSON
	tenantV2, projectV3        textField
}

func (j *lazyJSON) backupID() (string, bool) { return idOf(&j.id) }

func (j *lazyJSON) UnmarshalJSON(raw []byte) error {
	*j = lazyJSON{}
	return j.scan(raw, false)
}

// lazyKeys are the members a selection reads, as backupJSON names them, and as bytes for folding.
var (
	lazyKeys = []string{"id", "name", "status", "volume_id", "snapshot_id", "availability_zone", "created_at", "metadata",
		"is_incremental", "service_metadata", "os-bak-tenant-attr:tenant_id", "os-backup-project-attr:project_id"}
	lazyKeyBytes = func() [][]byte {
		b := make([][]byte, len(lazyKeys))
		for i, k := range lazyKeys {
			b[i] = []byte(k)
		}
		return b
	}()
)

// scan reads the members a selection needs with the package's scanner (raw is valid JSON, which
// encoding/json checked before handing it over), as encoding/json would decode them into
// backupJSON: keys match case-insensitively, the last of repeated keys wins, null is no backup at
// all, and a value other than an object is the same type error. Unless owned, raw is encoding/json's,
// which an Unmarshaler must not keep, and service_metadata is copied.
func (j *lazyJSON) scan(raw []byte, owned bool) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil
	case !isObject(raw):
		kind := map[byte]string{'"': "string", '[': "array", 't': "bool", 'f': "bool"}[raw[0]]
		if kind == "" {
			kind = "number"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[lazyJSON]()}
	}
	for key, v := range each(raw) {
		switch lazyKey(key) {
		case "id":
			_ = j.id.UnmarshalJSON(v) // the fields' UnmarshalJSON never fails
		case "name":
			_ = j.name.UnmarshalJSON(v)
		case "status":
			_ = j.status.UnmarshalJSON(v)
		case "volume_id":
			_ = j.volumeID.UnmarshalJSON(v)
		case "snapshot_id":
			_ = j.snapshotID.UnmarshalJSON(v)
		case "availability_zone":
			_ = j.zone.UnmarshalJSON(v)
		case "created_at":
			_ = j.createdAt.UnmarshalJSON(v)
		case "metadata":
			_ = j.metadata.UnmarshalJSON(v)
		case "is_incremental":
			_ = j.isIncremental.UnmarshalJSON(v)
		case "service_metadata":
			if j.serviceMetadata = v; !owned {
				j.serviceMetadata = bytes.Clone(v)
			}
		case "os-bak-tenant-attr:tenant_id":
			_ = j.tenantV2.UnmarshalJSON(v)
		case "os-backup-project-attr:project_id":
			_ = j.projectV3.UnmarshalJSON(v)
		}
	}
	return nil
}

// lazyKey is the member of lazyKeys that key names as encoding/json matches names (exactly, else
// by Unicode case folding), "" for none.
func lazyKey(key []byte) string {
	for _, k := range lazyKeys {
		if string(key) == k { // no conversion is allocated for a comparison
			return k
		}
	}
	for i, k := range lazyKeyBytes {
		if bytes.EqualFold(key, k) {
			return lazyKeys[i]
		}
	}
	return ""
}

// selected is what the selection reads of the backup; incremental asks for Backup.Incremental.
func (j *lazyJSON) selected(incremental bool) Backup {
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

// keptJSON is a lazyJSON with its text kept, so that only the backups selected are decoded in full.
type keptJSON struct {
	lazyJSON
	raw []byte // a copy: encoding/json does not let an Unmarshaler keep its input
}

func (j *keptJSON) UnmarshalJSON(raw []byte) error {
	*j = keptJSON{raw: bytes.Clone(raw)}
	return j.scan(j.raw, true)
}

// full decodes the whole backup, as a listing does.
func (j *keptJSON) full() *Backup {
	var d backupJSON
	_ = json.Unmarshal(j.raw, &d) // valid JSON, and no field of backupJSON fails to decode
	b := d.backup()
	return &b
}
