package vbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// backupJSON is one backup decoded in full. Its members are read by the package's scanner through
// backupMembers, rather than by encoding/json into a struct of tagged fields, so that a member is
// one row of that table and the Backup's field it fills; one odd value cannot fail a page.
type backupJSON struct {
	b                   Backup
	bad                 uint64 // bit i: the value of backupMembers[i] could not be read
	tenantV2, projectV3 field[string]
	serviceMetadata     []byte // the member's JSON text; see UnmarshalJSON
}

func (j *backupJSON) backupID() (string, bool) { return j.b.ID, j.b.ID != "" }

// UnmarshalJSON reads every member, then what derives from them. service_metadata is parsed
// here, while its text, part of raw, may still be read.
func (j *backupJSON) UnmarshalJSON(raw []byte) error {
	*j = backupJSON{}
	if err := j.scan(raw, &allMembers); err != nil {
		return err
	}
	j.finish()
	return nil
}

// backup is the backup decoded.
func (j *backupJSON) backup() Backup { return j.b }

// finish sets what derives from the members read: the project, the parsed documents and, with the
// API's own keys (see Backup.Unreadable and UnreadableKeys), what could not be read.
func (j *backupJSON) finish() {
	b := &j.b
	// Of the two members that name a project, only the one read can be unreadable (see tenantOf).
	tenant := tenantOf(&j.tenantV2, &j.projectV3)
	b.TenantID = copyOf(tenant)
	bad := j.bad
	if tenant == &j.tenantV2 {
		bad &^= 1 << projectV3Row
	} else {
		bad &^= 1 << tenantV2Row
	}
	for i := range backupMembers {
		if bad&(1<<i) != 0 {
			b.Unreadable = append(b.Unreadable, backupMembers[i].key)
		}
	}
	var smUnreadable, descUnreadable []string
	b.ServiceMetadataJSON, b.ServiceMetadata, smUnreadable = parseServiceMetadata(j.serviceMetadata)
	j.serviceMetadata = nil
	b.Incremental = incrementalOf(b.IsIncremental, b.ServiceMetadata)
	b.DescriptionText, b.IncrementalRequested, descUnreadable = parseDescription(b.Description)
	b.Unreadable = append(b.Unreadable, descUnreadable...)
	b.Unreadable = append(b.Unreadable, smUnreadable...)
}

// scan reads the members of set from raw into j (see scanMembers).
func (j *backupJSON) scan(raw []byte, set *memberSet) error {
	return scanMembers(raw, set, func(i int, v []byte) {
		if backupMembers[i].read(j, v) {
			j.bad |= 1 << i
		} else {
			j.bad &^= 1 << i
		}
	})
}

// scanMembers hands read each member of set in the backup raw (valid JSON, checked before), with
// its row in backupMembers, as encoding/json would decode them into a struct with their keys as
// tags: keys match exactly, else case-insensitively, the last of repeated keys wins, null is no
// backup at all, and a value other than an object is the same type error.
func scanMembers(raw []byte, set *memberSet, read func(row int, v []byte)) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil
	case !isObject(raw):
		return &json.UnmarshalTypeError{Value: jsonKind(raw), Type: reflect.TypeFor[Backup]()}
	}
	for key, v := range each(raw) {
		if i := set.lookup(key); i >= 0 {
			read(i, v)
		}
	}
	return nil
}

// tenantOf is the member that names a backup's project: v2 names it "tenant", Cinder v3 from 3.18
// names it "project".
func tenantOf(v2, v3 *field[string]) *field[string] {
	if v2.set || v2.bad {
		return v2
	}
	return v3
}

// member is one member of a backup as the API names it: read reads its JSON value into the
// backup being decoded and reports whether the value could not be read.
type member struct {
	key       string
	read      func(j *backupJSON, raw []byte) (bad bool)
	selection bool // a selection reads it (see selectionMembers)
}

