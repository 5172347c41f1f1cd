package vbs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// projectsSim serves 5 backups of the default project and 4 of the other, in pages of 2.
func projectsSim(t *testing.T, cfg vbssim.Config) (*vbssim.Server, []vbssim.Backup, []vbssim.Backup) {
	t.Helper()
	own, other := vbssim.Generate(5, 21, vbssim.DefaultProjectID), vbssim.Generate(4, 22, vbssim.OtherProjectID)
	cfg.Backups, cfg.MaxLimit = append(slices.Clone(own), other...), 2
	return vbssim.NewTest(t, cfg), own, other
}

// v3Client is a client of the simulator's v3 endpoint of the default project that sends token
// and microversion mv, as the connection negotiated it.
func v3Client(t *testing.T, sim *vbssim.Server, token, mv string) *vbs.Client {
	t.Helper()
	sc := vbs.NewTestServiceClient(t, sim.Endpoint("v3", vbssim.DefaultProjectID)+"/", token)
	sc.Type, sc.Microversion = "volumev3", mv
	return vbs.NewClient(sc, vbs.API{Version: "v3", Microversion: mv})
}

// stubAPI starts h on 127.0.0.1 and returns a client of its /v3/p/, which api describes.
func stubAPI(t *testing.T, api vbs.API, h http.HandlerFunc) *vbs.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sc := vbs.NewTestServiceClient(t, srv.URL+"/v3/p/", "test-token")
	sc.Microversion = api.Microversion
	return vbs.NewClient(sc, api)
}

func idsOf(backups []vbssim.Backup) []string {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i] = b.ID
	}
	return slices.Sorted(slices.Values(ids))
}

// TestProjects_allProjects: an administrator's listing of every project sends all_tenants=1 on every page
// (the next links' parameters are not followed), and project_id beside it for TenantID.
func TestProjects_allProjects(t *testing.T) {
	sim, own, other := projectsSim(t, vbssim.Config{})
	c := v3Client(t, sim, vbssim.DefaultAdminToken, vbssim.DefaultMicroversion)
	ctx := context.Background()
	ids, err := c.ListBackupIDs(ctx, vbs.ListOpts{AllProjects: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(ids)); !slices.Equal(got, idsOf(append(slices.Clone(own), other...))) {
		t.Errorf("every project: %v", got)
	}
	for i, q := range queries(t, sim) {
		if q.Get("all_tenants") != "1" || q.Has("project_id") {
			t.Errorf("request %d: %v", i+1, q)
		}
	}
	// Next links that would narrow or widen the listing steer nothing: the configuration says what is listed.
	sim.Reset()
	sim.Inject(vbssim.Fault{Path: "/backups/detail", Times: -1, NextLinkParams: "all_tenants=0&project_id=" + vbssim.DefaultProjectID})
	res, err := c.ListBackups(ctx, vbs.ListOpts{AllProjects: true, TenantID: vbssim.OtherProjectID})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(backupIDs(res.Backups))); !slices.Equal(got, idsOf(other)) || res.Strays.Count != 0 {
		t.Errorf("the other project: %v, strays %+v", got, res.Strays)
	}
	qs := queries(t, sim)
	for i, q := range qs {
		if q.Get("all_tenants") != "1" || q.Get("project_id") != vbssim.OtherProjectID {
			t.Errorf("request %d: %v", i+1, q)
		}
	}
	if len(qs) < 2 {
		t.Errorf("%d requests: the test needs more than one page", len(qs))
	}
}

// TestProjects_tenantIDWithoutAllProjects: without AllProjects nothing is sent, and TenantID keeps the
// backups of the listing that name that project: all of the endpoint's own, none of another.
func TestProjects_tenantIDWithoutAllProjects(t *testing.T) {
	sim, own, _ := projectsSim(t, vbssim.Config{})
	c := v3Client(t, sim, vbssim.DefaultToken, vbssim.DefaultMicroversion)
	ctx := context.Background()
	ids, err := c.ListBackupIDs(ctx, vbs.ListOpts{TenantID: vbssim.DefaultProjectID, Limit: 3})
	if err != nil || len(ids) != 3 {
		t.Fatalf("own project: %v, %v", ids, err)
	}
	res, err := c.SelectBackupIDs(ctx, vbs.ListOpts{TenantID: vbssim.OtherProjectID})
	if err != nil || len(res.IDs) != 0 || res.Strays.Count != 0 {
		t.Fatalf("another project: %+v, %v", res, err)
	}
	if res.TotalCount == nil || *res.TotalCount != int64(len(own)) {
		t.Errorf("the listing's size is the API's, before TenantID: %v", res.TotalCount)
	}
	for i, q := range queries(t, sim) {
		if q.Has("all_tenants") || q.Has("project_id") {
			t.Errorf("request %d: %v", i+1, q)
		}
		// TenantID is the client's filter here: the walk asks for whole pages, as for any.
		if i > 0 && q.Get("limit") != fmt.Sprint(vbs.MaxPageSize) {
			t.Errorf("request %d asked for %s backups", i+1, q.Get("limit"))
		}
	}
}

