// The client against the simulator, whose view of the API is its own (package vbssim imports no
// client code): a page walk that drifted from Cinder's paging fails here. A test serves a stub
// instead only where it needs a page the simulator never writes; its comment says which.
package vbs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// simulator serves n backups, id-000000 newest, so that the listing's default order (created_at
// descending) is the order of their ids; its next links name a private address and a path that
// does not exist (/{project_id}/backups), as the API document's example does.
func simulator(t *testing.T, n int, cfg vbssim.Config) (*vbssim.Server, []string) {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%06d", i)
		cfg.Backups = append(cfg.Backups, vbssim.Backup{
			ID: ids[i], Status: "available", VolumeID: "2748f2f2-4394-4e6e-af8d-8dd34496c024", Size: 40,
			CreatedAt: start.Add(-time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000000"),
			ProjectID: vbssim.DefaultProjectID,
		})
	}
	cfg.LinkHost, cfg.BookmarkNextLinks = "http://127.0.0.2:1", true
	return vbssim.NewTest(t, cfg), ids
}

// simClient is a client of the simulator's v3 endpoint of the default project, and its service client.
func simClient(t *testing.T, sim *vbssim.Server) (*vbs.Client, *gophercloud.ServiceClient) {
	t.Helper()
	sc := vbs.NewTestServiceClient(t, sim.Endpoint("v3", vbssim.DefaultProjectID)+"/", vbssim.DefaultToken)
	return vbs.NewClient(sc, vbs.API{Version: "v3"}), sc
}

// queries are the queries of the listings the simulator received, in order.
func queries(t *testing.T, sim *vbssim.Server) []url.Values {
	t.Helper()
	var qs []url.Values
	for _, r := range sim.Requests() {
		if !strings.HasSuffix(r.Path, "/backups/detail") {
			continue
		}
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	return qs
}

// stub starts h on 127.0.0.1 and returns a client whose endpoint is its /v3/p/.
func stub(t *testing.T, h http.Handler) *vbs.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return vbs.NewClient(vbs.NewTestServiceClient(t, srv.URL+"/v3/p/", "test-token"), vbs.API{Version: "v3"})
}

func ptrTo[T any](v T) *T { return &v }

// writeJSON and backupIDs are the internal tests' helpers, shared through export_test.go.
var (
	writeJSON = vbs.WriteJSON
	backupIDs = vbs.BackupIDs
)

// TestClient_offsetOnlyOnFirstRequest: Cinder copies offset into every next link (DESIGN.md, "offset in
// next links"), so following the links as given would skip 5 more rows on every page.
func TestClient_offsetOnlyOnFirstRequest(t *testing.T) {
	sim, all := simulator(t, 250, vbssim.Config{})
	c, _ := simClient(t, sim)
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{Offset: 5, PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := backupIDs(res.Backups), all[5:]; !slices.Equal(got, want) {
		t.Fatalf("got %d backups (%v...), want the %d after the offset", len(got), got[:min(3, len(got))], len(want))
	}
	qs := queries(t, sim)
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

// TestClient_followsNextLinkOnConfiguredEndpoint: next links name a private host and a wrong path
// (as in the API's example); every request must still reach the configured backups/detail.
func TestClient_followsNextLinkOnConfiguredEndpoint(t *testing.T) {
	sim, all := simulator(t, 5, vbssim.Config{MaxLimit: 2})
	c, _ := simClient(t, sim)
	ids, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, all) {
		t.Errorf("ids %v", ids)
	}
	requests := sim.Requests()
	if len(requests) != 3 {
		t.Fatalf("%d requests, want 3", len(requests))
	}
	for _, r := range requests {
		if want := "/v3/" + vbssim.DefaultProjectID + "/backups/detail"; r.Path != want {
			t.Errorf("request to %s, want %s", r.Path, want)
		}
	}
}

func TestClient_endpointWithoutTrailingSlash(t *testing.T) {
	sim, _ := simulator(t, 1, vbssim.Config{})
	c, sc := simClient(t, sim)
	sc.Endpoint = strings.TrimSuffix(sc.Endpoint, "/")
	if _, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{}); err != nil ||
		sim.Requests()[0].Path != "/v3/"+vbssim.DefaultProjectID+"/backups/detail" {
		t.Errorf("err %v, requests %v", err, sim.Requests())
	}
}