// backupMembers are the members of a backup: the one table from which the full decode, what a
// selection or the API's filters read, the keys of Backup.Unreadable and UnreadableKeys derive,
// in this order. A new member is one row here and its field in Backup.
var backupMembers = []member{
	{key: "id", read: func(j *backupJSON, raw []byte) bool {
		var f field[string]
		f.read(raw, parseText)
		j.b.ID = f.v // a backup without a readable one is an error (backupID)
		return false
	}, selection: true},
	selected(value("name", parseText, func(b *Backup) **string { return &b.Name })),
	selected(value("status", parseText, func(b *Backup) **string { return &b.Status })),
	selected(value("availability_zone", parseText, func(b *Backup) **string { return &b.AvailabilityZone })),
	selected(value("volume_id", parseText, func(b *Backup) **string { return &b.VolumeID })),
	selected(value("snapshot_id", parseText, func(b *Backup) **string { return &b.SnapshotID })),
	value("fail_reason", parseText, func(b *Backup) **string { return &b.FailReason }),
	value("container", parseText, func(b *Backup) **string { return &b.Container }),
	value("description", parseText, func(b *Backup) **string { return &b.Description }),
	value("size", parseInt, func(b *Backup) **int64 { return &b.Size }),
	value("object_count", parseInt, func(b *Backup) **int64 { return &b.ObjectCount }),
	selected(value("created_at", parseTime, func(b *Backup) **time.Time { return &b.CreatedAt })),
	value("updated_at", parseTime, func(b *Backup) **time.Time { return &b.UpdatedAt }),
	value("data_timestamp", parseTime, func(b *Backup) **time.Time { return &b.DataTimestamp }),
	{key: "os-bak-tenant-attr:tenant_id", read: func(j *backupJSON, raw []byte) bool {
		j.tenantV2.read(raw, parseText)
		return j.tenantV2.bad
	}, selection: true},
	{key: "os-backup-project-attr:project_id", read: func(j *backupJSON, raw []byte) bool {
		j.projectV3.read(raw, parseText)
		return j.projectV3.bad
	}, selection: true},
	value("has_dependent_backups", parseBool, func(b *Backup) **bool { return &b.HasDependentBackups }),
	selected(value("is_incremental", parseBool, func(b *Backup) **bool { return &b.IsIncremental })),
	{key: "links", read: func(j *backupJSON, raw []byte) bool {
		var f linksField
		_ = f.UnmarshalJSON(raw) // never fails
		j.b.Links = f.v
		return f.bad
	}},
	{key: "metadata", read: func(j *backupJSON, raw []byte) bool {
		var f mapField
		_ = f.UnmarshalJSON(raw) // never fails
		j.b.Metadata = f.v
		return f.bad
	}, selection: true},
	value("user_id", parseText, func(b *Backup) **string { return &b.UserID }),
	value("encryption_key_id", parseText, func(b *Backup) **string { return &b.EncryptionKeyID }),
	// Its keys are reported one by one (parseServiceMetadata), and a selection parses it only where
	// incremental needs it.
	{key: "service_metadata", read: func(j *backupJSON, raw []byte) bool {
		j.serviceMetadata = raw
		return false
	}, selection: true},
}

// value is the row of a member read by parse into the Backup's field at, nil where the API sent
// null or nothing readable.
func value[T any](key string, parse func([]byte) (T, bool), at func(*Backup) **T) member {
	return member{key: key, read: func(j *backupJSON, raw []byte) bool {
		var f field[T]
		f.read(raw, parse)
		*at(&j.b) = copyOf(&f)
		return f.bad
	}}
}

// selected marks a row as read by a selection.
func selected(m member) member {
	m.selection = true
	return m
}

// copyOf is a new copy of f's value, nil when unset: a Backup shares nothing with its decoding.
func copyOf[T any](f *field[T]) *T {
	if !f.set {
		return nil
	}
	v := f.v
	return &v
}

// Rows of backupMembers that finish reads by position.
var (
	tenantV2Row  = memberRow("os-bak-tenant-attr:tenant_id")
	projectV3Row = memberRow("os-backup-project-attr:project_id")
)

func memberRow(key string) int {
	for i := range backupMembers {
		if backupMembers[i].key == key {
			return i
		}
	}
	panic("vbs: no member " + key)
}

// memberSet is some rows of backupMembers, as a decoder looks their keys up.
type memberSet struct {
	rows   map[string]int // exact key to row
	folded [][]byte       // the keys, for matching without case
	index  []int          // the row of each of folded
}

// Which members each decoder reads.
var (
	allMembers   = membersWhere(func(*member) bool { return true })
	idSet        = membersWhere(func(m *member) bool { return m.key == "id" })
	selectionSet = membersWhere(func(m *member) bool { return m.selection })
	apiFilterSet = membersWhere(func(m *member) bool { return m.key == "id" || isAPIFilter(m.key) })
)

func membersWhere(keep func(*member) bool) memberSet {
	s := memberSet{rows: map[string]int{}}
	for i := range backupMembers {
		if keep(&backupMembers[i]) {
			s.rows[backupMembers[i].key] = i
			s.folded, s.index = append(s.folded, []byte(backupMembers[i].key)), append(s.index, i)
		}
	}
	return s
}

// lookup is the row of the member that key names as encoding/json matches names (exactly, else by
// Unicode case folding), -1 for none.
func (s *memberSet) lookup(key []byte) int {
	if i, ok := s.rows[string(key)]; ok { // no conversion is allocated for a map index
		return i
	}
	for n, k := range s.folded {
		if bytes.EqualFold(key, k) {
			return s.index[n]
		}
	}
	return -1
}

// isAPIFilter reports whether key is the member of one of the API's own filters.
func isAPIFilter(key string) bool {
	for _, af := range apiFilters {
		if af.param == key {
			return true
		}
	}
	return false
}

// idMember is a backup decoded for its id alone: listing ids then skips the rest of each backup,
// and keeps nothing else of it.
type idMember struct{ id field[string] }

