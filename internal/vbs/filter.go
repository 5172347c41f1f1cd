package vbs

import (
	"fmt"
	"reflect"
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

// Active reports whether f can leave out a backup: whether any of its filters is set (an empty map
// sets none). It reads the fields rather than naming them, so a new filter is its field and its case
// in Match; it runs once a walk, not once a backup.
func (f *Filter) Active() bool {
	v := reflect.ValueOf(f).Elem()
	for i := range v.NumField() {
		if fv := v.Field(i); !fv.IsZero() && (fv.Kind() != reflect.Map || fv.Len() > 0) {
			return true
		}
	}
	return false
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

// apiFilters are the filters the API applies itself, by query parameter, with the value a listing
// asks for and the field of a backup it selects on. What a server returns is a claim: a proxy, a
// gateway or an older release may ignore a filter, so the walk checks each one set again on every
// backup. Another API filter is one more row here; the decoder of the API's filters reads the member
// of each row (apiFilterSet), and a selection the members marked selected in backupMembers.
var apiFilters = []apiFilter{
	{"name", func(o *ListOpts) string { return o.Name }, func(b *Backup) *string { return b.Name }},
	{"status", func(o *ListOpts) string { return o.Status }, func(b *Backup) *string { return b.Status }},
	{"volume_id", func(o *ListOpts) string { return o.VolumeID }, func(b *Backup) *string { return b.VolumeID }},
}

// apiFilter is one filter that the API applies itself.
type apiFilter struct {
	param string
	value func(*ListOpts) string
	field func(*Backup) *string
}

// apiCheck is one API filter that a listing sets, with what failed it.
type apiCheck struct {
	field func(*Backup) *string
	miss  FilterMiss
}

// hasAPIFilter reports whether o sets any of apiFilters.
func (o *ListOpts) hasAPIFilter() bool {
	for _, af := range apiFilters {
		if af.value(o) != "" {
			return true
		}
	}
	return false
}

// FilterMiss is what a server returned against one of the API's own filters: backups that fail it,
// which the walk left out (never selected, never counted by Limit).
type FilterMiss struct {
	Param   string // the query parameter: name, status, volume_id
	Value   string // the value the listing asked for
	Count   int    // how many distinct backups failed it
	FirstID string // the first of them, in the order the server returned them
}

// selection is the client-side part of one walk: the API's filters checked again, the client-side
// filter, and the early stop that the order of created_at may prove.
//
// The order is judged a page at a time. A walk may end before the last page only at the end of a
// page that proves the order: at least two backups, each with a created_at, in the requested order
// among themselves and after the backups before them, the last of them past the window (or older
// than the best match, for newest). One backup out of order, on any page, turns the early stop off
// for the rest of the walk. A backup without a created_at matches no time filter and is never newer
// than one with a created_at; it is no evidence of order either way, so its page proves nothing.
type selection struct {
	filter *Filter
	api    []apiCheck // the API filters the listing sets, counting the backups that fail them
	// byCreated: the listing is sorted by created_at (desc when desc) and a stop may rely on it.
	byCreated, desc bool
	// newest: only the newest match counts (most_recent); best is its created_at so far. The
	// times are copies: a Backup's pointers point into a decoded item that the walk reuses.
	newest  bool
	best    time.Time
	hasBest bool

	projects projectCheck // the project of each backup, where the listing reads it
	offQuery int64        // backups the server returned against the API's filters or project

	trusted  bool      // no backup was out of order so far
	prev     time.Time // created_at of the last backup that had one
	prevID   string    // "" before the first
	unsorted string    // the first backup out of order, for the one warning
	judged   int       // backups judged, each once: none leaves a listing of every project unconfirmed

	// The page being judged: how many backups, whether one had no created_at, the last one's.
	pageBackups int
	pageUndated bool
	pageLast    time.Time
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
	for _, af := range apiFilters {
		if v := af.value(opts); v != "" {
			s.api = append(s.api, apiCheck{field: af.field, miss: FilterMiss{Param: af.param, Value: v}})
		}
	}
	return s, nil
}

// match is called with each backup of the walk, in the order the server returned them, and reports
// whether b matches: the API's filters and the client's. It notes what the walk tells of b: its
// place in the order of created_at, the filters and project it fails.
func (s *selection) match(b *Backup) bool {
	s.pageBackups++
	s.judged++
	if s.byCreated {
		s.noteOrder(b)
	}
	strays := s.projects.strays.Count
	api := s.apiMatch(b)
	inProject := s.projects.admit(b)
	if !api || s.projects.strays.Count > strays {
		s.offQuery++
	}
	if !api || !inProject || !s.filter.Match(b) {
		return false
	}
	if s.newest && b.CreatedAt != nil && (!s.hasBest || b.CreatedAt.After(s.best)) {
		s.best, s.hasBest = *b.CreatedAt, true
	}
	return true
}

// noteOrder notes where b stands in the order of created_at, and the first backup out of it.
func (s *selection) noteOrder(b *Backup) {
	t := b.CreatedAt
	if t == nil {
		s.pageUndated = true
		return
	}
	if s.trusted && s.prevID != "" && (s.desc && t.After(s.prev) || !s.desc && t.Before(s.prev)) {
		s.trusted = false
		s.unsorted = fmt.Sprintf("backup %s (created %s) came after backup %s (created %s)",
			b.ID, t.Format(time.RFC3339Nano), s.prevID, s.prev.Format(time.RFC3339Nano))
	}
	s.prev, s.prevID, s.pageLast = *t, b.ID, *t
}

// apiMatch reports whether b passes the API's filters, counting each one it fails.
func (s *selection) apiMatch(b *Backup) bool {
	match := true
	for i := range s.api {
		c := &s.api[i]
		if v := c.field(b); v == nil || *v != c.miss.Value {
			if c.miss.Count++; c.miss.Count == 1 {
				c.miss.FirstID = b.ID
			}
			match = false
		}
	}
	return match
}

// endPage is called at the end of each page of the walk, and reports whether the page proves that
// no later backup can match; a project check that failed on the page ends the walk with its error.
func (s *selection) endPage() (stop bool, err error) {
	n, undated, last := s.pageBackups, s.pageUndated, s.pageLast
	s.pageBackups, s.pageUndated = 0, false
	if s.projects.err != nil {
		return true, s.projects.err
	}
	if !s.byCreated || !s.trusted || n < 2 || undated {
		return false, nil
	}
	f := s.filter
	return s.desc && f.CreatedAfter != nil && !last.After(*f.CreatedAfter) ||
		!s.desc && f.CreatedBefore != nil && !last.Before(*f.CreatedBefore) ||
		s.newest && s.hasBest && last.Before(s.best), nil // a tie with best may be followed by a greater id
}

// misses are the API filters that backups failed, in the order of apiFilters.
func (s *selection) misses() []FilterMiss {
	var out []FilterMiss
	for _, c := range s.api {
		if c.miss.Count > 0 {
			out = append(out, c.miss)
		}
	}
	return out
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
