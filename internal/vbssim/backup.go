package vbssim

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Backup is one backup as the simulator serves it: the raw, JSON-able values, so that a test can
// state both what goes over the wire and what a client should parse from it.
// A nil pointer, slice or map is served as JSON null. Every field but Region and Override is served
// through its row in members: a new member is its field here plus one row there (and a line in
// Generate when generated backups should carry it).
type Backup struct {
	ID                  string
	Name                *string
	Description         *string
	Status              string
	AvailabilityZone    *string
	VolumeID            string
	SnapshotID          *string
	FailReason          *string
	Container           *string
	Size                int64
	ObjectCount         *int64
	CreatedAt           string // served as is; also the default sort key, so it must parse as a time
	UpdatedAt           *string
	DataTimestamp       *string
	ProjectID           string // owner; served as os-bak-tenant-attr:tenant_id (v2) or os-backup-project-attr:project_id (v3 >= 3.18)
	Region              string // the region that holds it; "" serves it in every region
	UserID              *string
	EncryptionKeyID     *string
	HasDependentBackups bool
	IsIncremental       bool
	Links               []Link
	Metadata            map[string]string
	ServiceMetadata     *string // served as a JSON string; nil leaves the key out, as the API example does

	// Override replaces the served value of a key with raw JSON; a nil value leaves the key out.
	// Keys the API does not know are appended. It lets a test serve what the fields cannot
	// express, e.g. "size": "1" or a missing "updated_at".
	Override map[string]json.RawMessage
}

// Link is one entry of a backup's links.
type Link struct {
	Href string
	Rel  string
}

// variant is one shape of the backup JSON: the API version and the microversion range that
// decide which keys a backup has.
type variant int

const (
	variantV2           variant = iota // os-bak-tenant-attr:tenant_id
	variantV3                          // 3.0–3.17: no owner
	variantV3Project                   // 3.18: os-backup-project-attr:project_id
	variantV3Metadata                  // 3.43: metadata
	variantV3UserID                    // 3.56: user_id
	variantV3Encryption                // 3.64: encryption_key_id
	variantCount
)

// Microversions at which v3 backups gain keys (Cinder's api_version_request history).
const (
	mvProjectAttr   = 18
	mvSortByName    = 37
	mvMetadata      = 43
	mvUserID        = 56
	mvEncryptionKey = 64
)

// variantFor maps an API version and a v3 microversion (minor part) onto the JSON shape.
func variantFor(apiVersion string, minor int) variant {
	switch {
	case apiVersion == "v2":
		return variantV2
	case minor >= mvEncryptionKey:
		return variantV3Encryption
	case minor >= mvUserID:
		return variantV3UserID
	case minor >= mvMetadata:
		return variantV3Metadata
	case minor >= mvProjectAttr:
		return variantV3Project
	default:
		return variantV3
	}
}

// Owner keys of the two API versions.
const (
	keyTenantV2  = "os-bak-tenant-attr:tenant_id"
	keyProjectV3 = "os-backup-project-attr:project_id"
)

// variantSet is a set of variants, one bit each.
type variantSet uint32

// everyVariant is the set of every variant.
const everyVariant variantSet = 1<<variantCount - 1

// only is the set of v alone.
func only(v variant) variantSet { return 1 << v }

// since is v and every later variant: the v3 shapes only ever gain keys.
func since(v variant) variantSet { return everyVariant &^ (only(v) - 1) }

// has reports whether v is in s.
func (s variantSet) has(v variant) bool { return s&only(v) != 0 }

// member is one key a backup may be served with.
type member struct {
	key      string
	variants variantSet
	// omit, when set, leaves the key out of a backup (even an overridden one), as the API example
	// does with a backup that has no service_metadata.
	omit func(b *Backup) bool
	// value appends the key's value as JSON. It gets and returns the buffer rather than an
	// encoder so that calling it through the table does not move the encoder to the heap.
	value func(buf []byte, b *Backup) []byte
}

// members are the keys a backup is served with, in the API example's order. A new member of the
// served backup is its Backup field plus one row here (and a line in Generate when generated
// backups should carry it); knownKeys and encodeBackup follow from the table.
var members = []member{
	{"status", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.Status) }},
	{"description", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.Description) }},
	{"links", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendLinks(buf, b.Links) }},
	{"availability_zone", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.AvailabilityZone) }},
	{"volume_id", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.VolumeID) }},
	{"fail_reason", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.FailReason) }},
	{"id", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.ID) }},
	{"size", everyVariant, nil, func(buf []byte, b *Backup) []byte { return strconv.AppendInt(buf, b.Size, 10) }},
	{"object_count", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendIntPtr(buf, b.ObjectCount) }},
	{"container", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.Container) }},
	{"name", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.Name) }},
	{"created_at", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.CreatedAt) }},
	{"updated_at", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.UpdatedAt) }},
	{"data_timestamp", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.DataTimestamp) }},
	{keyTenantV2, only(variantV2), nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.ProjectID) }},
	{keyProjectV3, since(variantV3Project), nil, func(buf []byte, b *Backup) []byte { return appendString(buf, b.ProjectID) }},
	{"service_metadata", everyVariant, func(b *Backup) bool { return b.ServiceMetadata == nil }, func(buf []byte, b *Backup) []byte {
		return appendStringPtr(buf, b.ServiceMetadata)
	}},
	{"has_dependent_backups", everyVariant, nil, func(buf []byte, b *Backup) []byte { return strconv.AppendBool(buf, b.HasDependentBackups) }},
	{"snapshot_id", everyVariant, nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.SnapshotID) }},
	{"is_incremental", everyVariant, nil, func(buf []byte, b *Backup) []byte { return strconv.AppendBool(buf, b.IsIncremental) }},
	{"metadata", since(variantV3Metadata), nil, func(buf []byte, b *Backup) []byte { return appendMetadata(buf, b.Metadata) }},
	{"user_id", since(variantV3UserID), nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.UserID) }},
	{"encryption_key_id", since(variantV3Encryption), nil, func(buf []byte, b *Backup) []byte { return appendStringPtr(buf, b.EncryptionKeyID) }},
}

