package vbs

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

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

// TestSelectionOfTheAPIExamplePage: the API document's own example page is sorted by nothing, so
// every selection that relies on the order reads it through, selects exactly what its filters say
// and names the first backup out of order.
func TestSelectionOfTheAPIExamplePage(t *testing.T) {
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

// TestSelectionSeesDisorderAfterANonMatch: a backup that does not match is decoded into an item
// that the walk reuses for the next one; the order is still judged against its created_at, so the
// disorder of the next backup is seen and no page is taken for a proof.
func TestSelectionSeesDisorderAfterANonMatch(t *testing.T) {
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

// TestSelectionRechecksAPIFiltersOnIDs: listing ids with API filters alone reads the fields they
// select on, not only the ids: a server that ignores status cannot hand over backups in another.
func TestSelectionRechecksAPIFiltersOnIDs(t *testing.T) {
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
