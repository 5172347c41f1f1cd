package vbs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// fakeCinder pages through ids the way Cinder does: offset and marker both apply, limit is capped
// at maxLimit, and a full page carries a next link that copies every query parameter (offset
// included) and adds the marker. Next links point at nextBase, by default the private address
// and wrong path of the API's own example.
type fakeCinder struct {
	ids      []string
	maxLimit int
	nextBase string

	mu       sync.Mutex
	requests []*url.URL
	headers  []http.Header
}

func newFakeCinder(n int) *fakeCinder {
	return &fakeCinder{ids: seqIDs(0, n), maxLimit: 1000, nextBase: "http://127.0.0.2:1/b23b/backups"}
}

func (f *fakeCinder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL)
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()

	q := r.URL.Query()
	start := 0
	if m := q.Get("marker"); m != "" {
		i := slices.Index(f.ids, m)
		if i < 0 {
			writeJSON(w, http.StatusNotFound, `{"itemNotFound": {"code": 404, "message": "Backup `+m+` could not be found."}}`)
			return
		}
		start = i + 1
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	start = min(start+offset, len(f.ids))
	limit := f.maxLimit
	if l, err := strconv.Atoi(q.Get("limit")); err == nil {
		limit = min(l, f.maxLimit)
	}
	ids := f.ids[start:min(start+limit, len(f.ids))]
	next := ""
	if len(ids) == limit {
		q.Set("marker", ids[len(ids)-1])
		next = f.nextBase + "?" + q.Encode()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(pageJSON(testingTB{}, next, ids...))
}

// testingTB lets pageJSON run inside a handler, where Fatal must not be called.
type testingTB struct{ testing.TB }

func (testingTB) Helper()               {}
func (testingTB) Fatal(args ...any)     { panic(fmt.Sprint(args...)) }
func (testingTB) Errorf(string, ...any) {}

func (f *fakeCinder) queries() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var qs []url.Values
	for _, u := range f.requests {
		qs = append(qs, u.Query())
	}
	return qs
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// serve starts h on 127.0.0.1 and returns a client whose endpoint is its /v3/p/.
func serve(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return NewClient(testServiceClient(t, srv.URL+"/v3/p/"))
}

func backupIDs(backups []Backup) []string {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i] = b.ID
	}
	return ids
}

// TestListOffsetOnlyOnFirstRequest is SPEC's offset trap: Cinder copies offset into every next link,
// so following the links as given would skip 5 more rows on every page.
func TestListOffsetOnlyOnFirstRequest(t *testing.T) {
	fake := newFakeCinder(250)
	res, err := serve(t, fake).ListBackups(context.Background(), ListOpts{Offset: 5, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := backupIDs(res.Backups), fake.ids[5:]; !slices.Equal(got, want) {
		t.Fatalf("got %d backups (%v...), want the %d after the offset", len(got), got[:min(3, len(got))], len(want))
	}
	qs := fake.queries()
	if len(qs) != 3 || res.Pages != 3 {
		t.Fatalf("requests %d, pages %d; want 3", len(qs), res.Pages)
	}
	if qs[0].Get("offset") != "5" || qs[0].Has("marker") {
		t.Errorf("first request: %v", qs[0])
	}
	for _, q := range qs[1:] {
		if q.Has("offset") || !q.Has("marker") || q.Get("limit") != "100" {
			t.Errorf("later request: %v", q)
		}
	}
}

// TestListFollowsNextLinkOnConfiguredEndpoint: next links name a private host and a wrong path
// (as in the API's example); every request must still reach the configured backups/detail.
func TestListFollowsNextLinkOnConfiguredEndpoint(t *testing.T) {
	fake := newFakeCinder(5)
	fake.maxLimit = 2
	ids, err := serve(t, fake).ListBackupIDs(context.Background(), ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, fake.ids) {
		t.Errorf("ids %v", ids)
	}
	if len(fake.requests) != 3 {
		t.Fatalf("%d requests, want 3", len(fake.requests))
	}
	for _, u := range fake.requests {
		if u.Path != "/v3/p/backups/detail" {
			t.Errorf("request to %s, want /v3/p/backups/detail", u.Path)
		}
	}
}

func TestListEndpointWithoutTrailingSlash(t *testing.T) {
	fake := newFakeCinder(1)
	c := serve(t, fake)
	c.sc.Endpoint = strings.TrimSuffix(c.sc.Endpoint, "/")
	if _, err := c.ListBackupIDs(context.Background(), ListOpts{}); err != nil || fake.requests[0].Path != "/v3/p/backups/detail" {
		t.Errorf("err %v, requests %v", err, fake.requests)
	}
}

func TestListRepeatedNextLinkFails(t *testing.T) {
	requests := 0
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if requests > 10 { // a client without the check: end the test instead of looping
			writeJSON(w, 200, `{"backups": []}`)
			return
		}
		// Every page links to the same marker: following it would never end.
		writeJSON(w, 200, fmt.Sprintf(`{"backups": [{"id": "b%d"}], "backups_links": [{"rel": "next", "href": "http://127.0.0.2:1/x/backups?marker=m"}]}`, requests))
	}))
	_, err := c.ListBackups(context.Background(), ListOpts{})
	if err == nil || !strings.Contains(err.Error(), "server repeated a next link after page 2") ||
		!strings.Contains(err.Error(), "/v3/p/backups/detail?marker=m was page 2 already") {
		t.Fatalf("got %v", err)
	}
	if requests != 2 {
		t.Errorf("%d requests, want 2", requests)
	}
}

