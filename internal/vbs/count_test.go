package vbs_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// TestTotalCount_fromTheServer: from 3.45 the first request asks with_count=true and the page's
// count is the listing's size, whatever limit keeps; no later request asks again.
func TestTotalCount_fromTheServer(t *testing.T) {
	sim, _, _ := projectsSim(t, vbssim.Config{})
	c := v3Client(t, sim, vbssim.DefaultToken, vbssim.DefaultMicroversion)
	ctx := context.Background()
	res, err := c.ListBackups(ctx, vbs.ListOpts{Count: true, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Backups) != 3 || res.TotalCount == nil || *res.TotalCount != 5 {
		t.Fatalf("%d backups of %v, want 3 of 5", len(res.Backups), res.TotalCount)
	}
	qs := queries(t, sim)
	for i, q := range qs {
		if q.Has("with_count") != (i == 0) {
			t.Errorf("request %d: %v", i+1, q)
		}
	}
	if qs[0].Get("with_count") != "true" || len(qs) != 2 {
		t.Errorf("%d requests, the first %v", len(qs), qs[0])
	}
	// The count is the API's filters': the client's leave it as it is.
	ids, err := c.SelectBackupIDs(ctx, vbs.ListOpts{Count: true, Limit: 1, Filter: vbs.Filter{SnapshotID: "none-has-it"}})
	if err != nil || ids.TotalCount == nil || *ids.TotalCount != 5 || len(ids.IDs) != 0 {
		t.Errorf("with a client-side filter: %+v, %v", ids, err)
	}
	// Without Count, nothing is asked.
	sim.Reset()
	if _, err := c.ListBackupIDs(ctx, vbs.ListOpts{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries(t, sim) {
		if q.Has("with_count") {
			t.Errorf("with_count asked unasked: %v", q)
		}
	}
}

// TestTotalCount_withoutServerCount: before 3.45 with_count is never sent (Cinder would read it as
// a filter and list nothing); the count is the backups seen where every page was read from the
// first, and nil where a limit, an offset or an early stop left some unseen.
func TestTotalCount_withoutServerCount(t *testing.T) {
	sim, own, _ := projectsSim(t, vbssim.Config{})
	c := v3Client(t, sim, vbssim.DefaultToken, "3.44")
	ctx := context.Background()
	after := time.Now().AddDate(-50, 0, 0)
	cases := []struct {
		name string
		opts vbs.ListOpts
		want string
	}{
		{"every page", vbs.ListOpts{Count: true}, fmt.Sprint(len(own))},
		{"a limit it never reached", vbs.ListOpts{Count: true, Limit: 10}, fmt.Sprint(len(own))},
		{"a limit that stopped the walk", vbs.ListOpts{Count: true, Limit: 3}, "nil"},
		{"a limit reached at the last backup", vbs.ListOpts{Count: true, Limit: int64(len(own))}, "nil"},
		{"an offset", vbs.ListOpts{Count: true, Offset: 1}, "nil"},
		{"a client-side filter", vbs.ListOpts{Count: true, Filter: vbs.Filter{CreatedAfter: &after}}, fmt.Sprint(len(own))},
	}
	for _, tc := range cases {
		sim.Reset()
		res, err := c.ListBackups(ctx, tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := deref(res.TotalCount); got != tc.want {
			t.Errorf("%s: total count %s, want %s", tc.name, got, tc.want)
		}
		for _, q := range queries(t, sim) {
			if q.Has("with_count") {
				t.Errorf("%s: with_count sent at 3.44: %v", tc.name, q)
			}
		}
	}
}

// TestTotalCount_earlyStop: a walk that stops at the end of a page proving that no later backup can
// match (created_after, newest first) has not seen them all: nil.
func TestTotalCount_earlyStop(t *testing.T) {
	sim, all := simulator(t, 9, vbssim.Config{MaxLimit: 3})
	c := vbs.NewClient(vbs.NewTestServiceClient(t, sim.Endpoint("v3", vbssim.DefaultProjectID)+"/", vbssim.DefaultToken), vbs.API{Version: "v3"})
	b, _ := sim.Backup(all[2])
	after, _ := time.Parse("2006-01-02T15:04:05.000000", b.CreatedAt)
	res, err := c.ListBackups(context.Background(), vbs.ListOpts{Count: true, Filter: vbs.Filter{CreatedAfter: &after}})
	if err != nil || len(res.Backups) != 2 || res.Pages != 1 {
		t.Fatalf("%d backups in %d pages, %v", len(res.Backups), res.Pages, err)
	}
	if res.TotalCount != nil {
		t.Errorf("total count %d after an early stop", *res.TotalCount)
	}
}

// TestTotalCount_untrusted: a count that is not a whole number, or that is smaller than what the
// walk saw, is no count (stubs: the simulator counts right).
func TestTotalCount_untrusted(t *testing.T) {
	page := `{"backups": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "count": %s}`
	for count, want := range map[string]string{
		`7`: "7", `3`: "3", `2`: "3", `-1`: "3", `"7"`: "3", `7.5`: "3", `null`: "3", `1e400`: "3", `{}`: "3",
	} {
		c := stubAPI(t, vbs.API{Version: "v3", Microversion: "3.64"}, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("with_count") != "true" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
			writeJSON(w, http.StatusOK, fmt.Sprintf(page, count))
		})
		res, err := c.SelectBackupIDs(context.Background(), vbs.ListOpts{Count: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := deref(res.TotalCount); got != want {
			t.Errorf("count %s: total count %s, want %s", count, got, want)
		}
	}
	// The count of a walk that stops early cannot be checked against it, and is the server's.
	c := stubAPI(t, vbs.API{Version: "v3", Microversion: "3.64"}, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, strings.Replace(fmt.Sprintf(page, "4120"), `"count"`, `"backups_links": [{"rel": "next", "href": "x?marker=c"}], "count"`, 1))
	})
	res, err := c.SelectBackupIDs(context.Background(), vbs.ListOpts{Count: true, Limit: 2})
	if err != nil || deref(res.TotalCount) != "4120" {
		t.Errorf("limit 2 of 4120: %v, %v", deref(res.TotalCount), err)
	}
}

// deref shows a count, "nil" for none.
func deref(n *int64) string {
	if n == nil {
		return "nil"
	}
	return fmt.Sprint(*n)
}