// knownKeys are the keys of members, whichever variant serves them; Override keys outside it are appended.
var knownKeys = func() map[string]bool {
	known := make(map[string]bool, len(members))
	for _, m := range members {
		known[m.key] = true
	}
	return known
}()

// encodeBackup appends b to buf as one JSON object of variant v, keys in the API example's order.
// It is called once per backup and variant, so it appends to one buffer rather than building maps.
func encodeBackup(buf []byte, b *Backup, v variant) []byte {
	e := objectEncoder{buf: buf, override: b.Override}
	e.buf = append(e.buf, '{')
	for i := range members {
		m := &members[i]
		if !m.variants.has(v) || m.omit != nil && m.omit(b) {
			continue
		}
		if e.key(m.key) {
			e.buf = m.value(e.buf, b)
		}
	}
	if len(b.Override) > 0 { // sorting the keys of an empty map still allocates
		for _, k := range slices.Sorted(maps.Keys(b.Override)) {
			if !knownKeys[k] {
				e.key(k)
			}
		}
	}
	return append(e.buf, '}')
}

// objectEncoder appends the members of one JSON object.
type objectEncoder struct {
	buf      []byte
	override map[string]json.RawMessage
	n        int
}

// key writes the member name and reports whether the caller still has to write the value:
// an overridden key is written (or left out) here.
func (e *objectEncoder) key(k string) bool {
	raw, overridden := e.override[k]
	if overridden && raw == nil {
		return false
	}
	if e.n > 0 {
		e.buf = append(e.buf, ", "...)
	}
	e.n++
	e.buf = appendString(e.buf, k)
	e.buf = append(e.buf, ": "...)
	if overridden {
		e.buf = append(e.buf, raw...)
		return false
	}
	return true
}

// appendStringPtr appends *s as a JSON string, or null for nil.
func appendStringPtr(buf []byte, s *string) []byte {
	if s == nil {
		return append(buf, "null"...)
	}
	return appendString(buf, *s)
}

// appendIntPtr appends *n as a JSON number, or null for nil.
func appendIntPtr(buf []byte, n *int64) []byte {
	if n == nil {
		return append(buf, "null"...)
	}
	return strconv.AppendInt(buf, *n, 10)
}

// appendLinks appends links as the API's array of href/rel objects, or null for nil.
func appendLinks(buf []byte, links []Link) []byte {
	if links == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '[')
	for i, l := range links {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, `{"href": `...)
		buf = appendString(buf, l.Href)
		buf = append(buf, `, "rel": `...)
		buf = appendString(buf, l.Rel)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// appendMetadata appends m as a JSON object with sorted keys, so that an encoding is stable, or null for nil.
func appendMetadata(buf []byte, m map[string]string) []byte {
	if m == nil {
		return append(buf, "null"...)
	}
	var stack [8]string // the keys of a usual backup's metadata, sorted without allocating
	keys := stack[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf = append(buf, '{')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendString(buf, k)
		buf = append(buf, ": "...)
		buf = appendString(buf, m[k])
	}
	return append(buf, '}')
}

// appendString appends s as a JSON string. It is encoding/json's escaping without its HTML
// escapes and allocations (invalid UTF-8 becomes U+FFFD as there), copying unescaped runs whole.
func appendString(buf []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			if r, size = utf8.DecodeRuneInString(s[i:]); (r != utf8.RuneError || size != 1) && r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
		}
		buf = append(buf, s[start:i]...)
		switch {
		case r == '"' || r == '\\':
			buf = append(buf, '\\', c)
		case r == '\n':
			buf = append(buf, `\n`...)
		case r == '\r':
			buf = append(buf, `\r`...)
		case r == '\t':
			buf = append(buf, `\t`...)
		case r == utf8.RuneError:
			buf = append(buf, `\ufffd`...)
		case r < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default: // U+2028 and U+2029 are valid JSON but not valid JavaScript
			buf = append(buf, `\u202`...)
			buf = append(buf, hexDigits[r&0xf])
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
