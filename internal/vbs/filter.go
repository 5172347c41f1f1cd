package vbs

import (
	"fmt"
	"regexp"
	"time"
)

// Filter selects backups on the client, during the page walk, by what the API cannot filter on
// (it filters by name, status and volume id only). The zero Filter keeps every backup. Times
// compare at full precision and strictly; a backup whose created_at is missing never passes a time
// filter, and one whose incremental is unknown never passes Incremental.
type Filter struct {
	NameRegex        *regexp.Regexp    // name matches anywhere; a null name never matches
	SnapshotID       string            // snapshot_id is exactly this; empty means no filter
	AvailabilityZone string            // availability_zone is exactly this
	CreatedAfter     *time.Time        // created_at is strictly later
	CreatedBefore    *time.Time        // created_at is strictly earlier
	Metadata         map[string]string // metadata holds every pair (Cinder microversion 3.43 and later)
	Incremental      *bool             // Backup.Incremental equals it
}

// Active reports whether f can leave out a backup.
func (f *Filter) Active() bool {
	return f.NameRegex != nil || f.SnapshotID != "" || f.AvailabilityZone != "" || f.CreatedAfter != nil ||
		f.CreatedBefore != nil || len(f.Metadata) > 0 || f.Incremental != nil
}

// Match reports whether b passes every filter of f.
func (f *Filter) Match(b *Backup) bool {
	switch {
	case f.NameRegex != nil && (b.Name == nil || !f.NameRegex.MatchString(*b.Name)):
		return false
	case f.SnapshotID != "" && (b.SnapshotID == nil || *b.SnapshotID != f.SnapshotID):
		return false
	case f.AvailabilityZone != "" && (b.AvailabilityZone == nil || *b.AvailabilityZone != f.AvailabilityZone):
		return false
	case f.CreatedAfter != nil && (b.CreatedAt == nil || !b.CreatedAt.After(*f.CreatedAfter)):
		return false
	case f.CreatedBefore != nil && (b.CreatedAt == nil || !b.CreatedAt.Before(*f.CreatedBefore)):
		return false
	case f.Incremental != nil && (b.Incremental == nil || *b.Incremental != *f.Incremental):
		return false
	}
	for k, v := range f.Metadata {
		if got, ok := b.Metadata[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// incrementalOf is whether a backup is incremental: is_incremental where the API gave a readable
// one, else the Type of service_metadata (Huawei Cloud VBS leaves is_incremental out), else unknown.
func incrementalOf(isIncremental *bool, sm *ServiceMetadata) *bool {
	switch {
	case isIncremental != nil:
		return isIncremental
	case sm == nil || sm.BackupType == nil:
		return nil
	case *sm.BackupType == "incremental":
		return ptrTo(true)
	case *sm.BackupType == "full":
		return ptrTo(false)
	}
	return nil
}

// checkMetadata refuses a metadata filter on an endpoint that does not return metadata: on v2 or
// an older microversion every backup would silently fail it.
func (c *Client) checkMetadata(f *Filter) error {
	switch {
	case len(f.Metadata) == 0 || c.api.has(metadataMinor):
		return nil
	case c.api.Version != "v3":
		return fmt.Errorf("selecting by metadata needs the v3 API (OpenStack Cinder, microversion 3.%d or later), "+
			"but the endpoint serves API version %s, whose backups carry no metadata", metadataMinor, c.api.version())
	}
	return fmt.Errorf("selecting by metadata needs API version v3 with microversion 3.%d or later, "+
		"but the server supports microversion %s, whose backups carry no metadata", metadataMinor, c.api.microversion())
}

// selection is the client-side part of one walk: the filter, what the order of created_at lets the
// walk skip, and whether the server kept that order.
type selection struct {
	filter *Filter
	// byCreated: the listing is sorted by created_at (desc when desc) and a stop relies on it.
	byCreated, desc bool
	// newest: only the newest match counts (most_recent); after the first, the walk goes on only
	// through backups of the same instant, whose greatest id wins.
	newest bool
	best   *time.Time // created_at of the first match, when newest

	projects projectCheck // the project of each backup, where the listing reads it

	trusted  bool       // no backup was out of order so far
	prev     *time.Time // created_at of the last backup that had one
	prevID   string
	unsorted string // the first backup out of order, for the one warning
}

// newSelection prepares the selection of a walk of opts; newest asks for the most recent match only.
func (c *Client) newSelection(opts *ListOpts, newest bool) (*selection, error) {
	f := &opts.Filter
	if err := c.checkMetadata(f); err != nil {
		return nil, err
	}
	projects, err := c.newProjectCheck(opts)
	if err != nil {
		return nil, err
	}
	key, dir := opts.sort()
	s := &selection{filter: f, newest: newest, trusted: true, desc: dir != "asc", projects: projects}
	s.byCreated = key == "created_at" &&
		(newest || s.desc && f.CreatedAfter != nil || !s.desc && f.CreatedBefore != nil)
	return s, nil
}

// judge is called with each backup of the walk, in the order the server returned them. It reports
// whether b matches, and whether the walk can stop: the order proves that no later backup can match.
func (s *selection) judge(b *Backup) (match, stop bool) {
	if s.byCreated && b.CreatedAt != nil {
		t := b.CreatedAt
		if s.trusted && s.prev != nil && (s.desc && t.After(*s.prev) || !s.desc && t.Before(*s.prev)) {
			s.trusted = false
			s.unsorted = fmt.Sprintf("backup %s (created %s) came after backup %s (created %s)",
				b.ID, t.Format(time.RFC3339Nano), s.prevID, s.prev.Format(time.RFC3339Nano))
		}
		s.prev, s.prevID = t, b.ID
		if s.trusted {
			f := s.filter
			switch {
			case s.desc && f.CreatedAfter != nil && !t.After(*f.CreatedAfter),
				!s.desc && f.CreatedBefore != nil && !t.Before(*f.CreatedBefore),
				s.newest && s.best != nil && t.Before(*s.best):
				return false, true
			}
		}
	}
	match = s.projects.admit(b) && s.filter.Match(b)
	if s.projects.err != nil {
		return false, true
	}
	if match && s.newest && b.CreatedAt != nil && (s.best == nil || b.CreatedAt.After(*s.best)) {
		s.best = b.CreatedAt
	}
	return match, false
}

// newer reports whether a is the more recent of two matches: the later created_at, then the greater id.
func newer(a, b *Backup) bool {
	switch {
	case a.CreatedAt == nil || b.CreatedAt == nil:
		if (a.CreatedAt == nil) != (b.CreatedAt == nil) {
			return b.CreatedAt == nil
		}
	case !a.CreatedAt.Equal(*b.CreatedAt):
		return a.CreatedAt.After(*b.CreatedAt)
	}
	return a.ID > b.ID
}
