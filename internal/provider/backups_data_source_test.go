package provider

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
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

// newSim starts a simulator holding backups of the default project.
func newSim(t *testing.T, cfg vbssim.Config) *vbssim.Server {
	t.Helper()
	return vbssim.NewTest(t, cfg)
}

func simProvider(sim *vbssim.Server, version string) string {
	return tokenProvider(sim.Endpoint(version, vbssim.DefaultProjectID), vbssim.DefaultToken)
}

// TestBackupsDataSource_apiExample reads the API document's own example response and checks what
// each of its oddities becomes: null names, keys left out, a zoneless timestamp, string numbers,
// undocumented service_metadata keys and the surrounding spaces.
func TestBackupsDataSource_apiExample(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Example()})
	const address = "data.vbs_backups.example"
	backup := func(i int) tfjsonpath.Path { return tfjsonpath.New("backups").AtSliceIndex(i) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v2") + `
data "vbs_backups" "example" {
  sort_key            = "created_at"
  sort_dir            = "asc"
  include_volume_keys = true
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("b3cf7a16-decc-4beb-8077-682737d94a58"),
					knownvalue.StringExact("1d1139d8-8989-49d3-8aa1-83eb691e6db2"),
					knownvalue.StringExact("80e17946-6e56-46e0-9547-e9ba4f1619bd"),
				})),
				statecheck.ExpectKnownValue(address, backup(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                    knownvalue.StringExact("1d1139d8-8989-49d3-8aa1-83eb691e6db2"),
					"name":                  knownvalue.Null(),
					"status":                knownvalue.StringExact("error"),
					"availability_zone":     knownvalue.Null(),
					"volume_id":             knownvalue.StringExact("2748f2f2-4394-4e6e-af8d-8dd34496c024"),
					"snapshot_id":           knownvalue.Null(),
					"fail_reason":           knownvalue.StringExact("Connection to swift failed: [Errno 111] ECONNREFUSED"),
					"container":             knownvalue.StringExact("volumebackups"),
					"description":           knownvalue.Null(),
					"description_text":      knownvalue.Null(),
					"incremental_requested": knownvalue.Null(),
					"size":                  knownvalue.Int64Exact(1),
					"object_count":          knownvalue.Null(),
					"created_at":            knownvalue.StringExact("2013-06-27T08:48:03Z"),
					"updated_at":            knownvalue.Null(),
					"data_timestamp":        knownvalue.Null(),
					"tenant_id":             knownvalue.StringExact(vbssim.ExampleProjectID),
					"has_dependent_backups": knownvalue.Null(),
					"is_incremental":        knownvalue.Null(),
					"incremental":           knownvalue.Bool(false), // no is_incremental: service_metadata's "Type": 0
					"links": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"href": knownvalue.StringExact("http://192.168.82.222:8776/v2/" + vbssim.ExampleProjectID + "/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2"),
							"rel":  knownvalue.StringExact("self"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"href": knownvalue.StringExact("http://192.168.82.222:8776/" + vbssim.ExampleProjectID + "/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2"),
							"rel":  knownvalue.StringExact("bookmark"),
						}),
					}),
					"metadata":          knownvalue.Null(),
					"user_id":           knownvalue.Null(),
					"encryption_key_id": knownvalue.Null(),
					"service_metadata_json": knownvalue.StringExact(` {"bootable": false, "backupurl": "58d94782-6509-45ad-9442-970d2a005050", ` +
						`"BackupSize": 0, "progress": "0", "snap_id": "665e411f5d87431ca98c199fbd4a64fd", "Type": 0} `),
					"service_metadata": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"deduplicated":      knownvalue.Bool(false),
						"compressed":        knownvalue.Bool(false),
						"bootable":          knownvalue.Bool(false),
						"backup_url":        knownvalue.StringExact("58d94782-6509-45ad-9442-970d2a005050"),
						"storage_path":      knownvalue.Null(),
						"vm_id":             knownvalue.Null(),
						"service_type":      knownvalue.StringExact("disk"),
						"storage_type":      knownvalue.Null(),
						"space_saving_rate": knownvalue.Null(),
						"storage_unit_path": knownvalue.Null(),
						"cmk_id":            knownvalue.Null(),
						"progress":          knownvalue.Float64Exact(0),
						"chain_size_mb":     knownvalue.Null(),
						"volume_type":       knownvalue.Null(),
						"host_id":           knownvalue.Null(),
						"backup_type":       knownvalue.StringExact("full"),
						"job_id":            knownvalue.Null(),
						"average_rate_mbps": knownvalue.Null(),
						"extra": knownvalue.MapExact(map[string]knownvalue.Check{
							"BackupSize": knownvalue.StringExact("0"),
							"snap_id":    knownvalue.StringExact("665e411f5d87431ca98c199fbd4a64fd"),
						}),
					}),
				})),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("volume_keys"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				// The other two have no service_metadata and no tenant key at all.
				statecheck.ExpectKnownValue(address, backup(0).AtMapKey("service_metadata"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, backup(0).AtMapKey("service_metadata_json"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, backup(2).AtMapKey("tenant_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(address, backup(2).AtMapKey("created_at"), knownvalue.StringExact("2013-06-27T08:56:58Z")),
			},
		}},
	})
}

