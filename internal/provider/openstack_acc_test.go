package provider

// Acceptance tests against a real OpenStack on 127.0.0.1: Debian's Keystone and Cinder API (2023.1),
// started, provisioned and seeded by scripts/openstack/run.sh (`make testacc-openstack`), which
// exports the VBS_ACC_* variables read here (the list is at the top of run.sh). Without them, or
// without TF_ACC, every test here skips.
//
// What the real servers bring that the simulator cannot prove: Keystone's token formats, catalog
// (two regions, RegionTwo on a second Cinder with its own database) and project substitution and
// rescoping; Cinder's own paging (next links carry offset, and the Keystone-protected Cinder writes a
// dead public_endpoint into them), microversions (with_count from 3.45), policy (a member sees no
// project or user attributes, and Cinder ignores all_tenants from a member instead of refusing it;
// an admin lists every project's backups) and error bodies. Cinder has no service_metadata in its view, so that part of
// the parsing is the simulator's to test; here service_metadata is null.

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// The known backup, field by field: KNOWN in scripts/openstack/seed.py (change both together).
const (
	osKnownName          = "vbs-acc-known"
	osKnownDescription   = `{"DESC": "known backup for the acceptance tests", "INC": 1}`
	osKnownDescText      = "known backup for the acceptance tests"
	osKnownSnapshotID    = "2b4d6f80-1a3c-4e5a-9b7d-0f2e4a6c8e01"
	osKnownEncryptionKey = "3c5e7a91-2b4d-4f6a-8c0e-1a3b5c7d9e02"
)

// osEnv is the environment of scripts/openstack/run.sh.
type osEnv struct {
	authURL, region, userName, userID, password, projectName, projectID string
	userDomain, projectDomain                                           string
	appCredID, appCredName, appCredSecret, token                        string
	cinderEndpoint, cinderPublicEndpoint                                string
	noauthURL, noauthEndpoint, noauthToken                              string
	noauthOtherEndpoint, noauthOtherToken                               string
	otherProjectName, otherProjectID, otherUserName, otherPassword      string
	otherUniqueName, otherUniqueID                                      string
	adminUserName, adminPassword                                        string
	regionTwo, regionTwoPrefix                                          string
	regionTwoTotal, regionTwoOtherTotal                                 int
	total, otherTotal                                                   int
	knownID, knownParentID, knownChildID, knownVolumeID                 string
	filterName, filterVolumeID                                          string
	filterNameCount, filterVolumeCount, filterCombinedCount             int
	sortVolumeID                                                        string
	sortVolumeCount                                                     int
	statusCounts                                                        map[string]int
}

// openStackEnv skips the test unless the local OpenStack is up, and clears the provider's
// environment fallbacks so that only the configuration under test counts.
func openStackEnv(t *testing.T) osEnv {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || os.Getenv("VBS_ACC_OPENSTACK") == "" {
		t.Skip("needs TF_ACC=1 and the local OpenStack of scripts/openstack/run.sh (make testacc-openstack)")
	}
	for _, k := range providerEnv {
		t.Setenv(k, "")
	}
	str := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			t.Fatalf("%s is not set: run the tests through scripts/openstack/run.sh", name)
		}
		return v
	}
	loopback := func(name string) string {
		v := str(name)
		u, err := url.Parse(v)
		if ip := net.ParseIP(u.Hostname()); err != nil || ip == nil || !ip.IsLoopback() {
			t.Fatalf("%s=%s is not a loopback URL: these tests only ever talk to 127.0.0.1", name, v)
		}
		return v
	}
	num := func(name string) int {
		n, err := strconv.Atoi(str(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return n
	}
	e := osEnv{
		authURL:              loopback("VBS_ACC_OS_AUTH_URL"),
		region:               str("VBS_ACC_OS_REGION_NAME"),
		userName:             str("VBS_ACC_OS_USERNAME"),
		userID:               str("VBS_ACC_OS_USER_ID"),
		password:             str("VBS_ACC_OS_PASSWORD"),
		projectName:          str("VBS_ACC_OS_PROJECT_NAME"),
		projectID:            str("VBS_ACC_OS_PROJECT_ID"),
		userDomain:           str("VBS_ACC_OS_USER_DOMAIN_NAME"),
		projectDomain:        str("VBS_ACC_OS_PROJECT_DOMAIN_NAME"),
		appCredID:            str("VBS_ACC_OS_APP_CRED_ID"),
		appCredName:          str("VBS_ACC_OS_APP_CRED_NAME"),
		appCredSecret:        str("VBS_ACC_OS_APP_CRED_SECRET"),
		token:                str("VBS_ACC_OS_TOKEN"),
		cinderEndpoint:       loopback("VBS_ACC_CINDER_ENDPOINT"),
		cinderPublicEndpoint: loopback("VBS_ACC_CINDER_PUBLIC_ENDPOINT"),
		noauthURL:            loopback("VBS_ACC_NOAUTH_URL"),
		noauthEndpoint:       loopback("VBS_ACC_NOAUTH_ENDPOINT"),
		noauthToken:          str("VBS_ACC_NOAUTH_TOKEN"),
		noauthOtherEndpoint:  loopback("VBS_ACC_NOAUTH_OTHER_ENDPOINT"),
		noauthOtherToken:     str("VBS_ACC_NOAUTH_OTHER_TOKEN"),
		otherProjectName:     str("VBS_ACC_OTHER_PROJECT_NAME"),
		otherProjectID:       str("VBS_ACC_OTHER_PROJECT_ID"),
		otherUserName:        str("VBS_ACC_OTHER_USERNAME"),
		otherPassword:        str("VBS_ACC_OTHER_PASSWORD"),
		otherUniqueName:      str("VBS_ACC_OTHER_UNIQUE_NAME"),
		otherUniqueID:        str("VBS_ACC_OTHER_UNIQUE_ID"),
		adminUserName:        str("VBS_ACC_OS_ADMIN_USERNAME"),
		adminPassword:        str("VBS_ACC_OS_ADMIN_PASSWORD"),
		regionTwo:            str("VBS_ACC_REGION_TWO"),
		regionTwoPrefix:      str("VBS_ACC_REGION_TWO_NAME_PREFIX"),
		regionTwoTotal:       num("VBS_ACC_REGION_TWO_TOTAL"),
		regionTwoOtherTotal:  num("VBS_ACC_REGION_TWO_OTHER_TOTAL"),
		total:                num("VBS_ACC_SEEDED_TOTAL"),
		otherTotal:           num("VBS_ACC_OTHER_SEEDED_TOTAL"),
		knownID:              str("VBS_ACC_KNOWN_BACKUP_ID"),
		knownParentID:        str("VBS_ACC_KNOWN_PARENT_ID"),
		knownChildID:         str("VBS_ACC_KNOWN_CHILD_ID"),
		knownVolumeID:        str("VBS_ACC_KNOWN_VOLUME_ID"),
		filterName:           str("VBS_ACC_FILTER_NAME"),
		filterVolumeID:       str("VBS_ACC_FILTER_VOLUME_ID"),
		filterNameCount:      num("VBS_ACC_FILTER_NAME_COUNT"),
		filterVolumeCount:    num("VBS_ACC_FILTER_VOLUME_COUNT"),
		filterCombinedCount:  num("VBS_ACC_FILTER_COMBINED_COUNT"),
		sortVolumeID:         str("VBS_ACC_SORT_VOLUME_ID"),
		sortVolumeCount:      num("VBS_ACC_SORT_VOLUME_COUNT"),
		statusCounts:         map[string]int{},
	}
	for _, kv := range strings.Split(str("VBS_ACC_STATUS_COUNTS"), ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("VBS_ACC_STATUS_COUNTS: %q: %v", kv, err)
		}
		e.statusCounts[k] = n
	}
	return e
}

