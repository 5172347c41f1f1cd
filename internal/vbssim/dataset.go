package vbssim

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// dataset is an immutable set of backups with lazily built, cached encodings and sort orders:
// a listing of 100,000 backups then costs a walk and a copy, never a marshal of all or a sort.
// Changing the backups builds a new dataset.
type dataset struct {
	backups []Backup
	index   map[string]int // id → position in backups
	created []int64        // parsed CreatedAt (Unix ns), the default sort key
	updated []int64        // parsed UpdatedAt; math.MinInt64 for null, which SQL sorts first

	encodeOnce [variantCount]sync.Once
	encoded    [variantCount][]atomic.Pointer[[]byte] // per backup, filled on first use

	mu     sync.Mutex
	orders map[sortSpec]*sortOrder
}

// sortSpec is one (sort_key, sort_dir) pair.
type sortSpec struct {
	key  string
	desc bool
}

// sortOrder is the dataset in the order of one sortSpec.
type sortOrder struct {
	once  sync.Once
	order []int32 // positions in backups, in sort order
	rank  []int32 // position in backups → position in order, to resume after a marker
}

// newDataset copies backups and indexes them; ids must be unique and created_at must parse.
func newDataset(backups []Backup) (*dataset, error) {
	d := &dataset{
		backups: slices.Clone(backups),
		index:   make(map[string]int, len(backups)),
		created: make([]int64, len(backups)),
		updated: make([]int64, len(backups)),
		orders:  map[sortSpec]*sortOrder{},
	}
	for i := range d.backups {
		b := &d.backups[i]
		if _, dup := d.index[b.ID]; dup || b.ID == "" {
			return nil, fmt.Errorf("vbssim: backup id %q is empty or not unique", b.ID)
		}
		d.index[b.ID] = i
		t, err := parseTimestamp(b.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("vbssim: backup %s: created_at: %w", b.ID, err)
		}
		d.created[i] = t.UnixNano()
		d.updated[i] = math.MinInt64
		if b.UpdatedAt != nil {
			if t, err := parseTimestamp(*b.UpdatedAt); err == nil {
				d.updated[i] = t.UnixNano()
			}
		}
	}
	return d, nil
}

// timestampLayouts are the forms the API writes times in: no zone (meaning UTC), a trailing Z,
// or an offset; time.Parse accepts any number of fractional digits after the seconds for each.
var timestampLayouts = []string{"2006-01-02T15:04:05", time.RFC3339}

func parseTimestamp(s string) (time.Time, error) {
	var err error
	for _, layout := range timestampLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// encoding returns backup i encoded as variant v, encoding it on first use: a listing then
// costs a walk and a copy, and only backups that are ever served take memory. scratch is a
// buffer the caller reuses between calls.
func (d *dataset) encoding(v variant, i int32, scratch *[]byte) []byte {
	d.encodeOnce[v].Do(func() { d.encoded[v] = make([]atomic.Pointer[[]byte], len(d.backups)) })
	slot := &d.encoded[v][i]
	if b := slot.Load(); b != nil {
		return *b
	}
	*scratch = encodeBackup((*scratch)[:0], &d.backups[i], v)
	b := bytes.Clone(*scratch) // exactly sized, unlike the buffer append grew
	slot.Store(&b)             // a concurrent request may store an equal copy; either is right
	return b
}

// sorted returns the order of spec, sorting on first use.
func (d *dataset) sorted(spec sortSpec) *sortOrder {
	d.mu.Lock()
	o := d.orders[spec]
	if o == nil {
		o = &sortOrder{}
		d.orders[spec] = o
	}
	d.mu.Unlock()
	o.once.Do(func() {
		o.order = make([]int32, len(d.backups))
		for i := range o.order {
			o.order[i] = int32(i)
		}
		slices.SortFunc(o.order, func(a, b int32) int {
			c := d.compare(spec.key, int(a), int(b))
			if spec.desc {
				return -c
			}
			return c
		})
		o.rank = make([]int32, len(d.backups))
		for pos, i := range o.order {
			o.rank[i] = int32(pos)
		}
	})
	return o
}

// compare orders two backups like Cinder: by the sort key, then created_at, then id, all in
// the requested direction, so that the order is total and a marker is unambiguous.
// Backups have no container_format or disk_format, so those keys fall through to the tie-breaks.
func (d *dataset) compare(key string, a, b int) int {
	x, y := &d.backups[a], &d.backups[b]
	var c int
	switch key {
	case "name":
		c = compareNullable(x.Name, y.Name)
	case "id":
		return strings.Compare(x.ID, y.ID)
	case "status":
		c = strings.Compare(x.Status, y.Status)
	case "size":
		c = cmp.Compare(x.Size, y.Size)
	case "updated_at":
		c = cmp.Compare(d.updated[a], d.updated[b])
	}
	if c != 0 {
		return c
	}
	if c = cmp.Compare(d.created[a], d.created[b]); c != 0 {
		return c
	}
	return strings.Compare(x.ID, y.ID)
}

// compareNullable sorts null before every string, as SQL databases do in ascending order.
func compareNullable(x, y *string) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return -1
	case y == nil:
		return 1
	}
	return strings.Compare(*x, *y)
}

// filter selects the backups of one listing.
type filter struct {
	region     string
	projectID  string
	anyProject bool // all_tenants of an administrator
	name       *string
	status     *string
	volumeID   *string
}

// owns reports whether b belongs to the projects that f lists.
func (f *filter) owns(b *Backup) bool {
	return (f.anyProject || b.ProjectID == f.projectID) && b.inRegion(f.region)
}

func (f *filter) match(b *Backup) bool {
	return f.owns(b) &&
		(f.name == nil || (b.Name != nil && *b.Name == *f.name)) &&
		(f.status == nil || b.Status == *f.status) &&
		(f.volumeID == nil || b.VolumeID == *f.volumeID)
}

// page returns the positions of up to limit backups that match f, in order (a sortOrder's, or
// fixedOrder's), starting after position start of that order and skipping the first offset matches.
func (d *dataset) page(order []int32, f *filter, start, offset, limit int) []int32 {
	page := make([]int32, 0, min(limit, len(order)))
	for _, i := range order[start:] {
		if len(page) == limit {
			break
		}
		if !f.match(&d.backups[i]) {
			continue
		}
		if offset > 0 {
			offset--
			continue
		}
		page = append(page, i)
	}
	return page
}

// fixedOrder is the backups of ids (those that exist, each once) in that order, then the others
// in the order of rest.
func (d *dataset) fixedOrder(ids []string, rest []int32) []int32 {
	order := make([]int32, 0, len(rest))
	named := make(map[int32]bool, len(ids))
	for _, id := range ids {
		if i, ok := d.index[id]; ok && !named[int32(i)] {
			named[int32(i)] = true
			order = append(order, int32(i))
		}
	}
	for _, i := range rest {
		if !named[i] {
			order = append(order, i)
		}
	}
	return order
}

// with returns a copy of d with the backups of ids removed and extra added.
func (d *dataset) with(extra []Backup, removeIDs []string) (*dataset, error) {
	remove := make(map[string]bool, len(removeIDs))
	for _, id := range removeIDs {
		remove[id] = true
	}
	kept := make([]Backup, 0, len(d.backups)+len(extra))
	for _, b := range d.backups {
		if !remove[b.ID] {
			kept = append(kept, b)
		}
	}
	return newDataset(append(kept, extra...))
}