// TestBackupsDataSource_parsedMetadata serves every documented service_metadata key and a JSON
// description, and checks each attribute, the secret's sensitivity and the v3 fields.
func TestBackupsDataSource_parsedMetadata(t *testing.T) {
	const vk = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	sim := newSim(t, vbssim.Config{Backups: []vbssim.Backup{{
		ID:          "5b0c2f0e-8f7a-4c59-9d43-6a3c0f9d2b11",
		Name:        ptr("nightly"),
		Description: ptr(`{"DESC": "nightly backup of the database", "INC": 1}`),
		Status:      "available",
		VolumeID:    "0c5a1d4e-6b2f-4a8e-9c3d-7e1f2a3b4c5d",
		Size:        40,
		ObjectCount: ptr(int64(12)),
		CreatedAt:   "2026-11-28T01:02:03.123456Z",
		UpdatedAt:   ptr("2026-11-28T01:12:03+08:00"),
		ProjectID:   vbssim.DefaultProjectID,
		UserID:      ptr("4f8e2a1c9b3d4e5f6a7b8c9d0e1f2a3b"),
		Metadata:    map[string]string{"owner": "db-team"},
		ServiceMetadata: ptr(`{"DL": 3, "VK": "` + vk + `", "bootable": "true", "backupurl": "img-1", "SP": "/pool/a", ` +
			`"VMID": "vm-1", "ST": 5, "BT": "2", "SS": 37, "BP": "/unit/1", "CMKID": "c0ffee00-0000-4000-8000-000000000001", ` +
			`"progress": 100, "CS": "2048", "VT": "SSD", "OMID": "host-7", "Type": "1", "ebk_T_I": "job-9", "AT": 12.5, ` +
			`"custom": {"a": 1}, "flag": false}`),
	}}})
	const address = "data.vbs_backups.one"
	backup := tfjsonpath.New("backups").AtSliceIndex(0)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `data "vbs_backups" "one" { include_volume_keys = true }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, backup, knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name":                  knownvalue.StringExact("nightly"),
					"description":           knownvalue.StringExact(`{"DESC": "nightly backup of the database", "INC": 1}`),
					"description_text":      knownvalue.StringExact("nightly backup of the database"),
					"incremental_requested": knownvalue.Bool(true),
					"object_count":          knownvalue.Int64Exact(12),
					"created_at":            knownvalue.StringExact("2026-11-28T01:02:03.123456Z"),
					"updated_at":            knownvalue.StringExact("2026-11-27T17:12:03Z"),
					"tenant_id":             knownvalue.StringExact(vbssim.DefaultProjectID),
					"user_id":               knownvalue.StringExact("4f8e2a1c9b3d4e5f6a7b8c9d0e1f2a3b"),
					"metadata":              knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("db-team")}),
					"service_metadata": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"deduplicated":      knownvalue.Bool(true),
						"compressed":        knownvalue.Bool(true),
						"bootable":          knownvalue.Bool(true),
						"backup_url":        knownvalue.StringExact("img-1"),
						"storage_path":      knownvalue.StringExact("/pool/a"),
						"vm_id":             knownvalue.StringExact("vm-1"),
						"service_type":      knownvalue.StringExact("vm_copy"),
						"storage_type":      knownvalue.Float64Exact(2),
						"space_saving_rate": knownvalue.Float64Exact(37),
						"storage_unit_path": knownvalue.StringExact("/unit/1"),
						"cmk_id":            knownvalue.StringExact("c0ffee00-0000-4000-8000-000000000001"),
						"progress":          knownvalue.Float64Exact(100),
						"chain_size_mb":     knownvalue.Float64Exact(2048),
						"volume_type":       knownvalue.StringExact("SSD"),
						"host_id":           knownvalue.StringExact("host-7"),
						"backup_type":       knownvalue.StringExact("incremental"),
						"job_id":            knownvalue.StringExact("job-9"),
						"average_rate_mbps": knownvalue.Float64Exact(12.5),
						"extra": knownvalue.MapExact(map[string]knownvalue.Check{
							"custom": knownvalue.StringExact(`{"a":1}`),
							"flag":   knownvalue.StringExact("false"),
						}),
					}),
				})),
				statecheck.ExpectKnownValue(address, tfjsonpath.New("volume_keys"), knownvalue.MapExact(map[string]knownvalue.Check{
					"5b0c2f0e-8f7a-4c59-9d43-6a3c0f9d2b11": knownvalue.StringExact(vk),
				})),
				statecheck.ExpectSensitiveValue(address, tfjsonpath.New("volume_keys")),
				// The raw text keeps everything but the key.
				statecheck.ExpectKnownValue(address, backup.AtMapKey("service_metadata_json"), knownvalue.StringRegexp(
					regexp.MustCompile(`^\{"DL": 3, "VK": "\(sensitive\)", "bootable": "true", `))),
			},
		}},
	})
}

// TestBackupsDataSource_filters checks each filter against the simulator's own data.
func TestBackupsDataSource_filters(t *testing.T) {
	backups := vbssim.Generate(300, 7, vbssim.DefaultProjectID)
	sim := newSim(t, vbssim.Config{Backups: backups})
	volume, name := backups[0].VolumeID, ""
	for _, b := range backups {
		if b.Name != nil && *b.Name != "" {
			name = *b.Name
			break
		}
	}
	want := func(match func(b vbssim.Backup) bool) []string {
		var ids []string
		for _, b := range backups {
			if match(b) {
				ids = append(ids, b.ID)
			}
		}
		slices.Sort(ids)
		if len(ids) == 0 {
			t.Fatal("the generated data has no backup for this filter; the test would prove nothing")
		}
		return ids
	}
	sameSet := func(want []string) func([]string) error {
		return func(got []string) error {
			got = slices.Clone(got)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				return fmt.Errorf("got %d ids, want %d: %v, want %v", len(got), len(want), got, want)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + fmt.Sprintf(`
data "vbs_backups" "by_name" {
  name = %q
}
data "vbs_backups" "by_status" {
  status = "available"
}
data "vbs_backups" "by_volume" {
  volume_id = %q
}
data "vbs_backups" "by_volume_and_status" {
  volume_id = %q
  status    = %q
}
`, name, volume, volume, backups[0].Status),
			ConfigStateChecks: []statecheck.StateCheck{
				checkIDs("data.vbs_backups.by_name", sameSet(want(func(b vbssim.Backup) bool { return b.Name != nil && *b.Name == name }))),
				checkIDs("data.vbs_backups.by_status", sameSet(want(func(b vbssim.Backup) bool { return b.Status == "available" }))),
				checkIDs("data.vbs_backups.by_volume", sameSet(want(func(b vbssim.Backup) bool { return b.VolumeID == volume }))),
				checkIDs("data.vbs_backups.by_volume_and_status", sameSet(want(func(b vbssim.Backup) bool {
					return b.VolumeID == volume && b.Status == backups[0].Status
				}))),
			},
		}},
	})
}

// TestBackupsDataSource_sorting checks both directions of several sort keys in the state's order.
func TestBackupsDataSource_sorting(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Generate(120, 3, vbssim.DefaultProjectID)})
	count := func(b []map[string]any) error {
		if len(b) != 120 {
			return fmt.Errorf("got %d backups, want 120", len(b))
		}
		return nil
	}
	var config strings.Builder
	var checks []statecheck.StateCheck
	for _, key := range []string{"size", "created_at", "id", "status"} {
		for _, dir := range []string{"asc", "desc"} {
			fmt.Fprintf(&config, "data \"vbs_backups\" \"%s_%s\" {\n  sort_key = %q\n  sort_dir = %q\n  page_size = 50\n}\n", key, dir, key, dir)
			checks = append(checks, checkBackups("data.vbs_backups."+key+"_"+dir, allOf(count, sortedBy(key, dir == "desc"))))
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            simProvider(sim, "v3") + config.String(),
			ConfigStateChecks: checks,
		}},
	})
}

// compareAttr orders two state values: numbers (json.Number in terraform-json's state) as numbers,
// timestamps as times, other strings as strings.
func compareAttr(a, b any) int {
	if x, ok := a.(json.Number); ok {
		y, _ := b.(json.Number)
		fx, errX := x.Float64()
		fy, errY := y.Float64()
		if errX == nil && errY == nil {
			return cmp.Compare(fx, fy)
		}
	}
	x, _ := a.(string)
	y, _ := b.(string)
	if tx, err := time.Parse(time.RFC3339Nano, x); err == nil {
		if ty, err := time.Parse(time.RFC3339Nano, y); err == nil {
			return tx.Compare(ty)
		}
	}
	return strings.Compare(x, y)
}

// TestBackupsDataSource_paging walks 2,500 backups 100 at a time from offset 5 and gets exactly
// the 2,495 after the first five: the next links the simulator writes copy offset, as Cinder's do.
func TestBackupsDataSource_paging(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Generate(2500, 11, vbssim.DefaultProjectID), LinkHost: "http://127.0.0.2:1"})
	var all []string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `
data "vbs_backup_ids" "all" {}
data "vbs_backup_ids" "from_offset" {
  offset    = 5
  page_size = 100
}
data "vbs_backup_ids" "limited" {
  limit     = 250
  page_size = 100
}
data "vbs_backups" "limited" {
  limit     = 7
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				checkIDs("data.vbs_backup_ids.all", func(ids []string) error {
					all = ids
					return distinct(ids, 2500)
				}),
				checkIDs("data.vbs_backup_ids.from_offset", func(ids []string) error {
					if err := distinct(ids, 2495); err != nil {
						return err
					}
					if !slices.Equal(ids, all[5:]) {
						return fmt.Errorf("offset 5 did not give the backups after the first five")
					}
					return nil
				}),
				checkIDs("data.vbs_backup_ids.limited", func(ids []string) error {
					if !slices.Equal(ids, all[:250]) {
						return fmt.Errorf("limit 250 gave %d ids, not the first 250", len(ids))
					}
					return nil
				}),
				statecheck.ExpectKnownValue("data.vbs_backups.limited", tfjsonpath.New("backups"), knownvalue.ListSizeExact(7)),
			},
		}},
	})
	var offsets, pageSizes int
	for _, r := range sim.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Has("offset") {
			offsets++
			if q.Has("marker") {
				t.Errorf("offset sent again after the first page: %s", r.RawQuery)
			}
		}
		if q.Get("limit") == "100" {
			pageSizes++
		}
	}
	if offsets == 0 || pageSizes == 0 {
		t.Errorf("requests with offset: %d, with limit=100: %d; want both", offsets, pageSizes)
	}
}

