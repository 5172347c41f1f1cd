package vbssim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// TestScope_regionsServeTheirOwnBackups: a backup of a region is listed and read under that region's
// catalog prefix only, one of no region under every prefix, and a path without a prefix is the
// first region's.
func TestScope_regionsServeTheirOwnBackups(t *testing.T) {
	backups := Generate(4, 11, DefaultProjectID)
	backups[0].Region, backups[1].Region = DefaultRegion, SecondRegion
	s := NewTest(t, Config{Backups: backups})
	for _, c := range []struct {
		base string
		want []string
	}{
		{s.CatalogEndpoint(DefaultRegion, "public", "v3", DefaultProjectID), []string{backups[0].ID, backups[2].ID, backups[3].ID}},
		{s.CatalogEndpoint(SecondRegion, "internal", "v3", DefaultProjectID), []string{backups[1].ID, backups[2].ID, backups[3].ID}},
		{s.Endpoint("v3", ""), []string{backups[0].ID, backups[2].ID, backups[3].ID}},
	} {
		got := decodePage(t, get(t, c.base+"/backups/detail")).ids()
		if slices.Sort(got); !slices.Equal(got, sortedCopy(c.want)) {
			t.Errorf("%s: %v, want %v", c.base, got, c.want)
		}
	}
	if r := get(t, s.CatalogEndpoint(DefaultRegion, "public", "v3", DefaultProjectID)+"/backups/"+backups[1].ID); r.status != http.StatusNotFound {
		t.Errorf("a backup of RegionTwo read in RegionOne: HTTP %d", r.status)
	}
	if r := get(t, s.CatalogEndpoint(SecondRegion, "public", "v3", DefaultProjectID)+"/backups/"+backups[1].ID); r.status != http.StatusOK {
		t.Errorf("a backup of RegionTwo read in RegionTwo: HTTP %d", r.status)
	}
}

func sortedCopy(s []string) []string { return slices.Sorted(slices.Values(s)) }

// TestScope_withCount: from 3.45, with_count adds to every page how many backups the filters select,
// whatever the page's limit, offset or marker; without it, or before 3.45, no count.
func TestScope_withCount(t *testing.T) {
	backups := append(Generate(7, 12, DefaultProjectID), Generate(3, 13, OtherProjectID)...)
	for i := range 3 {
		backups[i].Status = "error"
	}
	s := NewTest(t, Config{Backups: backups, Admin: true})
	mv := []string{"OpenStack-API-Version", "volume 3.45"}
	count := func(query string, header ...string) *int {
		t.Helper()
		r := get(t, s.Endpoint("v3", "")+"/backups/detail?"+query, header...)
		var body struct {
			Count *int `json:"count"`
		}
		if err := json.Unmarshal(r.body, &body); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", query, r.status, r.body)
		}
		return body.Count
	}
	for query, want := range map[string]int{
		"with_count=true":                                            7,
		"with_count=true&limit=2":                                    7,
		"with_count=true&limit=2&offset=3":                           7,
		"with_count=true&status=error":                               3,
		"with_count=true&all_tenants=1":                              10,
		"with_count=true&all_tenants=1&project_id=" + OtherProjectID: 3,
		"with_count=true&limit=1&marker=" + backups[4].ID:            7,
	} {
		if got := count(query, mv...); got == nil || *got != want {
			t.Errorf("%s: count %v, want %d", query, got, want)
		}
	}
	if got := count("", mv...); got != nil {
		t.Errorf("without with_count: count %d", *got)
	}
	if got := count("with_count=false", mv...); got != nil {
		t.Errorf("with_count=false: count %d", *got)
	}
	if p := list(t, s, "v3", "with_count=true", "OpenStack-API-Version", "volume 3.44"); len(p.Backups) != 0 {
		t.Errorf("before 3.45 with_count is a filter Cinder does not know, which matches nothing: %d backups", len(p.Backups))
	}
}