// passwordProvider authenticates the demo user with Keystone and finds Cinder in the catalog;
// extra holds more arguments as name, value pairs.
func (e osEnv) passwordProvider(extra ...string) string {
	args := map[string]string{
		"auth_url": e.authURL, "region": e.region, "user_name": e.userName, "password": e.password,
		"project_name": e.projectName, "user_domain_name": e.userDomain, "project_domain_name": e.projectDomain,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		args[extra[i]] = extra[i+1]
	}
	return e.provider(args)
}

// provider renders the provider block. Each step has exactly one: with the in-process provider
// server of the tests, every alias would share one server, whose data sources use the client of
// whichever alias Terraform configured last.
func (e osEnv) provider(args map[string]string) string {
	var b strings.Builder
	b.WriteString("provider \"vbs\" {\n")
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %q\n", k, args[k])
	}
	b.WriteString("}\n")
	return b.String()
}

func osTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// checkCount checks the number of ids of a data source and that none repeats.
func checkCount(address string, want int) statecheck.StateCheck {
	return checkIDs(address, func(ids []string) error { return distinct(ids, want) })
}

// TestAccOpenStack_password lists every backup of the demo project with Keystone password auth and
// the catalog's block-storage endpoint. The Keystone-protected Cinder writes a dead public_endpoint
// into its next links, so three pages only arrive if the provider pages on its own endpoint.
func TestAccOpenStack_password(t *testing.T) {
	e := openStackEnv(t)
	osTest(t, resource.TestStep{
		Config: e.passwordProvider() + `data "vbs_backups" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			checkCount("data.vbs_backups.all", e.total),
			statecheck.ExpectKnownValue("data.vbs_backups.all", tfjsonpath.New("backups"), knownvalue.ListSizeExact(e.total)),
			checkBackups("data.vbs_backups.all", func(backups []map[string]any) error {
				found := false
				for i, b := range backups {
					if b["id"] == e.knownID {
						found = true
					}
					// A member of the project: Cinder's policy hides the project and user attributes.
					if b["tenant_id"] != nil || b["user_id"] != nil {
						return fmt.Errorf("backup %d: tenant_id %v, user_id %v; a member sees neither", i, b["tenant_id"], b["user_id"])
					}
					if b["service_metadata"] != nil || b["service_metadata_json"] != nil {
						return fmt.Errorf("backup %d: Cinder returns no service_metadata, got %v", i, b["service_metadata_json"])
					}
					links, _ := b["links"].([]any)
					if len(links) != 2 {
						return fmt.Errorf("backup %d: %d links, want self and bookmark", i, len(links))
					}
					for _, l := range links {
						href, _ := l.(map[string]any)["href"].(string)
						if !strings.HasPrefix(href, e.cinderPublicEndpoint+"/") {
							return fmt.Errorf("backup %d: link %s is not as Cinder wrote it (%s)", i, href, e.cinderPublicEndpoint)
						}
					}
				}
				if !found {
					return fmt.Errorf("the known backup %s is missing", e.knownID)
				}
				return nil
			}),
			// The default order: newest first.
			checkBackups("data.vbs_backups.all", orderedBy("created_at", true)),
		},
	}, resource.TestStep{
		// The catalog's internal interface (the same URL here).
		Config:            e.passwordProvider("endpoint_type", "internal") + `data "vbs_backup_ids" "internal" { limit = 3 }`,
		ConfigStateChecks: []statecheck.StateCheck{checkCount("data.vbs_backup_ids.internal", 3)},
	})
}

// TestAccOpenStack_token authenticates with an existing Keystone token (rescoped to the project)
// and, separately, sends that token straight to the configured endpoint with no Keystone call,
// over several pages whose next links name Cinder's dead public_endpoint.
func TestAccOpenStack_token(t *testing.T) {
	e := openStackEnv(t)
	osTest(t, resource.TestStep{
		Config:            e.provider(map[string]string{"auth_url": e.authURL, "region": e.region, "token": e.token, "project_id": e.projectID}) + `data "vbs_backup_ids" "rescoped" { limit = 10 }`,
		ConfigStateChecks: []statecheck.StateCheck{checkCount("data.vbs_backup_ids.rescoped", 10)},
	}, resource.TestStep{
		Config: e.provider(map[string]string{"token": e.token, "endpoint": e.cinderEndpoint}) + `
data "vbs_backup_ids" "direct" {
  volume_id = "` + e.filterVolumeID + `"
  page_size = 100
}
`,
		ConfigStateChecks: []statecheck.StateCheck{checkCount("data.vbs_backup_ids.direct", e.filterVolumeCount)},
	})
}

// TestAccOpenStack_applicationCredential authenticates with the demo user's application
// credential, by id and by name with the user.
func TestAccOpenStack_applicationCredential(t *testing.T) {
	e := openStackEnv(t)
	known := []statecheck.StateCheck{statecheck.ExpectKnownValue("data.vbs_backup_ids.known", tfjsonpath.New("ids"),
		knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(e.knownID)}))}
	list := `data "vbs_backup_ids" "known" { name = "` + osKnownName + `" }`
	osTest(t, resource.TestStep{
		Config: e.provider(map[string]string{
			"auth_url": e.authURL, "region": e.region, "application_credential_id": e.appCredID, "application_credential_secret": e.appCredSecret,
		}) + list,
		ConfigStateChecks: known,
	}, resource.TestStep{
		Config: e.provider(map[string]string{
			"auth_url": e.authURL, "region": e.region, "application_credential_name": e.appCredName, "application_credential_secret": e.appCredSecret,
			"user_name": e.userName, "user_domain_name": e.userDomain,
		}) + list,
		ConfigStateChecks: known,
	})
}

// TestAccOpenStack_knownBackup reads the seeded backup whose every field is known, through the noauth
// Cinder (an admin there, so Cinder adds the project and user attributes) and through Keystone as a
// member (no project or user attributes; links as Cinder's public_endpoint writes them).
func TestAccOpenStack_knownBackup(t *testing.T) {
	e := openStackEnv(t)
	known := func(tenantID, userID knownvalue.Check, linkBase string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":                    knownvalue.StringExact(e.knownID),
			"name":                  knownvalue.StringExact(osKnownName),
			"status":                knownvalue.StringExact("available"),
			"availability_zone":     knownvalue.StringExact("az-acc-1"),
			"volume_id":             knownvalue.StringExact(e.knownVolumeID),
			"snapshot_id":           knownvalue.StringExact(osKnownSnapshotID),
			"fail_reason":           knownvalue.Null(),
			"container":             knownvalue.StringExact("vbs-acc-container"),
			"description":           knownvalue.StringExact(osKnownDescription),
			"description_text":      knownvalue.StringExact(osKnownDescText),
			"incremental_requested": knownvalue.Bool(true),
			"size":                  knownvalue.Int64Exact(40),
			"object_count":          knownvalue.Int64Exact(41),
			"created_at":            knownvalue.StringExact("2024-05-06T07:08:09.123456Z"),
			"updated_at":            knownvalue.StringExact("2024-05-06T07:18:10.654321Z"),
			"data_timestamp":        knownvalue.StringExact("2024-05-06T07:00:00Z"),
			"tenant_id":             tenantID,
			"has_dependent_backups": knownvalue.Bool(true),
			"is_incremental":        knownvalue.Bool(true),
			"incremental":           knownvalue.Bool(true),
			"links": knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"href": knownvalue.StringExact(linkBase + "/v3/" + e.projectID + "/backups/" + e.knownID),
					"rel":  knownvalue.StringExact("self"),
				}),
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"href": knownvalue.StringExact(linkBase + "/" + e.projectID + "/backups/" + e.knownID),
					"rel":  knownvalue.StringExact("bookmark"),
				}),
			}),
			"metadata": knownvalue.MapExact(map[string]knownvalue.Check{
				"env":   knownvalue.StringExact("acc"),
				"owner": knownvalue.StringExact("vbs"),
			}),
			"user_id":               userID,
			"encryption_key_id":     knownvalue.StringExact(osKnownEncryptionKey),
			"service_metadata_json": knownvalue.Null(), // Cinder's view has no service_metadata
			"service_metadata":      knownvalue.Null(),
		})
	}
	chain := func(address string) statecheck.StateCheck {
		return checkBackups(address, func(backups []map[string]any) error {
			want := map[string][2]bool{ // is_incremental, has_dependent_backups
				e.knownParentID: {false, true}, e.knownID: {true, true}, e.knownChildID: {true, false},
			}
			if len(backups) != len(want) {
				return fmt.Errorf("%d backups on the known volume, want %d", len(backups), len(want))
			}
			for _, b := range backups {
				w, ok := want[b["id"].(string)]
				if !ok || b["is_incremental"] != w[0] || b["has_dependent_backups"] != w[1] {
					return fmt.Errorf("backup %v: is_incremental %v, has_dependent_backups %v; want %v", b["id"], b["is_incremental"], b["has_dependent_backups"], w)
				}
			}
			return nil
		})
	}
	osTest(t, resource.TestStep{
		Config: e.provider(map[string]string{"endpoint": e.noauthEndpoint, "token": e.noauthToken}) + `
data "vbs_backups" "known" {
  name = "` + osKnownName + `"
}
data "vbs_backups" "chain" {
  volume_id = "` + e.knownVolumeID + `"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.vbs_backups.known", tfjsonpath.New("backups"), knownvalue.ListExact([]knownvalue.Check{
				known(knownvalue.StringExact(e.projectID), knownvalue.StringExact(e.userID), e.noauthURL),
			})),
			chain("data.vbs_backups.chain"),
		},
	}, resource.TestStep{
		Config: e.passwordProvider() + `data "vbs_backups" "known" { name = "` + osKnownName + `" }`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.vbs_backups.known", tfjsonpath.New("backups"), knownvalue.ListExact([]knownvalue.Check{
				known(knownvalue.Null(), knownvalue.Null(), e.cinderPublicEndpoint),
			})),
		},
	})
}

