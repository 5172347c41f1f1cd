package vbssim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// unreachableHost is where an UnreachableNextLink fault points: a loopback address nothing listens on.
const unreachableHost = "http://127.0.0.2:1"

// listQuery is the parsed query of one listing.
type listQuery struct {
	filter        filter
	spec          sortSpec
	limit         int
	offset        int
	marker        string
	unknownFilter bool
	allTenants    bool   // all_tenants, honoured for an administrator
	tenant        string // project_id beside all_tenants: that project only
	withCount     bool   // with_count (3.45): the page says how many backups the filters select
}

// listBackups serves GET /v{2,3}/{project_id}/backups/detail.
func (s *Server) listBackups(r *http.Request, apiVersion, projectID string, f *armedFault, reqID string) response {
	if fail := s.authorize(r, projectID, reqID); fail != nil {
		return *fail
	}
	minor, header, fail := s.microversion(r, apiVersion)
	if fail != nil {
		return *fail
	}
	values := r.URL.Query()
	if f != nil && f.StuckPages {
		values.Del("n") // the fault's own counter, which a client that copies links sends back
	}
	admin := s.admin(r)
	fail = s.restrictTenants(values, apiVersion, minor, admin)
	if fail == nil {
		var q listQuery
		q, fail = s.parseListQuery(values, apiVersion, minor, admin)
		if fail == nil {
			return s.listPage(r, apiVersion, minor, projectID, f, q, admin, header)
		}
	}
	fail.header = header
	return *fail
}

// listPage answers a listing whose query has been checked.
func (s *Server) listPage(r *http.Request, apiVersion string, minor int, projectID string, f *armedFault, q listQuery, admin bool, header http.Header) response {
	q.filter.projectID, q.filter.region = projectID, s.requestRegion(r)

	if q.allTenants {
		q.filter.projectID, q.filter.anyProject = q.tenant, q.tenant == ""
	}
	if f != nil {
		f.ignoreFilters(&q.filter)
	}

	d := s.data.Load()
	var page []int32
	// Like Cinder, an unknown filter matches nothing, and it is noticed before the marker is looked up.
	if !q.unknownFilter {
		order := d.sorted(q.spec).order
		if f != nil && len(f.Order) > 0 {
			order = d.fixedOrder(f.Order, order)
		}
		start := 0
		if f != nil && f.StuckPages {
			q.marker = ""
		}
		if q.marker != "" {
			i, ok := d.index[q.marker]
			if !ok || !q.filter.owns(&d.backups[i]) {
				resp := cinderError(http.StatusNotFound, "Backup "+q.marker+" could not be found.")
				resp.header = header
				return resp
			}
			start = int(d.sorted(q.spec).rank[i]) + 1
			if f != nil && len(f.Order) > 0 {
				start = slices.Index(order, int32(i)) + 1
			}
			if f != nil && f.DuplicateMarker {
				start--
			}
		}
		page = d.page(order, &q.filter, start, q.offset, q.limit)
	}

	v := variantFor(apiVersion, minor)
	encoded := make([][]byte, len(page))
	size := 256
	var scratch []byte
	for n, i := range page {
		encoded[n] = s.encodingFor(d, v, i, admin, &scratch)
		size += len(encoded[n]) + 2
	}
	body := make([]byte, 0, size)
	body = append(body, `{"backups": [`...)
	for n, b := range encoded {
		if n > 0 {
			body = append(body, ", "...)
		}
		body = append(body, b...)
	}
	if f != nil && len(page) > 0 {
		tiny := appendString([]byte(`, {"id": `), d.backups[page[0]].ID)
		for range f.TinyDuplicates {
			body = append(append(body, tiny...), '}')
		}
	}
	body = append(body, ']')
	// Cinder links a next page whenever this one is full, even when nothing follows.
	full := q.limit > 0 && len(page) == q.limit
	if full || (f != nil && (f.RepeatNextLink || f.StuckPages)) {
		marker := ""
		if len(page) > 0 {
			marker = d.backups[page[len(page)-1]].ID
		}
		switch {
		case f != nil && f.RepeatNextLink:
			marker = q.marker
		case f != nil && f.StuckPages && len(page) > 0:
			marker = d.backups[page[(f.seen-1)%len(page)]].ID
		}
		body = append(body, `, "backups_links": [{"href": `...)
		body = appendString(body, s.nextLink(r, projectID, marker, f))
		body = append(body, `, "rel": "next"}]`...)
	}
	if q.withCount {
		body = strconv.AppendInt(append(body, `, "count": `...), int64(d.count(&q.filter)), 10)
	}
	return response{status: http.StatusOK, header: header, body: append(body, '}')}
}

