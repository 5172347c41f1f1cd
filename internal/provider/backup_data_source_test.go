package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// sameAsListed requires every attribute of data.vbs_backup.<name> to equal that of the first
// element of data.vbs_backups.<name>: the two share one definition and one mapping.
func sameAsListed(name string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for attr := range backupAttributes() {
		checks = append(checks, statecheck.CompareValuePairs(
			"data.vbs_backup."+name, tfjsonpath.New(attr),
			"data.vbs_backups."+name, tfjsonpath.New("backups").AtSliceIndex(0).AtMapKey(attr), compare.ValuesSame()))
	}
	return checks
}

// TestBackupDataSource_byID reads one backup with GET …/backups/{id} alone, on v3 and v2, with
// every attribute equal to its element in vbs_backups and the volume key sensitive.
func TestBackupDataSource_byID(t *testing.T) {
	full := fullBackup()
	sim := newSim(t, vbssim.Config{Backups: append(selectionBackups(5), full)})
	for _, version := range []string{"v3", "v2"} {
		t.Run(version, func(t *testing.T) {
			sim.Reset()
			checks := append(sameAsListed("x"),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(full.ID)),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("volume_key"), knownvalue.StringExact("0f1e2d3c4b5a69788796a5b4c3d2e1f0")),
				statecheck.ExpectSensitiveValue("data.vbs_backup.x", tfjsonpath.New("volume_key")),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("incremental"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("most_recent"), knownvalue.Null()),
			)
			if version == "v3" {
				checks = append(checks, statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("metadata"),
					knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("db-team"), "env": knownvalue.StringExact("prod")})))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: simProvider(sim, version) + fmt.Sprintf(`
data "vbs_backup" "x" {
  id                  = %q
  include_volume_keys = true
}
data "vbs_backups" "x" {
  name = "nightly"
}`, full.ID),
					ConfigStateChecks: checks,
				}},
			})
			for _, r := range sim.Requests() {
				// vbs_backups asks for its total_count on its first request, where the microversion has with_count.
				if strings.HasSuffix(r.Path, "/backups/detail") && strings.TrimSuffix(r.RawQuery, "&with_count=true") != "name=nightly" {
					t.Errorf("vbs_backup by id listed backups: %s?%s", r.Path, r.RawQuery)
				}
			}
			if _, gets := sim.BackupRequests(); gets == 0 {
				t.Error("no GET of the backup")
			}
		})
	}
}

// TestBackupDataSource_apiExample: the API document's example has no is_incremental; incremental
// falls back to service_metadata's "Type": 0 (full), and is null without service_metadata.
func TestBackupDataSource_apiExample(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Example()})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v2") + `
data "vbs_backup" "typed" {
  id = "1d1139d8-8989-49d3-8aa1-83eb691e6db2"
}
data "vbs_backup" "untyped" {
  id = "80e17946-6e56-46e0-9547-e9ba4f1619bd"
}
data "vbs_backup" "full" {
  incremental = false
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vbs_backup.typed", tfjsonpath.New("is_incremental"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vbs_backup.typed", tfjsonpath.New("incremental"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.vbs_backup.typed", tfjsonpath.New("created_at"), knownvalue.StringExact("2013-06-27T08:48:03Z")),
				statecheck.ExpectKnownValue("data.vbs_backup.typed", tfjsonpath.New("volume_key"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vbs_backup.untyped", tfjsonpath.New("incremental"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.vbs_backup.full", tfjsonpath.New("id"), knownvalue.StringExact("1d1139d8-8989-49d3-8aa1-83eb691e6db2")),
			},
		}},
	})
}

// TestBackupDataSource_notFound: an unknown id is the server's 404 message and request id; filters
// that match nothing are named.
func TestBackupDataSource_notFound(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: selectionBackups(10)})
	empty := newSim(t, vbssim.Config{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      simProvider(sim, "v3") + `data "vbs_backup" "x" { id = "no-such-backup" }`,
			ExpectError: regexp.MustCompile(`(?s)No VBS backup matches.*id = "no-such-backup": the server answered HTTP\s+404:\s+Backup\s+no-such-backup\s+could\s+not\s+be\s+found\s+\(request\s+id\s+req-`),
		}, {
			Config: simProvider(sim, "v3") + `
data "vbs_backup" "x" {
  status     = "available"
  name_regex = "^web-"
}`,
			ExpectError: regexp.MustCompile(`(?s)No VBS backup matches.*No backup matches status = "available",\s+name_regex\s+=\s+"\^web-"`),
		}, {
			Config:      simProvider(empty, "v3") + `data "vbs_backup" "x" {}`,
			ExpectError: regexp.MustCompile(`(?s)No VBS backup matches.*The project has no backups`),
		}},
	})
}