// A stub: the simulator's RepeatNextLink repeats the request's own marker; this link repeats one
// marker across pages that each bring a new backup.
func TestClient_repeatedNextLinkFails(t *testing.T) {
	requests := 0
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if requests > 10 { // a client without the check: end the test instead of looping
			writeJSON(w, 200, `{"backups": []}`)
			return
		}
		// Every page links to the same marker: following it would never end.
		writeJSON(w, 200, fmt.Sprintf(`{"backups": [{"id": "b%d"}], "backups_links": [{"rel": "next", "href": "http://127.0.0.2:1/x/backups?marker=m"}]}`, requests))
	}))
	_, err := c.ListBackups(context.Background(), vbs.ListOpts{})
	if err == nil || !strings.Contains(err.Error(), "server repeated a next link after page 2") ||
		!strings.Contains(err.Error(), "/v3/p/backups/detail?marker=m was page 2 already") {
		t.Fatalf("got %v", err)
	}
	if requests != 2 {
		t.Errorf("%d requests, want 2", requests)
	}
}

// A stub: it tells the first occurrence of a duplicate from a later one by fields that the
// simulator's duplicates do not have.
func TestClient_duplicateIDsKeptOnce(t *testing.T) {
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("marker") == "" {
			writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "b"}, {"id": "a", "name": "second"}], "backups_links": [{"rel": "next", "href": "/?marker=b"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "b", "name": "again"}, {"id": "c"}]}`)
	}))
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if got := backupIDs(res.Backups); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
	if res.Backups[0].Name != nil || res.Backups[1].Name != nil {
		t.Error("the first occurrence must be kept")
	}
	ids, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{})
	if err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) {
		t.Errorf("ids %v, %v", ids, err)
	}
}

func TestClient_limit(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opts          vbs.ListOpts
		n             int
		wantLimits    []string // query limit of each request
		wantCollected int
	}{
		{"limit across pages", vbs.ListOpts{Limit: 150, PageSize: 100}, 250, []string{"100", "50"}, 150},
		{"limit below page size", vbs.ListOpts{Limit: 30, PageSize: 100}, 250, []string{"30"}, 30},
		{"limit alone asks the server cap", vbs.ListOpts{Limit: 1500}, 2500, []string{"1000", "500"}, 1500},
		{"limit above the total", vbs.ListOpts{Limit: 500, PageSize: 100}, 120, []string{"100", "100"}, 120},
		{"page size alone", vbs.ListOpts{PageSize: 7}, 20, []string{"7", "7", "7"}, 20},
		{"neither", vbs.ListOpts{}, 20, []string{""}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, all := simulator(t, tc.n, vbssim.Config{})
			c, _ := simClient(t, sim)
			ids, err := c.ListBackupIDs(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, all[:tc.wantCollected]) {
				t.Errorf("got %d ids, want %d", len(ids), tc.wantCollected)
			}
			var limits []string
			for _, q := range queries(t, sim) {
				limits = append(limits, q.Get("limit"))
			}
			if !slices.Equal(limits, tc.wantLimits) {
				t.Errorf("limits %q, want %q", limits, tc.wantLimits)
			}
		})
	}
}

// A stub: duplicates within the first page, which the simulator never serves there.
func TestClient_limitWithDuplicatesAsksForTheRest(t *testing.T) {
	var limits []string
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limits = append(limits, r.URL.Query().Get("limit"))
		if r.URL.Query().Get("marker") == "" {
			writeJSON(w, 200, `{"backups": [{"id": "a"}, {"id": "a"}, {"id": "b"}], "backups_links": [{"rel": "next", "href": "?marker=b"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "c"}, {"id": "d"}]}`)
	}))
	ids, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{Limit: 3})
	if err != nil || !slices.Equal(ids, []string{"a", "b", "c"}) || !slices.Equal(limits, []string{"3", "1"}) {
		t.Errorf("ids %v, limits %v, err %v", ids, limits, err)
	}
}

// A stub: a next link that lost the configured filters, which the simulator always copies.
func TestClient_filtersOnEveryRequest(t *testing.T) {
	var qs []url.Values
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		qs = append(qs, r.URL.Query())
		if len(qs) == 1 {
			// A next link that lost the filters and carries an extra parameter.
			writeJSON(w, 200, `{"backups": [{"id": "a"}], "backups_links": [{"rel": "next", "href": "http://127.0.0.2:1/v2/p/backups?marker=a&extra=1&sort_dir=asc"}]}`)
			return
		}
		writeJSON(w, 200, `{"backups": [{"id": "b"}]}`)
	}))
	opts := vbs.ListOpts{Name: "n b", Status: "available", VolumeID: "v", SortKey: "size", SortDir: "desc", PageSize: 1}
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

// A stub: an empty page with a next link, which the simulator writes only for a full page.
func TestClient_emptyPageWithNextLinkEnds(t *testing.T) {
	requests := 0
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		next := fmt.Sprintf(`[{"rel": "next", "href": "?marker=m%d"}]`, requests)
		if requests > 10 { // a client without the check: end the test instead of looping
			next = "[]"
		}
		writeJSON(w, 200, `{"backups": [], "backups_links": `+next+`}`)
	}))
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{})
	if err != nil || len(res.Backups) != 0 || requests != 1 || res.Pages != 1 {
		t.Errorf("err %v, backups %d, requests %d, pages %d", err, len(res.Backups), requests, res.Pages)
	}
}

// TestClient_exactFitCostsOneEmptyPage: Cinder links a full last page to an empty one.
func TestClient_exactFitCostsOneEmptyPage(t *testing.T) {
	sim, _ := simulator(t, 4, vbssim.Config{})
	c, _ := simClient(t, sim)
	ids, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{PageSize: 2})
	if err != nil || len(ids) != 4 || len(sim.Requests()) != 3 {
		t.Errorf("ids %v, requests %d, err %v", ids, len(sim.Requests()), err)
	}
}

func TestClient_contextCancelled(t *testing.T) {
	t.Run("before the first request", func(t *testing.T) {
		sim, _ := simulator(t, 3, vbssim.Config{})
		c, _ := simClient(t, sim)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.ListBackups(ctx, vbs.ListOpts{})
		if !errors.Is(err, context.Canceled) || len(sim.Requests()) != 0 {
			t.Errorf("err %v, requests %d", err, len(sim.Requests()))
		}
	})
	t.Run("between pages", func(t *testing.T) {
		sim, _ := simulator(t, 10, vbssim.Config{MaxLimit: 2})
		c, _ := simClient(t, sim)
		ctx, cancel := context.WithCancel(context.Background())
		c.Log = func(context.Context, string, map[string]any) { cancel() }
		_, err := c.ListBackups(ctx, vbs.ListOpts{})
		if !errors.Is(err, context.Canceled) || len(sim.Requests()) != 1 || !strings.Contains(err.Error(), "before page 2") {
			t.Errorf("err %v, requests %d", err, len(sim.Requests()))
		}
	})
	// Stubs: a server that hangs mid-request or mid-body until the client gives up.
	t.Run("during a request", func(t *testing.T) {
		entered := make(chan struct{})
		c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-r.Context().Done()
		}))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-entered; cancel() }()
		start := time.Now()
		_, err := c.ListBackups(ctx, vbs.ListOpts{})
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "page 1 (GET http://127.0.0.1:") || time.Since(start) > 5*time.Second {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("while reading the body", func(t *testing.T) {
		c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"backups": [`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.ListBackups(ctx, vbs.ListOpts{})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "reading the response") {
			t.Errorf("err %v", err)
		}
	})
}