func distinct(ids []string, want int) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("backup %s appears twice", id)
		}
		seen[id] = true
	}
	if len(ids) != want {
		return fmt.Errorf("got %d backups, want %d", len(ids), want)
	}
	return nil
}

// TestBackupsDataSource_invalidArguments: each bad argument fails at plan time, naming the
// attribute, before any request is sent.
func TestBackupsDataSource_invalidArguments(t *testing.T) {
	sim := newSim(t, vbssim.Config{})
	cases := []struct{ args, message string }{
		{`status = "bogus"`, `Attribute status value must be one of`},
		{`sort_key = "bogus"`, `Attribute sort_key value must be one of`},
		{`sort_dir = "up"`, `Attribute sort_dir value must be one of`},
		{`offset = -1`, `Attribute offset value must be at least 0`},
		{`limit = 0`, `Attribute limit value must be at least 1`},
		{`page_size = 0`, `Attribute page_size value must be between 1 and 1000`},
		{`page_size = 1001`, `Attribute page_size value must be between 1 and 1000`},
		{`name = ""`, `Attribute name string length must be at least 1`},
		{`volume_id = ""`, `Attribute volume_id string length must be at least 1`},
		{`timeouts = { read = "soon" }`, `Invalid Attribute Value Time Duration`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      simProvider(sim, "v3") + "data \"vbs_backups\" \"bad\" {\n  " + c.args + "\n}\n",
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.message)),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	for _, r := range sim.Requests() {
		if strings.Contains(r.Path, "/backups") {
			t.Errorf("a request reached the API: %s?%s", r.Path, r.RawQuery)
		}
	}
}

