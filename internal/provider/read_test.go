package provider

// Tests of reads (read.go) through Terraform or the protocol: each fault the simulator can script,
// with the state compared against the simulator's own backups; what the walk and the decoder never
// take from a server; servers that do not sort or filter as asked; and the warnings of what a walk
// told. The tests that give the providers a fast retry backoff (useOption) must not call t.Parallel.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

const (
	relBackups  = 250 // 5 full pages and the empty one Cinder answers after an exact fit
	relPageSize = 50
	listPath    = "/backups/detail"
	middlePage  = 3 // the page the faults hit: after a followed next link, before the last one

	// Terraform itself takes seconds over 250 backups of about 50 attributes each, so the reads
	// that succeed mostly list ids: the page walk, its retries and its decoding are the same.
	fullBackups = "vbs_backups"
	idsOnly     = "vbs_backup_ids"
)

// retryWaits records the waits the provider asks for between retries.
type retryWaits struct {
	mu    sync.Mutex
	waits []time.Duration
}

// fastRetries makes backoff milliseconds for the test, while still really waiting (so that a
// server's Retry-After is honoured) and recording each wait.
func fastRetries(t *testing.T) *retryWaits {
	t.Helper()
	w := &retryWaits{}
	useOption(t, withRetryBackoff(&auth.Backoff{Base: time.Millisecond, Cap: 4 * time.Millisecond, Sleep: w.sleep}))
	return w
}

func (w *retryWaits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *retryWaits) longest() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Max(append([]time.Duration{0}, w.waits...))
}

// reliabilitySim serves relBackups generated backups.
func reliabilitySim(t *testing.T) *vbssim.Server {
	t.Helper()
	return vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Generate(relBackups, 5, vbssim.DefaultProjectID)})
}

// relConfig is the provider block for sim with extra provider arguments, and the data source
// dataSource "all" reading relPageSize a page with extra arguments.
func relConfig(sim *vbssim.Server, dataSource, providerArgs, dataArgs string) string {
	return fmt.Sprintf(`
provider "vbs" {
  endpoint = %q
  token    = %q
  %s
}

data %q "all" {
  page_size = %d
  %s
}
`, sim.Endpoint("v3", vbssim.DefaultProjectID), vbssim.DefaultToken, providerArgs, dataSource, relPageSize, dataArgs)
}

// stateIDs checks the ids of the backups that dataSource "all" holds in the state; of vbs_backups,
// both its ids and its backups' ids.
func stateIDs(dataSource string, check func(ids []string) error) statecheck.StateCheck {
	address := "data." + dataSource + ".all"
	if dataSource != fullBackups {
		return checkIDs(address, check)
	}
	return checkBackups(address, func(backups []map[string]any) error {
		ids := make([]string, len(backups))
		for i, b := range backups {
			ids[i], _ = b["id"].(string)
		}
		return check(ids)
	})
}

// sameSetOnce requires ids to hold every id of want exactly once, and nothing else.
func sameSetOnce(ids, want []string) error {
	if err := distinct(ids, len(ids)); err != nil {
		return err
	}
	got, exp := slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, exp) {
		missing, extra := difference(exp, got), difference(got, exp)
		return fmt.Errorf("got %d backups, want %d; missing %d %.3q, unexpected %d %.3q",
			len(got), len(exp), len(missing), missing, len(extra), extra)
	}
	return nil
}

// everyBackupOnce compares the state with the simulator's backups at check time.
func everyBackupOnce(sim *vbssim.Server, dataSource string) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{stateIDs(dataSource, func(ids []string) error { return sameSetOnce(ids, simIDs(sim.Backups())) })}
	if dataSource == fullBackups {
		checks = append(checks, checkIDs("data."+dataSource+".all", func(ids []string) error { return sameSetOnce(ids, simIDs(sim.Backups())) }))
	}
	return checks
}

func simIDs(backups []vbssim.Backup) []string {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i] = b.ID
	}
	return ids
}

// difference is a minus b, both sorted.
func difference(a, b []string) []string {
	var out []string
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			out = append(out, s)
		}
	}
	return out
}

// listRequests are the page requests the simulator received.
func listRequests(sim *vbssim.Server) []vbssim.Request {
	var out []vbssim.Request
	for _, r := range sim.Requests() {
		if strings.HasSuffix(r.Path, listPath) {
			out = append(out, r)
		}
	}
	return out
}

// requestsOfPage are the requests of the n-th distinct page URL of the first walk, in order.
func requestsOfPage(sim *vbssim.Server, n int) []vbssim.Request {
	var out []vbssim.Request
	var seen []string
	for _, r := range listRequests(sim) {
		if !slices.Contains(seen, r.RawQuery) {
			seen = append(seen, r.RawQuery)
		}
		if len(seen) == n && r.RawQuery == seen[n-1] {
			out = append(out, r)
		}
		if len(seen) > n {
			break
		}
	}
	return out
}

