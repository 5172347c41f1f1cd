package provider

// End-to-end reliability tests: each fault the simulator can script, read through Terraform, with the
// state compared against the simulator's own backups. The tests give the providers a fast retry
// backoff (useOption) and so must not call t.Parallel.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

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

// TestReliabilityTransientFaults: a transient fault on the middle page is retried, and the read
// gets every backup exactly once.
func TestReliabilityTransientFaults(t *testing.T) {
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

// TestReliabilityFailures: faults that are not transient, or outlast the retries or the read
// timeout, fail the read with a message that says what happened and where.
func TestReliabilityFailures(t *testing.T) {
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

// TestReliabilityRepeatedNextLink: a server whose next link repeats the page forever fails the read
// after that page, instead of looping.
func TestReliabilityRepeatedNextLink(t *testing.T) {
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

// TestReliabilityHostileNextLinks: next links the provider must not follow as written, and pages
// that overlap, still give every backup exactly once.
func TestReliabilityHostileNextLinks(t *testing.T) {
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

// TestReliabilityDataChangesMidWalk: backups inserted and deleted between pages. Sorted by id, the
// walk sees exactly the backups of the pages read before the change, then those after the marker
// as they are now: no backup twice, none of the unchanged ones missed. More backups go before the
// marker than come in, so a walk that counted offsets instead of following the marker would skip
// some.
func TestReliabilityDataChangesMidWalk(t *testing.T) {
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

// unparseable lists the values that TestReliabilityTolerantParsing breaks, by backup index.
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

// TestReliabilityTolerantParsing: values that cannot be read become null, the rest of each backup
// is filled, and the read succeeds with one warning naming how many backups were affected.
func TestReliabilityTolerantParsing(t *testing.T) {
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
