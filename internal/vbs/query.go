package vbs

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Statuses are the backup statuses the API knows; a filter on any other value silently matches nothing.
var Statuses = []string{"available", "error", "restoring", "creating", "deleting", "error_deleting", "error_restoring"}

// SortKeys are the sort keys the API accepts.
var SortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

// SortDirs are the sort directions the API accepts.
var SortDirs = []string{"asc", "desc"}

// MaxPageSize is the largest page a server hands out by default (Cinder's osapi_max_limit).
const MaxPageSize = 1000

// ListOpts are the filters of one listing; each maps onto one query parameter.
type ListOpts struct {
	Name     string // query name; empty means no filter
	Status   string // query status
	VolumeID string // query volume_id
	SortKey  string // query sort_key
	SortDir  string // query sort_dir
	Offset   int64  // query offset, sent on the first request only; 0 means none
	Limit    int64  // at most this many backups in all; 0 means every backup
	PageSize int64  // query limit of each request; 0 means the server's own page size

	// Filter is applied by the client to every backup the walk reads; Limit counts its matches.
	Filter Filter

	// AllProjects lists every project's backups (query all_tenants=1), which Cinder allows
	// administrators only. The Huawei VBS API document has no such parameter.
	AllProjects bool
	// TenantID keeps the backups of this project. With AllProjects it is sent as Cinder's
	// administrator filter project_id; either way the client re-checks it on every backup, as the
	// project the backup names: without AllProjects the listing holds the endpoint's own project
	// only, so TenantID is then a client-side filter, which a backup of any other project fails.
	TenantID string
	// Count asks the server how many backups the API's filters select (query with_count=true on
	// the first request), where the microversion has it (Cinder 3.45); see the results' TotalCount.
	Count bool
}

// Validate checks o before any request; each error names the query parameter, or PageSize, which
// sets each request's limit. It matters most for status, whose typos the API answers with an empty list.
func (o ListOpts) Validate() error {
	var errs []error
	oneOf := func(name, value string, allowed []string) {
		if value != "" && !slices.Contains(allowed, value) {
			errs = append(errs, fmt.Errorf("%s must be one of %s, got %q", name, strings.Join(allowed, ", "), value))
		}
	}
	oneOf("status", o.Status, Statuses)
	oneOf("sort_key", o.SortKey, SortKeys)
	oneOf("sort_dir", o.SortDir, SortDirs)
	if o.Offset < 0 {
		errs = append(errs, fmt.Errorf("offset must be at least 0, got %d", o.Offset))
	}
	if o.Limit < 0 {
		errs = append(errs, fmt.Errorf("limit must be at least 1, got %d", o.Limit))
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		errs = append(errs, fmt.Errorf("PageSize must be between 1 and %d, got %d", MaxPageSize, o.PageSize))
	}
	return errors.Join(errs...)
}

// Query is the query of the first request of a listing.
func (o ListOpts) Query() url.Values {
	q := url.Values{}
	o.apply(q, 0)
	if o.Offset > 0 {
		q.Set("offset", strconv.FormatInt(o.Offset, 10))
	}
	if o.Count {
		q.Set("with_count", "true")
	}
	return q
}

// apply sets o's filters and the page size for a request made after collected backups on q,
// overriding what q holds: o, not a server's next link, says what is listed.
func (o ListOpts) apply(q url.Values, collected int64) {
	key, dir := o.sort()
	for _, af := range apiFilters {
		if value := af.value(&o); value != "" {
			q.Set(af.param, value)
		}
	}
	for name, value := range map[string]string{"sort_key": key, "sort_dir": dir} {
		if value != "" {
			q.Set(name, value)
		}
	}
	if n := o.pageLimit(collected); n > 0 {
		q.Set("limit", strconv.FormatInt(n, 10))
	}
	o.applyProjects(q)
}

// applyProjects sets the query of a listing of other projects: all_tenants=1, and project_id
// beside it. Without AllProjects neither is sent, and TenantID is only re-checked: Cinder reads
// project_id as a filter of administrators only, and the listing of one project needs none.
func (o ListOpts) applyProjects(q url.Values) {
	if !o.AllProjects {
		return
	}
	q.Set("all_tenants", "1")
	if o.TenantID != "" {
		q.Set("project_id", o.TenantID)
	}
}

// clientSide reports whether the client leaves out backups the API's own filters selected: the
// Filter, and TenantID without AllProjects.
func (o ListOpts) clientSide() bool {
	return o.Filter.Active() || o.TenantID != "" && !o.AllProjects
}

// readsProject reports whether the walk reads the project of each backup.
func (o ListOpts) readsProject() bool { return o.AllProjects || o.TenantID != "" }

// sort is the order a listing asks for. A time filter relies on the order of created_at, so with
// one and no sort key it asks for that order explicitly (newest first unless SortDir says otherwise)
// rather than trusting the server's default.
func (o ListOpts) sort() (key, dir string) {
	key, dir = o.SortKey, o.SortDir
	if key == "" && (o.Filter.CreatedAfter != nil || o.Filter.CreatedBefore != nil) {
		key = "created_at"
		if dir == "" {
			dir = "desc"
		}
	}
	return key, dir
}

// pageLimit is the query limit of a request made after collected backups, 0 for none. With Limit
// set, a request asks for no more than remain, so that the last page carries nothing to throw
// away; with Limit set and no PageSize it asks for MaxPageSize, the default page of Huawei VBS and
// Cinder alike, which costs no more requests than the server's default and never exceeds its cap.
//
// With a client-side filter, Limit counts matches, which a page of remain backups may not hold: each
// request asks for PageSize, or MaxPageSize, whatever was kept.
func (o ListOpts) pageLimit(collected int64) int64 {
	size := o.PageSize
	if o.Limit == 0 && !o.clientSide() {
		return size
	}
	if size == 0 {
		size = MaxPageSize
	}
	if o.clientSide() {
		return size
	}
	return min(size, o.Limit-collected)
}

// full reports whether kept backups reach Limit.
func (o ListOpts) full(kept int64) bool { return o.Limit > 0 && kept >= o.Limit }