// wordsRegexp matches the phrases in this order, each with any whitespace between its words, since
// Terraform wraps a diagnostic's lines.
func wordsRegexp(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// TestRead_transientFaults: a transient fault on the middle page is retried, and the read
// gets every backup exactly once.
func TestRead_transientFaults(t *testing.T) {
	cases := []struct {
		name       string
		fault      vbssim.Fault
		faulted    int           // consecutive faulted requests of the page before it is served
		minWait    time.Duration // the provider must have waited at least this long once (Retry-After)
		dataSource string        // default idsOnly
	}{
		{name: "429 Retry-After seconds", fault: vbssim.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}, faulted: 1, minWait: time.Second, dataSource: fullBackups},
		// The date is set when the case runs.
		{name: "429 Retry-After HTTP date", fault: vbssim.Fault{Status: http.StatusTooManyRequests}, faulted: 1, minWait: 500 * time.Millisecond},
		{name: "500", fault: vbssim.Fault{Status: http.StatusInternalServerError}, faulted: 1},
		{name: "502", fault: vbssim.Fault{Status: http.StatusBadGateway, Body: vbssim.GatewayPage}, faulted: 1},
		{name: "503 twice", fault: vbssim.Fault{Status: http.StatusServiceUnavailable, Times: 2}, faulted: 2},
		{name: "504", fault: vbssim.Fault{Status: http.StatusGatewayTimeout}, faulted: 1},
		// Three times: Go's transport itself retries a GET once when a reused connection breaks,
		// so only the later failures reach the provider's own retries.
		{name: "connection reset", fault: vbssim.Fault{Reset: true, Times: 3}, faulted: 3},
		{name: "closed before the response (EOF)", fault: vbssim.Fault{Close: true, Times: 3}, faulted: 3},
		// A slow answer is an answer: served, not retried.
		{name: "delay shorter than the timeout", fault: vbssim.Fault{Delay: 300 * time.Millisecond}, faulted: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			waits := fastRetries(t)
			sim := reliabilitySim(t)
			f := c.fault
			f.Path, f.OnRequest = listPath, middlePage
			if c.name == "429 Retry-After HTTP date" {
				// Whole seconds only, counted from before Terraform starts: 6 s ahead leaves more than
				// minWait when the request arrives even on a loaded machine (3 s once left less).
				f.RetryAfter = time.Now().Add(6 * time.Second).UTC().Format(http.TimeFormat)
			}
			sim.Inject(f)
			dataSource := cmp.Or(c.dataSource, idsOnly)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            relConfig(sim, dataSource, "", ""),
					ConfigStateChecks: everyBackupOnce(sim, dataSource),
				}},
			})

			// The log of the first read: the page's faulted requests, then the same request served.
			reqs := requestsOfPage(sim, middlePage)
			if len(reqs) != c.faulted+1 {
				t.Fatalf("page %d was requested %d times, want %d faulted and one served: %+v", middlePage, len(reqs), c.faulted, reqs)
			}
			if !strings.Contains(reqs[0].RawQuery, "marker=") {
				t.Errorf("the faulted request did not follow a next link: %s", reqs[0].RawQuery)
			}
			for i, r := range reqs {
				if want := i < max(c.faulted, 1); r.Faulted != want {
					t.Errorf("request %d of page %d: faulted %v, want %v", i+1, middlePage, r.Faulted, want)
				}
			}
			if served := reqs[len(reqs)-1]; served.Status != http.StatusOK {
				t.Errorf("page %d ended with HTTP %d, want 200", middlePage, served.Status)
			}
			if n := len(listRequests(sim)); n < relBackups/relPageSize+1+c.faulted {
				t.Errorf("only %d page requests: the walk stopped early", n)
			}
			if c.minWait > 0 && waits.longest() < c.minWait {
				t.Errorf("longest wait %s, want Retry-After honoured (at least %s)", waits.longest(), c.minWait)
			}
		})
	}
}

// TestRead_failures: faults that are not transient, or outlast the retries or the read
// timeout, fail the read with a message that says what happened and where.
func TestRead_failures(t *testing.T) {
	pageURL := `GET http://127.0.0.1:`
	cases := []struct {
		name         string
		fault        vbssim.Fault
		providerArgs string
		dataArgs     string
		want         *regexp.Regexp
		pageRequests int           // requests of the faulted page, so that retries are bounded
		within       time.Duration // the whole test's bound, where failing promptly is the point
		dataSource   string        // default fullBackups
	}{
		{
			name:         "503 beyond max_retries",
			fault:        vbssim.Fault{Status: http.StatusServiceUnavailable, Times: -1},
			providerArgs: "max_retries = 2",
			want: wordsRegexp("Unable to list VBS backups", "page 3 (", pageURL, "HTTP 503: vbssim: injected fault",
				"(request id req-", "giving up after 2 retries (last: HTTP 503)"),
			pageRequests: 3,
		},
		{
			name:         "max_retries = 0 fails on the first 503",
			fault:        vbssim.Fault{Status: http.StatusServiceUnavailable},
			providerArgs: "max_retries = 0",
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 503", "vbssim: injected fault"),
			pageRequests: 1,
		},
		{
			name:     "Retry-After beyond the read timeout",
			fault:    vbssim.Fault{Status: http.StatusTooManyRequests, RetryAfter: "60"},
			dataArgs: `timeouts = { read = "20s" }`,
			want: wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 429: vbssim: injected fault",
				"server asked to retry after 60s, more than the", "left of the read timeout"),
			pageRequests: 1,
			within:       10 * time.Second,
		},
		{
			name:         "HTML gateway page with 200",
			fault:        vbssim.Fault{Body: vbssim.GatewayPage},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 200", "text/html", "not JSON", `the body starts with "<html> <head><title>502 Bad Gateway`),
			pageRequests: 1,
		},
		{
			name:  "HTML gateway page with 502 after retries",
			fault: vbssim.Fault{Status: http.StatusBadGateway, Body: vbssim.GatewayPage, Times: -1},
			want: wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 502: <html> <head><title>502 Bad Gateway</title>",
				"giving up after 5 retries (last: HTTP 502)"),
			pageRequests: 6,
		},
		{
			name:         "truncated body",
			fault:        vbssim.Fault{Truncate: true},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 200", "the body was cut off after", `the body starts with "{\"backups\": [{`),
			pageRequests: 1,
		},
		{
			name:         "wrong content type",
			fault:        vbssim.Fault{ContentType: "text/plain; charset=utf-8"},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 200", "the response is text/plain; charset=utf-8, not JSON", `the body starts with "{\"backups\": [{`),
			pageRequests: 1,
		},
		{
			name:         "no backups key",
			fault:        vbssim.Fault{Body: `{"volumes": [], "volumes_links": []}`, ContentType: "application/json"},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 200", `not a page of backups: no "backups" list`, `the body starts with "{\"volumes\": []`),
			pageRequests: 1,
		},
		{
			name:         "API error 400",
			fault:        vbssim.Fault{Status: http.StatusBadRequest},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 400", "vbssim: injected fault", "(request id req-"),
			pageRequests: 1,
		},
		{
			name:         "API error 403",
			fault:        vbssim.Fault{Status: http.StatusForbidden},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 403", "vbssim: injected fault", "(request id req-"),
			pageRequests: 1,
		},
		{
			name:         "API error 403, ids only",
			fault:        vbssim.Fault{Status: http.StatusForbidden},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 403", "vbssim: injected fault", "(request id req-"),
			pageRequests: 1,
			dataSource:   idsOnly,
		},
		{
			name:         "API error 404",
			fault:        vbssim.Fault{Status: http.StatusNotFound},
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "HTTP 404", "vbssim: injected fault", "(request id req-"),
			pageRequests: 1,
		},
		{
			name:         "read timeout",
			fault:        vbssim.Fault{Delay: time.Minute},
			dataArgs:     `timeouts = { read = "2s" }`,
			want:         wordsRegexp("Unable to list VBS backups", "page 3 (", "the read timeout ran out", "context deadline exceeded"),
			pageRequests: 1,
			within:       10 * time.Second,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			f := c.fault
			f.Path, f.OnRequest = listPath, middlePage
			sim.Inject(f)
			start := time.Now()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      relConfig(sim, cmp.Or(c.dataSource, fullBackups), c.providerArgs, c.dataArgs),
					ExpectError: c.want,
				}},
			})
			if elapsed := time.Since(start); c.within > 0 && elapsed > c.within {
				t.Errorf("the read failed after %s, want within %s", elapsed.Round(time.Millisecond), c.within)
			}
			if n := len(requestsOfPage(sim, middlePage)); n != c.pageRequests {
				t.Errorf("page %d was requested %d times, want %d", middlePage, n, c.pageRequests)
			}
			if n := len(listRequests(sim)); n != middlePage-1+c.pageRequests {
				t.Errorf("%d page requests in all, want %d: the walk went on after the failure", n, middlePage-1+c.pageRequests)
			}
		})
	}
}

