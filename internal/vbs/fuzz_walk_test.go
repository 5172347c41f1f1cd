package vbs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// walkEndpoint is the endpoint of the fuzzed walk; its transport answers in process, never dialling.
const walkEndpoint = "http://127.0.0.1:8776/v3/p/"

// scriptedTransport answers request k with step k of a script cycled for ever, so that a walk
// that follows the server blindly never ends; it records every request's URL. A stub, not the
// simulator: the fuzzer writes every answer, in process.
type scriptedTransport struct {
	steps []walkStep

	mu   sync.Mutex
	urls []*url.URL
}

// walkStep is one scripted answer, read from four bytes of the fuzzer's input.
type walkStep struct {
	status byte // 0-223: 200; then 404, 500, a body that is not JSON, a page cut off
	ids    byte // backups of the page: ids%9 of them, from an alphabet of 16 ids so that repeats happen
	first  byte // the first id of the page
	link   byte // the next link: see nextLink
}

func (s walkStep) page() string {
	ids := make([]string, s.ids%9)
	for i := range ids {
		ids[i] = fmt.Sprintf("b%d", (int(s.first)+i*int(s.ids/9+1))%16)
	}
	// The walk asks for status=available; the server ignores it for the last errorIDs of the alphabet.
	page := pageOf(s.nextLink(), ids...)
	for i := range 16 {
		status := "available"
		if i > 15-errorIDs {
			status = "error"
		}
		id := fmt.Sprintf(`{"id": "b%d"}`, i)
		page = strings.ReplaceAll(page, id, id[:len(id)-1]+`, "status": "`+status+`"}`)
	}
	return page
}

// errorIDs is how many ids of the alphabet (b15, b14, …) a scripted server returns in status error.
const errorIDs = 3

// nextLink covers what servers write: nothing, a marker on another host with hostile and
// changing parameters, a marker cycling through the ids, no marker, two markers, garbage.
func (s walkStep) nextLink() string {
	marker := fmt.Sprintf("b%d", s.first%16)
	switch s.link % 8 {
	case 0:
		return ""
	case 1:
		return "http://127.0.0.2:1/v3/other/backups?marker=" + marker + "&all_tenants=1&project_id=other&n=" + fmt.Sprint(s.link)
	case 2:
		return fmt.Sprintf("?marker=m%d&offset=%d", s.link, s.ids)
	case 3:
		return "/v3/p/backups?limit=1000"
	case 4:
		return "?marker=" + marker + "&marker=b1"
	case 5:
		return "::not a url%%"
	case 6:
		return "https://127.0.0.3:9/elsewhere?marker=" + marker
	}
	return "?marker=" + marker
}

func (t *scriptedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.urls = append(t.urls, r.URL)
	k := len(t.urls) - 1
	t.mu.Unlock()
	if k >= 10000 {
		return nil, fmt.Errorf("the walk made %d requests and goes on", k)
	}
	step := t.steps[k%len(t.steps)]
	status, body := http.StatusOK, step.page()
	switch {
	case step.status >= 252:
		body = body[:len(body)/2]
	case step.status >= 240:
		body = "<html>busy</html>"
	case step.status >= 232:
		status, body = http.StatusInternalServerError, `{"computeFault": {"code": 500, "message": "boom"}}`
	case step.status >= 224:
		status, body = http.StatusNotFound, `{"itemNotFound": {"code": 404, "message": "no marker"}}`
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r,
	}, nil
}

// FuzzWalk: whatever pages, links, statuses and bodies a server answers with, the walk ends within
// 3 requests per backup it kept or left out for its status (and 3 more), returns no backup twice
// and none in status error, and sends every request to the configured endpoint with nothing in its
// query but the configured parameters and a marker.
func FuzzWalk(f *testing.F) {
	f.Add([]byte{0, 3, 0, 7, 0, 3, 3, 7, 0, 0, 0, 7}, uint8(0))
	f.Add([]byte{0, 2, 0, 1, 0, 2, 1, 1}, uint8(0)) // hostile parameters, markers cycling with a counter
	f.Add([]byte{0, 2, 0, 2}, uint8(0))             // new markers, the same page
	f.Add([]byte{0, 8, 0, 7, 0, 8, 5, 7, 240, 1, 0, 0}, uint8(5))
	f.Add([]byte{0, 1, 0, 3, 0, 1, 0, 4, 0, 1, 0, 5}, uint8(2))
	f.Add([]byte{0, 4, 2, 6, 224, 0, 0, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, script []byte, limit uint8) {
		var steps []walkStep
		for i := 0; i+4 <= len(script); i += 4 {
			steps = append(steps, walkStep{script[i], script[i+1], script[i+2], script[i+3]})
		}
		if len(steps) == 0 {
			return
		}
		rt := &scriptedTransport{steps: steps}
		pc := &gophercloud.ProviderClient{HTTPClient: http.Client{Transport: rt}}
		pc.SetToken(testToken)
		c := NewClient(&gophercloud.ServiceClient{ProviderClient: pc, Endpoint: walkEndpoint}, API{Version: "v3"})
		opts := ListOpts{Limit: int64(limit % 8), Status: "available"}

		var kept []string // even by a walk that fails in the end
		_, err := c.EachPage(context.Background(), opts, func(page []Backup) error {
			kept = append(kept, backupIDs(page)...)
			return nil
		})
		if err != nil && strings.Contains(err.Error(), "goes on") {
			t.Fatalf("the walk did not end: %v", err)
		}
		for _, id := range kept {
			if n, _ := strconv.Atoi(id[1:]); n > 15-errorIDs {
				t.Fatalf("backup %s, in status error, returned for status available", id)
			}
		}
		if n, bound := len(rt.urls), 3*(len(kept)+errorIDs)+3; n > bound {
			t.Fatalf("%d requests for %d backups kept, more than %d: %v", n, len(kept), bound, err)
		}
		slices.Sort(kept)
		if len(slices.Compact(kept)) != len(kept) {
			t.Fatalf("a backup returned twice: %v", kept)
		}
		if opts.Limit > 0 && int64(len(kept)) > opts.Limit {
			t.Fatalf("%d backups, more than the limit %d", len(kept), opts.Limit)
		}
		for i, u := range rt.urls {
			if u.Scheme != "http" || u.Host != "127.0.0.1:8776" || u.Path != "/v3/p/backups/detail" {
				t.Fatalf("request %d went to %s, not the endpoint", i+1, u)
			}
			q := u.Query()
			if q.Get("status") != "available" || i == 0 && q.Has("marker") || i > 0 && len(q["marker"]) != 1 {
				t.Fatalf("request %d: query %v", i+1, q)
			}
			for p := range q {
				if !slices.Contains([]string{"status", "limit", "marker"}, p) {
					t.Fatalf("request %d sent %s, which the configuration does not: %v", i+1, p, q)
				}
			}
		}
	})
}
