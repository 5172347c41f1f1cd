package provider

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// TestFilters_stableIDUnchanged: the id derived from the arguments is the one earlier
// releases derived from the same arguments, on both listing data sources; a changed id would show
// as a change in every plan.
func TestFilters_stableIDUnchanged(t *testing.T) {
	sim := vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Example()})
	providerArgs := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}
	for _, tc := range []struct {
		args map[string]tftypes.Value
		id   string
	}{
		{nil, "95b23294199f1e8f147cc4e0a7a8d7d8"},
		{map[string]tftypes.Value{
			"name":     tftypes.NewValue(tftypes.String, "x"),
			"limit":    tftypes.NewValue(tftypes.Number, 5),
			"sort_dir": tftypes.NewValue(tftypes.String, "asc"),
		}, "e8ce93d0a39250457e190c8625f194f7"},
		{map[string]tftypes.Value{
			"name_regex":    tftypes.NewValue(tftypes.String, "a.*"),
			"snapshot_id":   tftypes.NewValue(tftypes.String, "s"),
			"created_after": tftypes.NewValue(tftypes.String, "2020-01-01T00:00:00Z"),
			"metadata": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
				"b": tftypes.NewValue(tftypes.String, "2"), "a": tftypes.NewValue(tftypes.String, "1"),
			}),
			"incremental": tftypes.NewValue(tftypes.Bool, false),
			"tenant_id":   tftypes.NewValue(tftypes.String, "p"),
			"status":      tftypes.NewValue(tftypes.String, "available"),
			"page_size":   tftypes.NewValue(tftypes.Number, 7),
		}, "c389d698ee78e5b53e79b66ffd4d61bb"},
	} {
		for _, ds := range []string{"vbs_backup_ids", "vbs_backups"} {
			resp := protocolRead(t, testAccProtoV6ProviderFactories["vbs"], providerArgs, ds, tc.args)
			typ := dataSourceType(t, newProtocolServer("test", true), ds)
			var attrs map[string]tftypes.Value
			if err := decodeState(t, typ, resp.State).As(&attrs); err != nil {
				t.Fatal(err)
			}
			var id string
			if err := attrs["id"].As(&id); err != nil || id != tc.id {
				t.Errorf("%s %v: id %q (%v), want %q; %s", ds, tc.args, id, err, tc.id, diagsString(resp.Diagnostics))
			}
		}
	}
}

// selectionBase is the creation time of the first backup of selectionBackups.
var selectionBase = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// selectionBackups are n backups an hour apart (with microseconds, so that full precision matters),
// whose every third is incremental, names, snapshots, zones and metadata varying, and whose
// is_incremental is left out of every fifth, which then falls back to service_metadata's Type.
func selectionBackups(n int) []vbssim.Backup {
	backups := make([]vbssim.Backup, n)
	for i := range backups {
		b := vbssim.Backup{
			ID:               fmt.Sprintf("b%04d-0000-4000-8000-000000000000", i),
			Status:           []string{"available", "error"}[i%2],
			VolumeID:         fmt.Sprintf("vol-%d", i%3),
			AvailabilityZone: ptr(fmt.Sprintf("az-%d", i%3)),
			SnapshotID:       ptr(fmt.Sprintf("snap-%d", i)),
			Size:             int64(i),
			CreatedAt:        selectionBase.Add(time.Duration(i)*time.Hour + 12345*time.Microsecond).Format("2006-01-02T15:04:05.000000"),
			ProjectID:        vbssim.DefaultProjectID,
			IsIncremental:    i%3 == 0,
			Metadata:         map[string]string{"env": []string{"prod", "dev"}[i%2], "tier": fmt.Sprint(i % 4)},
		}
		switch i % 4 {
		case 0:
			b.Name = ptr(fmt.Sprintf("db-%d", i))
		case 1:
			b.Name = ptr(fmt.Sprintf("web-%d", i))
		case 2:
			b.Name = ptr(fmt.Sprintf("nightly-db-%d", i))
		}
		if i%5 == 0 {
			b.Override = map[string]json.RawMessage{"is_incremental": nil}
			b.ServiceMetadata = ptr(fmt.Sprintf(`{"Type": %d}`, map[bool]int{true: 1, false: 0}[i%3 == 0]))
		}
		backups[i] = b
	}
	return backups
}