// TestRead_repeatedNextLink: a server whose next link repeats the page forever fails the read
// after that page, instead of looping.
func TestRead_repeatedNextLink(t *testing.T) {
	fastRetries(t)
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, OnRequest: 2, Times: -1, RepeatNextLink: true})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The timeout only bounds the test should the walk loop.
			Config:      relConfig(sim, fullBackups, "", `timeouts = { read = "10s" }`),
			ExpectError: wordsRegexp("Unable to list VBS backups", "server repeated a next link after page 2", "was page 2 already"),
		}},
	})
	if n := len(listRequests(sim)); n != 2 {
		t.Errorf("%d page requests, want 2: the second page once, then stop", n)
	}
}

// TestRead_hostileNextLinks: next links the provider must not follow as written, and pages
// that overlap, still give every backup exactly once.
func TestRead_hostileNextLinks(t *testing.T) {
	cases := []struct {
		name       string
		fault      vbssim.Fault
		dataSource string
	}{
		// Every next link points at http://127.0.0.2:1, where nothing listens: followed on the endpoint.
		{name: "unreachable next link", fault: vbssim.Fault{UnreachableNextLink: true, Times: -1}, dataSource: idsOnly},
		// Every page after the first starts with the backup the previous one ended with.
		{name: "duplicate backups across pages", fault: vbssim.Fault{DuplicateMarker: true, OnRequest: 2, Times: -1}, dataSource: idsOnly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			f := c.fault
			f.Path = listPath
			sim.Inject(f)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            relConfig(sim, c.dataSource, "", ""),
					ConfigStateChecks: everyBackupOnce(sim, c.dataSource),
				}},
			})
			reqs := listRequests(sim)
			if len(reqs) < relBackups/relPageSize+1 {
				t.Fatalf("%d page requests, want at least %d", len(reqs), relBackups/relPageSize+1)
			}
			for i, r := range reqs[:relBackups/relPageSize+1] { // the first read
				if !r.Faulted && (i > 0 || c.fault.OnRequest <= 1) {
					t.Errorf("request %d was not faulted: the test proves nothing", i+1)
				}
				if i > 0 && !strings.Contains(r.RawQuery, "marker=") {
					t.Errorf("request %d did not follow a next link: %s", i+1, r.RawQuery)
				}
			}
		})
	}
}

// TestRead_dataChangesMidWalk: backups inserted and deleted between pages. Sorted by id, the
// walk sees exactly the backups of the pages read before the change, then those after the marker
// as they are now: no backup twice, none of the unchanged ones missed. More backups go before the
// marker than come in, so a walk that counted offsets instead of following the marker would skip
// some.
func TestRead_dataChangesMidWalk(t *testing.T) {
	fastRetries(t)
	sim := reliabilitySim(t)
	before := slices.Sorted(slices.Values(simIDs(sim.Backups())))
	marker := before[(middlePage-1)*relPageSize-1] // the last backup of page 2
	var inserted []vbssim.Backup
	insertedBefore := 0
	for _, b := range vbssim.Generate(20, 99, vbssim.DefaultProjectID) {
		if slices.Contains(before, b.ID) {
			t.Fatalf("generated id %s twice", b.ID)
		}
		switch {
		case b.ID > marker:
			inserted = append(inserted, b)
		case insertedBefore == 0:
			inserted = append(inserted, b)
			insertedBefore++
		}
	}
	// Four read already, two not yet.
	deleted := []string{before[10], before[20], before[30], before[60], before[160], before[240]}
	sim.Inject(vbssim.Fault{Path: listPath, OnRequest: middlePage, Insert: inserted, Delete: deleted})

	var want []string
	for _, id := range before {
		if id <= marker || !slices.Contains(deleted, id) {
			want = append(want, id)
		}
	}
	for _, b := range inserted {
		if b.ID > marker {
			want = append(want, b.ID)
		}
	}
	if insertedBefore != 1 || len(inserted) < 2 {
		t.Fatalf("%d of %d inserted before the marker: the test would prove less", insertedBefore, len(inserted))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, idsOnly, "", `
  sort_key = "id"
  sort_dir = "asc"`),
			ConfigStateChecks: []statecheck.StateCheck{stateIDs(idsOnly, func(ids []string) error { return sameSetOnce(ids, want) })},
		}},
	})
	if n := len(sim.Backups()); n != relBackups+len(inserted)-len(deleted) {
		t.Errorf("the simulator holds %d backups: the fault did not apply", n)
	}
}

// unparseable lists the values that TestRead_tolerantParsing breaks, by backup index.
var unparseable = map[int]func(b *vbssim.Backup){
	7: func(b *vbssim.Backup) { b.ServiceMetadata = ptr(`{"DL": 1,`) },
	77: func(b *vbssim.Backup) {
		b.Override = map[string]json.RawMessage{"size": json.RawMessage(`"big"`)}
	},
	140: func(b *vbssim.Backup) {
		b.Override = map[string]json.RawMessage{"updated_at": json.RawMessage(`"last Tuesday"`)}
	},
	// Two unreadable values in one backup count as one backup.
	201: func(b *vbssim.Backup) {
		b.Description = ptr(`{"DESC": "cut`)
		b.Override = map[string]json.RawMessage{"data_timestamp": json.RawMessage(`"2026-13-45T99:00:00Z"`)}
	},
}