// TestProjects_tenantIDStrays: a server that ignores project_id returns other projects' backups, which are
// never selected and counted for the warning (a stub: the simulator honours project_id).
func TestProjects_tenantIDStrays(t *testing.T) {
	c := stubAPI(t, vbs.API{Version: "v3", Microversion: "3.64"}, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"backups": [
			{"id": "a", "os-backup-project-attr:project_id": "p1"},
			{"id": "b", "os-backup-project-attr:project_id": "p2"},
			{"id": "c", "os-backup-project-attr:project_id": "p2"},
			{"id": "d", "os-backup-project-attr:project_id": "p1"}]}`)
	})
	for _, find := range []bool{false, true} {
		var ids []string
		var strays vbs.ProjectStrays
		opts := vbs.ListOpts{AllProjects: true, TenantID: "p1"}
		if find {
			res, err := c.FindBackup(context.Background(), opts, true)
			if err != nil {
				t.Fatal(err)
			}
			ids, strays = []string{res.Backup.ID}, res.Strays
		} else {
			res, err := c.ListBackups(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			ids, strays = backupIDs(res.Backups), res.Strays
			if res.TotalCount == nil || *res.TotalCount != 2 {
				t.Errorf("total count %v, want the 2 backups the query selected", res.TotalCount)
			}
		}
		if slices.Contains(ids, "b") || slices.Contains(ids, "c") || strays != (vbs.ProjectStrays{Count: 2, FirstID: "b"}) {
			t.Errorf("find %v: ids %v, strays %+v", find, ids, strays)
		}
	}
}

// TestProjects_allProjectsRefused: a 403 stays the server's APIError, with its status and message.
func TestProjects_allProjectsRefused(t *testing.T) {
	sim, _, _ := projectsSim(t, vbssim.Config{})
	_, err := v3Client(t, sim, vbssim.DefaultToken, vbssim.DefaultMicroversion).ListBackupIDs(context.Background(), vbs.ListOpts{AllProjects: true})
	var apiErr *vbs.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || !strings.Contains(apiErr.Message, "Policy doesn't allow") {
		t.Fatalf("got %v", err)
	}
}

// TestProjects_allProjectsIgnored: Cinder's default policy drops a member's all_tenants and hides each
// backup's project: from 3.18, where an administrator sees it, that is ErrNotAdmin after one page,
// whichever way the backups are read; before 3.18 nothing tells, and the listing stands. From
// 3.33 a member's project_id is a 400.
func TestProjects_allProjectsIgnored(t *testing.T) {
	sim, own, _ := projectsSim(t, vbssim.Config{StockPolicy: true})
	ctx := context.Background()
	c := v3Client(t, sim, vbssim.DefaultToken, vbssim.DefaultMicroversion)
	before333 := v3Client(t, sim, vbssim.DefaultToken, "3.32") // where Cinder drops project_id too
	calls := map[string]func() error{
		"ListBackups":   func() error { _, err := c.ListBackups(ctx, vbs.ListOpts{AllProjects: true}); return err },
		"ListBackupIDs": func() error { _, err := c.ListBackupIDs(ctx, vbs.ListOpts{AllProjects: true}); return err },
		"FindBackup":    func() error { _, err := c.FindBackup(ctx, vbs.ListOpts{AllProjects: true}, true); return err },
		"with a TenantID before 3.33": func() error {
			_, err := before333.ListBackupIDs(ctx, vbs.ListOpts{AllProjects: true, TenantID: "x"})
			return err
		},
	}
	for name, call := range calls {
		sim.Reset()
		err := call()
		if !errors.Is(err, vbs.ErrNotAdmin) || !strings.Contains(err.Error(), "os-backup-project-attr:project_id") {
			t.Errorf("%s: %v", name, err)
		}
		if n := len(queries(t, sim)); n != 1 {
			t.Errorf("%s: %d requests, want 1", name, n)
		}
	}
	// From 3.33 Cinder refuses project_id, an administrator's filter, with a 400: the server's own error.
	sim.Reset()
	_, err := c.ListBackupIDs(ctx, vbs.ListOpts{AllProjects: true, TenantID: "x"})
	var apiErr *vbs.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "project_id") {
		t.Errorf("with a TenantID from 3.33: %v", err)
	}
	old := v3Client(t, sim, vbssim.DefaultToken, "3.17")
	if ids, err := old.ListBackupIDs(ctx, vbs.ListOpts{AllProjects: true}); err != nil || len(ids) != len(own) {
		t.Errorf("before 3.18: %v, %v", ids, err)
	}
}

// TestProjects_allProjectsIgnoredEmpty: where Cinder's default policy answers a member's listing
// of every project with nothing (a name that only another project has), the answer alone cannot
// tell; one more request of one unfiltered backup does, for every read, and costs nothing where the
// answer was not empty or came from an administrator.
func TestProjects_allProjectsIgnoredEmpty(t *testing.T) {
	sim, _, other := projectsSim(t, vbssim.Config{StockPolicy: true})
	ctx := context.Background()
	name := *other[0].Name
	opts := vbs.ListOpts{AllProjects: true, Name: name}
	for _, tc := range []struct {
		token        string
		wantNotAdmin bool
		wantRequests int
	}{
		{vbssim.DefaultToken, true, 2},
		{vbssim.DefaultAdminToken, false, 1},
	} {
		c := v3Client(t, sim, tc.token, vbssim.DefaultMicroversion)
		calls := map[string]func() error{
			"EachPage": func() error {
				_, err := c.EachPage(ctx, opts, func([]vbs.Backup) error { return nil })
				return err
			},
			"SelectBackupIDs": func() error { _, err := c.SelectBackupIDs(ctx, opts); return err },
			"FindBackup":      func() error { _, err := c.FindBackup(ctx, opts, true); return err },
		}
		for call, run := range calls {
			sim.Reset()
			err := run()
			if got := errors.Is(err, vbs.ErrNotAdmin); got != tc.wantNotAdmin || !got && err != nil {
				t.Errorf("%s as %s: %v, want ErrNotAdmin %v", call, tc.token, err, tc.wantNotAdmin)
			}
			if n := len(queries(t, sim)); n != tc.wantRequests {
				t.Errorf("%s as %s: %d requests, want %d", call, tc.token, n, tc.wantRequests)
			}
		}
	}
}

// TestProjects_tenantIDNeedsTheProject: TenantID where the server never says a backup's project is refused
// before any request (v3 before 3.18), and where a backup comes without it, an error naming it.
func TestProjects_tenantIDNeedsTheProject(t *testing.T) {
	sim, _, _ := projectsSim(t, vbssim.Config{StockPolicy: true})
	ctx := context.Background()
	_, err := v3Client(t, sim, vbssim.DefaultToken, "3.17").ListBackupIDs(ctx, vbs.ListOpts{TenantID: vbssim.DefaultProjectID})
	if !errors.Is(err, vbs.ErrProjectUnknown) || !strings.Contains(err.Error(), "3.18") || len(sim.Requests()) != 0 {
		t.Errorf("3.17: %v, %d requests", err, len(sim.Requests()))
	}
	_, err = v3Client(t, sim, vbssim.DefaultToken, vbssim.DefaultMicroversion).ListBackupIDs(ctx, vbs.ListOpts{TenantID: vbssim.DefaultProjectID})
	if !errors.Is(err, vbs.ErrProjectUnknown) || !strings.Contains(err.Error(), "came without its project") {
		t.Errorf("a member under the stock policy: %v", err)
	}
	// The administrator sees each backup's project.
	ids, err := v3Client(t, sim, vbssim.DefaultAdminToken, vbssim.DefaultMicroversion).ListBackupIDs(ctx, vbs.ListOpts{TenantID: vbssim.DefaultProjectID})
	if err != nil || len(ids) != 5 {
		t.Errorf("an administrator: %v, %v", ids, err)
	}
}