// newestFirst is the order the simulator lists in by default: created_at, then id, descending.
func newestFirst(backups []vbssim.Backup) []vbssim.Backup {
	sorted := slices.Clone(backups)
	slices.SortFunc(sorted, func(a, b vbssim.Backup) int {
		return -cmp.Or(strings.Compare(a.CreatedAt, b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return sorted
}

// idsWhere are the ids of backups that match, in their order; a filter that selects none or all
// would prove nothing, so the test fails on such data.
func idsWhere(t *testing.T, backups []vbssim.Backup, match func(b vbssim.Backup) bool) []string {
	t.Helper()
	var ids []string
	for _, b := range backups {
		if match(b) {
			ids = append(ids, b.ID)
		}
	}
	if len(ids) == 0 || len(ids) == len(backups) {
		t.Fatalf("the test data gives %d of %d backups for a filter: it would prove nothing", len(ids), len(backups))
	}
	return ids
}

func createdAt(b vbssim.Backup) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000000", b.CreatedAt)
	if err != nil {
		panic(err)
	}
	return t
}

// incrementalOf is the rule of the incremental attribute, restated over the simulator's data.
func incrementalOf(b vbssim.Backup) *bool {
	if _, left := b.Override["is_incremental"]; !left {
		return &b.IsIncremental
	}
	if b.ServiceMetadata != nil {
		v := strings.Contains(*b.ServiceMetadata, `"Type": 1`)
		return &v
	}
	return nil
}

// sameIDs requires exactly want, in want's order.
func sameIDs(want []string) func([]string) error {
	return func(got []string) error {
		if !slices.Equal(got, want) {
			return fmt.Errorf("got %d ids %v,\nwant %d %v", len(got), got, len(want), want)
		}
		return nil
	}
}

// TestFilters_each reads every client-side filter alone and combined with an API filter,
// through vbs_backup_ids and vbs_backups, on v3- and v2-shaped data, and requires exactly the
// matching backups in the server's order.
func TestFilters_each(t *testing.T) {
	backups := selectionBackups(60)
	sim := newSim(t, vbssim.Config{Backups: backups})
	ordered := newestFirst(backups)
	after, before := createdAt(ordered[20]), createdAt(ordered[10])
	cases := []struct {
		name, args string
		match      func(b vbssim.Backup) bool
		v3Only     bool
	}{
		{"name_regex", `name_regex = "^(nightly-)?db-"`, func(b vbssim.Backup) bool {
			return b.Name != nil && regexp.MustCompile(`^(nightly-)?db-`).MatchString(*b.Name)
		}, false},
		{"name_regex_unanchored", `name_regex = "db"`, func(b vbssim.Backup) bool { return b.Name != nil && strings.Contains(*b.Name, "db") }, false},
		{"snapshot_id", `snapshot_id = "snap-8"`, func(b vbssim.Backup) bool { return *b.SnapshotID == "snap-8" }, false},
		{"availability_zone", `availability_zone = "az-1"`, func(b vbssim.Backup) bool { return *b.AvailabilityZone == "az-1" }, false},
		{"created_after", fmt.Sprintf(`created_after = %q`, after.Format(time.RFC3339Nano)), func(b vbssim.Backup) bool { return createdAt(b).After(after) }, false},
		{"created_before", fmt.Sprintf(`created_before = %q`, before.Format(time.RFC3339Nano)), func(b vbssim.Backup) bool { return createdAt(b).Before(before) }, false},
		{"window", fmt.Sprintf("created_after = %q\n  created_before = %q", after.Format(time.RFC3339Nano), before.Format(time.RFC3339Nano)),
			func(b vbssim.Backup) bool { return createdAt(b).After(after) && createdAt(b).Before(before) }, false},
		{"metadata", `metadata = { env = "prod", tier = "2" }`, func(b vbssim.Backup) bool { return b.Metadata["env"] == "prod" && b.Metadata["tier"] == "2" }, true},
		{"incremental", `incremental = true`, func(b vbssim.Backup) bool { v := incrementalOf(b); return v != nil && *v }, false},
		{"full", `incremental = false`, func(b vbssim.Backup) bool { v := incrementalOf(b); return v != nil && !*v }, false},
	}
	for _, version := range []string{"v3", "v2"} {
		t.Run(version, func(t *testing.T) {
			var config strings.Builder
			var checks []statecheck.StateCheck
			for _, c := range cases {
				if c.v3Only && version != "v3" {
					continue
				}
				for _, api := range []struct{ suffix, args, status string }{{"", "", ""}, {"_available", `status = "available"`, "available"}} {
					name := c.name + api.suffix
					want := idsWhere(t, ordered, func(b vbssim.Backup) bool { return c.match(b) && (api.status == "" || b.Status == api.status) })
					fmt.Fprintf(&config, "data \"vbs_backup_ids\" %q {\n  %s\n  %s\n}\n", name, c.args, api.args)
					fmt.Fprintf(&config, "data \"vbs_backups\" %q {\n  %s\n  %s\n  page_size = 7\n}\n", name, c.args, api.args)
					checks = append(checks, checkIDs("data.vbs_backup_ids."+name, sameIDs(want)), checkIDs("data.vbs_backups."+name, sameIDs(want)))
				}
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: simProvider(sim, version) + config.String(), ConfigStateChecks: checks}},
			})
		})
	}
}

