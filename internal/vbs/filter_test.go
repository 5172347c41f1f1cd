package vbs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func at(h int) *time.Time { return ptrTo(time.Date(2026, 11, 28, h, 0, 0, 0, time.UTC)) }

func TestFilterMatch(t *testing.T) {
	b := Backup{
		ID: "b1", Name: ptrTo("nightly-db"), SnapshotID: ptrTo("s1"), AvailabilityZone: ptrTo("az1"), CreatedAt: at(10),
		Metadata: map[string]string{"env": "prod", "tier": "1"}, Incremental: ptrTo(true),
	}
	noName := b
	noName.Name, noName.CreatedAt, noName.Incremental, noName.Metadata = nil, nil, nil, nil
	for _, tc := range []struct {
		name   string
		f      Filter
		b      Backup
		active bool
		want   bool
	}{
		{"zero", Filter{}, b, false, true},
		{"zero, empty backup", Filter{}, noName, false, true},
		{"regex anywhere", Filter{NameRegex: regexp.MustCompile("db")}, b, true, true},
		{"regex anchored", Filter{NameRegex: regexp.MustCompile("^db")}, b, true, false},
		{"regex, no name", Filter{NameRegex: regexp.MustCompile(".*")}, noName, true, false},
		{"snapshot", Filter{SnapshotID: "s1"}, b, true, true},
		{"other snapshot", Filter{SnapshotID: "s2"}, b, true, false},
		{"zone", Filter{AvailabilityZone: "az1"}, b, true, true},
		{"other zone", Filter{AvailabilityZone: "az2"}, b, true, false},
		{"after", Filter{CreatedAfter: at(9)}, b, true, true},
		{"after, same instant", Filter{CreatedAfter: at(10)}, b, true, false},
		{"before", Filter{CreatedBefore: at(11)}, b, true, true},
		{"before, same instant", Filter{CreatedBefore: at(10)}, b, true, false},
		{"after a nanosecond earlier", Filter{CreatedAfter: ptrTo(at(10).Add(-time.Nanosecond))}, b, true, true},
		{"time, no created_at", Filter{CreatedBefore: at(11)}, noName, true, false},
		{"metadata subset", Filter{Metadata: map[string]string{"env": "prod"}}, b, true, true},
		{"metadata other value", Filter{Metadata: map[string]string{"env": "dev"}}, b, true, false},
		{"metadata missing key", Filter{Metadata: map[string]string{"owner": ""}}, b, true, false},
		{"metadata, none", Filter{Metadata: map[string]string{"env": "prod"}}, noName, true, false},
		{"incremental", Filter{Incremental: ptrTo(true)}, b, true, true},
		{"full", Filter{Incremental: ptrTo(false)}, b, true, false},
		{"incremental unknown", Filter{Incremental: ptrTo(false)}, noName, true, false},
		{"all", Filter{NameRegex: regexp.MustCompile("-db$"), SnapshotID: "s1", AvailabilityZone: "az1", CreatedAfter: at(1),
			CreatedBefore: at(12), Metadata: map[string]string{"tier": "1"}, Incremental: ptrTo(true)}, b, true, true},
	} {
		if got := tc.f.Match(&tc.b); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
		if got := tc.f.Active(); got != tc.active {
			t.Errorf("%s: Active = %v, want %v", tc.name, got, tc.active)
		}
	}
}

func TestIncrementalOf(t *testing.T) {
	typed := func(s string) *ServiceMetadata { return &ServiceMetadata{BackupType: &s} }
	for _, tc := range []struct {
		is   *bool
		sm   *ServiceMetadata
		want any
	}{
		{ptrTo(false), typed("incremental"), false}, // is_incremental wins where readable
		{ptrTo(true), nil, true},
		{nil, typed("incremental"), true},
		{nil, typed("full"), false},
		{nil, typed("7"), nil}, // an unknown Type code
		{nil, &ServiceMetadata{}, nil},
		{nil, nil, nil},
	} {
		if got := deref(incrementalOf(tc.is, tc.sm)); got != tc.want {
			t.Errorf("incrementalOf(%v, %+v) = %v, want %v", deref(tc.is), tc.sm, got, tc.want)
		}
	}
}