// TestScope_akskSignsForAnyProjectOfTheAccount: the keys sign for every project of the account, and
// for no other.
func TestScope_akskSignsForAnyProjectOfTheAccount(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	s := NewTest(t, Config{Backups: Generate(2, 14, OtherProjectID), Now: func() time.Time { return now }})
	for project, status := range map[string]int{OtherProjectID: http.StatusOK, DefaultProjectID: http.StatusOK, "0000feed": http.StatusUnauthorized} {
		signer := aksk.Signer{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey, ProjectID: project, Now: func() time.Time { return now }}
		r := do(t, &http.Client{Transport: signer.Transport(nil)}, http.MethodGet, s.Endpoint("v2", project)+"/backups/detail", nil)
		if r.status != status {
			t.Errorf("project %s: HTTP %d %s, want %d", project, r.status, r.body, status)
		}
	}
}

// TestScope_adminAllTenants: an administrator's all_tenants lists every project's backups, and project_id
// beside it one project's; anyone else's is refused with Cinder's 403, or, under StockPolicy,
// dropped without a word, as is each backup's project.
func TestScope_adminAllTenants(t *testing.T) {
	backups := append(Generate(3, 1, DefaultProjectID), Generate(2, 2, OtherProjectID)...)
	admin := NewTest(t, Config{Backups: backups, Admin: true})
	if ids, _ := walk(t, admin, "v3", "all_tenants=1"); len(ids) != 5 {
		t.Errorf("all tenants: %d backups, want 5", len(ids))
	}
	if ids, _ := walk(t, admin, "v3", "all_tenants=true&project_id="+OtherProjectID+"&limit=1"); len(ids) != 2 {
		t.Errorf("another project: %d backups, want 2", len(ids))
	}
	if ids, _ := walk(t, admin, "v3", ""); len(ids) != 3 {
		t.Errorf("own project: %d backups, want 3", len(ids))
	}
	user := NewTest(t, Config{Backups: backups})
	if r := get(t, user.Endpoint("v3", "")+"/backups/detail?all_tenants=1"); r.status != http.StatusForbidden {
		t.Errorf("non-admin all_tenants: HTTP %d, want 403", r.status)
	}
	// The administrator's token, Keystone's or static, is one.
	if r := get(t, user.Endpoint("v3", "")+"/backups/detail?all_tenants=1", "X-Auth-Token", DefaultAdminToken); r.status != http.StatusOK ||
		len(decodePage(t, r).ids()) != 5 {
		t.Errorf("admin token: HTTP %d %s", r.status, r.body)
	}
	stock := NewTest(t, Config{Backups: backups, StockPolicy: true})
	mv := []string{"OpenStack-API-Version", "volume 3.64"}
	p := decodePage(t, get(t, stock.Endpoint("v3", "")+"/backups/detail?all_tenants=1&project_id="+OtherProjectID, "OpenStack-API-Version", "volume 3.32"))
	if len(p.ids()) != 3 {
		t.Errorf("stock policy: %d backups, want the caller's own 3", len(p.ids()))
	}
	for _, b := range p.Backups {
		if _, shown := b[keyProjectV3]; shown || b["user_id"] != nil {
			t.Errorf("stock policy shows a member the backup's project or user: %v", b)
		}
	}
	if r := get(t, stock.Endpoint("v3", "")+"/backups/detail?all_tenants=1&project_id="+OtherProjectID, "OpenStack-API-Version", "volume 3.33"); r.status != http.StatusBadRequest ||
		!strings.Contains(string(r.body), "Invalid filters project_id") {
		t.Errorf("stock policy from 3.33, project_id of a member: HTTP %d %s", r.status, r.body)
	}
	if p := list(t, stock, "v3", "all_tenants=1", "OpenStack-API-Version", "volume 3.33"); len(p.ids()) != 3 {
		t.Errorf("stock policy from 3.33, all_tenants alone: %d backups, want the caller's own 3", len(p.ids()))
	}
	adminPage := decodePage(t, get(t, stock.Endpoint("v3", "")+"/backups/detail", append(mv, "X-Auth-Token", DefaultAdminToken)...))
	if _, shown := adminPage.Backups[0][keyProjectV3]; !shown {
		t.Error("stock policy hides the project from an administrator")
	}
}