// TestFilters_incrementalAttribute: each backup's incremental is is_incremental where given,
// else service_metadata's Type; the API document's own example has no is_incremental and "Type": 0.
func TestFilters_incrementalAttribute(t *testing.T) {
	backups := selectionBackups(10)
	sim := newSim(t, vbssim.Config{Backups: backups})
	example := newSim(t, vbssim.Config{Backups: vbssim.Example()})
	var checks []statecheck.StateCheck
	for i, b := range newestFirst(backups) {
		want := knownvalue.Bool(*incrementalOf(b))
		checks = append(checks, statecheck.ExpectKnownValue("data.vbs_backups.all", tfjsonpath.New("backups").AtSliceIndex(i).AtMapKey("incremental"), want))
	}
	example0 := tfjsonpath.New("backups").AtSliceIndex(0)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            simProvider(sim, "v3") + `data "vbs_backups" "all" {}`,
			ConfigStateChecks: checks,
		}, {
			Config: simProvider(example, "v2") + `
data "vbs_backups" "example" {
  sort_key = "created_at"
  sort_dir = "desc"
}
data "vbs_backup_ids" "full" {
  incremental = false
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				// Newest first: 80e17946 (no service_metadata), 1d1139d8 ("Type": 0), b3cf7a16 (none).
				statecheck.ExpectKnownValue("data.vbs_backups.example", example0.AtMapKey("is_incremental"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vbs_backups.example", example0.AtMapKey("incremental"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vbs_backups.example", tfjsonpath.New("backups").AtSliceIndex(1).AtMapKey("incremental"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.vbs_backups.example", tfjsonpath.New("backups").AtSliceIndex(1).AtMapKey("is_incremental"), knownvalue.Null()),
				checkIDs("data.vbs_backup_ids.full", sameIDs([]string{"1d1139d8-8989-49d3-8aa1-83eb691e6db2"})),
			},
		}},
	})
}

// listQueries are the queries of the listing requests of the first read since the last reset:
// Terraform reads a data source several times in a test step, each read starting without a marker.
func listQueries(sim *vbssim.Server) []url.Values {
	var out []url.Values
	for _, r := range sim.Requests() {
		if strings.HasSuffix(r.Path, "/backups/detail") {
			q, _ := url.ParseQuery(r.RawQuery)
			if len(out) > 0 && !q.Has("marker") {
				break
			}
			out = append(out, q)
		}
	}
	return out
}

// planOnce runs one plan of config against sim, after forgetting sim's earlier requests.
func planOnce(t *testing.T, sim *vbssim.Server, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	sim.Reset()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// TestFilters_limitAndPageSize: limit counts matches, and every request asks for page_size
// backups (1000 by default), never for what remains of limit.
func TestFilters_limitAndPageSize(t *testing.T) {
	backups := selectionBackups(60)
	sim := newSim(t, vbssim.Config{Backups: backups})
	db := idsWhere(t, newestFirst(backups), func(b vbssim.Backup) bool { return b.Name != nil && strings.HasPrefix(*b.Name, "db-") })
	planOnce(t, sim, simProvider(sim, "v3")+`
data "vbs_backup_ids" "x" {
  name_regex = "^db-"
  limit      = 4
  page_size  = 5
}`, checkIDs("data.vbs_backup_ids.x", sameIDs(db[:4])))
	qs := listQueries(sim)
	// The newest db- backups are the 4th, 8th, 12th and 16th newest: the 4th match is on page 4 of 5 backups.
	if len(qs) != 4 {
		t.Errorf("%d requests, want 4 (pages of 5 until the 4th match)", len(qs))
	}
	for _, q := range qs {
		if q.Get("limit") != "5" {
			t.Errorf("a request asked for limit=%s, want the page size 5: %v", q.Get("limit"), q)
		}
	}
	planOnce(t, sim, simProvider(sim, "v3")+`
data "vbs_backups" "x" {
  name_regex = "^db-"
  limit      = 2
}`, checkIDs("data.vbs_backups.x", sameIDs(db[:2])))
	if qs := listQueries(sim); len(qs) != 1 || qs[0].Get("limit") != "1000" {
		t.Errorf("requests %v, want one with limit=1000", qs)
	}
}

// TestFilters_earlyStop: with created_after newest first (or created_before oldest first) the
// walk stops at the first backup past the bound, and the provider asks for created_at order itself.
func TestFilters_earlyStop(t *testing.T) {
	backups := selectionBackups(100)
	sim := newSim(t, vbssim.Config{Backups: backups})
	ordered := newestFirst(backups)
	bound := createdAt(ordered[24]) // 24 backups are newer
	planOnce(t, sim, simProvider(sim, "v3")+fmt.Sprintf(`
data "vbs_backup_ids" "x" {
  created_after = %q
  page_size     = 10
}`, bound.Format(time.RFC3339Nano)), checkIDs("data.vbs_backup_ids.x", sameIDs(idsOf(ordered[:24]))))
	qs := listQueries(sim)
	if len(qs) != 3 {
		t.Errorf("%d requests, want 3: the 25th newest, on page 3, ends the walk", len(qs))
	}
	if len(qs) > 0 && (qs[0].Get("sort_key") != "created_at" || qs[0].Get("sort_dir") != "desc") {
		t.Errorf("first query %v, want sort_key=created_at and sort_dir=desc", qs[0])
	}

	oldest := slices.Clone(ordered)
	slices.Reverse(oldest)
	planOnce(t, sim, simProvider(sim, "v3")+fmt.Sprintf(`
data "vbs_backups" "x" {
  created_before = %q
  sort_dir       = "asc"
  page_size      = 10
}`, createdAt(oldest[15]).Format(time.RFC3339Nano)), checkIDs("data.vbs_backups.x", sameIDs(idsOf(oldest[:15]))))
	if qs := listQueries(sim); len(qs) != 2 || qs[0].Get("sort_dir") != "asc" {
		t.Errorf("requests %v, want 2 in ascending order", qs)
	}

	// Where a time filter cannot end the walk (created_before newest first), every page is read.
	planOnce(t, sim, simProvider(sim, "v3")+fmt.Sprintf(`
data "vbs_backup_ids" "x" {
  created_before = %q
  page_size      = 10
}`, createdAt(oldest[15]).Format(time.RFC3339Nano)), checkIDs("data.vbs_backup_ids.x", sameIDs(idsOf(ordered[85:]))))
	if qs := listQueries(sim); len(qs) != 11 {
		t.Errorf("%d requests, want 11 (10 full pages and the empty one after)", len(qs))
	}
}

func idsOf(backups []vbssim.Backup) []string {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i] = b.ID
	}
	return ids
}

// TestFilters_unsortedServer: a server whose created_at order is broken (here one backup
// served with a created_at other than the one it is sorted by) makes the provider read every
// page, select by its own comparison, and warn once.
func TestFilters_unsortedServer(t *testing.T) {
	backups := selectionBackups(50)
	ordered := newestFirst(backups)
	// The 3rd newest is listed 3rd but claims to be newer than everything: out of order. So does the
	// 40th newest, a match that a walk trusting the order would have stopped before.
	liar, late := ordered[2].ID, ordered[39].ID
	for i := range backups {
		switch backups[i].ID {
		case liar:
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2030-01-01T00:00:00.000000"`)}
		case late:
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2030-01-01T00:00:00.000000"`)}
		}
	}
	sim := newSim(t, vbssim.Config{Backups: backups})
	bound := createdAt(ordered[10])
	want := append(idsOf(ordered[:10]), late)
	sim.Reset()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + fmt.Sprintf(`
data "vbs_backup_ids" "x" {
  created_after = %q
  page_size     = 10
}
output "ids" { value = data.vbs_backup_ids.x.ids }`, bound.Format(time.RFC3339Nano)),
			ConfigStateChecks: []statecheck.StateCheck{checkIDs("data.vbs_backup_ids.x", sameIDs(want))},
		}},
	})
	if qs := listQueries(sim); len(qs) != 6 {
		t.Errorf("%d requests, want 6: every page once the order broke", len(qs))
	}
}