// TestAccOpenStack_backup reads the known backup with vbs_backup by id (GET …/backups/{id}) and the
// chain on its volume by most_recent and time windows, and selects by the metadata seeded into
// Cinder's backup_metadata table, which Cinder returns from microversion 3.43.
func TestAccOpenStack_backup(t *testing.T) {
	e := openStackEnv(t)
	at := func(address, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), want)
	}
	config := e.passwordProvider() + fmt.Sprintf(`
data "vbs_backup" "x" {
  id = %[1]q
}
data "vbs_backups" "x" {
  name = %[2]q
}
data "vbs_backup" "newest_on_volume" {
  volume_id   = %[3]q
  most_recent = true
}
data "vbs_backup" "newest_available_on_volume" {
  volume_id   = %[3]q
  status      = "available"
  most_recent = true
}
data "vbs_backup" "after_known" {
  volume_id     = %[3]q
  created_after = data.vbs_backup.x.created_at
}
data "vbs_backup_ids" "known_by_regex" {
  name_regex = "^vbs-acc-known"
}
data "vbs_backup_ids" "known_metadata" {
  metadata = { env = "acc", owner = "vbs" }
}
data "vbs_backups" "weekly" {
  metadata = { purpose = "weekly" }
}
data "vbs_backup" "newest_weekly" {
  metadata    = { purpose = "weekly" }
  most_recent = true
}
`, e.knownID, osKnownName, e.knownVolumeID)
	osTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: append(sameAsListed("x"),
			at("data.vbs_backup.x", "id", knownvalue.StringExact(e.knownID)),
			at("data.vbs_backup.x", "created_at", knownvalue.StringExact("2024-05-06T07:08:09.123456Z")),
			at("data.vbs_backup.x", "metadata", knownvalue.MapExact(map[string]knownvalue.Check{
				"env": knownvalue.StringExact("acc"), "owner": knownvalue.StringExact("vbs"),
			})),
			at("data.vbs_backup.x", "volume_key", knownvalue.Null()),
			at("data.vbs_backup.newest_on_volume", "id", knownvalue.StringExact(e.knownChildID)),
			at("data.vbs_backup.newest_available_on_volume", "id", knownvalue.StringExact(e.knownID)),
			// created_after is strict at full precision: the known backup itself is left out.
			at("data.vbs_backup.after_known", "id", knownvalue.StringExact(e.knownChildID)),
			checkIDs("data.vbs_backup_ids.known_by_regex", sameSetOf(e.knownParentID, e.knownID, e.knownChildID)),
			checkIDs("data.vbs_backup_ids.known_metadata", sameIDs([]string{e.knownID})),
			checkBackups("data.vbs_backups.weekly", func(backups []map[string]any) error {
				if len(backups) == 0 {
					return fmt.Errorf("no backup has purpose = weekly; the seed gives some")
				}
				for _, b := range backups {
					if m, _ := b["metadata"].(map[string]any); m["purpose"] != "weekly" {
						return fmt.Errorf("backup %v has metadata %v", b["id"], b["metadata"])
					}
				}
				return nil
			}),
			statecheck.CompareValuePairs("data.vbs_backup.newest_weekly", tfjsonpath.New("id"),
				"data.vbs_backups.weekly", tfjsonpath.New("ids").AtSliceIndex(0), compare.ValuesSame()),
		),
	})
}