// TestSelectionStops: with created_after newest first the walk stops at the first backup not
// after the bound; out of order, it never stops and records the first backup out of order.
func TestSelectionStops(t *testing.T) {
	judgeAll := func(opts ListOpts, newest bool, hours ...int) (kept []string, stoppedAt int, unsorted string) {
		s, err := (&Client{sc: testServiceClient(t, "http://127.0.0.1:1/v3/p/")}).newSelection(&opts, newest)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hours {
			match, stop := s.judge(&Backup{ID: fmt.Sprint("b", i), CreatedAt: at(h)})
			if stop {
				return kept, i, s.unsorted
			}
			if match {
				kept = append(kept, fmt.Sprint("b", i))
			}
		}
		return kept, -1, s.unsorted
	}
	after := ListOpts{Filter: Filter{CreatedAfter: at(5)}}
	if kept, stop, _ := judgeAll(after, false, 9, 8, 8, 6, 5, 4, 3); strings.Join(kept, ",") != "b0,b1,b2,b3" || stop != 4 {
		t.Errorf("desc: kept %v, stopped at %d; want b0-b3 and a stop at b4", kept, stop)
	}
	kept, stop, unsorted := judgeAll(after, false, 9, 8, 10, 3, 7, 2)
	if strings.Join(kept, ",") != "b0,b1,b2,b4" || stop != -1 || !strings.Contains(unsorted, "backup b2 (created 2026-11-28T10:00:00Z) came after backup b1") {
		t.Errorf("unsorted: kept %v, stopped at %d, %q", kept, stop, unsorted)
	}
	// created_after cannot end an ascending walk; created_before can.
	if _, stop, _ := judgeAll(ListOpts{SortDir: "asc", Filter: Filter{CreatedAfter: at(5)}}, false, 1, 2, 6, 7); stop != -1 {
		t.Errorf("asc with created_after stopped at %d", stop)
	}
	if kept, stop, _ := judgeAll(ListOpts{SortDir: "asc", Filter: Filter{CreatedBefore: at(5)}}, false, 1, 2, 5, 7); len(kept) != 2 || stop != 2 {
		t.Errorf("asc with created_before: kept %v, stopped at %d", kept, stop)
	}
	// Another sort key: no stop, whatever the times.
	if _, stop, _ := judgeAll(ListOpts{SortKey: "size", Filter: Filter{CreatedAfter: at(5)}}, false, 9, 1, 9); stop != -1 {
		t.Errorf("sort_key size stopped at %d", stop)
	}
	// Newest: every backup of the first match's instant, then stop.
	if kept, stop, _ := judgeAll(ListOpts{SortKey: "created_at", SortDir: "desc"}, true, 9, 9, 9, 8, 7); len(kept) != 3 || stop != 3 {
		t.Errorf("newest: kept %v, stopped at %d", kept, stop)
	}
}

func TestNewer(t *testing.T) {
	a, b := &Backup{ID: "a", CreatedAt: at(2)}, &Backup{ID: "b", CreatedAt: at(1)}
	tie := &Backup{ID: "c", CreatedAt: at(2)}
	none := &Backup{ID: "z"}
	for _, tc := range []struct {
		x, y *Backup
		want bool
	}{{a, b, true}, {b, a, false}, {tie, a, true}, {a, tie, false}, {a, none, true}, {none, a, false}} {
		if got := newer(tc.x, tc.y); got != tc.want {
			t.Errorf("newer(%s, %s) = %v", tc.x.ID, tc.y.ID, got)
		}
	}
}

func TestQueryWithClientFilters(t *testing.T) {
	for _, tc := range []struct {
		opts ListOpts
		want string
	}{
		{ListOpts{Filter: Filter{SnapshotID: "s"}}, "limit=1000"},
		{ListOpts{Limit: 3, Filter: Filter{SnapshotID: "s"}}, "limit=1000"},
		{ListOpts{Limit: 3, PageSize: 50, Filter: Filter{SnapshotID: "s"}}, "limit=50"},
		{ListOpts{Filter: Filter{CreatedAfter: at(1)}}, "limit=1000&sort_dir=desc&sort_key=created_at"},
		{ListOpts{SortDir: "asc", Filter: Filter{CreatedBefore: at(1)}}, "limit=1000&sort_dir=asc&sort_key=created_at"},
		{ListOpts{SortKey: "size", Filter: Filter{CreatedBefore: at(1)}}, "limit=1000&sort_key=size"},
	} {
		if got := tc.opts.Query().Encode(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.opts, got, tc.want)
		}
	}
	// limit-kept for a later page only without a client-side filter.
	if n := (ListOpts{Limit: 30, Filter: Filter{AvailabilityZone: "a"}}).pageLimit(29); n != MaxPageSize {
		t.Errorf("pageLimit after 29 of 30 = %d, want %d", n, MaxPageSize)
	}
}

// TestMetadataNeedsMicroversion343: a metadata filter is refused before any request where the
// endpoint cannot return metadata, naming the version. A stub: it only counts requests, on paths
// of every version the endpoint may name.
func TestMetadataNeedsMicroversion343(t *testing.T) {
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests++
		writeJSON(w, http.StatusOK, `{"backups": []}`)
	}))
	t.Cleanup(srv.Close)
	opts := ListOpts{Filter: Filter{Metadata: map[string]string{"env": "prod"}}}
	for _, tc := range []struct{ path, mv, want string }{
		{"/v2/p/", "", "API version v2"},
		{"/v3/p/", "", "microversion 3.0 (the server announced no microversion)"},
		{"/v3/p/", "3.42", "supports microversion 3.42"},
		{"/v3/p/", "3.43", ""},
		{"/v3/p/", "3.64", ""},
	} {
		sc := testServiceClient(t, srv.URL+tc.path)
		sc.Microversion = tc.mv
		_, err := NewClient(sc, API{Version: strings.Trim(tc.path, "/p"), Microversion: tc.mv}).ListBackupIDs(context.Background(), opts)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s %s: %v", tc.path, tc.mv, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s %s: got %v, want %q", tc.path, tc.mv, err, tc.want)
		}
	}
	if requests != 2 {
		t.Errorf("%d requests, want 2 (the two endpoints that return metadata)", requests)
	}
}
