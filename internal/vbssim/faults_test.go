package vbssim

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// statuses sends n listing requests and returns their statuses, 0 for a failed exchange.
func statuses(t *testing.T, s *Server, n int) []int {
	t.Helper()
	var got []int
	for range n {
		got = append(got, status(t, s.Endpoint("v3", "")+"/backups/detail"))
	}
	return got
}

// status sends one GET with the default token and returns its status, or 0 if the exchange failed.
func status(t *testing.T, target string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0
	}
	_, err = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

func TestFault_countingAndRepetition(t *testing.T) {
	cases := []struct {
		name   string
		faults []Fault
		want   []int
	}{
		{"third request", []Fault{{OnRequest: 3, Status: 503}}, []int{200, 200, 503, 200, 200}},
		{"zero means the first", []Fault{{Status: 500}}, []int{500, 200, 200, 200, 200}},
		{"twice", []Fault{{OnRequest: 2, Times: 2, Status: 429}}, []int{200, 429, 429, 200, 200}},
		{"forever", []Fault{{OnRequest: 4, Times: -1, Status: 502}}, []int{200, 200, 200, 502, 502}},
		{"other path never matches", []Fault{{Path: "/identity", Status: 503}}, []int{200, 200, 200, 200, 200}},
		{"first injected wins, the other stays due", []Fault{{Status: 503}, {Status: 504}}, []int{503, 504, 200, 200, 200}},
		{"dropped connections", []Fault{{OnRequest: 2, Reset: true}, {OnRequest: 3, Close: true}}, []int{200, 0, 0, 200, 200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewTest(t, Config{})
			s.Inject(c.faults...)
			if got := statuses(t, s, len(c.want)); !slices.Equal(got, c.want) {
				t.Fatalf("statuses %v, want %v", got, c.want)
			}
			for i, r := range s.Requests() {
				if faulted := c.want[i] != 200; r.Faulted != faulted || (c.want[i] == 0 && r.Status != 0) {
					t.Errorf("request %d logged as faulted=%v status %d", i+1, r.Faulted, r.Status)
				}
			}
		})
	}
}

func TestFault_responses(t *testing.T) {
	s := NewTest(t, Config{})
	target := s.Endpoint("v3", "") + "/backups/detail"

	s.Inject(Fault{Status: 503, RetryAfter: "1"})
	r := get(t, target)
	if r.status != 503 || r.header.Get("Retry-After") != "1" || string(r.body) != `{"serviceUnavailable": {"code": 503, "message": "vbssim: injected fault"}}` {
		t.Errorf("503: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	s.Inject(Fault{Status: 429, RetryAfter: date})
	if r := get(t, target); r.status != 429 || r.header.Get("Retry-After") != date {
		t.Errorf("429: %d %q", r.status, r.header.Get("Retry-After"))
	}
	s.Inject(Fault{Status: 502, Body: GatewayPage})
	if r := get(t, target); r.status != 502 || string(r.body) != GatewayPage || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("gateway page: %d %q", r.status, r.header.Get("Content-Type"))
	}
	s.Inject(Fault{Body: GatewayPage})
	if r := get(t, target); r.status != 200 || string(r.body) != GatewayPage {
		t.Errorf("HTML with 200: %d", r.status)
	}
	s.Inject(Fault{ContentType: "text/plain"})
	if r := get(t, target); r.status != 200 || r.header.Get("Content-Type") != "text/plain" || !strings.HasPrefix(string(r.body), `{"backups": [`) {
		t.Errorf("content type: %d %q", r.status, r.header.Get("Content-Type"))
	}
}

func TestFault_resetAndCloseDropTheConnectionDifferently(t *testing.T) {
	s := NewTest(t, Config{})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	s.Inject(Fault{Reset: true}, Fault{OnRequest: 2, Close: true})
	_, err := client.Get(s.Endpoint("v3", "") + "/backups/detail")
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("reset: got %v, want ECONNRESET", err)
	}
	_, err = client.Get(s.Endpoint("v3", "") + "/backups/detail")
	if !errors.Is(err, io.EOF) {
		t.Errorf("close: got %v, want EOF", err)
	}
}