// sameSetOf requires exactly these ids, in any order.
func sameSetOf(want ...string) func([]string) error {
	return func(got []string) error {
		if len(got) != len(want) {
			return fmt.Errorf("got %v, want %v", got, want)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				return fmt.Errorf("got %v, want %v", got, want)
			}
		}
		return nil
	}
}

// TestAccOpenStack_filters checks every filter alone and together: the counts the seed reports,
// and that each backup returned matches. error_restoring (a Huawei status Cinder does not know)
// is valid for the provider and matches nothing on Cinder.
func TestAccOpenStack_filters(t *testing.T) {
	e := openStackEnv(t)
	config := e.passwordProvider() + fmt.Sprintf(`
data "vbs_backups" "name" {
  name = %q
}
data "vbs_backups" "volume" {
  volume_id = %q
  page_size = 100
}
data "vbs_backups" "combined" {
  name      = %[1]q
  volume_id = %[2]q
  status    = "available"
}
`, e.filterName, e.filterVolumeID)
	checks := []statecheck.StateCheck{
		checkCount("data.vbs_backups.name", e.filterNameCount),
		checkBackups("data.vbs_backups.name", allHave("name", e.filterName)),
		checkCount("data.vbs_backups.volume", e.filterVolumeCount),
		checkBackups("data.vbs_backups.volume", allHave("volume_id", e.filterVolumeID)),
		checkCount("data.vbs_backups.combined", e.filterCombinedCount),
		checkBackups("data.vbs_backups.combined", allHave("name", e.filterName, "volume_id", e.filterVolumeID, "status", "available")),
	}
	sum := 0
	for _, status := range vbs.Statuses {
		n, ok := e.statusCounts[status]
		if !ok {
			t.Fatalf("VBS_ACC_STATUS_COUNTS has no %s", status)
		}
		config += fmt.Sprintf("data \"vbs_backup_ids\" %q {\n  status = %q\n}\n", status, status)
		checks = append(checks, checkCount("data.vbs_backup_ids."+status, n))
		sum += n
	}
	if sum != e.total {
		t.Fatalf("VBS_ACC_STATUS_COUNTS add up to %d, not %d", sum, e.total)
	}
	config += "data \"vbs_backups\" \"error\" {\n  status = \"error\"\n}\n"
	checks = append(checks, checkBackups("data.vbs_backups.error", allHave("status", "error")))
	osTest(t, resource.TestStep{Config: config, ConfigStateChecks: checks})
}

// allHave checks that every backup has each of the given attribute values (pairs of name, value).
func allHave(pairs ...string) func([]map[string]any) error {
	return func(backups []map[string]any) error {
		for i, b := range backups {
			for j := 0; j+1 < len(pairs); j += 2 {
				if b[pairs[j]] != pairs[j+1] {
					return fmt.Errorf("backup %d (%v): %s is %v, want %q", i, b["id"], pairs[j], b[pairs[j]], pairs[j+1])
				}
			}
		}
		return nil
	}
}

// osSortKeys are the provider's sort keys that Cinder sorts backups by (name with microversion
// 3.37, which the provider asks for); container_format and disk_format are image fields that
// Cinder rejects for backups (TestAccOpenStack_errors).
var osSortKeys = []string{"name", "status", "size", "id", "created_at", "updated_at"}