func (j *idMember) UnmarshalJSON(raw []byte) error {
	j.id = field[string]{}
	return scanMembers(raw, &idSet, func(_ int, v []byte) { j.id.read(v, parseText) })
}

func (j *idMember) backupID() (string, bool) { return j.id.v, j.id.v != "" }

// apiFilterMembers is a backup decoded for its id and the members of the API's own filters
// (apiFilters): listing ids with those filters alone checks them again for little more than the
// ids cost.
type apiFilterMembers struct{ backupJSON }

func (j *apiFilterMembers) UnmarshalJSON(raw []byte) error {
	j.backupJSON = backupJSON{}
	return j.scan(raw, &apiFilterSet)
}

// partial is the backup with only the members of the API's filters set.
func (j *apiFilterMembers) partial() Backup { return j.b }

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
//
// The body is checked once, whole, and then read with the package's scanner: encoding/json's
// decoder would scan each backup twice more before handing it over.
func decodePage[T any, P decodedBackup[T]](body []byte, yield func(i int, b P) (kept bool, err error)) (int, string, error) {
	if !validJSON(body) {
		// encoding/json says what is wrong and where; it checks the whole body before decoding any.
		err := json.Unmarshal(body, new(skipValue))
		if err == nil {
			err = errors.New("the body is not one JSON value")
		}
		return 0, "", fmt.Errorf("not valid JSON: %w", err)
	}
	page := bytes.TrimSpace(body)
	switch {
	case string(page) == "null":
		return 0, "", errors.New(`not a page of backups: no "backups" list`)
	case page[0] != '{':
		return 0, "", fmt.Errorf("not a page of backups: JSON %s at the top level", jsonKind(page))
	}
	n, next, hasList := 0, "", false
	for key, v := range each(page) {
		switch string(key) {
		case "backups":
			if hasList {
				return n, "", errors.New(`not a page of backups: two "backups" lists`)
			}
			var err error
			if hasList, err = decodeBackupList(v, &n, yield); err != nil {
				return n, "", err
			}
		case "backups_links":
			var links linksField
			if _ = links.UnmarshalJSON(v); links.bad {
				return n, "", errors.New(`not a page of backups: "backups_links" is not a list of links`)
			}
			next = nextLink(links.v)
		}
	}
	if !hasList {
		return n, "", errors.New(`not a page of backups: no "backups" list`)
	}
	return n, next, nil
}

// nextLink is the href of the first non-empty next link, "" for none.
func nextLink(links []Link) string {
	for _, l := range links {
		if l.Rel == "next" && l.Href != "" {
			return l.Href
		}
	}
	return ""
}

// decodeBackupList reads list, the value of "backups", counting its elements in n; it reports
// false for null, which is no list.
func decodeBackupList[T any, P decodedBackup[T]](list []byte, n *int, yield func(int, P) (bool, error)) (bool, error) {
	switch {
	case string(list) == "null":
		return false, nil
	case list[0] != '[':
		return false, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, jsonKind(list))
	}
	item := P(new(T))
	for _, raw := range each(list) {
		if *n == maxPageBackups {
			return true, fmt.Errorf("the page holds more than %d backups", maxPageBackups)
		}
		if err := item.UnmarshalJSON(raw); err != nil {
			// Only the page's own structure can mismatch: every member of a backup reads tolerantly.
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return true, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, typeErr.Value)
			}
			return true, err
		}
		kept, err := yield(*n, item)
		if err != nil {
			return true, err
		}
		*n++
		if kept {
			item = P(new(T))
		} else {
			*item = *new(T)
		}
	}
	return true, nil
}

// jsonKind names the kind of the valid JSON value raw as encoding/json's type errors do.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// selectionMembers is a backup decoded for what a selection reads (the rows of backupMembers marked
// selected) and nothing else: listing ids skips the rest of each backup. service_metadata, the
// costly part, is kept as text and parsed only where incremental needs it.
type selectionMembers struct{ backupJSON }

func (j *selectionMembers) UnmarshalJSON(raw []byte) error {
	if err := j.scanSelection(raw); err != nil {
		return err
	}
	// encoding/json does not let an Unmarshaler keep its input.
	j.serviceMetadata = bytes.Clone(j.serviceMetadata)
	return nil
}

func (j *selectionMembers) scanSelection(raw []byte) error {
	j.backupJSON = backupJSON{}
	return j.scan(raw, &selectionSet)
}

// partial is the backup with only what a selection reads set; incremental asks for
// Backup.Incremental.
func (j *selectionMembers) partial(incremental bool) Backup {
	b := j.b
	b.TenantID = copyOf(tenantOf(&j.tenantV2, &j.projectV3))
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
	j.raw = bytes.Clone(raw)
	return j.scanSelection(j.raw)
}

// full decodes the whole backup, as a listing does.
func (j *selectionMembersAndText) full() *Backup {
	var d backupJSON
	_ = d.UnmarshalJSON(j.raw) // an object already scanned: no error
	b := d.backup()
	return &b
}