func TestListDuplicateIDsKeptOnce(t *testing.T) {
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("marker") == "" {
			writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "b"}, {"id": "a", "name": "second"}], "backups_links": [{"rel": "next", "href": "/?marker=b"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "b", "name": "again"}, {"id": "c"}]}`)
	}))
	res, err := c.ListBackups(context.Background(), ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if got := backupIDs(res.Backups); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
	if res.Backups[0].Name != nil || res.Backups[1].Name != nil {
		t.Error("the first occurrence must be kept")
	}
	ids, err := c.ListBackupIDs(context.Background(), ListOpts{})
	if err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) {
		t.Errorf("ids %v, %v", ids, err)
	}
}

func TestListLimit(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opts          ListOpts
		n             int
		wantLimits    []string // query limit of each request
		wantCollected int
	}{
		{"limit across pages", ListOpts{Limit: 150, PageSize: 100}, 250, []string{"100", "50"}, 150},
		{"limit below page size", ListOpts{Limit: 30, PageSize: 100}, 250, []string{"30"}, 30},
		{"limit alone asks the server cap", ListOpts{Limit: 1500}, 2500, []string{"1000", "500"}, 1500},
		{"limit above the total", ListOpts{Limit: 500, PageSize: 100}, 120, []string{"100", "100"}, 120},
		{"page size alone", ListOpts{PageSize: 7}, 20, []string{"7", "7", "7"}, 20},
		{"neither", ListOpts{}, 20, []string{""}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeCinder(tc.n)
			ids, err := serve(t, fake).ListBackupIDs(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, fake.ids[:tc.wantCollected]) {
				t.Errorf("got %d ids, want %d", len(ids), tc.wantCollected)
			}
			var limits []string
			for _, q := range fake.queries() {
				limits = append(limits, q.Get("limit"))
			}
			if !slices.Equal(limits, tc.wantLimits) {
				t.Errorf("limits %q, want %q", limits, tc.wantLimits)
			}
		})
	}
}

func TestListLimitWithDuplicatesAsksForTheRest(t *testing.T) {
	var limits []string
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limits = append(limits, r.URL.Query().Get("limit"))
		if r.URL.Query().Get("marker") == "" {
			writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "a"}, {"id": "b"}], "backups_links": [{"rel": "next", "href": "?marker=b"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "c"}, {"id": "d"}]}`)
	}))
	ids, err := c.ListBackupIDs(context.Background(), ListOpts{Limit: 3})
	if err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) || !slices.Equal(limits, []string{"3", "1"}) {
		t.Errorf("ids %v, limits %v, err %v", ids, limits, err)
	}
}

func TestListFiltersOnEveryRequest(t *testing.T) {
	var qs []url.Values
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		qs = append(qs, r.URL.Query())
		if len(qs) == 1 {
			// A next link that lost the filters and carries an extra parameter.
			writeJSON(w, 200, `{"backups": [{"id": "a"}], "backups_links": [{"rel": "next", "href": "http://127.0.0.2:1/v2/p/backups?marker=a&extra=1&sort_dir=asc"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "b"}]}`)
	}))
	opts := ListOpts{Name: "n b", Status: "available", VolumeID: "v", SortKey: "size", SortDir: "desc", PageSize: 1}
	if _, err := c.ListBackupIDs(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := url.Values{"name": {"n b"}, "status": {"available"}, "volume_id": {"v"}, "sort_key": {"size"}, "sort_dir": {"desc"}, "limit": {"1"}}
	if qs[0].Encode() != want.Encode() {
		t.Errorf("first: %v", qs[0])
	}
	want.Set("marker", "a") // and nothing else of the link: not its extra, not its sort_dir
	if len(qs) != 2 || qs[1].Encode() != want.Encode() {
		t.Errorf("second: %v", qs[1:])
	}
}