// TestAccOpenStack_sorting checks both directions of every sort key Cinder supports, in the state's
// order, over the backups of one volume read 30 at a time (so Cinder's marker paging under each
// order is part of it): Cinder breaks ties by created_at, then id, in the same direction.
func TestAccOpenStack_sorting(t *testing.T) {
	e := openStackEnv(t)
	config := e.passwordProvider()
	var checks []statecheck.StateCheck
	for _, key := range osSortKeys {
		for _, dir := range []string{"asc", "desc"} {
			name := key + "_" + dir
			config += fmt.Sprintf("data \"vbs_backups\" %q {\n  volume_id = %q\n  sort_key  = %q\n  sort_dir  = %q\n  page_size = 30\n}\n",
				name, e.sortVolumeID, key, dir)
			checks = append(checks,
				checkCount("data.vbs_backups."+name, e.sortVolumeCount),
				checkBackups("data.vbs_backups."+name, orderedBy(key, dir == "desc")))
		}
	}
	osTest(t, resource.TestStep{Config: config, ConfigStateChecks: checks})
}

// orderedBy checks that backups are sorted by key, then created_at, then id, all in one direction.
func orderedBy(key string, desc bool) func([]map[string]any) error {
	keys := []string{key}
	for _, k := range []string{"created_at", "id"} {
		if k != key {
			keys = append(keys, k)
		}
	}
	return func(backups []map[string]any) error {
		for i := 1; i < len(backups); i++ {
			c := 0
			for _, k := range keys {
				if c = compareAttr(backups[i-1][k], backups[i][k]); c != 0 {
					break
				}
			}
			if desc {
				c = -c
			}
			if c >= 0 {
				return fmt.Errorf("sorted by %v (desc %v): backups %d and %d out of order: %v %v / %v %v", keys, desc,
					i-1, i, backups[i-1][key], backups[i-1]["id"], backups[i][key], backups[i]["id"])
			}
		}
		return nil
	}
}

// TestAccOpenStack_offsetLimit walks every backup from an offset, 100 at a time and with the
// server's own page size: Cinder copies offset into each next link, so a provider that followed
// them as given would lose offset backups on every page. limit stops the walk.
func TestAccOpenStack_offsetLimit(t *testing.T) {
	e := openStackEnv(t)
	const offset = 137
	var all []string
	slice := func(from, to int) func([]string) error {
		return func(ids []string) error {
			if err := distinct(ids, to-from); err != nil {
				return err
			}
			if !slices.Equal(ids, all[from:to]) {
				return fmt.Errorf("not the backups %d to %d of the full listing", from, to)
			}
			return nil
		}
	}
	osTest(t, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`
data "vbs_backup_ids" "all" {}
data "vbs_backup_ids" "offset" {
  offset    = %d
  page_size = 100
}
data "vbs_backup_ids" "offset_server_pages" {
  offset = 1500
}
data "vbs_backup_ids" "limit" {
  limit     = 250
  page_size = 100
}
data "vbs_backup_ids" "offset_limit" {
  offset    = 990
  limit     = 20
  page_size = 7
}
data "vbs_backup_ids" "past_the_end" {
  offset = %d
}
data "vbs_backups" "limit" {
  limit = 7
}
`, offset, e.total+10),
		ConfigStateChecks: []statecheck.StateCheck{
			checkIDs("data.vbs_backup_ids.all", func(ids []string) error {
				all = ids
				return distinct(ids, e.total)
			}),
			checkIDs("data.vbs_backup_ids.offset", slice(offset, e.total)),
			checkIDs("data.vbs_backup_ids.offset_server_pages", slice(1500, e.total)),
			checkIDs("data.vbs_backup_ids.limit", slice(0, 250)),
			checkIDs("data.vbs_backup_ids.offset_limit", slice(990, 1010)),
			checkCount("data.vbs_backup_ids.past_the_end", 0),
			statecheck.ExpectKnownValue("data.vbs_backups.limit", tfjsonpath.New("backups"), knownvalue.ListSizeExact(7)),
		},
	})
}

// TestAccOpenStack_otherProject: the other project's backups (some with the same name and volume
// id as demo backups) never show up in the demo project, through Keystone or noauth, and the
// other project's user sees only its own. (TestAccOpenStack_password counts every demo backup.)
func TestAccOpenStack_otherProject(t *testing.T) {
	e := openStackEnv(t)
	var other []string
	disjoint := func(want int) func([]string) error {
		return func(ids []string) error {
			if err := distinct(ids, want); err != nil {
				return err
			}
			for _, id := range ids {
				if slices.Contains(other, id) {
					return fmt.Errorf("backup %s of the other project is listed in the demo project", id)
				}
			}
			return nil
		}
	}
	owner := func(project string) func([]map[string]any) error {
		return func(backups []map[string]any) error {
			for _, b := range backups {
				if b["tenant_id"] != project {
					return fmt.Errorf("backup %v belongs to %v, want %s", b["id"], b["tenant_id"], project)
				}
			}
			return nil
		}
	}
	osTest(t, resource.TestStep{
		Config: e.provider(map[string]string{
			"auth_url": e.authURL, "region": e.region, "user_name": e.otherUserName, "password": e.otherPassword,
			"project_name": e.otherProjectName, "user_domain_name": e.userDomain, "project_domain_name": e.projectDomain,
		}) + `data "vbs_backup_ids" "other" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			checkIDs("data.vbs_backup_ids.other", func(ids []string) error {
				other = ids
				return distinct(ids, e.otherTotal)
			}),
		},
	}, resource.TestStep{
		Config: e.provider(map[string]string{"endpoint": e.noauthOtherEndpoint, "token": e.noauthOtherToken}) +
			`data "vbs_backups" "other" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			checkCount("data.vbs_backups.other", e.otherTotal),
			checkBackups("data.vbs_backups.other", owner(e.otherProjectID)),
		},
	}, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`data "vbs_backup_ids" "demo_name" { name = %q }`, e.filterName),
		ConfigStateChecks: []statecheck.StateCheck{
			checkIDs("data.vbs_backup_ids.demo_name", disjoint(e.filterNameCount)),
		},
	}, resource.TestStep{
		Config: e.provider(map[string]string{"endpoint": e.noauthEndpoint, "token": e.noauthToken}) +
			fmt.Sprintf(`data "vbs_backups" "demo_volume" { volume_id = %q }`, e.filterVolumeID),
		ConfigStateChecks: []statecheck.StateCheck{
			checkIDs("data.vbs_backups.demo_volume", disjoint(e.filterVolumeCount)),
			checkBackups("data.vbs_backups.demo_volume", owner(e.projectID)),
		},
	})
}