// TestBackupDataSource_ambiguous: two matches without most_recent are an error naming both; with
// API filters alone that costs one request of two backups, with client-side filters the walk stops
// at the second match.
func TestBackupDataSource_ambiguous(t *testing.T) {
	backups := selectionBackups(60)
	sim := newSim(t, vbssim.Config{Backups: backups})
	ordered := newestFirst(backups)
	available := idsWhere(t, ordered, func(b vbssim.Backup) bool { return b.Status == "available" })
	planError := func(config string, want *regexp.Regexp) {
		t.Helper()
		sim.Reset()
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: simProvider(sim, "v3") + config, ExpectError: want}},
		})
	}
	planError(`data "vbs_backup" "x" { status = "available" }`, regexp.MustCompile(fmt.Sprintf(
		`(?s)More than one VBS backup matches.*status = "available":\s+%s.*and\s+%s.*most_recent\s+=\s+true`, available[0], available[1])))
	if qs := listQueries(sim); len(qs) != 1 || qs[0].Get("limit") != "2" || qs[0].Get("status") != "available" {
		t.Errorf("requests %v, want one with limit=2", qs)
	}
	// "^db-" matches every 4th backup: the 4th and 8th newest, on pages 1 and 1 of 1000.
	db := idsWhere(t, ordered, func(b vbssim.Backup) bool { return b.Name != nil && strings.HasPrefix(*b.Name, "db-") })
	planError(`data "vbs_backup" "x" { name_regex = "^db-" }`, regexp.MustCompile(fmt.Sprintf(
		`(?s)More than one VBS backup matches.*name_regex = "\^db-":\s+%s\s+\(name\s+"db-\d+",\s+created\s+[0-9T:.Z-]+\)\s+and\s+%s`, db[0], db[1])))
	if qs := listQueries(sim); len(qs) != 1 || qs[0].Get("limit") != "1000" {
		t.Errorf("requests %v, want one of the default page size", qs)
	}
}

// TestBackupDataSource_walkStopsAtSecondMatch: with small pages, the uniqueness check reads only
// up to the page of the second match, never every page.
func TestBackupDataSource_walkStopsAtSecondMatch(t *testing.T) {
	backups := selectionBackups(200)
	sim := newSim(t, vbssim.Config{Backups: backups, MaxLimit: 10})
	// snapshot ids are unique: make the 15th and 25th newest share one.
	ordered := newestFirst(backups)
	for i := range backups {
		if backups[i].ID == ordered[24].ID {
			backups[i].SnapshotID = ordered[14].SnapshotID
		}
	}
	if err := sim.SetBackups(backups); err != nil {
		t.Fatal(err)
	}
	sim.Reset()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      simProvider(sim, "v3") + fmt.Sprintf(`data "vbs_backup" "x" { snapshot_id = %q }`, *ordered[14].SnapshotID),
			ExpectError: regexp.MustCompile(`More than one VBS backup matches`),
		}},
	})
	if qs := listQueries(sim); len(qs) != 3 {
		t.Errorf("%d requests, want 3: the server caps pages at 10 and the second match is the 25th", len(qs))
	}
}

// TestBackupDataSource_mostRecent: of backups created at the same instant the greatest id wins,
// with API filters alone in one request, and with client-side filters stopping after the match.
func TestBackupDataSource_mostRecent(t *testing.T) {
	backups := selectionBackups(40)
	// Three backups of vol-9 created at the same, newest instant. The simulator sorts ties by id, so
	// they are sorted by hidden times a microsecond apart instead and served with the same
	// created_at: the server lists the smallest id first, which a walk taking its first match would pick.
	newest := selectionBase.Add(1000 * time.Hour)
	for i, id := range []string{"c0000000-0000-4000-8000-000000000002", "c0000000-0000-4000-8000-000000000005", "c0000000-0000-4000-8000-000000000009"} {
		backups = append(backups, vbssim.Backup{ID: id, Status: "available", VolumeID: "vol-9", Name: ptr("db-tied"),
			CreatedAt: newest.Add(time.Duration(3-i) * time.Microsecond).Format("2006-01-02T15:04:05.000000"),
			Override:  map[string]json.RawMessage{"created_at": json.RawMessage(newest.Format(`"2006-01-02T15:04:05.000000"`))},
			ProjectID: vbssim.DefaultProjectID, SnapshotID: ptr("snap-tied")})
	}
	backups = append(backups, vbssim.Backup{ID: "a0000000-0000-4000-8000-000000000001", Status: "available", VolumeID: "vol-9",
		Name: ptr("db-older"), CreatedAt: selectionBase.Add(999 * time.Hour).Format("2006-01-02T15:04:05.000000"), ProjectID: vbssim.DefaultProjectID})
	sim := newSim(t, vbssim.Config{Backups: backups})
	const winner = "c0000000-0000-4000-8000-000000000009"

	planOnce(t, sim, simProvider(sim, "v3")+`
data "vbs_backup" "x" {
  volume_id   = "vol-9"
  most_recent = true
}`, statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(winner)),
		statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("volume_id"), knownvalue.StringExact("vol-9")),
		statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("most_recent"), knownvalue.Bool(true)))
	if qs := listQueries(sim); len(qs) != 1 || qs[0].Get("sort_key") != "created_at" || qs[0].Get("sort_dir") != "desc" {
		t.Errorf("requests %v, want one sorted newest first", qs)
	}

	// Client-side filters: the older db- backups on later pages are never read.
	planOnce(t, sim, simProvider(sim, "v3")+`
data "vbs_backup" "x" {
  name_regex  = "^db-"
  most_recent = true
}`, statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(winner)))
	if qs := listQueries(sim); len(qs) != 1 {
		t.Errorf("%d requests, want 1", len(qs))
	}

	// A tie that spans pages: with pages of 2, the winner and the first older backup are on page 2.
	small := newSim(t, vbssim.Config{Backups: backups, MaxLimit: 2})
	planOnce(t, small, simProvider(small, "v3")+`
data "vbs_backup" "x" {
  snapshot_id = "snap-tied"
  most_recent = true
}`, statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(winner)))
	if qs := listQueries(small); len(qs) != 2 {
		t.Errorf("%d requests, want 2: page 2 holds the last tied backup and the first older one", len(qs))
	}
}