// TestRead_tolerantParsing: values that cannot be read become null, the rest of each backup
// is filled, and the read succeeds with one warning naming how many backups were affected.
func TestRead_tolerantParsing(t *testing.T) {
	fastRetries(t)
	backups := vbssim.Generate(relBackups, 5, vbssim.DefaultProjectID)
	for i := range backups {
		// The generator writes a few service_metadata that are not objects, which are unreadable
		// too; without them the count is the test's own.
		if sm := backups[i].ServiceMetadata; sm != nil && strings.HasPrefix(strings.TrimSpace(*sm), "[") {
			backups[i].ServiceMetadata = nil
		}
	}
	for i, breakIt := range unparseable {
		breakIt(&backups[i])
	}
	sim := vbssim.NewTest(t, vbssim.Config{Backups: backups})
	nullIn := map[string]string{ // id -> the attribute that must be null
		backups[7].ID: "service_metadata", backups[77].ID: "size", backups[140].ID: "updated_at", backups[201].ID: "data_timestamp",
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, fullBackups, "", ""),
			ConfigStateChecks: append(everyBackupOnce(sim, fullBackups),
				checkBackups("data.vbs_backups.all", func(state []map[string]any) error {
					for _, b := range state {
						id, _ := b["id"].(string)
						want, _ := sim.Backup(id)
						for _, a := range []string{"status", "volume_id", "created_at"} {
							if b[a] == nil {
								return fmt.Errorf("backup %s: %s is null", id, a)
							}
						}
						if attr, ok := nullIn[id]; ok && b[attr] != nil {
							return fmt.Errorf("backup %s: unreadable %s is %v, want null", id, attr, b[attr])
						}
						if id == backups[7].ID && b["service_metadata_json"] != `{"DL": 1,` {
							return fmt.Errorf("backup %s: service_metadata_json %v, want it as returned", id, b["service_metadata_json"])
						}
						if nullIn[id] != "size" && fmt.Sprint(b["size"]) != fmt.Sprint(want.Size) {
							return fmt.Errorf("backup %s: size %v, want %d", id, b["size"], want.Size)
						}
					}
					return nil
				}),
			),
		}},
	})

	// The warning, which terraform-plugin-testing does not show, through the protocol, on both read paths.
	providerArgs := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}
	dataArgs := map[string]tftypes.Value{"page_size": tftypes.NewValue(tftypes.Number, relPageSize)}
	servers := map[string]func() (tfprotov6.ProviderServer, error){
		"fast":      testAccProtoV6ProviderFactories["vbs"],
		"framework": func() (tfprotov6.ProviderServer, error) { return newProtocolServer("test", false, testOptions...), nil },
	}
	for name, server := range servers {
		resp := protocolRead(t, server, providerArgs, "vbs_backups", dataArgs)
		var warnings []*tfprotov6.Diagnostic
		for _, d := range resp.Diagnostics {
			if d.Severity != tfprotov6.DiagnosticSeverityWarning {
				t.Errorf("%s: unexpected diagnostic %s", name, diagsString([]*tfprotov6.Diagnostic{d}))
				continue
			}
			warnings = append(warnings, d)
		}
		if len(warnings) != 1 {
			t.Fatalf("%s: %d warnings, want exactly one: %s", name, len(warnings), diagsString(warnings))
		}
		want := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null "+
			"(data_timestamp, description, service_metadata, size, updated_at). First: backup ", len(unparseable), relBackups)
		if w := warnings[0]; w.Summary != "Some backup values could not be read" || !strings.HasPrefix(w.Detail, want) {
			t.Errorf("%s: warning %q: %q, want the detail to start %q", name, w.Summary, w.Detail, want)
		}
	}
}

// protocolRead configures a fresh provider server and reads one data source, as Terraform does over
// the plugin protocol, and returns the response with every diagnostic. Arguments not in
// providerArgs or dataArgs are null.
func protocolRead(t *testing.T, factory func() (tfprotov6.ProviderServer, error), providerArgs map[string]tftypes.Value,
	typeName string, dataArgs map[string]tftypes.Value,
) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	ctx := context.Background()
	s, err := factory()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schema.Diagnostics) > 0 || schema.DataSourceSchemas[typeName] == nil {
		t.Fatalf("GetProviderSchema: %v %s", err, diagsString(schema.Diagnostics))
	}
	configured, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.11.4", Config: objectValue(t, schema.Provider.ValueType(), providerArgs),
	})
	if err != nil || len(configured.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %s", err, diagsString(configured.Diagnostics))
	}
	resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: typeName, Config: objectValue(t, schema.DataSourceSchemas[typeName].ValueType(), dataArgs),
	})
	if err != nil {
		t.Fatalf("ReadDataSource: %v", err)
	}
	return resp
}

// End-to-end tests of what the page walk and the decoder never take from a server: parameters
// from next links, endless walks, oversized pages, volume keys in plain text, rounded numbers.
// They give the providers a fast retry backoff and so must not call t.Parallel.

// TestRead_nextLinkParameters: next links that add all_tenants=1&project_id=<another project>,
// on an administrator's token, where the server would honour them; the provider sends only the
// marker on, and reads its own project's backups, each once, and nothing else.
func TestRead_nextLinkParameters(t *testing.T) {
	fastRetries(t)
	own := vbssim.Generate(relBackups, 5, vbssim.DefaultProjectID)
	sim := vbssim.NewTest(t, vbssim.Config{Admin: true, Backups: append(own, vbssim.Generate(120, 6, vbssim.OtherProjectID)...)})
	sim.Inject(vbssim.Fault{Path: listPath, Times: -1, NextLinkParams: "all_tenants=1&project_id=" + vbssim.OtherProjectID + "&offset=7"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            relConfig(sim, idsOnly, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{stateIDs(idsOnly, func(ids []string) error { return sameSetOnce(ids, simIDs(own)) })},
		}},
	})
	reqs := listRequests(sim)
	if len(reqs) < relBackups/relPageSize+1 {
		t.Fatalf("%d page requests, want at least %d", len(reqs), relBackups/relPageSize+1)
	}
	for i, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		for p := range q {
			// with_count is the configuration's, on the first request of a read (total_count).
			if p != "limit" && p != "marker" && (p != "with_count" || q.Has("marker")) {
				t.Errorf("request %d sent %s from a next link: %s", i+1, p, r.RawQuery)
			}
		}
		if i > 0 && i <= relBackups/relPageSize && !q.Has("marker") { // the pages after the first of the first read
			t.Errorf("request %d did not follow the next link: %s", i+1, r.RawQuery)
		}
	}
}

// TestRead_nextLinkWithoutMarker: a next link without a marker fails the read, naming the page,
// instead of asking for the first page again.
func TestRead_nextLinkWithoutMarker(t *testing.T) {
	fastRetries(t)
	sim := reliabilitySim(t)
	sim.Inject(vbssim.Fault{Path: listPath, OnRequest: 2, NoMarkerNextLink: true})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      relConfig(sim, fullBackups, "", ""),
			ExpectError: wordsRegexp("Unable to list VBS backups", "page 2 (GET http://127.0.0.1:", "HTTP 200: next link has no marker"),
		}},
	})
	if n := len(listRequests(sim)); n != 2 {
		t.Errorf("%d page requests, want 2", n)
	}
}