// TestAccOpenStack_errors: bad credentials and bad arguments fail with a clear message: the
// provider's validators at plan time, else the server's own message and request id.
func TestAccOpenStack_errors(t *testing.T) {
	e := openStackEnv(t)
	list := "data \"vbs_backup_ids\" \"x\" {\n  limit = 1\n}\n"
	badPassword := e.passwordProvider("password", "not-"+e.password)
	osTest(t,
		resource.TestStep{
			Config: badPassword + list,
			ExpectError: wordsRegexp("Unable to configure the VBS client", "Keystone at "+e.authURL,
				"refused the credentials (HTTP 401", "The request you have made requires authentication."),
		},
		resource.TestStep{
			Config: e.provider(map[string]string{"auth_url": e.authURL, "token": "gAAAAA-not-a-token", "project_id": e.projectID}) + list,
			ExpectError: wordsRegexp("Unable to configure the VBS client", "Keystone at "+e.authURL,
				"did not find the user, project, domain or token", "HTTP 404", "Could not recognize Fernet token"),
		},
		resource.TestStep{
			Config:      e.provider(map[string]string{"endpoint": e.cinderEndpoint, "token": "not-a-token"}) + list,
			ExpectError: wordsRegexp("Unable to list VBS backups", "HTTP 401: The request you have made requires authentication.", "(request id req-"),
		},
		resource.TestStep{
			// A token of the other project on the demo project's URL.
			Config:      e.provider(map[string]string{"endpoint": e.noauthEndpoint, "token": e.noauthOtherToken}) + list,
			ExpectError: wordsRegexp("Unable to list VBS backups", "HTTP 400: Malformed request url", "(request id req-"),
		},
		resource.TestStep{
			Config:      e.passwordProvider() + "data \"vbs_backups\" \"x\" {\n  sort_key = \"bogus\"\n}\n",
			ExpectError: wordsRegexp("Attribute sort_key value must be one of"),
		},
		resource.TestStep{
			// Valid for the provider (Huawei VBS sorts by it), but not a backup column in Cinder.
			Config:      e.passwordProvider() + "data \"vbs_backups\" \"x\" {\n  sort_key = \"container_format\"\n}\n",
			ExpectError: wordsRegexp("Unable to list VBS backups", "sort_key=container_format", "HTTP 400: Invalid input received: Invalid sort key", "(request id req-"),
		},
	)
}

// adminProvider authenticates vbs-admin, who has the admin role in the demo project: Cinder lists
// every project's backups (all_tenants=1) only for that role.
func (e osEnv) adminProvider() string {
	return e.provider(map[string]string{
		"auth_url": e.authURL, "region": e.region, "user_name": e.adminUserName, "password": e.adminPassword,
		"project_name": e.projectName, "user_domain_name": e.userDomain, "project_domain_name": e.projectDomain,
	})
}

// attrEquals checks one attribute of a data source in the state against another data source's.
func attrEquals(address, attr, otherAddress, otherAttr string) statecheck.StateCheck {
	return statecheck.CompareValuePairs(address, tfjsonpath.New(attr), otherAddress, tfjsonpath.New(otherAttr), compare.ValuesSame())
}

// TestAccOpenStack_projectID reads the other project from a provider authenticated to the demo
// project: Keystone gives a token scoped to the other project from the same password (the demo
// user is a member of both), and the data sources of each project see only its own backups. An
// application credential is bound to its project: asking for another is an error naming both.
func TestAccOpenStack_projectID(t *testing.T) {
	e := openStackEnv(t)
	var other []string
	osTest(t, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`
data "vbs_backup_ids" "other" {
  project_id = %[1]q
}
data "vbs_backup" "other_unique" {
  project_id = %[1]q
  name       = %[2]q
}
data "vbs_backup_ids" "demo_unique" {
  name = %[2]q
}
data "vbs_backup_ids" "demo_dup" {
  name = %[3]q
}
data "vbs_backup_ids" "own" {
  project_id = %[4]q
  name       = %[3]q
}
`, e.otherProjectID, e.otherUniqueName, e.filterName, e.projectID),
		ConfigStateChecks: []statecheck.StateCheck{
			checkIDs("data.vbs_backup_ids.other", func(ids []string) error {
				other = ids
				return distinct(ids, e.otherTotal)
			}),
			statecheck.ExpectKnownValue("data.vbs_backup.other_unique", tfjsonpath.New("id"), knownvalue.StringExact(e.otherUniqueID)),
			checkCount("data.vbs_backup_ids.demo_unique", 0),
			checkIDs("data.vbs_backup_ids.demo_dup", func(ids []string) error {
				if err := distinct(ids, e.filterNameCount); err != nil {
					return err
				}
				for _, id := range ids {
					if slices.Contains(other, id) {
						return fmt.Errorf("backup %s of the other project is listed in the demo project", id)
					}
				}
				return nil
			}),
			// project_id naming the provider's own project reads the same backups.
			attrEquals("data.vbs_backup_ids.own", "ids", "data.vbs_backup_ids.demo_dup", "ids"),
		},
	}, resource.TestStep{
		Config: e.provider(map[string]string{
			"auth_url": e.authURL, "region": e.region, "application_credential_id": e.appCredID, "application_credential_secret": e.appCredSecret,
		}) + fmt.Sprintf(`data "vbs_backup_ids" "other" { project_id = %q }`, e.otherProjectID),
		ExpectError: regexp.MustCompile(`(?is)(project_id.*application.credential|application.credential.*project_id)`),
	})
}

