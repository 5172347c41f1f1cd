package vbssim

// Regions, other projects and administrators: the region a request's path names, all_tenants
// and project_id as Cinder answers them for an administrator and for anyone else, and with_count.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// mvCount is the microversion (3.45) from which a listing takes with_count and answers with count.
const mvCount = 45

// requestRegion is the region whose backups a request lists: the catalog prefix of its path
// (/{region}/{interface}/…), else the first region.
func (s *Server) requestRegion(r *http.Request) string {
	segs := strings.FieldsFunc(r.URL.Path, func(c rune) bool { return c == '/' })
	if len(segs) >= 2 && slices.Contains(s.cfg.Regions, segs[0]) && slices.Contains(Interfaces, segs[1]) {
		return segs[0]
	}
	if len(s.cfg.Regions) > 0 {
		return s.cfg.Regions[0]
	}
	return ""
}

// inRegion reports whether b is served in region: a backup of no region is served in every one.
func (b *Backup) inRegion(region string) bool { return b.Region == "" || b.Region == region }

// allTenantsValues are the spellings of true that Cinder's all_tenants accepts.
var allTenantsValues = []string{"1", "true", "yes", "on", "y", "t"}

// mvResourceFilter is the microversion (3.33) from which Cinder refuses a filter that is not a
// user's with a 400, where before it dropped it; all_tenants is spared either way.
const mvResourceFilter = 33

// restrictTenants answers all_tenants of a caller who is not an administrator: with Cinder's 403
// where a cloud's policy forbids it, or, under StockPolicy, as Cinder's default policy does: it
// drops all_tenants without a word, and project_id too before 3.33, from which project_id is a 400.
func (s *Server) restrictTenants(values url.Values, apiVersion string, minor int, admin bool) *response {
	if admin || !values.Has("all_tenants") {
		return nil
	}
	if !s.cfg.StockPolicy {
		resp := cinderError(http.StatusForbidden, "Policy doesn't allow backup:get_all_tenants to be performed.")
		return &resp
	}
	if values.Has("project_id") && apiVersion == "v3" && minor >= mvResourceFilter {
		resp := cinderError(http.StatusBadRequest, "Invalid filters project_id are found in query options.")
		return &resp
	}
	values.Del("all_tenants")
	values.Del("project_id")
	return nil
}

// adminParams reads the parameters an administrator may add to a listing into q.
func adminParams(values url.Values, q *listQuery) {
	q.allTenants = slices.Contains(allTenantsValues, strings.ToLower(values.Get("all_tenants")))
	q.tenant = values.Get("project_id")
}

// withCount reads with_count, a parameter from 3.45 on.
func withCount(values url.Values, apiVersion string, minor int) (known, count bool) {
	if apiVersion != "v3" || minor < mvCount {
		return false, false
	}
	count, _ = strconv.ParseBool(values.Get("with_count"))
	return true, count
}

// count is how many backups f selects, whatever the page: Cinder counts with the filters alone.
func (d *dataset) count(f *filter) int {
	n := 0
	for i := range d.backups {
		if f.match(&d.backups[i]) {
			n++
		}
	}
	return n
}

// encodingFor is backup i of d as variant v shows it to the caller: under StockPolicy, without the
// project and user that Cinder shows administrators only.
func (s *Server) encodingFor(d *dataset, v variant, i int32, admin bool, scratch *[]byte) []byte {
	if admin || !s.cfg.StockPolicy || v == variantV2 {
		return d.encoding(v, i, scratch)
	}
	b := d.backups[i]
	b.Override = map[string]json.RawMessage{}
	for k, raw := range d.backups[i].Override {
		b.Override[k] = raw
	}
	b.Override[keyProjectV3], b.Override["user_id"] = nil, nil // left out
	return encodeBackup(nil, &b, v)
}