// TestRead_stuckPages: next links whose markers never repeat (a counter beside each), while the
// pages never advance, end the read after three pages that add nothing, not at the read timeout.
func TestRead_stuckPages(t *testing.T) {
	for _, dataSource := range []string{fullBackups, idsOnly} {
		t.Run(dataSource, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			sim.Inject(vbssim.Fault{Path: listPath, Times: -1, StuckPages: true})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					// The timeout only bounds the test should the walk loop.
					Config: relConfig(sim, dataSource, "", `timeouts = { read = "20s" }`),
					ExpectError: wordsRegexp("Unable to list VBS backups", "page 4 (GET http://127.0.0.1:",
						"HTTP 200: pages 2 to 4 added no backup not seen before, although each had a next link"),
				}},
			})
			if n := len(listRequests(sim)); n != 4 {
				t.Errorf("%d page requests, want 4", n)
			}
		})
	}
}

// TestRead_pageOfTinyDuplicates: a page padded with thousands of tiny copies of one backup is
// read, each backup once, up to 10,000 entries a page; one more fails the read.
func TestRead_pageOfTinyDuplicates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra int // entries added to the middle page of relPageSize
		fails bool
	}{
		{name: "10,000 entries", extra: 10000 - relPageSize},
		{name: "10,001 entries", extra: 10001 - relPageSize, fails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fastRetries(t)
			sim := reliabilitySim(t)
			sim.Inject(vbssim.Fault{Path: listPath, OnRequest: middlePage, TinyDuplicates: tc.extra})
			step := resource.TestStep{Config: relConfig(sim, fullBackups, "", ""), ConfigStateChecks: everyBackupOnce(sim, fullBackups)}
			if tc.fails {
				step = resource.TestStep{
					Config:      step.Config,
					ExpectError: wordsRegexp("Unable to list VBS backups", "page 3 (GET", "HTTP 200: the page holds more than 10000 backups"),
				}
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			if r := requestsOfPage(sim, middlePage); len(r) == 0 || !r[0].Faulted {
				t.Error("the middle page was not padded: the test proves nothing")
			}
		})
	}
}

// trickyKey is the volume key of TestRead_volumeKeys.
const trickyKey = "tricky-volume-key-0123456789abcdef"

// TestRead_volumeKeys: service_metadata that hides its volume key behind a second VK, escaped
// key names, nesting, or malformed text: the key reaches no attribute but volume_keys, text that
// cannot be masked is null, and the read's one warning says why, on both read paths.
func TestRead_volumeKeys(t *testing.T) {
	fastRetries(t)
	tricks := vbssim.VolumeKeyTricks(trickyKey)
	backups := vbssim.Generate(len(tricks), 8, vbssim.DefaultProjectID)
	for i := range backups {
		backups[i].ServiceMetadata = ptr(tricks[i])
	}
	sim := vbssim.NewTest(t, vbssim.Config{Backups: backups})
	const malformed = 2 // the last tricks are not valid JSON
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, fullBackups, "", "include_volume_keys = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				checkBackups("data.vbs_backups.all", func(state []map[string]any) error {
					if len(state) != len(tricks) {
						return fmt.Errorf("%d backups, want %d", len(state), len(tricks))
					}
					nulls := 0
					for _, b := range state {
						whole, err := json.Marshal(b)
						if err != nil {
							return err
						}
						if strings.Contains(string(whole), trickyKey) {
							return fmt.Errorf("backup %s: the volume key is in its attributes: %s", b["id"], whole)
						}
						text, _ := b["service_metadata_json"].(string)
						switch {
						case b["service_metadata_json"] == nil:
							nulls++
						case !strings.Contains(text, `"(sensitive)"`):
							return fmt.Errorf("backup %s: service_metadata_json %q masks nothing", b["id"], text)
						}
					}
					if nulls != malformed {
						return fmt.Errorf("%d service_metadata_json are null, want the %d malformed ones", nulls, malformed)
					}
					return nil
				}),
				checkAttribute("data.vbs_backups.all", "volume_keys", func(v any) error {
					keys, _ := v.(map[string]any)
					if len(keys) != 2 { // the tricks whose top level is valid JSON with a VK
						return fmt.Errorf("volume_keys %d, want 2", len(keys))
					}
					for id, k := range keys {
						if k != trickyKey {
							return fmt.Errorf("volume key of %s: %v", id, k)
						}
					}
					return nil
				}),
			},
		}},
	})

	for name, server := range map[string]func() (tfprotov6.ProviderServer, error){
		"fast":      testAccProtoV6ProviderFactories["vbs"],
		"framework": func() (tfprotov6.ProviderServer, error) { return newProtocolServer("test", false, testOptions...), nil },
	} {
		resp := protocolRead(t, server, map[string]tftypes.Value{
			"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
			"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
		}, "vbs_backups", map[string]tftypes.Value{"include_volume_keys": tftypes.NewValue(tftypes.Bool, true)})
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("%s: %d diagnostics, want the one warning: %s", name, len(resp.Diagnostics), diagsString(resp.Diagnostics))
		}
		d := resp.Diagnostics[0]
		want := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null "+
			"(service_metadata, service_metadata_json).", malformed, len(tricks))
		if d.Severity != tfprotov6.DiagnosticSeverityWarning || !strings.HasPrefix(d.Detail, want) ||
			!strings.Contains(d.Detail, "service_metadata_json is null where service_metadata is not valid JSON and may hold a VK key") ||
			strings.Contains(d.Detail, trickyKey) {
			t.Errorf("%s: warning %q: %q, want it to start %q and say why", name, d.Summary, d.Detail, want)
		}
	}
}

