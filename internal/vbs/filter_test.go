package vbs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func at(h int) *time.Time { return ptrTo(time.Date(2026, 11, 28, h, 0, 0, 0, time.UTC)) }

func TestFilter_match(t *testing.T) {
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

func TestFilter_incrementalOf(t *testing.T) {
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

// TestSelection_stops: a walk stops only at the end of a page that proves the order (two backups
// or more, all with a created_at, in order among themselves and after the backups before them)
// and whose last backup is past the window, or older than the best match for newest. pages are
// hours of created_at, -1 for none; the backups are b0, b1, … across pages.
func TestSelection_stops(t *testing.T) {
	judgeAll := func(opts ListOpts, newest bool, pages ...[]int) (kept string, stoppedAfter int, unsorted string) {
		t.Helper()
		s, err := (&Client{sc: testServiceClient(t, "http://127.0.0.1:1/v3/p/")}).newSelection(&opts, newest)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		n := 0
		for p, page := range pages {
			for _, h := range page {
				b := Backup{ID: fmt.Sprint("b", n)}
				if h >= 0 {
					b.CreatedAt = at(h)
				}
				if s.match(&b) {
					ids = append(ids, b.ID)
				}
				n++
			}
			if stop, _ := s.endPage(); stop {
				return strings.Join(ids, ","), p, s.unsorted
			}
		}
		return strings.Join(ids, ","), -1, s.unsorted
	}
	after := ListOpts{Filter: Filter{CreatedAfter: at(5)}}
	before := ListOpts{SortDir: "asc", Filter: Filter{CreatedBefore: at(5)}}
	newest := ListOpts{SortKey: "created_at", SortDir: "desc"}
	for _, c := range []struct {
		name     string
		opts     ListOpts
		newest   bool
		pages    [][]int
		kept     string
		stop     int
		unsorted string
	}{
		{"desc: the page that ends the window", after, false, [][]int{{9, 8}, {8, 6}, {5, 4}, {3, 9}}, "b0,b1,b2,b3", 2, ""},
		{"desc: a page of one proves nothing", after, false, [][]int{{9}, {8}, {5}, {3}}, "b0,b1", -1, ""},
		{"desc: disorder on the last page, after the window's end", after, false, [][]int{{9, 8}, {6, 4, 10}, {3, 2}},
			"b0,b1,b2,b4", -1, "backup b4 (created 2026-11-28T10:00:00Z) came after backup b3 (created 2026-11-28T04:00:00Z)"},
		{"desc: disorder across pages turns the stop off for good", after, false, [][]int{{9, 8}, {10, 7}, {4, 3}},
			"b0,b1,b2,b3", -1, "backup b2 (created 2026-11-28T10:00:00Z) came after backup b1"},
		{"desc: the API document's example as printed", after, false, [][]int{{8, 9, 7}}, "b0,b1,b2", -1, "backup b1"},
		{"desc: no created_at proves nothing, and is no disorder", after, false, [][]int{{9, -1, 4}, {3, 2}}, "b0", 1, ""},
		{"desc: ties are in order", after, false, [][]int{{9, 9}, {5, 5}}, "b0,b1", 1, ""},
		{"asc: created_after never ends the walk", ListOpts{SortDir: "asc", Filter: Filter{CreatedAfter: at(5)}}, false,
			[][]int{{1, 2}, {6, 7}}, "b2,b3", -1, ""},
		{"asc: created_before does", before, false, [][]int{{1, 2}, {5, 7}, {1, 2}}, "b0,b1", 1, ""},
		{"asc: disorder", before, false, [][]int{{1, 2}, {6, 0}, {1}}, "b0,b1,b3,b4", -1, "backup b3 (created 2026-11-28T00:00:00Z) came after backup b2"},
		{"another sort key: no stop, no warning", ListOpts{SortKey: "size", Filter: Filter{CreatedAfter: at(5)}}, false,
			[][]int{{9, 1}, {9, 1}}, "b0,b2", -1, ""},
		{"newest: a tie with the best does not end the walk", newest, true, [][]int{{9, 9}, {9, 8}, {9, 9}}, "b0,b1,b2,b3", 1, ""},
		{"newest: nothing before a match", ListOpts{SortKey: "created_at", SortDir: "desc", Filter: Filter{CreatedBefore: at(3)}}, true,
			[][]int{{9, 8}, {2, 1}, {0}}, "b2,b3", 1, ""},
		{"newest: a page in order is taken at its word", newest, true, [][]int{{8, 7}, {9, 1}}, "b0,b1", 0, ""},
		{"newest: shuffled", newest, true, [][]int{{8, 9, 7}, {6, 5}}, "b0,b1,b2,b3,b4", -1, "backup b1 (created 2026-11-28T09:00:00Z) came after backup b0"},
	} {
		kept, stop, unsorted := judgeAll(c.opts, c.newest, c.pages...)
		if kept != c.kept || stop != c.stop || c.unsorted == "" && unsorted != "" || !strings.Contains(unsorted, c.unsorted) {
			t.Errorf("%s: kept %s, stopped after page %d, unsorted %q; want %s, %d, %q", c.name, kept, stop, unsorted, c.kept, c.stop, c.unsorted)
		}
	}
}

// TestSelection_rechecksAPIFilters: a backup that fails name (exactly), status or volume_id is no
// match, whatever the server claims; each filter counts the backups that failed it and the first.
func TestSelection_rechecksAPIFilters(t *testing.T) {
	opts := ListOpts{Name: "db", Status: "available", VolumeID: "v1", Filter: Filter{CreatedAfter: at(1)}}
	s, err := (&Client{sc: testServiceClient(t, "http://127.0.0.1:1/v3/p/")}).newSelection(&opts, false)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, b := range []Backup{
		{ID: "ok", Name: ptrTo("db"), Status: ptrTo("available"), VolumeID: ptrTo("v1"), CreatedAt: at(5)},
		{ID: "error", Name: ptrTo("db"), Status: ptrTo("error"), VolumeID: ptrTo("v1"), CreatedAt: at(5)},
		{ID: "no-status", Name: ptrTo("db"), VolumeID: ptrTo("v1"), CreatedAt: at(5)},
		{ID: "db-2", Name: ptrTo("db-2"), Status: ptrTo("available"), VolumeID: ptrTo("v1"), CreatedAt: at(5)},
		{ID: "other", Name: ptrTo("db"), Status: ptrTo("creating"), VolumeID: ptrTo("v2"), CreatedAt: at(5)},
		{ID: "old", Name: ptrTo("db"), Status: ptrTo("available"), VolumeID: ptrTo("v1"), CreatedAt: at(0)},
	} {
		if s.match(&b) {
			kept = append(kept, b.ID)
		}
	}
	want := []FilterMiss{
		{Param: "name", Value: "db", Count: 1, FirstID: "db-2"},
		{Param: "status", Value: "available", Count: 3, FirstID: "error"},
		{Param: "volume_id", Value: "v1", Count: 1, FirstID: "other"},
	}
	if got := s.misses(); strings.Join(kept, ",") != "ok" || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("kept %v, misses %+v; want ok and %+v", kept, got, want)
	}
	// Without API filters nothing is checked or counted.
	s, _ = (&Client{sc: testServiceClient(t, "http://127.0.0.1:1/v3/p/")}).newSelection(&ListOpts{}, false)
	if !s.match(&Backup{ID: "x"}) || s.misses() != nil {
		t.Errorf("no API filter: %+v", s.misses())
	}
}

func TestSelection_newer(t *testing.T) {
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

func TestListOpts_queryWithClientFilters(t *testing.T) {
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

// TestFilter_metadataNeedsMicroversion343: a metadata filter is refused before any request where the
// endpoint cannot return metadata, naming the version. A stub: it only counts requests, on paths
// of every version the endpoint may name.
func TestFilter_metadataNeedsMicroversion343(t *testing.T) {
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

// The backups of the API document's example page, in the order it prints them: created 08:48:03,
// 08:56:58 and 08:46:31.
const (
	example0848 = "1d1139d8-8989-49d3-8aa1-83eb691e6db2"
	example0856 = "80e17946-6e56-46e0-9547-e9ba4f1619bd"
	example0846 = "b3cf7a16-decc-4beb-8077-682737d94a58"
)

// exampleServer serves the API document's example page, byte for byte, then an empty page.
func exampleServer(t *testing.T) (*Client, *scriptedPages) {
	t.Helper()
	example := string(readTestdata(t, "v2_example.json"))
	pages := &scriptedPages{page: func(n int, _ url.Values) string {
		if n == 1 {
			return example
		}
		return `{"backups": []}`
	}}
	return serve(t, pages), pages
}

func utc(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// TestSelection_apiExamplePage: the API document's own example page is sorted by nothing, so
// every selection that relies on the order reads it through, selects exactly what its filters say
// and names the first backup out of order.
func TestSelection_apiExamplePage(t *testing.T) {
	ctx := context.Background()
	after := ListOpts{Filter: Filter{CreatedAfter: utc("2013-06-27T08:50:00Z")}}
	before := ListOpts{SortDir: "asc", Filter: Filter{CreatedBefore: utc("2013-06-27T08:47:00Z")}}
	check := func(name string, got []string, unsorted string, pages *scriptedPages, want []string, first string) {
		t.Helper()
		if !slices.Equal(got, want) || !strings.HasPrefix(unsorted, "backup "+first+" (created") || pages.requests() != 2 {
			t.Errorf("%s: %v, unsorted %q, %d requests; want %v, %s first out of order, 2 requests",
				name, got, unsorted, pages.requests(), want, first)
		}
	}

	c, pages := exampleServer(t)
	list, err := c.ListBackups(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	check("ListBackups created_after", backupIDs(list.Backups), list.Unsorted, pages, []string{example0856}, example0856)

	c, pages = exampleServer(t)
	ids, err := c.SelectBackupIDs(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	check("SelectBackupIDs created_before ascending", ids.IDs, ids.Unsorted, pages, []string{example0846}, example0846)

	c, pages = exampleServer(t)
	one, err := c.FindBackup(ctx, after, false)
	if err != nil || one.Backup == nil {
		t.Fatalf("FindBackup created_after: %+v, %v", one, err)
	}
	check("FindBackup created_after", []string{one.Backup.ID}, one.Unsorted, pages, []string{example0856}, example0856)

	c, pages = exampleServer(t)
	newest, err := c.FindBackup(ctx, ListOpts{}, true)
	if err != nil || newest.Backup == nil {
		t.Fatalf("FindBackup most recent: %+v, %v", newest, err)
	}
	check("FindBackup most recent", []string{newest.Backup.ID}, newest.Unsorted, pages, []string{example0856}, example0856)
}

// backupsPage is a page of backups given as id:hour (created that hour of one day), and a next link
// to marker unless it is empty.
func backupsPage(marker string, backups ...string) string {
	objects := make([]string, len(backups))
	for i, b := range backups {
		id, hour, _ := strings.Cut(b, ":")
		objects[i] = fmt.Sprintf(`{"id": %q, "status": "available", "created_at": "2026-11-28T%s:00:00"}`, id, hour)
	}
	links := ""
	if marker != "" {
		links = `, "backups_links": [{"rel": "next", "href": "?marker=` + marker + `"}]`
	}
	return `{"backups": [` + strings.Join(objects, ", ") + `]` + links + `}`
}

// TestSelection_seesDisorderAfterANonMatch: a backup that does not match is decoded into an item
// that the walk reuses for the next one; the order is still judged against its created_at, so the
// disorder of the next backup is seen and no page is taken for a proof.
func TestSelection_seesDisorderAfterANonMatch(t *testing.T) {
	pages := &scriptedPages{page: func(n int, _ url.Values) string {
		if n == 1 {
			return backupsPage("c", "a:09", "b:04", "c:10") // b does not match; c is out of order
		}
		return backupsPage("", "d:03", "e:02")
	}}
	c := serve(t, pages)
	opts := ListOpts{Status: "available", Filter: Filter{CreatedAfter: utc("2026-11-28T05:00:00Z")}}
	for _, walk := range []struct {
		name string
		run  func() ([]string, string, error)
	}{
		{"SelectBackupIDs", func() ([]string, string, error) {
			res, err := c.SelectBackupIDs(context.Background(), opts)
			if err != nil {
				return nil, "", err
			}
			return res.IDs, res.Unsorted, nil
		}},
		{"ListBackups", func() ([]string, string, error) {
			res, err := c.ListBackups(context.Background(), opts)
			if err != nil {
				return nil, "", err
			}
			return backupIDs(res.Backups), res.Unsorted, nil
		}},
		{"FindBackup most recent", func() ([]string, string, error) {
			res, err := c.FindBackup(context.Background(), opts, true)
			if err != nil || res.Backup == nil {
				return nil, "", fmt.Errorf("%+v, %w", res, err)
			}
			return []string{res.Backup.ID}, res.Unsorted, nil
		}},
	} {
		pages.queries = nil
		got, unsorted, err := walk.run()
		want := []string{"a", "c"}
		if walk.name == "FindBackup most recent" {
			want = []string{"c"}
		}
		if err != nil || !slices.Equal(got, want) || !strings.HasPrefix(unsorted, "backup c (created 2026-11-28T10:00:00Z) came after backup b") {
			t.Errorf("%s: %v, %q, %v; want %v and backup c out of order", walk.name, got, unsorted, err, want)
		}
		if pages.requests() != 2 {
			t.Errorf("%s: %d requests, want 2: the order broke, every page is read", walk.name, pages.requests())
		}
	}
}

// TestSelection_rechecksAPIFiltersOnIDs: listing ids with API filters alone reads the fields they
// select on, not only the ids: a server that ignores status cannot hand over backups in another.
func TestSelection_rechecksAPIFiltersOnIDs(t *testing.T) {
	pages := &scriptedPages{page: func(int, url.Values) string {
		return `{"backups": [{"id": "a", "status": "error"}, {"id": "b", "status": "available"}, {"id": "c"}, ` +
			`{"id": "d", "status": "available", "volume_id": "v2"}]}`
	}}
	c := serve(t, pages)
	res, err := c.SelectBackupIDs(context.Background(), ListOpts{Status: "available"})
	if err != nil {
		t.Fatal(err)
	}
	want := []FilterMiss{{Param: "status", Value: "available", Count: 2, FirstID: "a"}}
	if !slices.Equal(res.IDs, []string{"b", "d"}) || fmt.Sprint(res.Unfiltered) != fmt.Sprint(want) {
		t.Errorf("ids %v, unfiltered %+v; want [b d] and %+v", res.IDs, res.Unfiltered, want)
	}
	// limit counts only backups that pass: the walk asks again for what remains.
	pages.queries = nil
	res, err = c.SelectBackupIDs(context.Background(), ListOpts{Status: "available", VolumeID: "v2", Limit: 1})
	if err != nil || !slices.Equal(res.IDs, []string{"d"}) || len(res.Unfiltered) != 2 {
		t.Errorf("limit 1: %v, %+v, %v; want [d] and two filters missed", res.IDs, res.Unfiltered, err)
	}
}

// TestFilter_eachFieldFilters: every field of Filter, set alone, makes the filter active and leaves
// out a backup that has none of the values filtered on, so a field without its case in Match fails.
func TestFilter_eachFieldFilters(t *testing.T) {
	if zero := (Filter{Metadata: map[string]string{}}); zero.Active() {
		t.Error("a filter with nothing set (an empty metadata map) is active")
	}
	typ := reflect.TypeFor[Filter]()
	for i := range typ.NumField() {
		var f Filter
		v := reflect.ValueOf(&f).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Map:
			v.Set(reflect.ValueOf(map[string]string{"k": "v"}))
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
		default:
			t.Fatalf("Filter.%s: no test value for a %s", typ.Field(i).Name, v.Kind())
		}
		if !f.Active() {
			t.Errorf("Filter.%s set alone is not active", typ.Field(i).Name)
		}
		if f.Match(&Backup{ID: "a"}) {
			t.Errorf("Filter.%s set alone matches a backup without the value it filters on", typ.Field(i).Name)
		}
	}
}