func TestListEmptyPageWithNextLinkEnds(t *testing.T) {
	requests := 0
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		next := fmt.Sprintf(`[{"rel": "next", "href": "?marker=m%d"}]`, requests)
		if requests > 10 { // a client without the check: end the test instead of looping
			next = "[]"
		}
		writeJSON(w, 200, `{"backups": [], "backups_links": `+next+`}`)
	}))
	res, err := c.ListBackups(context.Background(), ListOpts{})
	if err != nil || len(res.Backups) != 0 || requests != 1 || res.Pages != 1 {
		t.Errorf("err %v, backups %d, requests %d, pages %d", err, len(res.Backups), requests, res.Pages)
	}
}

// TestListExactFitCostsOneEmptyPage: Cinder links a full last page to an empty one.
func TestListExactFitCostsOneEmptyPage(t *testing.T) {
	fake := newFakeCinder(4)
	ids, err := serve(t, fake).ListBackupIDs(context.Background(), ListOpts{PageSize: 2})
	if err != nil || len(ids) != 4 || len(fake.requests) != 3 {
		t.Errorf("ids %v, requests %d, err %v", ids, len(fake.requests), err)
	}
}

func TestListContextCancelled(t *testing.T) {
	t.Run("before the first request", func(t *testing.T) {
		fake := newFakeCinder(3)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := serve(t, fake).ListBackups(ctx, ListOpts{})
		if !errors.Is(err, context.Canceled) || len(fake.requests) != 0 {
			t.Errorf("err %v, requests %d", err, len(fake.requests))
		}
	})
	t.Run("between pages", func(t *testing.T) {
		fake := newFakeCinder(10)
		fake.maxLimit = 2
		c := serve(t, fake)
		ctx, cancel := context.WithCancel(context.Background())
		c.Log = func(context.Context, string, map[string]any) { cancel() }
		_, err := c.ListBackups(ctx, ListOpts{})
		if !errors.Is(err, context.Canceled) || len(fake.requests) != 1 || !strings.Contains(err.Error(), "before page 2") {
			t.Errorf("err %v, requests %d", err, len(fake.requests))
		}
	})
	t.Run("during a request", func(t *testing.T) {
		entered := make(chan struct{})
		c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-r.Context().Done()
		}))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-entered; cancel() }()
		start := time.Now()
		_, err := c.ListBackups(ctx, ListOpts{})
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "page 1 (GET http://127.0.0.1:") || time.Since(start) > 5*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("while reading the body", func(t *testing.T) {
		c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"backups": [`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.ListBackups(ctx, ListOpts{})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "reading the response") {
			t.Errorf("err %v", err)
		}
	})
}

func TestListAPIError(t *testing.T) {
	fake := newFakeCinder(3)
	fake.maxLimit = 2
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("marker") {
			w.Header().Set("X-Openstack-Request-Id", "req-123")
			writeJSON(w, 400, `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	_, err := c.ListBackups(context.Background(), ListOpts{SortKey: "size"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %T %v", err, err)
	}
	wantURL := strings.TrimSuffix(c.sc.Endpoint, "/v3/p/") + "/v3/p/backups/detail?marker=id-000001&sort_key=size"
	if apiErr.Page != 2 || apiErr.StatusCode != 400 || apiErr.Message != "Invalid sort key" || apiErr.RequestID != "req-123" || apiErr.URL != wantURL {
		t.Errorf("got %+v", apiErr)
	}
	if want := "page 2 (GET " + wantURL + "): HTTP 400: Invalid sort key (request id req-123)"; err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err, want)
	}
	if !gophercloud.ResponseCodeIs(err, 400) {
		t.Error("gophercloud's error must stay reachable")
	}
}

func TestListBadResponses(t *testing.T) {
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		want        []string
	}{
		{"html error page", "text/html; charset=utf-8", "<html>\n<body>Gateway\tTimeout</body></html>",
			[]string{"page 1 (GET http://127.0.0.1:", "HTTP 200: the response is text/html; charset=utf-8, not JSON", `the body starts with "<html> <body>Gateway Timeout</body></html>"`}},
		{"html as json", "application/json", "<html>oops</html>",
			[]string{"HTTP 200: not valid JSON: invalid character '<' looking for beginning of value", `"<html>oops</html>"`}},
		{"truncated", "application/json", `{"backups": [{"id": "a"}, {"id"`,
			[]string{"not valid JSON: unexpected end of JSON input", `{\"backups\": [{\"id\": \"a\"}, {\"id\"`}},
		{"no backups key", "application/json", `{"volumes": []}`, []string{`HTTP 200: not a page of backups: no "backups" list`}},
		{"wrong content type", "text/plain", `{"backups": []}`, []string{"the response is text/plain, not JSON"}},
		{"no id", "application/json", `{"backups": [{"id": "a"}, {"name": "x"}]}`, []string{"HTTP 200: backup 1 of the page has no id"}},
		{"vendor json", "application/vnd.openstack.volume+json", `{"backups": [{"id": "a"}]}`, nil},
		{"no content type", "", `{"backups": [{"id": "a"}]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				if tc.contentType == "" {
					w.Header()["Content-Type"] = nil // keep net/http from sniffing one
				}
				w.Header().Set("X-Request-Id", "req-9")
				_, _ = w.Write([]byte(tc.body))
			}))
			_, err := c.ListBackups(context.Background(), ListOpts{})
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Page != 1 || apiErr.StatusCode != 200 || apiErr.RequestID != "req-9" {
				t.Fatalf("got %T %v", err, err)
			}
			for _, w := range append(tc.want, "(request id req-9)") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestListConnectionCutMidBody(t *testing.T) {
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`{"backups": [`))
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	_, err := c.ListBackups(context.Background(), ListOpts{})
	if err == nil || !strings.Contains(err.Error(), "page 1") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("got %v", err)
	}
}

func TestListValidatesBeforeRequesting(t *testing.T) {
	fake := newFakeCinder(1)
	_, err := serve(t, fake).ListBackups(context.Background(), ListOpts{Status: "avail"})
	if err == nil || !strings.Contains(err.Error(), `status must be one of`) || len(fake.requests) != 0 {
		t.Errorf("err %v, requests %d", err, len(fake.requests))
	}
}

func TestListUnreadableSummary(t *testing.T) {
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "b", "size": "big", "service_metadata": "{\"progress\": \"x\", \"VK\": \"vk-value\"}"},
			{"id": "c", "created_at": "never"}]}`)
	}))
	res, err := c.ListBackups(context.Background(), ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unreadable != 2 || res.FirstUnreadableID != "b" ||
		!slices.Equal(res.FirstUnreadableKeys, []string{"size", "service_metadata.progress"}) ||
		!slices.Equal(res.UnreadableKeys, []string{"created_at", "service_metadata.progress", "size"}) {
		t.Errorf("got %d %q %q %q", res.Unreadable, res.FirstUnreadableID, res.FirstUnreadableKeys, res.UnreadableKeys)
	}
}

// TestListUsesTheServiceClient: gophercloud's token, microversion header and reauthentication apply.
func TestListUsesTheServiceClient(t *testing.T) {
	fake := newFakeCinder(1)
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "fresh" {
			writeJSON(w, 401, `{"error": {"code": 401, "message": "The request you have made requires authentication."}}`)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	c.sc.Type, c.sc.Microversion = "volumev3", "3.64"
	c.sc.ReauthFunc = func(context.Context) error { c.sc.SetToken("fresh"); return nil }
	ids, err := c.ListBackupIDs(context.Background(), ListOpts{})
	if err != nil || len(ids) != 1 {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	if h := fake.headers[0]; h.Get("OpenStack-API-Version") != "volume 3.64" || h.Get("Accept") != "application/json" {
		t.Errorf("headers %v", h)
	}
}

func TestListLog(t *testing.T) {
	fake := newFakeCinder(3)
	fake.maxLimit = 2
	c := serve(t, fake)
	var logged []map[string]any
	c.Log = func(_ context.Context, msg string, fields map[string]any) { logged = append(logged, fields) }
	if _, err := c.ListBackupIDs(context.Background(), ListOpts{}); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 2 || logged[0]["page"] != 1 || logged[0]["backups"] != 2 || logged[0]["has_next"] != true ||
		logged[1]["page"] != 2 || logged[1]["has_next"] != false || !strings.Contains(logged[1]["url"].(string), "marker=id-000001") {
		t.Errorf("logged %v", logged)
	}
}

// TestEachPage hands the backups over a page at a time, in order: each page's new backups only,
// offset on the first request only, no page that added none, and stops at the limit.
func TestEachPage(t *testing.T) {
	t.Run("offset and pages", func(t *testing.T) {
		fake := newFakeCinder(250)
		var pages [][]string
		sum, err := serve(t, fake).EachPage(context.Background(), ListOpts{Offset: 5, PageSize: 100}, func(page []Backup) error {
			pages = append(pages, backupIDs(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{fake.ids[5:105], fake.ids[105:205], fake.ids[205:]}
		if !slices.EqualFunc(pages, want, slices.Equal) {
			t.Fatalf("got pages of %v, want 100, 100 and 45 from the offset on", lens(pages))
		}
		if sum.Pages != 3 {
			t.Errorf("pages %d, want 3", sum.Pages)
		}
		if qs := fake.queries(); qs[0].Get("offset") != "5" || qs[1].Has("offset") || qs[2].Has("offset") {
			t.Errorf("offset must go with the first request only: %v", qs)
		}
	})
	t.Run("duplicates across pages", func(t *testing.T) {
		c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Query().Get("marker") {
			case "":
				writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "b"}, {"id": "a"}], "backups_links": [{"rel": "next", "href": "/?marker=b"}]}`)
			case "b":
				writeJSON(w, 200, `{"backups": [{"id": "b"}, {"id": "a"}], "backups_links": [{"rel": "next", "href": "/?marker=a"}]}`)
			default:
				writeJSON(w, 200, `{"backups": [{"id": "b", "name": "again"}, {"id": "c"}]}`)
			}
		}))
		var pages [][]string
		sum, err := c.EachPage(context.Background(), ListOpts{}, func(page []Backup) error {
			pages = append(pages, backupIDs(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{{"a", "b"}, {"c"}}; !slices.EqualFunc(pages, want, slices.Equal) {
			t.Errorf("got %v, want %v: the page adding nothing skipped", pages, want)
		}
		if sum.Pages != 3 {
			t.Errorf("pages %d, want 3", sum.Pages)
		}
	})
	t.Run("limit", func(t *testing.T) {
		fake := newFakeCinder(250)
		var pages [][]string
		_, err := serve(t, fake).EachPage(context.Background(), ListOpts{Limit: 150, PageSize: 100}, func(page []Backup) error {
			pages = append(pages, backupIDs(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{fake.ids[:100], fake.ids[100:150]}; !slices.EqualFunc(pages, want, slices.Equal) {
			t.Errorf("got pages of %v, want 100 and 50", lens(pages))
		}
	})
	t.Run("error stops the walk", func(t *testing.T) {
		fake := newFakeCinder(250)
		stop := errors.New("stop")
		calls := 0
		_, err := serve(t, fake).EachPage(context.Background(), ListOpts{PageSize: 100}, func([]Backup) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 || len(fake.queries()) != 1 {
			t.Errorf("err %v after %d calls and %d requests; want stop after 1 and 1", err, calls, len(fake.queries()))
		}
	})
}

func lens(pages [][]string) []int {
	n := make([]int, len(pages))
	for i, p := range pages {
		n[i] = len(p)
	}
	return n
}

// TestListFollowsTheAPIExamplesNextLinkOnTheEndpoint serves the API document's own page, whose next
// link names a private address and a path that does not exist, and proves that the second request
// goes to the configured endpoint's backups/detail with the link's marker: testServiceClient fails
// the test on any attempt to dial an address that is not loopback.
func TestListFollowsTheAPIExamplesNextLinkOnTheEndpoint(t *testing.T) {
	example := readTestdata(t, "v2_example.json")
	var requests []string
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path+"?"+r.URL.RawQuery)
		if len(requests) == 1 {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(example)
			return
		}
		writeJSON(w, 200, `{"backups": []}`)
	}))
	res, err := c.ListBackups(context.Background(), ListOpts{Offset: 1, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Backups) != 3 || len(requests) != 2 {
		t.Fatalf("got %d backups in %d requests %q, want 3 in 2", len(res.Backups), len(requests), requests)
	}
	if want := "/v3/p/backups/detail?limit=1&marker=b3cf7a16-decc-4beb-8077-682737d94a58"; requests[1] != want {
		t.Errorf("second request %s, want %s", requests[1], want)
	}
}