// ignoreFilters drops the API filters that the fault ignores from f.
func (f *armedFault) ignoreFilters(q *filter) {
	for _, key := range f.IgnoreFilters {
		switch key {
		case "name":
			q.name = nil
		case "status":
			q.status = nil
		case "volume_id":
			q.volumeID = nil
		}
	}
}

// getBackup serves GET /v{2,3}/{project_id}/backups/{id}: {"backup": {...}}, or Cinder's 404.
func (s *Server) getBackup(r *http.Request, apiVersion, projectID, id string, reqID string) response {
	if fail := s.authorize(r, projectID, reqID); fail != nil {
		return *fail
	}
	minor, header, fail := s.microversion(r, apiVersion)
	if fail != nil {
		return *fail
	}
	d := s.data.Load()
	i, ok := d.index[id]
	if !ok || d.backups[i].ProjectID != projectID || !d.backups[i].inRegion(s.requestRegion(r)) {
		resp := cinderError(http.StatusNotFound, "Backup "+id+" could not be found.")
		resp.header = header
		return resp
	}
	var scratch []byte
	body := append([]byte(`{"backup": `), s.encodingFor(d, variantFor(apiVersion, minor), int32(i), s.admin(r), &scratch)...)
	return response{status: http.StatusOK, header: header, body: append(body, '}')}
}

// microversion is the v3 microversion a request asks for (0 on v2) and the headers that answer it.
func (s *Server) microversion(r *http.Request, apiVersion string) (int, http.Header, *response) {
	if apiVersion != "v3" {
		return 0, nil, nil
	}
	minor, fail := s.requestedMicroversion(r)
	if fail != nil {
		return 0, nil, fail
	}
	return minor, http.Header{"Openstack-Api-Version": {fmt.Sprintf("volume 3.%d", minor)}, "Vary": {"OpenStack-API-Version"}}, nil
}

// The simulator's own view of the API's enums, written down from Cinder (2023.1) and the VBS API
// document rather than taken from the client, so that a wrong enum in the client fails a test.
var (
	// Statuses are the statuses a listed backup can have: Cinder's backup statuses but deleted (a
	// deleted backup is not listed), and error_restoring, which only VBS has.
	Statuses = []string{"available", "error", "restoring", "creating", "deleting", "error_deleting", "error_restoring"}
	// SortKeys are the sort keys a listing accepts, those of the VBS API document; real Cinder
	// rejects container_format and disk_format, which are no backup columns, and the simulator
	// orders by them as by their tie-breaks (see dataset.compare).
	SortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}
	// SortDirs are the sort directions a listing accepts.
	SortDirs = []string{"asc", "desc"}
)

// DefaultMaxLimit is Cinder's default osapi_max_limit, the page size of a listing without limit.
const DefaultMaxLimit = 1000

// listParams are the query parameters a listing understands; any other is a filter Cinder does not know.
var listParams = []string{"name", "status", "volume_id", "sort_key", "sort_dir", "limit", "offset", "marker"}