// TestRead_numbers: integers that a float64 would round are unreadable (null and the one
// warning), and whole numbers beyond int64 read as numbers (Terraform prints them to 16 digits,
// 2^63 as 9223372036854776000, whichever way they are written; TestFastReadNumbersAsTheFramework
// compares the two paths' bytes).
func TestRead_numbers(t *testing.T) {
	fastRetries(t)
	backups := vbssim.Generate(3, 9, vbssim.DefaultProjectID)
	backups[0].Override = map[string]json.RawMessage{"size": json.RawMessage(`123456789012345678.5`)}
	backups[1].Override = map[string]json.RawMessage{"object_count": json.RawMessage(`9223372036854775808`)}
	backups[2].ServiceMetadata = ptr(`{"BT": 9223372036854775808, "SS": 1e300, "CS": -18446744073709551616, "AT": 0.5}`)
	sim := vbssim.NewTest(t, vbssim.Config{Backups: backups})
	exact := map[string]float64{"storage_type": 1 << 63, "space_saving_rate": 1e300, "chain_size_mb": -(1 << 64), "average_rate_mbps": 0.5}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: relConfig(sim, fullBackups, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{checkBackups("data.vbs_backups.all", func(state []map[string]any) error {
				byID := map[string]map[string]any{}
				for _, b := range state {
					byID[b["id"].(string)] = b //nolint:forcetypeassert // every backup has an id
				}
				if v := byID[backups[0].ID]["size"]; v != nil {
					return fmt.Errorf("size %v, want null: 123456789012345678.5 is no integer", v)
				}
				if v := byID[backups[1].ID]["object_count"]; v != nil {
					return fmt.Errorf("object_count %v, want null: 2^63 is beyond int64", v)
				}
				sm, _ := byID[backups[2].ID]["service_metadata"].(map[string]any)
				for attr, want := range exact {
					if got, err := strconv.ParseFloat(numberText(sm[attr]), 64); err != nil || math.Abs(got-want) > 1e-15*math.Abs(want) {
						return fmt.Errorf("service_metadata.%s = %s, want %g", attr, numberText(sm[attr]), want)
					}
				}
				return nil
			})},
		}},
	})
}

// numberText is a number of the state as exact decimal text.
func numberText(v any) string {
	switch n := v.(type) {
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprintf("<%T %v>", v, v)
}

// The backups of the API document's example page, in the order it prints them: created 08:48:03,
// 08:56:58 and 08:46:31, sorted by nothing.
const (
	example0848 = "1d1139d8-8989-49d3-8aa1-83eb691e6db2"
	example0856 = "80e17946-6e56-46e0-9547-e9ba4f1619bd"
	example0846 = "b3cf7a16-decc-4beb-8077-682737d94a58"
)

const unsortedSummary = "The server did not sort the backups"

// scripted is a listing behaviour for every listing request: Order and IgnoreFilters.
func scripted(f vbssim.Fault) vbssim.Fault {
	f.Path, f.Times = "/backups/detail", -1
	return f
}

// planScripted runs one plan of config against sim, which behaves as fault says from the first
// request on, after forgetting sim's earlier requests and faults.
func planScripted(t *testing.T, sim *vbssim.Server, fault vbssim.Fault, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	sim.Reset()
	sim.Inject(scripted(fault))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// readWarnings reads data source typeName with args over the plugin protocol from sim, which
// behaves as fault says, and returns its diagnostics; an error among them fails the test.
func readWarnings(t *testing.T, sim *vbssim.Server, version string, fault vbssim.Fault, typeName string, args map[string]tftypes.Value) string {
	t.Helper()
	sim.Reset()
	sim.Inject(scripted(fault))
	resp := protocolRead(t, testAccProtoV6ProviderFactories["vbs"], map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint(version, vbssim.DefaultProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}, typeName, args)
	got := diagsString(resp.Diagnostics)
	if strings.Contains(got, "ERROR") {
		t.Fatalf("%s: %s", typeName, got)
	}
	return got
}

func stringArg(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func boolArg(b bool) tftypes.Value     { return tftypes.NewValue(tftypes.Bool, b) }

func idIs(address, id string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(id))
}

// TestRead_apiExamplePageUnsorted: a server that serves the API document's example page exactly as
// printed, whatever order is asked, is not sorted; a window or most_recent still selects exactly
// what its filters say, and the read warns once, naming the first backup out of order.
func TestRead_apiExamplePageUnsorted(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Example()})
	asPrinted := vbssim.Fault{Order: []string{example0848, example0856, example0846}}
	provider := simProvider(sim, "v2")
	const after, before = "2013-06-27T08:50:00Z", "2013-06-27T08:47:00Z"

	t.Run("vbs_backups created_after", func(t *testing.T) {
		planScripted(t, sim, asPrinted, provider+`data "vbs_backups" "x" { created_after = "`+after+`" }`,
			checkIDs("data.vbs_backups.x", sameIDs([]string{example0856})))
	})
	t.Run("vbs_backup_ids created_after", func(t *testing.T) {
		planScripted(t, sim, asPrinted, provider+`data "vbs_backup_ids" "x" { created_after = "`+after+`" }`,
			checkIDs("data.vbs_backup_ids.x", sameIDs([]string{example0856})))
	})
	t.Run("vbs_backup created_after", func(t *testing.T) {
		planScripted(t, sim, asPrinted, provider+`data "vbs_backup" "x" { created_after = "`+after+`" }`,
			idIs("data.vbs_backup.x", example0856))
	})
	t.Run("vbs_backups created_before ascending", func(t *testing.T) {
		planScripted(t, sim, asPrinted, provider+`
data "vbs_backups" "x" {
  created_before = "`+before+`"
  sort_dir       = "asc"
}`, checkIDs("data.vbs_backups.x", sameIDs([]string{example0846})))
	})
	t.Run("most_recent", func(t *testing.T) {
		// 08:48:03 first, then an older one: a walk that trusts the order stops and takes the first.
		shuffled := vbssim.Fault{Order: []string{example0848, example0846, example0856}}
		planScripted(t, sim, shuffled, provider+`data "vbs_backup" "x" { most_recent = true }`, idIs("data.vbs_backup.x", example0856))
	})

	t.Run("warnings", func(t *testing.T) {
		cases := []struct {
			typeName string
			fault    vbssim.Fault
			args     map[string]tftypes.Value
			first    string // the first backup out of order
		}{
			{"vbs_backups", asPrinted, map[string]tftypes.Value{"created_after": stringArg(after)}, example0856},
			{"vbs_backup_ids", asPrinted, map[string]tftypes.Value{"created_after": stringArg(after)}, example0856},
			{"vbs_backup", asPrinted, map[string]tftypes.Value{"created_after": stringArg(after)}, example0856},
			{"vbs_backups", asPrinted, map[string]tftypes.Value{"created_before": stringArg(before), "sort_dir": stringArg("asc")}, example0846},
			{"vbs_backup", vbssim.Fault{Order: []string{example0848, example0846, example0856}},
				map[string]tftypes.Value{"most_recent": boolArg(true)}, example0856},
		}
		for _, c := range cases {
			got := readWarnings(t, sim, "v2", c.fault, c.typeName, c.args)
			if strings.Count(got, "WARNING: "+unsortedSummary) != 1 || !strings.Contains(got, "backup "+c.first+" (created") {
				t.Errorf("%s %v: want one warning naming %s first: %s", c.typeName, c.args, c.first, got)
			}
		}
	})
}

