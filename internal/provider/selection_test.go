package provider

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

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

// TestSelection_apiExamplePage: a server that serves the API document's example page exactly as
// printed, whatever order is asked, is not sorted; a window or most_recent still selects exactly
// what its filters say, and the read warns once, naming the first backup out of order.
func TestSelection_apiExamplePage(t *testing.T) {
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

// TestSelection_mostRecentShuffled: most_recent on a server that lists its backups shuffled,
// in pages of 10, finds the newest backup and warns; it reads every page to do so.
func TestSelection_mostRecentShuffled(t *testing.T) {
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

// TestSelection_disorderOnTheLastPage: on a server sorted but for one backup, listed on the page
// where the window ends and after its end, the walk sees the disorder before it stops: it reads
// every page, keeps that backup, and warns.
func TestSelection_disorderOnTheLastPage(t *testing.T) {
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

// TestSelection_pageOfOneProvesNothing: on a sorted server, a window ends the walk at the end of
// the page where it ends, but only where that page holds two backups or more.
func TestSelection_pageOfOneProvesNothing(t *testing.T) {
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

// TestSelection_ignoredFilters: on a server that ignores name, status and volume_id, every data
// source still returns only backups that have them, limit counts only those, and the read warns
// once, saying what the server returned.
func TestSelection_ignoredFilters(t *testing.T) {
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

// TestSelection_ignoredFiltersWithLimitAcrossPages: with limit and no client-side filter, each
// request asks for what remains of limit; backups the server should have left out are not counted,
// so the walk asks again until limit backups that pass the filters are found (served newest first:
// error, available, error, error, available).
func TestSelection_ignoredFiltersWithLimitAcrossPages(t *testing.T) {
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