// parseListQuery validates the query as Cinder does, in Cinder's order and with its messages;
// admin says whether the caller is an administrator, who may use any filter.
func (s *Server) parseListQuery(values url.Values, apiVersion string, minor int, admin bool) (listQuery, *response) {
	q := listQuery{spec: sortSpec{key: "created_at", desc: true}, limit: s.cfg.MaxLimit, marker: values.Get("marker")}
	bad := func(msg string) (listQuery, *response) {
		resp := cinderError(http.StatusBadRequest, msg)
		return q, &resp
	}
	if values.Has("limit") {
		n, err := strconv.Atoi(values.Get("limit"))
		switch {
		case err != nil:
			return bad("limit param must be an integer")
		case n < 0:
			return bad("limit param must be positive")
		}
		q.limit = min(n, s.cfg.MaxLimit)
	}
	if values.Has("offset") {
		n, err := strconv.Atoi(values.Get("offset"))
		switch {
		case err != nil:
			return bad("offset must be an integer.")
		case n < 0:
			return bad("offset must be >= 0")
		}
		q.offset = n
	}
	if key := values.Get("sort_key"); key != "" {
		// Before 3.37 Cinder does not translate name to its column display_name.
		if !slices.Contains(SortKeys, key) || (key == "name" && apiVersion == "v3" && minor < mvSortByName) {
			return bad("Invalid sort key")
		}
		q.spec.key = key
	}
	if dir := values.Get("sort_dir"); dir != "" {
		if !slices.Contains(SortDirs, dir) {
			return bad("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
		}
		q.spec.desc = dir == "desc"
	}
	for _, p := range []struct {
		key string
		dst **string
	}{{"name", &q.filter.name}, {"status", &q.filter.status}, {"volume_id", &q.filter.volumeID}} {
		if values.Has(p.key) {
			v := values.Get(p.key)
			*p.dst = &v
		}
	}
	known := listParams
	if admin {
		// Cinder's all_tenants lists every project's backups for an administrator, and project_id
		// beside it one other project's.
		known = append(slices.Clip(known), "all_tenants", "project_id")
		adminParams(values, &q)
	}
	if ok, count := withCount(values, apiVersion, minor); ok {
		known = append(slices.Clip(known), "with_count")
		q.withCount = count
	}
	for key := range values {
		q.unknownFilter = q.unknownFilter || !slices.Contains(known, key)
	}
	return q, nil
}

// nextLink builds the next link as Cinder does: every query parameter of the request, offset
// included, re-encoded in order, then marker. Faults and Config change its host and path.
func (s *Server) nextLink(r *http.Request, projectID, marker string, f *armedFault) string {
	host := strings.TrimSuffix(s.cfg.LinkHost, "/")
	if host == "" {
		host = requestBase(r)
	}
	if f != nil && f.UnreachableNextLink {
		host = unreachableHost
	}
	path := r.URL.EscapedPath()
	if s.cfg.BookmarkNextLinks {
		path = "/" + projectID + "/backups"
	}
	var query []string
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, errK := url.QueryUnescape(k)
		v, errV := url.QueryUnescape(v)
		if pair == "" || k == "marker" || k == "n" && f != nil && f.StuckPages || errK != nil || errV != nil {
			continue
		}
		query = append(query, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	if marker != "" && (f == nil || !f.NoMarkerNextLink) {
		query = append(query, "marker="+url.QueryEscape(marker))
	}
	if f != nil && f.StuckPages {
		query = append(query, "n="+strconv.Itoa(f.seen))
	}
	if f != nil && f.NextLinkParams != "" {
		query = append(query, f.NextLinkParams)
	}
	return host + path + "?" + strings.Join(query, "&")
}

// requestedMicroversion reads "OpenStack-API-Version: volume 3.x"; absent means 3.0.
func (s *Server) requestedMicroversion(r *http.Request) (int, *response) {
	requested := ""
	for _, item := range strings.Split(strings.Join(r.Header.Values("Openstack-Api-Version"), ","), ",") {
		if fields := strings.Fields(item); len(fields) == 2 && strings.EqualFold(fields[0], "volume") {
			requested = fields[1]
		}
	}
	switch requested {
	case "":
		return 0, nil
	case "latest":
		return s.maxMinor, nil
	}
	minor, err := parseMicroversion(requested)
	if err != nil {
		resp := cinderError(http.StatusBadRequest,
			fmt.Sprintf("API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", requested))
		return 0, &resp
	}
	if minor < 0 || minor > s.maxMinor {
		resp := cinderError(http.StatusNotAcceptable, fmt.Sprintf(
			"Version %s is not supported by the API. Minimum is 3.0 and maximum is %s.", requested, s.cfg.MaxMicroversion))
		return 0, &resp
	}
	return minor, nil
}

// parseMicroversion returns the minor part of a v3 microversion; another major version gives -1.
func parseMicroversion(v string) (int, error) {
	major, minor, ok := strings.Cut(v, ".")
	ma, errMajor := strconv.Atoi(major)
	mi, errMinor := strconv.Atoi(minor)
	if !ok || errMajor != nil || errMinor != nil || ma < 0 || mi < 0 {
		return 0, fmt.Errorf("vbssim: microversion %q is not of the form 3.x", v)
	}
	if ma != 3 {
		return -1, nil
	}
	return mi, nil
}