// TestAccOpenStack_region reads RegionTwo, whose catalog entries lead to a second Cinder with a
// database of its own, from a provider configured for RegionOne, and the other way round; the
// backups' names tell which Cinder answered. A region the catalog does not have is an error, not
// a silent fall-back to the provider's region.
func TestAccOpenStack_region(t *testing.T) {
	e := openStackEnv(t)
	regionTwoOnly := func(want int) func([]map[string]any) error {
		return func(backups []map[string]any) error {
			if len(backups) != want {
				return fmt.Errorf("got %d backups, want %d", len(backups), want)
			}
			for _, b := range backups {
				if name, _ := b["name"].(string); !strings.HasPrefix(name, e.regionTwoPrefix) {
					return fmt.Errorf("backup %v (%v) is not one of %s's", b["id"], b["name"], e.regionTwo)
				}
			}
			return distinctIDs(backups)
		}
	}
	osTest(t, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`
data "vbs_backups" "two" {
  region = %[1]q
}
data "vbs_backups" "two_other_project" {
  region     = %[1]q
  project_id = %[2]q
}
data "vbs_backup" "known" {
  name = %[3]q
}
`, e.regionTwo, e.otherProjectID, osKnownName),
		ConfigStateChecks: []statecheck.StateCheck{
			checkBackups("data.vbs_backups.two", regionTwoOnly(e.regionTwoTotal)),
			checkBackups("data.vbs_backups.two_other_project", regionTwoOnly(e.regionTwoOtherTotal)),
			statecheck.ExpectKnownValue("data.vbs_backup.known", tfjsonpath.New("id"), knownvalue.StringExact(e.knownID)),
		},
	}, resource.TestStep{
		Config: e.passwordProvider("region", e.regionTwo) + fmt.Sprintf(`
data "vbs_backups" "own" {}
data "vbs_backup" "known" {
  region = %q
  name   = %q
}
`, e.region, osKnownName),
		ConfigStateChecks: []statecheck.StateCheck{
			checkBackups("data.vbs_backups.own", regionTwoOnly(e.regionTwoTotal)),
			statecheck.ExpectKnownValue("data.vbs_backup.known", tfjsonpath.New("id"), knownvalue.StringExact(e.knownID)),
		},
	}, resource.TestStep{
		Config:      e.passwordProvider() + `data "vbs_backup_ids" "nowhere" { region = "RegionNowhere" }`,
		ExpectError: regexp.MustCompile(`RegionNowhere`),
	})
}

// TestAccOpenStack_allProjects lists every project's backups as an administrator: both projects'
// backups, each exactly once, each with its tenant_id (Cinder shows the owner to an admin); without
// all_projects the same admin sees its own project only.
func TestAccOpenStack_allProjects(t *testing.T) {
	e := openStackEnv(t)
	osTest(t, resource.TestStep{
		Config: e.adminProvider() + fmt.Sprintf(`
data "vbs_backups" "all" {
  all_projects = true
}
data "vbs_backup" "other_unique" {
  all_projects = true
  name         = %q
}
data "vbs_backup_ids" "own" {}
`, e.otherUniqueName),
		ConfigStateChecks: []statecheck.StateCheck{
			checkBackups("data.vbs_backups.all", func(backups []map[string]any) error {
				if err := distinctIDs(backups); err != nil {
					return err
				}
				owners := map[string]int{}
				for _, b := range backups {
					tenant, _ := b["tenant_id"].(string)
					owners[tenant]++
				}
				want := map[string]int{e.projectID: e.total, e.otherProjectID: e.otherTotal}
				if len(owners) != len(want) || owners[e.projectID] != e.total || owners[e.otherProjectID] != e.otherTotal {
					return fmt.Errorf("backups by tenant_id: %v, want %v", owners, want)
				}
				return nil
			}),
			statecheck.ExpectKnownValue("data.vbs_backup.other_unique", tfjsonpath.New("id"), knownvalue.StringExact(e.otherUniqueID)),
			statecheck.ExpectKnownValue("data.vbs_backup.other_unique", tfjsonpath.New("tenant_id"), knownvalue.StringExact(e.otherProjectID)),
			checkCount("data.vbs_backup_ids.own", e.total),
		},
	})
}

// TestAccOpenStack_allProjectsMember: Cinder does not refuse all_tenants=1 from a member, it
// ignores it (and lists the member's own project), so the provider must not return that as every
// project's backups: each data source fails, naming all_projects and the admin role.
func TestAccOpenStack_allProjectsMember(t *testing.T) {
	e := openStackEnv(t)
	memberError := regexp.MustCompile(`(?is)all_projects.*admin`)
	osTest(t, resource.TestStep{
		Config:      e.passwordProvider() + `data "vbs_backup_ids" "x" { all_projects = true }`,
		ExpectError: memberError,
	}, resource.TestStep{
		Config:      e.passwordProvider() + `data "vbs_backups" "x" { all_projects = true }`,
		ExpectError: memberError,
	}, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`
data "vbs_backup" "x" {
  all_projects = true
  name         = %q
}`, e.otherUniqueName),
		ExpectError: memberError,
	})
}

// TestAccOpenStack_tenantID selects one project's backups out of every project's, as an
// administrator: tenant_id goes to Cinder as its admin filter project_id, alone and beside the
// other API filters, and every backup returned belongs to that project.
func TestAccOpenStack_tenantID(t *testing.T) {
	e := openStackEnv(t)
	var other []string
	osTest(t, resource.TestStep{
		Config: e.adminProvider() + fmt.Sprintf(`
data "vbs_backups" "other" {
  all_projects = true
  tenant_id    = %[1]q
}
data "vbs_backup_ids" "other_dup" {
  all_projects = true
  tenant_id    = %[1]q
  name         = %[3]q
}
data "vbs_backups" "demo_dup" {
  all_projects = true
  tenant_id    = %[2]q
  name         = %[3]q
}
data "vbs_backup" "other_newest" {
  all_projects = true
  tenant_id    = %[1]q
  most_recent  = true
}
`, e.otherProjectID, e.projectID, e.filterName),
		ConfigStateChecks: []statecheck.StateCheck{
			checkCount("data.vbs_backups.other", e.otherTotal),
			checkBackups("data.vbs_backups.other", allHave("tenant_id", e.otherProjectID)),
			checkIDs("data.vbs_backups.other", func(ids []string) error {
				other = ids
				return nil
			}),
			checkIDs("data.vbs_backup_ids.other_dup", func(ids []string) error {
				if len(ids) == 0 {
					return fmt.Errorf("the other project has backups named %s, none listed", e.filterName)
				}
				for _, id := range ids {
					if !slices.Contains(other, id) {
						return fmt.Errorf("backup %s is not the other project's", id)
					}
				}
				return nil
			}),
			checkCount("data.vbs_backups.demo_dup", e.filterNameCount),
			checkBackups("data.vbs_backups.demo_dup", allHave("tenant_id", e.projectID, "name", e.filterName)),
			// The default order is newest first, so the newest is the listing's first.
			statecheck.CompareValuePairs("data.vbs_backup.other_newest", tfjsonpath.New("id"),
				"data.vbs_backups.other", tfjsonpath.New("ids").AtSliceIndex(0), compare.ValuesSame()),
			statecheck.ExpectKnownValue("data.vbs_backup.other_newest", tfjsonpath.New("tenant_id"), knownvalue.StringExact(e.otherProjectID)),
		},
	})
}