// TestBackupDataSource_mostRecentUnsorted: where the server's order breaks, most_recent reads every
// page and selects by its own comparison.
func TestBackupDataSource_mostRecentUnsorted(t *testing.T) {
	backups := selectionBackups(30)
	ordered := newestFirst(backups)
	for i := range backups {
		switch backups[i].ID {
		case ordered[1].ID: // listed 2nd, claims to be newer than the 1st: the order is broken
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2027-01-01T00:00:00.000000"`)}
		case ordered[20].ID: // listed 21st, claims to be the newest of all
			backups[i].Override = map[string]json.RawMessage{"created_at": json.RawMessage(`"2028-01-01T00:00:00.000000"`)}
		}
	}
	sim := newSim(t, vbssim.Config{Backups: backups, MaxLimit: 10})
	planOnce(t, sim, simProvider(sim, "v3")+`
data "vbs_backup" "x" {
  most_recent = true
}`, statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(ordered[20].ID)),
		statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("created_at"), knownvalue.StringExact("2028-01-01T00:00:00Z")))
	if qs := listQueries(sim); len(qs) != 4 {
		t.Errorf("%d requests, want 4: every page", len(qs))
	}
}

// TestBackupDataSource_onlyBackup: with no argument at all, the project's only backup.
func TestBackupDataSource_onlyBackup(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: selectionBackups(1)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `data "vbs_backup" "x" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(selectionBackups(1)[0].ID)),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("metadata"), knownvalue.MapSizeExact(2)),
			},
		}},
	})
}

// TestBackupDataSource_invalidArguments: id with any filter, and the arguments' own rules, fail
// at plan time before any request.
func TestBackupDataSource_invalidArguments(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: selectionBackups(3)})
	cases := []struct{ args, message string }{
		{"id = \"x\"\n  name_regex = \"db\"", `Attribute "name_regex" cannot be specified when "id" is specified`},
		{"id = \"x\"\n  status = \"available\"", `Attribute "status" cannot be specified when "id" is specified`},
		{"id = \"x\"\n  metadata = { a = \"b\" }", `Attribute "metadata" cannot be specified when "id" is specified`},
		{`id = ""`, `Attribute id string length must be at least 1`},
		{`status = "bogus"`, `Attribute status value must be one of`},
		{`sort_key = "name"`, `An argument named "sort_key" is not expected here`},
		{`limit = 1`, `An argument named "limit" is not expected here`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      simProvider(sim, "v3") + "data \"vbs_backup\" \"bad\" {\n  " + c.args + "\n}\n",
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.message)),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if listings, gets := sim.BackupRequests(); listings+gets != 0 {
		t.Errorf("%d requests reached the API", listings+gets)
	}
}

// TestBackupDataSource_metadata selects by some pairs of metadata and holds the backup's whole map.
func TestBackupDataSource_metadata(t *testing.T) {
	backups := selectionBackups(20)
	sim := newSim(t, vbssim.Config{Backups: backups})
	want := idsWhere(t, newestFirst(backups), func(b vbssim.Backup) bool { return b.Metadata["tier"] == "3" })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `
data "vbs_backup" "x" {
  metadata    = { tier = "3" }
  most_recent = true
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("id"), knownvalue.StringExact(want[0])),
				statecheck.ExpectKnownValue("data.vbs_backup.x", tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
					"env": knownvalue.StringExact("dev"), "tier": knownvalue.StringExact("3"),
				})),
			},
		}},
	})
}