// TestFilters_unsortedWarning: the warning of an unsorted server reaches the diagnostics once.
func TestFilters_unsortedWarning(t *testing.T) {
	backups := selectionBackups(30)
	ordered := newestFirst(backups)
	for i := range backups {
		if backups[i].ID == ordered[1].ID {
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2030-01-01T00:00:00.000000"`)}
		}
	}
	sim := newSim(t, vbssim.Config{Backups: backups})
	providerArgs := map[string]tftypes.Value{
		"endpoint": tftypes.NewValue(tftypes.String, sim.Endpoint("v3", vbssim.DefaultProjectID)),
		"token":    tftypes.NewValue(tftypes.String, vbssim.DefaultToken),
	}
	after := map[string]tftypes.Value{"created_after": tftypes.NewValue(tftypes.String, createdAt(ordered[5]).Format(time.RFC3339Nano))}
	for _, ds := range []string{"vbs_backups", "vbs_backup_ids"} {
		resp := protocolRead(t, testAccProtoV6ProviderFactories["vbs"], providerArgs, ds, after)
		got := diagsString(resp.Diagnostics)
		if strings.Count(got, "WARNING: The server did not sort the backups") != 1 || !strings.Contains(got, ordered[1].ID) {
			t.Errorf("%s diagnostics: %s", ds, got)
		}
	}
}

