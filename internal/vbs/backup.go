package vbs

import (
	"encoding/json"
	"errors"
	"fmt"
)

// page is one response of backups/detail; Backups is a pointer so that a missing list is told
// apart from an empty one.
type page[T any] struct {
	Backups *[]T       `json:"backups"`
	Links   linksField `json:"backups_links"`
}

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

func (j *backupJSON) backupID() (string, bool) { return idOf(&j.ID) }
func (j *idOnly) backupID() (string, bool)     { return idOf(&j.ID) }

// idOf accepts only a non-empty id: a backup without one can be neither deduplicated nor referenced.
func idOf(f *textField) (string, bool) { return f.v, f.set && f.v != "" }

// backup converts j. The Backup points into j (see field.ptr), so j must not be reused.
func (j *backupJSON) backup() Backup {
	tenant := &j.TenantV2 // v2 names the project "tenant"; Cinder v3 >= 3.18 names it "project"
	if !tenant.set && !tenant.bad {
		tenant = &j.ProjectV3
	}
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
	checks := [...]struct {
		name string
		bad  bool
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
		{"tenant_id", tenant.bad},
		{"has_dependent_backups", j.HasDependentBackups.bad},
		{"is_incremental", j.IsIncremental.bad},
		{"links", j.Links.bad},
		{"metadata", j.Metadata.bad},
		{"user_id", j.UserID.bad},
		{"encryption_key_id", j.EncryptionKeyID.bad},
	}
	for _, c := range checks {
		if c.bad {
			b.Unreadable = append(b.Unreadable, c.name)
		}
	}
	b.Incremental = incrementalOf(b.IsIncremental, b.ServiceMetadata)
	var descUnreadable []string
	b.DescriptionText, b.IncrementalRequested, descUnreadable = parseDescription(b.Description)
	b.Unreadable = append(b.Unreadable, descUnreadable...)
	b.Unreadable = append(b.Unreadable, j.ServiceMetadata.unreadable...)
	return b
}

// decodePage reads the backups of one page and the href of its next link ("" when there is none).
// The error says what is wrong with the body; the caller adds where it came from.
func decodePage[T any](body []byte) ([]T, string, error) {
	var p page[T]
	if err := json.Unmarshal(body, &p); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// Only the page's own structure can mismatch: every field of a backup reads tolerantly.
			where := "the top level"
			if typeErr.Field != "" {
				where = fmt.Sprintf("%q", typeErr.Field)
			}
			return nil, "", fmt.Errorf("not a page of backups: JSON %s at %s", typeErr.Value, where)
		}
		return nil, "", fmt.Errorf("not valid JSON: %w", err)
	}
	if p.Backups == nil {
		return nil, "", errors.New(`not a page of backups: no "backups" list`)
	}
	if p.Links.bad {
		return nil, "", errors.New(`not a page of backups: "backups_links" is not a list of links`)
	}
	for _, l := range p.Links.v {
		if l.Rel == "next" && l.Href != "" {
			return *p.Backups, l.Href, nil
		}
	}
	return *p.Backups, "", nil
}