// TestBackupsDataSource_serverError surfaces the server's own message and request id: sorting by
// name needs microversion 3.37, which this server does not have.
func TestBackupsDataSource_serverError(t *testing.T) {
	sim := newSim(t, vbssim.Config{MaxMicroversion: "3.30"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      simProvider(sim, "v3") + `data "vbs_backups" "by_name" { sort_key = "name" }`,
			ExpectError: regexp.MustCompile(`(?s)Unable to list VBS backups.*HTTP 400.*sort key.*req-`),
		}},
	})
}

// TestBackupsDataSource_id: the same arguments give the same id, other arguments another.
func TestBackupsDataSource_id(t *testing.T) {
	sim := newSim(t, vbssim.Config{Backups: vbssim.Generate(5, 1, vbssim.DefaultProjectID)})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: simProvider(sim, "v3") + `
data "vbs_backups" "a" { status = "available" }
data "vbs_backups" "b" { status = "available" }
data "vbs_backups" "c" { status = "error" }
data "vbs_backup_ids" "a" { status = "available" }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.vbs_backups.a", tfjsonpath.New("id"), "data.vbs_backups.b", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs("data.vbs_backups.a", tfjsonpath.New("id"), "data.vbs_backups.c", tfjsonpath.New("id"), compare.ValuesDiffer()),
				statecheck.CompareValuePairs("data.vbs_backups.a", tfjsonpath.New("id"), "data.vbs_backup_ids.a", tfjsonpath.New("id"), compare.ValuesSame()),
			},
		}},
	})
}

func ptr[T any](v T) *T { return &v }

// TestAccBackupsDataSource_anyEndpoint runs against whatever real endpoint the environment
// describes (TF_ACC=1 plus the provider's own variables) and asserts only what holds on any data.
func TestAccBackupsDataSource_anyEndpoint(t *testing.T) {
	status := os.Getenv("VBS_ACC_STATUS")
	if status == "" {
		status = "available"
	}
	config := fmt.Sprintf(`
provider "vbs" {}

data "vbs_backups" "newest_first" {
  sort_key  = "created_at"
  sort_dir  = "desc"
  page_size = 50
}
data "vbs_backups" "oldest_first" {
  sort_key = "created_at"
  sort_dir = "asc"
}
data "vbs_backups" "by_status" {
  status = %q
}
data "vbs_backups" "limited" {
  limit     = 3
  page_size = 2
}
`, status)
	checks := []statecheck.StateCheck{
		checkBackups("data.vbs_backups.newest_first", allOf(distinctIDs, sortedBy("created_at", true))),
		checkBackups("data.vbs_backups.oldest_first", allOf(distinctIDs, sortedBy("created_at", false))),
		checkBackups("data.vbs_backups.by_status", allOf(distinctIDs, each("status", status))),
		checkBackups("data.vbs_backups.limited", allOf(distinctIDs, func(b []map[string]any) error {
			if len(b) > 3 {
				return fmt.Errorf("limit 3 returned %d backups", len(b))
			}
			return nil
		})),
	}
	if volume := os.Getenv("VBS_ACC_VOLUME_ID"); volume != "" {
		config += fmt.Sprintf("data \"vbs_backups\" \"by_volume\" {\n  volume_id = %q\n}\n", volume)
		checks = append(checks, checkBackups("data.vbs_backups.by_volume", allOf(distinctIDs, each("volume_id", volume))))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// all combines checks of a list of backups.
func allOf(checks ...func([]map[string]any) error) func([]map[string]any) error {
	return func(b []map[string]any) error {
		for _, c := range checks {
			if err := c(b); err != nil {
				return err
			}
		}
		return nil
	}
}

func distinctIDs(backups []map[string]any) error {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i], _ = b["id"].(string)
	}
	return distinct(ids, len(ids))
}

// sortedBy checks that attr never goes against the direction.
func sortedBy(attr string, desc bool) func([]map[string]any) error {
	return func(backups []map[string]any) error {
		for i := 1; i < len(backups); i++ {
			c := compareAttr(backups[i-1][attr], backups[i][attr])
			if desc {
				c = -c
			}
			if c > 0 {
				return fmt.Errorf("%s out of order at %d: %v then %v", attr, i, backups[i-1][attr], backups[i][attr])
			}
		}
		return nil
	}
}

// each checks that every backup has attr = want.
func each(attr, want string) func([]map[string]any) error {
	return func(backups []map[string]any) error {
		for _, b := range backups {
			if b[attr] != want {
				return fmt.Errorf("backup %v has %s %v, want %q", b["id"], attr, b[attr], want)
			}
		}
		return nil
	}
}

// TestBackupsDataSource_volumeKeysInStateOnlyWhenAsked: with the defaults, the state file that a shared backend
// would store holds no volume key, neither through vbs_backups nor through vbs_backup;
// include_volume_keys = true on either puts that data source's key there, and only there.
func TestBackupsDataSource_volumeKeysInStateOnlyWhenAsked(t *testing.T) {
	sim := volumeKeySim(t)
	dir := t.TempDir()
	config := func(backupsArgs, backupArgs string) string {
		return simProvider(sim, "v3") + fmt.Sprintf(`
data "vbs_backups" "all" {
  %s
}
data "vbs_backup" "one" {
  id = %q
  %s
}`, backupsArgs, fullBackup().ID, backupArgs)
	}
	stateFile := func(holdsKey bool) statecheck.StateCheck {
		return stateFileCheck(dir, func(state []byte) error {
			if !strings.Contains(string(state), `"service_metadata_json"`) {
				return fmt.Errorf("the state file holds no backup: %s", state)
			}
			if got := strings.Contains(string(state), fullVolumeKey); got != holdsKey {
				return fmt.Errorf("the state file holds the volume key: %v, want %v", got, holdsKey)
			}
			return nil
		})
	}
	keys := statecheck.ExpectKnownValue("data.vbs_backups.all", tfjsonpath.New("volume_keys"),
		knownvalue.MapExact(map[string]knownvalue.Check{fullBackup().ID: knownvalue.StringExact(fullVolumeKey)}))
	key := statecheck.ExpectKnownValue("data.vbs_backup.one", tfjsonpath.New("volume_key"), knownvalue.StringExact(fullVolumeKey))
	noKeys := statecheck.ExpectKnownValue("data.vbs_backups.all", tfjsonpath.New("volume_keys"), knownvalue.Null())
	noKey := statecheck.ExpectKnownValue("data.vbs_backup.one", tfjsonpath.New("volume_key"), knownvalue.Null())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		WorkingDir:               dir,
		Steps: []resource.TestStep{
			{Config: config("", ""), ConfigStateChecks: []statecheck.StateCheck{stateFile(false), noKeys, noKey}},
			{Config: config("include_volume_keys = true", ""), ConfigStateChecks: []statecheck.StateCheck{stateFile(true), keys, noKey}},
			{Config: config("", "include_volume_keys = true"), ConfigStateChecks: []statecheck.StateCheck{stateFile(true), noKeys, key}},
			{
				Config:            config("include_volume_keys = false", "include_volume_keys = false"),
				ConfigStateChecks: []statecheck.StateCheck{stateFile(false), noKeys, noKey},
			},
		},
	})
}