func TestClient_apiError(t *testing.T) {
	sim, _ := simulator(t, 3, vbssim.Config{MaxLimit: 2})
	sim.Inject(vbssim.Fault{Path: "/backups/detail", OnRequest: 2, Status: http.StatusBadRequest,
		Body: `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`})
	c, sc := simClient(t, sim)
	_, err := c.ListBackups(context.Background(), vbs.ListOpts{SortKey: "size"})
	var apiErr *vbs.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %T %v", err, err)
	}
	wantURL := sc.Endpoint + "backups/detail?marker=id-000001&sort_key=size"
	if apiErr.Page != 2 || apiErr.StatusCode != 400 || apiErr.Message != "Invalid sort key" ||
		!strings.HasPrefix(apiErr.RequestID, "req-") || apiErr.URL != wantURL {
		t.Errorf("got %+v", apiErr)
	}
	if want := "page 2 (GET " + wantURL + "): HTTP 400: Invalid sort key (request id " + apiErr.RequestID + ")"; err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err, want)
	}
	if !gophercloud.ResponseCodeIs(err, 400) {
		t.Error("gophercloud's error must stay reachable")
	}
}

// A stub: bodies that are no page at all, byte for byte.
func TestClient_badResponses(t *testing.T) {
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
			c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				if tc.contentType == "" {
					w.Header()["Content-Type"] = nil // keep net/http from sniffing one
				}
				w.Header().Set("X-Request-Id", "req-9")
				_, _ = w.Write([]byte(tc.body))
			}))
			_, err := c.ListBackups(context.Background(), vbs.ListOpts{})
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var apiErr *vbs.APIError
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

