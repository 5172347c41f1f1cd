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
// A nil pointer, slice or map is served as JSON null.
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

// knownKeys are the keys encodeBackup may write; Override keys outside it are appended.
var knownKeys = map[string]bool{
	"status": true, "description": true, "links": true, "availability_zone": true, "volume_id": true,
	"fail_reason": true, "id": true, "size": true, "object_count": true, "container": true, "name": true,
	"created_at": true, "updated_at": true, "data_timestamp": true, keyTenantV2: true, keyProjectV3: true,
	"service_metadata": true, "has_dependent_backups": true, "snapshot_id": true, "is_incremental": true,
	"metadata": true, "user_id": true, "encryption_key_id": true,
}

// encodeBackup appends b to buf as one JSON object of variant v, keys in the API example's order.
// It is called once per backup and variant, so it appends to one buffer rather than building maps.
func encodeBackup(buf []byte, b *Backup, v variant) []byte {
	e := objectEncoder{buf: buf, override: b.Override}
	e.buf = append(e.buf, '{')
	e.str("status", &b.Status)
	e.str("description", b.Description)
	e.links(b.Links)
	e.str("availability_zone", b.AvailabilityZone)
	e.str("volume_id", &b.VolumeID)
	e.str("fail_reason", b.FailReason)
	e.str("id", &b.ID)
	e.int("size", &b.Size)
	e.int("object_count", b.ObjectCount)
	e.str("container", b.Container)
	e.str("name", b.Name)
	e.str("created_at", &b.CreatedAt)
	e.str("updated_at", b.UpdatedAt)
	e.str("data_timestamp", b.DataTimestamp)
	switch {
	case v == variantV2:
		e.str(keyTenantV2, &b.ProjectID)
	case v >= variantV3Project:
		e.str(keyProjectV3, &b.ProjectID)
	}
	if b.ServiceMetadata != nil {
		e.str("service_metadata", b.ServiceMetadata)
	}
	e.bool("has_dependent_backups", b.HasDependentBackups)
	e.str("snapshot_id", b.SnapshotID)
	e.bool("is_incremental", b.IsIncremental)
	if v >= variantV3Metadata {
		e.metadata(b.Metadata)
	}
	if v >= variantV3UserID {
		e.str("user_id", b.UserID)
	}
	if v >= variantV3Encryption {
		e.str("encryption_key_id", b.EncryptionKeyID)
	}
	for _, k := range slices.Sorted(maps.Keys(b.Override)) {
		if !knownKeys[k] {
			e.key(k)
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

func (e *objectEncoder) str(k string, v *string) {
	if !e.key(k) {
		return
	}
	if v == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = appendString(e.buf, *v)
}

func (e *objectEncoder) int(k string, v *int64) {
	if !e.key(k) {
		return
	}
	if v == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = strconv.AppendInt(e.buf, *v, 10)
}

func (e *objectEncoder) bool(k string, v bool) {
	if e.key(k) {
		e.buf = strconv.AppendBool(e.buf, v)
	}
}

func (e *objectEncoder) links(links []Link) {
	if !e.key("links") {
		return
	}
	if links == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = append(e.buf, '[')
	for i, l := range links {
		if i > 0 {
			e.buf = append(e.buf, ", "...)
		}
		e.buf = append(e.buf, `{"href": `...)
		e.buf = appendString(e.buf, l.Href)
		e.buf = append(e.buf, `, "rel": `...)
		e.buf = appendString(e.buf, l.Rel)
		e.buf = append(e.buf, '}')
	}
	e.buf = append(e.buf, ']')
}

func (e *objectEncoder) metadata(m map[string]string) {
	if !e.key("metadata") {
		return
	}
	if m == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = append(e.buf, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			e.buf = append(e.buf, ", "...)
		}
		e.buf = appendString(e.buf, k)
		e.buf = append(e.buf, ": "...)
		e.buf = appendString(e.buf, m[k])
	}
	e.buf = append(e.buf, '}')
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
