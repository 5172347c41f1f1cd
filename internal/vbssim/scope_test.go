package vbssim

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// TestRegionsServeTheirOwnBackups: a backup of a region is listed and read under that region's
// catalog prefix only, one of no region under every prefix, and a path without a prefix is the
// first region's.
func TestRegionsServeTheirOwnBackups(t *testing.T) {
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

// TestWithCount: from 3.45, with_count adds to every page how many backups the filters select,
// whatever the page's limit, offset or marker; without it, or before 3.45, no count.
func TestWithCount(t *testing.T) {
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

// TestAKSKSignsForAnyProjectOfTheAccount: the keys sign for every project of the account, and
// for no other.
func TestAKSKSignsForAnyProjectOfTheAccount(t *testing.T) {
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
