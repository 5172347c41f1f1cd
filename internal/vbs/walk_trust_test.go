package vbs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// scriptedPages answers the n-th request (1-based) with page(n, the request's query); it records
// every query and, should a walk not stop, ends it with an empty page after 100 requests. A stub,
// not the simulator: each test scripts the exact pages and links of one hostile server.
type scriptedPages struct {
	page func(n int, q url.Values) string

	mu      sync.Mutex
	queries []url.Values
}

func (s *scriptedPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.Query())
	n := len(s.queries)
	s.mu.Unlock()
	if n > 100 {
		writeJSON(w, 200, `{"backups": []}`)
		return
	}
	writeJSON(w, 200, s.page(n, r.URL.Query()))
}

func (s *scriptedPages) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queries)
}

// pageOf is a page of backups with these ids and, unless next is empty, a next link.
func pageOf(next string, ids ...string) string {
	backups := make([]string, len(ids))
	for i, id := range ids {
		backups[i] = fmt.Sprintf(`{"id": %q}`, id)
	}
	links := ""
	if next != "" {
		links = fmt.Sprintf(`, "backups_links": [{"rel": "next", "href": %q}]`, next)
	}
	return `{"backups": [` + strings.Join(backups, ", ") + `]` + links + `}`
}

// TestWalk_nextLinkParametersAreNotTaken: a next link that adds all_tenants, project_id and other
// parameters, or changes the configured ones, steers nothing but the marker.
func TestWalk_nextLinkParametersAreNotTaken(t *testing.T) {
	// The backups pass the filters of "every argument", which the walk checks again on each.
	matching := func(page string) string {
		return strings.ReplaceAll(page, `{"id": `, `{"name": "n", "status": "available", "volume_id": "v", "id": `)
	}
	pages := &scriptedPages{page: func(n int, _ url.Values) string {
		if n == 1 {
			return matching(pageOf("http://127.0.0.2:1/v3/other/backups?all_tenants=1&project_id=other&marker=a&offset=9"+
				"&limit=999&sort_key=name&status=error&name=x&volume_id=y&sort_dir=asc", "a"))
		}
		return matching(pageOf("", "b"))
	}}
	for _, tc := range []struct {
		name string
		opts ListOpts
		want url.Values // the second request's query
	}{
		{"no arguments", ListOpts{}, url.Values{"marker": {"a"}}},
		{"every argument", ListOpts{Name: "n", Status: "available", VolumeID: "v", SortKey: "size", SortDir: "desc", Offset: 3, PageSize: 1},
			url.Values{"marker": {"a"}, "name": {"n"}, "status": {"available"}, "volume_id": {"v"}, "sort_key": {"size"}, "sort_dir": {"desc"}, "limit": {"1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages.queries = nil
			ids, err := serve(t, pages).ListBackupIDs(context.Background(), tc.opts)
			if err != nil || !slices.Equal(ids, []string{"a", "b"}) {
				t.Fatalf("ids %v, err %v", ids, err)
			}
			if len(pages.queries) != 2 || pages.queries[1].Encode() != tc.want.Encode() {
				t.Errorf("second request's query %v, want %v", pages.queries[1:], tc.want)
			}
		})
	}
}

// TestWalk_nextLinkWithoutMarker: a next link must carry exactly one marker; anything else fails the
// read instead of requesting the first page again.
func TestWalk_nextLinkWithoutMarker(t *testing.T) {
	for link, want := range map[string]string{
		"http://127.0.0.1:1/v3/p/backups?page=2":            `HTTP 200: next link has no marker: "http://127.0.0.1:1/v3/p/backups?page=2"`,
		"?marker=":                                          "next link has no marker",
		"?marker=a&marker=b":                                "has 2 markers",
		"?marker=a&x=%zz":                                   "unreadable next link",
		"?secret_token=hunter2&page=2":                      `next link has no marker: "?page=2"`,
		"http://127.0.0.1:1/v3/p/backups?next=marker%3Db7c": "next link has no marker",
	} {
		pages := &scriptedPages{page: func(int, url.Values) string { return pageOf(link, "a") }}
		_, err := serve(t, pages).ListBackups(context.Background(), ListOpts{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Page != 1 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", link, err, want)
		}
		if strings.Contains(fmt.Sprint(err), "hunter2") {
			t.Errorf("%s: the error repeats a secret: %v", link, err)
		}
		if n := pages.requests(); n != 1 {
			t.Errorf("%s: %d requests, want 1", link, n)
		}
	}
}

// TestWalk_stalledPagesEndTheWalk: next links that never repeat a marker but whose pages add nothing
// new end the walk after three such pages, naming them, whatever the links carry.
func TestWalk_stalledPagesEndTheWalk(t *testing.T) {
	for _, tc := range []struct {
		name     string
		next     func(n int) string
		requests int
		want     string
	}{
		{
			name:     "a new marker each time, the same backups",
			next:     func(n int) string { return fmt.Sprintf("?marker=m%d", n) },
			requests: 4,
			want:     "page 4 (GET http://127.0.0.1:",
		},
		{
			// The links of the review: markers cycling, with a counter that made every URL new.
			name:     "markers cycling with a counter",
			next:     func(n int) string { return fmt.Sprintf("?marker=b%d&n=%d", (n+1)%2, n) },
			requests: 3,
			want:     "server repeated a next link after page 3",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages := &scriptedPages{page: func(n int, _ url.Values) string { return pageOf(tc.next(n), "b0", "b1") }}
			_, err := serve(t, pages).ListBackups(context.Background(), ListOpts{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if n := pages.requests(); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
	t.Run("the message", func(t *testing.T) {
		pages := &scriptedPages{page: func(n int, _ url.Values) string { return pageOf(fmt.Sprintf("?marker=m%d", n), "a") }}
		_, err := serve(t, pages).ListBackupIDs(context.Background(), ListOpts{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Page != 4 || !strings.HasSuffix(apiErr.URL, "/v3/p/backups/detail?marker=m3") ||
			apiErr.Message != "pages 2 to 4 added no backup not seen before, although each had a next link: the server's pages do not advance" {
			t.Errorf("got %#v", err)
		}
	})
}

// TestWalk_stalledPagesCountInARow: a page that adds one new backup starts the count again, and an
// empty page ends the walk without an error.
func TestWalk_stalledPagesCountInARow(t *testing.T) {
	script := [][]string{{"a"}, {"a"}, {"a"}, {"a", "b"}, {"b"}, {"a", "b"}, {"c"}, {}}
	pages := &scriptedPages{page: func(n int, _ url.Values) string {
		return pageOf(fmt.Sprintf("?marker=m%d", n), script[min(n, len(script))-1]...)
	}}
	ids, err := serve(t, pages).ListBackupIDs(context.Background(), ListOpts{})
	if err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) || pages.requests() != len(script) {
		t.Errorf("ids %v, err %v, requests %d", ids, err, pages.requests())
	}
}

// TestWalk_pageOfTooManyBackups: a page may hold 10,000 backups, duplicates included, and no more.
func TestWalk_pageOfTooManyBackups(t *testing.T) {
	ids := make([]string, maxPageBackups+1)
	for i := range ids {
		ids[i] = "a" // duplicates count: they cost as much to decode
	}
	for n, wantErr := range map[int]bool{maxPageBackups: false, maxPageBackups + 1: true} {
		pages := &scriptedPages{page: func(int, url.Values) string { return pageOf("", ids[:n]...) }}
		res, err := serve(t, pages).ListBackups(context.Background(), ListOpts{})
		if !wantErr {
			if err != nil || len(res.Backups) != 1 {
				t.Errorf("%d backups: %v", n, err)
			}
			continue
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Page != 1 || !strings.Contains(err.Error(), "HTTP 200: the page holds more than 10000 backups") {
			t.Errorf("%d backups: got %v", n, err)
		}
	}
}

// TestDecodePage_dropsDuplicatesAsTheyCome: a backup that is not kept is decoded into the memory of
// the next, so that duplicates cost nothing, and a kept one is never overwritten.
func TestDecodePage_dropsDuplicatesAsTheyCome(t *testing.T) {
	body := []byte(pageOf("", "a", "a", "b", "a", "c"))
	var items []*backupJSON
	var kept []*backupJSON
	n, _, err := decodePage(body, func(_ int, b *backupJSON) (bool, error) {
		items = append(items, b)
		keep := !slices.ContainsFunc(kept, func(k *backupJSON) bool { return k.b.ID == b.b.ID })
		if keep {
			kept = append(kept, b)
		}
		return keep, nil
	})
	if err != nil || n != 5 {
		t.Fatal(n, err)
	}
	distinct := 0
	for i, p := range items {
		if i == 0 || p != items[i-1] {
			distinct++
		}
	}
	if distinct != 3 {
		t.Errorf("5 backups, 3 kept, decoded into %d values; want 3", distinct)
	}
	var got []string
	for _, k := range kept {
		got = append(got, k.b.ID)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("kept %v: a kept backup was overwritten", got)
	}
}