// TestAccOpenStack_totalCount: total_count is how many backups the API's own filters select, from
// Cinder's with_count (microversion 3.45), also where limit ended the walk early and where a
// client-side filter keeps fewer; for an administrator across projects; and in RegionTwo.
func TestAccOpenStack_totalCount(t *testing.T) {
	e := openStackEnv(t)
	count := func(address string, want int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("total_count"), knownvalue.Int64Exact(int64(want)))
	}
	osTest(t, resource.TestStep{
		Config: e.passwordProvider() + fmt.Sprintf(`
data "vbs_backup_ids" "all" {
  limit = 1
}
data "vbs_backups" "volume" {
  volume_id = %[1]q
  limit     = 3
}
data "vbs_backup_ids" "combined" {
  name      = %[2]q
  volume_id = %[1]q
  status    = "available"
}
data "vbs_backup_ids" "regex" {
  volume_id  = %[3]q
  name_regex = "^vbs-acc-known$"
}
data "vbs_backup_ids" "none" {
  name = "no-such-backup"
}
data "vbs_backup_ids" "region_two" {
  region = %[4]q
}
`, e.filterVolumeID, e.filterName, e.knownVolumeID, e.regionTwo),
		ConfigStateChecks: []statecheck.StateCheck{
			checkCount("data.vbs_backup_ids.all", 1),
			count("data.vbs_backup_ids.all", e.total),
			checkCount("data.vbs_backups.volume", 3),
			count("data.vbs_backups.volume", e.filterVolumeCount),
			count("data.vbs_backup_ids.combined", e.filterCombinedCount),
			checkIDs("data.vbs_backup_ids.regex", sameIDs([]string{e.knownID})),
			count("data.vbs_backup_ids.regex", 3), // the known chain: the API's filter selects all three
			count("data.vbs_backup_ids.none", 0),
			count("data.vbs_backup_ids.region_two", e.regionTwoTotal),
		},
	}, resource.TestStep{
		Config: e.adminProvider() + fmt.Sprintf(`
data "vbs_backup_ids" "everyone" {
  all_projects = true
  limit        = 1
}
data "vbs_backup_ids" "other" {
  all_projects = true
  tenant_id    = %q
  limit        = 1
}
data "vbs_backup_ids" "own" {
  limit = 1
}
`, e.otherProjectID),
		ConfigStateChecks: []statecheck.StateCheck{
			count("data.vbs_backup_ids.everyone", e.total+e.otherTotal),
			count("data.vbs_backup_ids.other", e.otherTotal),
			count("data.vbs_backup_ids.own", e.total),
		},
	})
}

// TestAccOpenStack_guideRestoreNewestBackup plans the restore guide's example as a user would run
// it: both providers configured from the same OS_* variables against the real Keystone, the
// OpenStack provider (built from the Go module proxy by scripts/build-openstack-provider.sh and
// installed from a filesystem mirror in this test's own CLI configuration) authenticating at once
// (OS_DELAYED_AUTH=false) instead of at its first API call. The newest available backup of the known
// volume, read from the real Cinder, flows into openstack_blockstorage_volume_v3.backup_id.
func TestAccOpenStack_guideRestoreNewestBackup(t *testing.T) {
	e := openStackEnv(t)
	mirror := os.Getenv("VBS_ACC_OPENSTACK_PROVIDER_MIRROR")
	if mirror == "" {
		t.Fatal("VBS_ACC_OPENSTACK_PROVIDER_MIRROR is not set: run the tests through scripts/openstack/run.sh")
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	cliConfig := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/terraform-provider-openstack/openstack", "registry.opentofu.org/terraform-provider-openstack/openstack"]
  }
}
`, mirror)
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	// The example's source address, terraform-provider-vbs/vbs, is the provider served by the test.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "terraform-provider-vbs")
	for k, v := range map[string]string{
		"OS_AUTH_URL": e.authURL, "OS_REGION_NAME": e.region, "OS_USERNAME": e.userName, "OS_PASSWORD": e.password,
		"OS_PROJECT_NAME": e.projectName, "OS_USER_DOMAIN_NAME": e.userDomain, "OS_PROJECT_DOMAIN_NAME": e.projectDomain,
		"OS_DELAYED_AUTH": "false",
	} {
		t.Setenv(k, v)
	}
	const volume = "openstack_blockstorage_volume_v3.restored"
	const createdAt = "2024-05-06T07:08:09.123456Z" // the known backup's
	resource.Test(t, resource.TestCase{Steps: []resource.TestStep{{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		ConfigDirectory:          config.StaticDirectory("../../examples/guides/restore-newest-backup"),
		ConfigVariables:          config.Variables{"volume_id": config.StringVariable(e.knownVolumeID)},
		// Plan only: this Cinder has no volume service to create the volume.
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(volume, plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(volume, tfjsonpath.New("backup_id"), knownvalue.StringExact(e.knownID)),
			plancheck.ExpectKnownValue(volume, tfjsonpath.New("size"), knownvalue.Int64Exact(40)),
			plancheck.ExpectKnownValue(volume, tfjsonpath.New("name"), knownvalue.StringExact("restore-of-"+e.knownVolumeID)),
			plancheck.ExpectKnownValue(volume, tfjsonpath.New("description"),
				knownvalue.StringExact("Restored from backup "+e.knownID+" of "+createdAt)),
			plancheck.ExpectKnownOutputValue("restored_from", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":         knownvalue.StringExact(e.knownID),
				"name":       knownvalue.StringExact(osKnownName),
				"created_at": knownvalue.StringExact(createdAt),
				"size_gb":    knownvalue.Int64Exact(40),
			})),
		}},
	}}})
}