func TestFault_truncatedBodyFailsTheRead(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(20, 1, DefaultProjectID)})
	s.Inject(Fault{Truncate: true})
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint("v3", "")+"/backups/detail", nil)
	req.Header.Set("X-Auth-Token", DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(body)) != resp.ContentLength/2 || resp.ContentLength < 1000 {
		t.Fatalf("read %d of %d bytes, error %v; want half and an unexpected EOF", len(body), resp.ContentLength, err)
	}
}

func TestFault_delay(t *testing.T) {
	s := NewTest(t, Config{})
	s.Inject(Fault{Delay: 300 * time.Millisecond})
	start := time.Now()
	if st := statuses(t, s, 1); st[0] != 200 || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("status %v after %s", st, time.Since(start))
	}
	s.Inject(Fault{Delay: time.Minute})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	if _, err := client.Get(s.Endpoint("v3", "") + "/backups/detail"); err == nil {
		t.Fatal("a delayed response beat the client's timeout")
	}
}

func TestFault_listing(t *testing.T) {
	backups := Generate(10, 1, DefaultProjectID)
	s := NewTest(t, Config{Backups: backups})
	first := list(t, s, "v3", "limit=3")
	marker := first.ids()[2]
	nextQuery := func(p page) string {
		u, _ := url.Parse(p.next())
		return u.RawQuery
	}

	s.Inject(Fault{RepeatNextLink: true})
	p := list(t, s, "v3", nextQuery(first))
	if p.next() != first.next() || p.ids()[0] == marker {
		t.Errorf("repeated link: got %s, want %s", p.next(), first.next())
	}
	s.Inject(Fault{RepeatNextLink: true})
	if p := list(t, s, "v3", "limit=3"); p.next() != s.Endpoint("v3", "")+"/backups/detail?limit=3" {
		t.Errorf("repeated first link: %s", p.next())
	}

	s.Inject(Fault{UnreachableNextLink: true})
	if p := list(t, s, "v3", "limit=3"); !strings.HasPrefix(p.next(), "http://127.0.0.2:1/v3/") {
		t.Errorf("unreachable link: %s", p.next())
	}

	s.Inject(Fault{DuplicateMarker: true})
	if p := list(t, s, "v3", nextQuery(first)); p.ids()[0] != marker || len(p.ids()) != 3 {
		t.Errorf("duplicate: page %v should start with the marker %s", p.ids(), marker)
	}
}

func TestFault_dataChangesBetweenPages(t *testing.T) {
	backups := Generate(10, 1, DefaultProjectID)
	s := NewTest(t, Config{Backups: backups})
	first := list(t, s, "v3", "limit=4&sort_key=id&sort_dir=asc")
	newcomer := Generate(1, 99, DefaultProjectID)[0]
	newcomer.ID = "ffffffff-ffff-4fff-afff-ffffffffffff" // sorts last, so the walk meets it
	gone := first.ids()[0]
	s.Inject(Fault{Path: "/backups/detail", Insert: []Backup{newcomer}, Delete: []string{gone}})
	u, _ := url.Parse(first.next())
	rest, _ := walk(t, s, "v3", u.RawQuery)
	if !slices.Contains(rest, newcomer.ID) || len(rest) != 7 {
		t.Fatalf("rest of the walk %v: want 6 old backups and the new one", rest)
	}
	if held := s.Backups(); len(held) != 10 || slices.ContainsFunc(held, func(b Backup) bool { return b.ID == gone }) {
		t.Fatalf("data set after the fault: %d backups", len(held))
	}
	s.Inject(Fault{Insert: []Backup{newcomer}}) // a duplicate id
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail"); r.status != http.StatusInternalServerError {
		t.Fatalf("bad insert: got %d, want 500", r.status)
	}
	s.Reset()
	if len(s.Backups()) != 10 || slices.ContainsFunc(s.Backups(), func(b Backup) bool { return b.ID == newcomer.ID }) {
		t.Fatal("Reset did not restore the configured backups")
	}
}