// TestFilters_metadataNeedsV343: metadata where the endpoint cannot return it is an error
// naming the API version, not an empty result.
func TestFilters_metadataNeedsV343(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: selectionBackups(5)})
	old := newSim(t, vbssim.Config{Backups: selectionBackups(5), MaxMicroversion: "3.42"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      simProvider(sim, "v2") + `data "vbs_backup_ids" "x" { metadata = { env = "prod" } }`,
			ExpectError: regexp.MustCompile(`(?s)Unable to list VBS backups.*metadata.*API version v2`),
		}, {
			Config:      simProvider(old, "v3") + `data "vbs_backups" "x" { metadata = { env = "prod" } }`,
			ExpectError: regexp.MustCompile(`(?s)Unable to list VBS backups.*metadata.*microversion 3\.43.*supports.*3\.42`),
		}},
	})
	for _, s := range []*vbssim.Server{sim, old} {
		if listings, _ := s.BackupRequests(); listings != 0 {
			t.Errorf("%d listings were requested; the error needs none", listings)
		}
	}
}

// TestFilters_invalidArguments: bad filters fail at plan time, naming the attribute, before
// any request reaches the API.
func TestFilters_invalidArguments(t *testing.T) {
	sim := newSim(t, vbssim.Config{})
	cases := []struct{ args, message string }{
		{`name_regex = "("`, `Attribute name_regex is not a valid RE2 regular expression`},
		{`created_after = "yesterday"`, `Invalid RFC3339 String Value`},
		{`created_before = "2026-11-28 00:00:00"`, `Invalid RFC3339 String Value`},
		{`metadata = {}`, `Attribute metadata map must contain at least 1 elements`},
		{`snapshot_id = ""`, `Attribute snapshot_id string length must be at least 1`},
		{`availability_zone = ""`, `Attribute availability_zone string length must be at least 1`},
	}
	var steps []resource.TestStep
	for _, ds := range []string{"vbs_backups", "vbs_backup_ids", "vbs_backup"} {
		for _, c := range cases {
			steps = append(steps, resource.TestStep{
				Config:      simProvider(sim, "v3") + "data \"" + ds + "\" \"bad\" {\n  " + c.args + "\n}\n",
				ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.message)),
			})
		}
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if listings, gets := sim.BackupRequests(); listings+gets != 0 {
		t.Errorf("%d requests reached the API", listings+gets)
	}
}

// TestFilters_id: the data sources' id changes with the client-side filters too.
func TestFilters_id(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: selectionBackups(8)})
	differ := func(a, b string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(a, tfjsonpath.New("id"), b, tfjsonpath.New("id"), compare.ValuesDiffer())
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `
data "vbs_backup_ids" "a" { name_regex = "db" }
data "vbs_backup_ids" "a_again" { name_regex = "db" }
data "vbs_backup_ids" "b" { name_regex = "web" }
data "vbs_backup_ids" "c" { metadata = { env = "prod" } }
data "vbs_backup_ids" "d" { metadata = { env = "dev" } }
data "vbs_backup_ids" "e" { created_after = "2026-11-01T00:00:00Z" }
data "vbs_backup_ids" "f" { created_after = "2026-11-01T00:00:00.000001Z" }
data "vbs_backup_ids" "g" { incremental = true }
data "vbs_backup_ids" "h" { incremental = false }
data "vbs_backup_ids" "none" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.vbs_backup_ids.a", tfjsonpath.New("id"), "data.vbs_backup_ids.a_again", tfjsonpath.New("id"), compare.ValuesSame()),
				differ("data.vbs_backup_ids.a", "data.vbs_backup_ids.b"),
				differ("data.vbs_backup_ids.c", "data.vbs_backup_ids.d"),
				differ("data.vbs_backup_ids.e", "data.vbs_backup_ids.f"),
				differ("data.vbs_backup_ids.g", "data.vbs_backup_ids.h"),
				differ("data.vbs_backup_ids.a", "data.vbs_backup_ids.none"),
			},
		}},
	})
}