// TestRead_mostRecentShuffled: most_recent on a server that lists its backups shuffled,
// in pages of 10, finds the newest backup and warns; it reads every page to do so.
func TestRead_mostRecentShuffled(t *testing.T) {
	backups := selectionBackups(30)
	sim := newSim(t, vbssim.Config{Backups: backups, MaxLimit: 10})
	ordered := newestFirst(backups)
	order := idsOf(backups)
	rand.New(rand.NewPCG(17, 3)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	created := map[string]time.Time{}
	for _, b := range backups {
		created[b.ID] = createdAt(b)
	}
	// The data proves something only where the first listed is not the newest and the second is older.
	if order[0] == ordered[0].ID || !created[order[1]].Before(created[order[0]]) {
		t.Fatalf("the shuffle %v proves nothing", order[:2])
	}
	firstOutOfOrder := ""
	for i := 1; i < len(order) && firstOutOfOrder == ""; i++ {
		if created[order[i]].After(created[order[i-1]]) {
			firstOutOfOrder = order[i]
		}
	}
	shuffled := vbssim.Fault{Order: order}
	newestDB := idsWhere(t, ordered, func(b vbssim.Backup) bool { return b.Name != nil && strings.HasPrefix(*b.Name, "db-") })[0]

	planScripted(t, sim, shuffled, simProvider(sim, "v3")+`data "vbs_backup" "x" { most_recent = true }`,
		idIs("data.vbs_backup.x", ordered[0].ID))
	if qs := listQueries(sim); len(qs) != 4 {
		t.Errorf("%d requests, want 4: every page, and the empty one after", len(qs))
	}
	planScripted(t, sim, shuffled, simProvider(sim, "v3")+`
data "vbs_backup" "x" {
  name_regex  = "^db-"
  most_recent = true
}`, idIs("data.vbs_backup.x", newestDB))

	got := readWarnings(t, sim, "v3", shuffled, "vbs_backup", map[string]tftypes.Value{"most_recent": boolArg(true)})
	if strings.Count(got, "WARNING: "+unsortedSummary) != 1 || !strings.Contains(got, "backup "+firstOutOfOrder+" (created") {
		t.Errorf("want one warning naming %s: %s", firstOutOfOrder, got)
	}
}

// TestRead_disorderOnTheLastPage: on a server sorted but for one backup, listed on the page
// where the window ends and after its end, the walk sees the disorder before it stops: it reads
// every page, keeps that backup, and warns.
func TestRead_disorderOnTheLastPage(t *testing.T) {
	backups := selectionBackups(30)
	ordered := newestFirst(backups)
	liar := ordered[17].ID // listed 18th, on page 2, after the window's end (the 15th newest)
	for i := range backups {
		if backups[i].ID == liar {
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2030-01-01T00:00:00.000000"`)}
		}
	}
	sim := newSim(t, vbssim.Config{Backups: backups, MaxLimit: 10})
	bound := createdAt(ordered[14]).Format(time.RFC3339Nano)
	planOnce(t, sim, simProvider(sim, "v3")+`data "vbs_backup_ids" "x" { created_after = "`+bound+`" }`,
		checkIDs("data.vbs_backup_ids.x", sameIDs(append(idsOf(ordered[:14]), liar))))
	if qs := listQueries(sim); len(qs) != 4 {
		t.Errorf("%d requests, want 4: every page once the order broke", len(qs))
	}
	got := readWarnings(t, sim, "v3", vbssim.Fault{}, "vbs_backups", map[string]tftypes.Value{"created_after": stringArg(bound)})
	if strings.Count(got, "WARNING: "+unsortedSummary) != 1 || !strings.Contains(got, "backup "+liar+" (created") {
		t.Errorf("want one warning naming %s: %s", liar, got)
	}
}

// TestRead_pageOfOneProvesNothing: on a sorted server, a window ends the walk at the end of
// the page where it ends, but only where that page holds two backups or more.
func TestRead_pageOfOneProvesNothing(t *testing.T) {
	backups := selectionBackups(12)
	ordered := newestFirst(backups)
	sim := newSim(t, vbssim.Config{Backups: backups})
	bound := createdAt(ordered[4]).Format(time.RFC3339Nano) // the 4 newest match
	for _, c := range []struct{ pageSize, requests int }{{1, 13}, {2, 3}, {3, 2}, {1000, 1}} {
		planOnce(t, sim, simProvider(sim, "v3")+fmt.Sprintf(`
data "vbs_backup_ids" "x" {
  created_after = %q
  page_size     = %d
}`, bound, c.pageSize), checkIDs("data.vbs_backup_ids.x", sameIDs(idsOf(ordered[:4]))))
		if qs := listQueries(sim); len(qs) != c.requests {
			t.Errorf("page_size %d: %d requests, want %d", c.pageSize, len(qs), c.requests)
		}
	}
}

// ignoredFiltersBackups are the API document's example (three backups in status error, of volume
// 2748f2f2-…, created 08:46:31 to 08:56:58) and two available backups named "nightly": one of that
// volume, older than all, and one of another volume, created between them.
func ignoredFiltersBackups() []vbssim.Backup {
	backups := vbssim.Example()
	for _, b := range []struct{ id, volume, created string }{
		{"a0000000-0000-4000-8000-000000000001", "2748f2f2-4394-4e6e-af8d-8dd34496c024", "2013-06-27T08:40:00.000000"},
		{"a0000000-0000-4000-8000-000000000002", "0c5a1d4e-6b2f-4a8e-9c3d-7e1f2a3b4c5d", "2013-06-27T08:50:00.000000"},
	} {
		backups = append(backups, vbssim.Backup{ID: b.id, Name: ptr("nightly"), Status: "available", VolumeID: b.volume,
			Size: 1, CreatedAt: b.created, ProjectID: vbssim.ExampleProjectID})
	}
	return backups
}

// TestRead_ignoredFilters: on a server that ignores name, status and volume_id, every data
// source still returns only backups that have them, limit counts only those, and the read warns
// once, saying what the server returned.
func TestRead_ignoredFilters(t *testing.T) {
	const (
		oldAvailable   = "a0000000-0000-4000-8000-000000000001"
		otherVolume    = "a0000000-0000-4000-8000-000000000002"
		exampleVolume  = "2748f2f2-4394-4e6e-af8d-8dd34496c024"
		filterSummary  = "The server returned backups that its filters exclude"
		statusIgnored  = `3 backups whose status is not "available"`
		volumeIgnored  = `1 backup whose volume_id is not "` + exampleVolume + `"`
		nameIgnored    = `3 backups whose name is not "nightly"`
		firstError     = "backup " + example0856
		firstOtherDisk = "backup " + otherVolume
	)
	sim := newSim(t, vbssim.Config{Backups: ignoredFiltersBackups()})
	ignoring := vbssim.Fault{IgnoreFilters: []string{"name", "status", "volume_id"}}
	provider := simProvider(sim, "v2")

	t.Run("vbs_backup status most_recent", func(t *testing.T) {
		planScripted(t, sim, ignoring, provider+`
data "vbs_backup" "x" {
  status      = "available"
  most_recent = true
}`, idIs("data.vbs_backup.x", otherVolume),
			statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("status"), knownvalue.StringExact("available")))
	})
	t.Run("vbs_backup status and volume_id", func(t *testing.T) {
		planScripted(t, sim, ignoring, provider+`
data "vbs_backup" "x" {
  status    = "available"
  volume_id = "`+exampleVolume+`"
}`, idIs("data.vbs_backup.x", oldAvailable))
	})
	t.Run("vbs_backups volume_id", func(t *testing.T) {
		planScripted(t, sim, ignoring, provider+`data "vbs_backups" "x" { volume_id = "`+exampleVolume+`" }`,
			checkIDs("data.vbs_backups.x", sameIDs([]string{example0856, example0848, example0846, oldAvailable})))
	})
	t.Run("vbs_backup_ids name", func(t *testing.T) {
		planScripted(t, sim, ignoring, provider+`data "vbs_backup_ids" "x" { name = "nightly" }`,
			checkIDs("data.vbs_backup_ids.x", sameIDs([]string{otherVolume, oldAvailable})))
	})
	t.Run("vbs_backup_ids status limit", func(t *testing.T) {
		planScripted(t, sim, ignoring, provider+`
data "vbs_backup_ids" "x" {
  status = "available"
  limit  = 1
}`, checkIDs("data.vbs_backup_ids.x", sameIDs([]string{otherVolume})))
	})
	t.Run("an honest server costs no warning", func(t *testing.T) {
		for _, ds := range []string{"vbs_backups", "vbs_backup_ids"} {
			if got := readWarnings(t, sim, "v2", vbssim.Fault{}, ds, map[string]tftypes.Value{"status": stringArg("error")}); got != "" {
				t.Errorf("%s: %s", ds, got)
			}
		}
	})

	t.Run("warnings", func(t *testing.T) {
		cases := []struct {
			typeName string
			args     map[string]tftypes.Value
			want     []string
		}{
			{"vbs_backups", map[string]tftypes.Value{"status": stringArg("available")}, []string{statusIgnored, firstError}},
			{"vbs_backups", map[string]tftypes.Value{"status": stringArg("available"), "volume_id": stringArg(exampleVolume)},
				[]string{statusIgnored, firstError, volumeIgnored, firstOtherDisk}},
			{"vbs_backup_ids", map[string]tftypes.Value{"name": stringArg("nightly")}, []string{nameIgnored, firstError}},
			{"vbs_backup_ids", map[string]tftypes.Value{"status": stringArg("available"), "created_after": stringArg("2013-06-27T08:00:00Z")},
				[]string{statusIgnored, firstError}},
			{"vbs_backup", map[string]tftypes.Value{"status": stringArg("available"), "most_recent": boolArg(true)},
				[]string{statusIgnored, firstError}},
			{"vbs_backup", map[string]tftypes.Value{"status": stringArg("available"), "volume_id": stringArg(exampleVolume)},
				[]string{statusIgnored, firstError, volumeIgnored, firstOtherDisk}},
		}
		for _, c := range cases {
			got := readWarnings(t, sim, "v2", ignoring, c.typeName, c.args)
			if strings.Count(got, "WARNING: "+filterSummary) != 1 {
				t.Errorf("%s %v: want one warning %q: %s", c.typeName, c.args, filterSummary, got)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s %v: the warning does not say %q: %s", c.typeName, c.args, w, got)
				}
			}
		}
	})
}