// TestFault_trustBoundary: the next links and pages that the page walk must not be steered by.
func TestFault_trustBoundary(t *testing.T) {
	backups := Generate(10, 1, DefaultProjectID)
	s := NewTest(t, Config{Backups: backups})
	first := list(t, s, "v3", "limit=3")
	link := func(p page) url.Values {
		u, err := url.Parse(p.next())
		if err != nil {
			t.Fatal(err)
		}
		return u.Query()
	}

	s.Inject(Fault{NextLinkParams: "all_tenants=1&project_id=" + OtherProjectID})
	if q := link(list(t, s, "v3", "limit=3")); q.Get("all_tenants") != "1" || q.Get("project_id") != OtherProjectID || q.Get("marker") != first.ids()[2] {
		t.Errorf("hostile parameters: %v", q)
	}

	s.Inject(Fault{NoMarkerNextLink: true})
	if q := link(list(t, s, "v3", "limit=3")); q.Has("marker") || q.Get("limit") != "3" {
		t.Errorf("no marker: %v", q)
	}

	s.Inject(Fault{StuckPages: true, Times: 3})
	var markers []string
	for q, i := "limit=3", 1; i <= 3; i++ {
		p := list(t, s, "v3", q)
		if !slices.Equal(p.ids(), first.ids()) {
			t.Fatalf("stuck page %d: %v, want the first page %v", i, p.ids(), first.ids())
		}
		next := link(p)
		if next.Get("n") != strconv.Itoa(i) {
			t.Errorf("stuck page %d: counter %q", i, next.Get("n"))
		}
		markers = append(markers, next.Get("marker"))
		q = next.Encode()
	}
	if !slices.Equal(markers, first.ids()) {
		t.Errorf("stuck markers %v, want each backup of the page in turn %v", markers, first.ids())
	}

	s.Inject(Fault{TinyDuplicates: 5})
	if p := list(t, s, "v3", "limit=3"); len(p.ids()) != 8 || p.ids()[7] != first.ids()[0] || len(p.Backups[7]) != 1 {
		t.Errorf("tiny duplicates: %v", p.ids())
	}
}

// TestFault_listingClaims: Order serves the API document's example page as printed, whatever sort
// is asked, and pages through that order; IgnoreFilters accepts a filter and applies none of it.
func TestFault_listingClaims(t *testing.T) {
	asPrinted := []string{"1d1139d8-8989-49d3-8aa1-83eb691e6db2", "80e17946-6e56-46e0-9547-e9ba4f1619bd", "b3cf7a16-decc-4beb-8077-682737d94a58"}
	s := NewTest(t, Config{Backups: Example()})
	if ids, _ := walk(t, s, "v2", "sort_key=created_at&sort_dir=desc"); slices.Equal(ids, asPrinted) {
		t.Fatalf("the example is served as printed without the fault: %v", ids)
	}
	s.Inject(Fault{Path: "/backups/detail", Times: -1, Order: asPrinted})
	for _, q := range []string{"sort_key=created_at&sort_dir=desc", "sort_key=created_at&sort_dir=asc&limit=1", "limit=2"} {
		if ids, _ := walk(t, s, "v2", q); !slices.Equal(ids, asPrinted) {
			t.Errorf("%s: %v, want the order as printed %v", q, ids, asPrinted)
		}
	}
	if ids := list(t, s, "v2", "limit=1&offset=1").ids(); !slices.Equal(ids, asPrinted[1:2]) {
		t.Errorf("offset 1: %v, want %v", ids, asPrinted[1:2])
	}
	// Only the first is named: the others follow in the order asked for, oldest first here.
	s.Reset()
	s.Inject(Fault{Path: "/backups/detail", Times: -1, Order: asPrinted[1:2]})
	if ids, _ := walk(t, s, "v2", "sort_key=created_at&sort_dir=asc&limit=2"); !slices.Equal(ids, []string{asPrinted[1], asPrinted[2], asPrinted[0]}) {
		t.Errorf("one named: %v", ids)
	}

	s.Reset()
	if ids, _ := walk(t, s, "v2", "status=available"); len(ids) != 0 {
		t.Fatalf("status=available without the fault: %v", ids)
	}
	s.Inject(Fault{Path: "/backups/detail", Times: -1, IgnoreFilters: []string{"status", "volume_id"}})
	if ids, _ := walk(t, s, "v2", "status=available&volume_id=other"); len(ids) != 3 {
		t.Errorf("ignored status and volume_id: %v, want all 3", ids)
	}
	if ids, _ := walk(t, s, "v2", "status=available&name=x"); len(ids) != 0 {
		t.Errorf("name is still applied: %v", ids)
	}
}