// A stub: a connection cut after a chosen prefix of the body.
func TestClient_connectionCutMidBody(t *testing.T) {
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`{"backups": [`))
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	_, err := c.ListBackups(context.Background(), vbs.ListOpts{})
	if err == nil || !strings.Contains(err.Error(), "page 1") || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("got %v", err)
	}
}

func TestClient_validatesBeforeRequesting(t *testing.T) {
	sim, _ := simulator(t, 1, vbssim.Config{})
	c, _ := simClient(t, sim)
	_, err := c.ListBackups(context.Background(), vbs.ListOpts{Status: "avail"})
	if err == nil || !strings.Contains(err.Error(), `status must be one of`) || len(sim.Requests()) != 0 {
		t.Errorf("err %v, requests %d", err, len(sim.Requests()))
	}
}

func TestClient_unreadableSummary(t *testing.T) {
	sim, _ := simulator(t, 3, vbssim.Config{})
	backups := sim.Backups()
	backups[1].Override = map[string]json.RawMessage{"size": json.RawMessage(`"big"`)}
	backups[1].ServiceMetadata = ptrTo(`{"progress": "x", "VK": "vk-value"}`)
	backups[2].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"never"`)}
	if err := sim.SetBackups(backups); err != nil {
		t.Fatal(err)
	}
	c, _ := simClient(t, sim)
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if u := res.Unreadable; u.Backups != 2 || u.Of != len(res.Backups) || u.FirstID != "id-000001" ||
		!slices.Equal(u.FirstKeys, []string{"size", "service_metadata.progress"}) ||
		!slices.Equal(u.Keys, []string{"created_at", "service_metadata.progress", "size"}) {
		t.Errorf("got %d of %d %q %q %q", u.Backups, u.Of, u.FirstID, u.FirstKeys, u.Keys)
	}
}

// TestClient_usesTheServiceClient: gophercloud's token, microversion header and reauthentication apply.
func TestClient_usesTheServiceClient(t *testing.T) {
	sim, _ := simulator(t, 1, vbssim.Config{})
	c, sc := simClient(t, sim)
	sc.SetToken("stale")
	sc.Type, sc.Microversion = "volumev3", "3.64"
	sc.ReauthFunc = func(context.Context) error { sc.SetToken(vbssim.DefaultToken); return nil }
	ids, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{})
	if err != nil || len(ids) != 1 {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	requests := sim.Requests()
	if len(requests) != 2 || requests[0].Status != http.StatusUnauthorized || requests[1].Status != http.StatusOK {
		t.Fatalf("requests %+v, want one refused for the stale token and one with the fresh one", requests)
	}
	if h := requests[1].Header; h.Get("OpenStack-API-Version") != "volume 3.64" || h.Get("Accept") != "application/json" {
		t.Errorf("headers %v", h)
	}
}

func TestClient_log(t *testing.T) {
	sim, _ := simulator(t, 3, vbssim.Config{MaxLimit: 2})
	c, _ := simClient(t, sim)
	var logged []map[string]any
	c.Log = func(_ context.Context, msg string, fields map[string]any) { logged = append(logged, fields) }
	if _, err := c.ListBackupIDs(context.Background(), vbs.ListOpts{}); err != nil {
		t.Fatal(err)
	}
	if len(logged) != 2 || logged[0]["page"] != 1 || logged[0]["backups"] != 2 || logged[0]["has_next"] != true ||
		logged[1]["page"] != 2 || logged[1]["has_next"] != false || !strings.Contains(logged[1]["url"].(string), "marker=id-000001") {
		t.Errorf("logged %v", logged)
	}
}

// TestClient_eachPage hands the backups over a page at a time, in order: each page's new backups only,
// offset on the first request only, no page that added none, and stops at the limit.
func TestClient_eachPage(t *testing.T) {
	t.Run("offset and pages", func(t *testing.T) {
		sim, all := simulator(t, 250, vbssim.Config{})
		c, _ := simClient(t, sim)
		var pages [][]string
		sum, err := c.EachPage(context.Background(), vbs.ListOpts{Offset: 5, PageSize: 100}, func(page []vbs.Backup) error {
			pages = append(pages, backupIDs(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{all[5:105], all[105:205], all[205:]}
		if !slices.EqualFunc(pages, want, slices.Equal) {
			t.Fatalf("got pages of %v, want 100, 100 and 45 from the offset on", lens(pages))
		}
		if sum.Pages != 3 {
			t.Errorf("pages %d, want 3", sum.Pages)
		}
		if qs := queries(t, sim); qs[0].Get("offset") != "5" || qs[1].Has("offset") || qs[2].Has("offset") {
			t.Errorf("offset must go with the first request only: %v", qs)
		}
	})
	// A stub: duplicates within and across pages, and a page that adds none.
	t.Run("duplicates across pages", func(t *testing.T) {
		c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		sum, err := c.EachPage(context.Background(), vbs.ListOpts{}, func(page []vbs.Backup) error {
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
		sim, all := simulator(t, 250, vbssim.Config{})
		c, _ := simClient(t, sim)
		var pages [][]string
		_, err := c.EachPage(context.Background(), vbs.ListOpts{Limit: 150, PageSize: 100}, func(page []vbs.Backup) error {
			pages = append(pages, backupIDs(page))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{all[:100], all[100:150]}; !slices.EqualFunc(pages, want, slices.Equal) {
			t.Errorf("got pages of %v, want 100 and 50", lens(pages))
		}
	})
	t.Run("error stops the walk", func(t *testing.T) {
		sim, _ := simulator(t, 250, vbssim.Config{})
		c, _ := simClient(t, sim)
		stop := errors.New("stop")
		calls := 0
		_, err := c.EachPage(context.Background(), vbs.ListOpts{PageSize: 100}, func([]vbs.Backup) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 || len(queries(t, sim)) != 1 {
			t.Errorf("err %v after %d calls and %d requests; want stop after 1 and 1", err, calls, len(queries(t, sim)))
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

// TestClient_followsTheAPIExamplesNextLinkOnTheEndpoint serves the API document's own page, whose next
// link names a private address and a path that does not exist, and proves that the second request
// goes to the configured endpoint's backups/detail with the link's marker: the test service client
// fails the test on any attempt to dial an address that is not loopback. A stub: it serves the
// document's own bytes.
func TestClient_followsTheAPIExamplesNextLinkOnTheEndpoint(t *testing.T) {
	example, err := os.ReadFile("testdata/v2_example.json")
	if err != nil {
		t.Fatal(err)
	}
	var requests []string
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.Path+"?"+r.URL.RawQuery)
		if len(requests) == 1 {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(example)
			return
		}
		writeJSON(w, 200, `{"backups": []}`)
	}))
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{Offset: 1, PageSize: 1})
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

// TestClient_getBackupChecksTheID: a server answering with another backup than the one asked for is an
// error. A stub: the simulator always answers with the backup asked for.
func TestClient_getBackupChecksTheID(t *testing.T) {
	c := stub(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/p/backups/a%2Fb" && r.URL.RawPath != "/v3/p/backups/a%2Fb" {
			writeJSON(w, http.StatusOK, `{"backup": {"id": "a/b"}}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"backup": {"id": "other"}}`)
	}))
	if _, err := c.GetBackup(context.Background(), "a/b"); err == nil || !strings.Contains(err.Error(), `returned backup "other" for id "a/b"`) {
		t.Errorf("got %v", err)
	}
	if _, err := c.GetBackup(context.Background(), ""); err == nil {
		t.Error("an empty id was requested")
	}
}

// TestClient_enumsAgreeWithTheSimulator holds the client's enums, which the provider validates every
// argument by, to the simulator's own view of the API: a status, sort key or direction that the
// client added, lost or misspelt fails here, as does a page size that drifted.
func TestClient_enumsAgreeWithTheSimulator(t *testing.T) {
	for _, tc := range []struct {
		name        string
		client, sim []string
	}{
		{"statuses", vbs.Statuses, vbssim.Statuses},
		{"sort keys", vbs.SortKeys, vbssim.SortKeys},
		{"sort directions", vbs.SortDirs, vbssim.SortDirs},
	} {
		if !slices.Equal(slices.Sorted(slices.Values(tc.client)), slices.Sorted(slices.Values(tc.sim))) {
			t.Errorf("%s: the client has %q, the simulator %q", tc.name, tc.client, tc.sim)
		}
	}
	if vbs.MaxPageSize != vbssim.DefaultMaxLimit {
		t.Errorf("MaxPageSize %d, the simulator's default page %d", vbs.MaxPageSize, vbssim.DefaultMaxLimit)
	}

	// The simulator accepts every sort key and direction of the client and refuses any other.
	sim := vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Generate(60, 7, vbssim.DefaultProjectID)})
	c, sc := simClient(t, sim)
	sc.Type, sc.Microversion = "volumev3", vbssim.DefaultMicroversion // sort_key=name needs 3.37
	ctx := context.Background()
	for _, key := range vbs.SortKeys {
		for _, dir := range vbs.SortDirs {
			if ids, err := c.ListBackupIDs(ctx, vbs.ListOpts{SortKey: key, SortDir: dir}); err != nil || len(ids) != 60 {
				t.Errorf("sort_key=%s sort_dir=%s: %d ids, %v", key, dir, len(ids), err)
			}
		}
	}
	// The simulator refuses a sort key or direction outside those lists, as Cinder does, so that
	// accepting the client's is no formality. The client refuses them before any request.
	for _, q := range []string{"sort_key=bogus", "sort_dir=up"} {
		req, err := http.NewRequest(http.MethodGet, sim.Endpoint("v3", vbssim.DefaultProjectID)+"/backups/detail?"+q, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", vbssim.DefaultToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", q, resp.StatusCode)
		}
	}
	for _, bad := range []vbs.ListOpts{{SortKey: "bogus"}, {SortDir: "up"}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v: the client accepts it", bad)
		}
	}

	// Every status of the client is one the simulator's backups have; a filter on it finds them.
	for _, status := range vbs.Statuses {
		ids, err := c.ListBackupIDs(ctx, vbs.ListOpts{Status: status})
		if err != nil || len(ids) == 0 {
			t.Errorf("status=%s: %d backups, %v; want the simulator's backups of that status", status, len(ids), err)
		}
	}
	var apiErr *vbs.APIError
	if _, err := c.ListBackupIDs(ctx, vbs.ListOpts{Status: "deleted"}); err == nil || errors.As(err, &apiErr) {
		t.Errorf("status=deleted: %v; want the client to refuse it before any request", err)
	}
}