// TestRead_ignoredFiltersWithLimitAcrossPages: with limit and no client-side filter, each
// request asks for what remains of limit; backups the server should have left out are not counted,
// so the walk asks again until limit backups that pass the filters are found (served newest first:
// error, available, error, error, available).
func TestRead_ignoredFiltersWithLimitAcrossPages(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: ignoredFiltersBackups()})
	planScripted(t, sim, vbssim.Fault{IgnoreFilters: []string{"status"}}, simProvider(sim, "v2")+`
data "vbs_backup_ids" "x" {
  status = "available"
  limit  = 2
}`, checkIDs("data.vbs_backup_ids.x", sameIDs([]string{"a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000001"})))
	for i, q := range listQueries(sim) {
		if q.Get("status") != "available" {
			t.Errorf("request %d: %v, want the status filter sent all the same", i+1, q)
		}
	}
}

// TestRead_unreadableWarningNamesAttributes: the one warning names the attributes left null, not the
// API's keys: vbs_backup's volume key is volume_key, that of vbs_backups volume_keys, and DL both
// of the attributes it sets.
func TestRead_unreadableWarningNamesAttributes(t *testing.T) {
	b := vbssim.Example()[0]
	b.Override = map[string]json.RawMessage{
		"service_metadata":                  json.RawMessage(`"{\"VK\": [1], \"DL\": 9, \"progress\": \"soon\"}"`),
		"os-backup-project-attr:project_id": json.RawMessage(`{}`),
	}
	sim := vbssim.NewTest(t, vbssim.Config{Backups: []vbssim.Backup{b}})
	providerArgs := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", b.ProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}
	first := "First: backup " + b.ID + ": tenant_id, "
	for _, tc := range []struct {
		dataSource, want string
	}{
		{"vbs_backup", "1 of 1 backups had values that could not be read; those attributes are null (service_metadata.compressed, " +
			"service_metadata.deduplicated, service_metadata.progress, tenant_id, volume_key). " + first +
			"volume_key, service_metadata.progress, service_metadata.deduplicated, service_metadata.compressed."},
		{"vbs_backups", "1 of 1 backups had values that could not be read; those attributes are null (service_metadata.compressed, " +
			"service_metadata.deduplicated, service_metadata.progress, tenant_id, volume_keys). " + first +
			"volume_keys, service_metadata.progress, service_metadata.deduplicated, service_metadata.compressed."},
	} {
		resp := protocolRead(t, testAccProtoV6ProviderFactories["vbs"], providerArgs, tc.dataSource, nil)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
			resp.Diagnostics[0].Detail != tc.want {
			t.Errorf("%s: %s\nwant the one warning %q", tc.dataSource, diagsString(resp.Diagnostics), tc.want)
		}
	}
}
