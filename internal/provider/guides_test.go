package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// The guides' examples (examples/guides/*/main.tf, embedded in docs/guides/) are planned here as
// they are written, against the simulator; the restore guide's, which needs the OpenStack provider
// too, runs against the real Keystone and Cinder in openstack_acc_test.go.

// The example's own provider block makes the providers a step's, not the test case's (plugin-testing
// refuses both).

// guideDir is the directory of a guide's example, relative to this package.
func guideDir(name string) config.TestStepConfigFunc {
	return config.StaticDirectory("../../examples/guides/" + name)
}

// useExampleProvider points the example's own `provider "vbs" {}` at the simulator through the
// provider's environment fallbacks, and lets its source address, terraform-provider-vbs/vbs, resolve
// to the provider served by the test.
func useExampleProvider(t *testing.T, sim *vbssim.Server) {
	t.Helper()
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "terraform-provider-vbs")
	t.Setenv("VBS_ENDPOINT", sim.Endpoint("v3", vbssim.DefaultProjectID))
	t.Setenv("OS_TOKEN", vbssim.DefaultToken)
}

// apiTime writes t as the API does: UTC with microseconds and no zone.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

// stateTime writes t as the provider does, for a t in whole seconds.
func stateTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// expectCheck asserts the status of a check block in the plan, and that each of want's
// substrings is in its problems' messages (none where it passed).
func expectCheck(name, status string, want ...string) plancheck.PlanCheck {
	return planCheckFunc(func(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, c := range req.Plan.Checks {
			if c.Address.Kind != "check" || c.Address.Name != name {
				continue
			}
			var messages []string
			for _, i := range c.Instances {
				for _, p := range i.Problems {
					messages = append(messages, p.Message)
				}
			}
			text := strings.Join(messages, "\n")
			if string(c.Status) != status {
				resp.Error = fmt.Errorf("check %s: status %s, want %s (problems: %q)", name, c.Status, status, text)
				return
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					resp.Error = fmt.Errorf("check %s: problems %q do not say %q", name, text, w)
					return
				}
			}
			return
		}
		resp.Error = fmt.Errorf("no check block %s in the plan", name)
	})
}

// planCheckFunc adapts a function to plancheck.PlanCheck.
type planCheckFunc func(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse)

func (f planCheckFunc) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(ctx, req, resp)
}

// TestGuide_backupFreshnessChecks plans the freshness guide's example: with every watched volume
// backed up within the day both checks pass; a volume whose newest available backup is 30 hours old
// (a newer one in error does not count) and a volume with no available backup at all make the
// for_each check warn, naming both and not the fresh one; a project whose newest backup is old makes
// the scoped check warn. The plan succeeds each time: checks warn, they do not fail. Each data source
// costs one request (no request carries a marker, although the server's pages hold 3 backups), and the
// per-volume ones ask for a single backup.
func TestGuide_backupFreshnessChecks(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	const volA, volB, volStale, volNone = "vol-fresh-a", "vol-fresh-b", "vol-stale", "vol-no-backup"
	backup := func(id, volume, status string, age time.Duration) vbssim.Backup {
		return vbssim.Backup{ID: id, Name: new("nightly-" + id), Status: status, VolumeID: volume, Size: 10,
			CreatedAt: apiTime(now.Add(-age)), ProjectID: vbssim.DefaultProjectID}
	}
	at := func(age time.Duration) string { return stateTime(now.Add(-age)) }
	var fresh []vbssim.Backup
	for i := range 5 { // more than a page of each volume, so that a second request would show
		fresh = append(fresh,
			backup(fmt.Sprintf("a%d", i), volA, "available", time.Duration(2+24*i)*time.Hour),
			backup(fmt.Sprintf("b%d", i), volB, "available", time.Duration(3+24*i)*time.Hour),
			backup(fmt.Sprintf("s%d", i), volStale, "available", time.Duration(30+24*i)*time.Hour))
	}
	staleError := backup("s-error", volStale, "error", time.Hour)
	staleAt := at(30 * time.Hour) // s0
	noneError := backup("n-error", volNone, "error", time.Hour)
	old := []vbssim.Backup{backup("old", volA, "available", 50*time.Hour)}

	sim := newSim(t, vbssim.Config{Backups: append(slices.Clone(fresh), staleError, noneError), MaxLimit: 3})
	useExampleProvider(t, sim)
	volumes := func(labels ...string) config.Variables {
		ids := map[string]string{"a": volA, "b": volB, "stale": volStale, "none": volNone}
		m := map[string]config.Variable{}
		for _, l := range labels {
			m[l] = config.StringVariable(ids[l])
		}
		return config.Variables{"volumes": config.MapVariable(m)}
	}
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("backup-freshness-checks"),
			ConfigVariables:          volumes("a", "b"),
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true, // a check's own data source is read again at apply
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				expectCheck("backup_freshness", "pass"),
				expectCheck("project_backup_job", "pass"),
				plancheck.ExpectKnownOutputValue("newest_backup_at", knownvalue.MapExact(map[string]knownvalue.Check{
					"a": knownvalue.StringExact(at(2 * time.Hour)),
					"b": knownvalue.StringExact(at(3 * time.Hour)),
				})),
			}},
		}, {
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("backup-freshness-checks"),
			ConfigVariables:          volumes("a", "stale", "none"),
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				expectCheck("backup_freshness", "fail",
					"No available backup newer than 24h for: none (newest: never), stale (newest: "+staleAt+")."),
				expectCheck("project_backup_job", "pass"),
				plancheck.ExpectKnownOutputValue("newest_backup_at", knownvalue.MapExact(map[string]knownvalue.Check{
					"a":     knownvalue.StringExact(at(2 * time.Hour)),
					"stale": knownvalue.StringExact(staleAt),
					"none":  knownvalue.Null(),
				})),
			}},
		}, {
			PreConfig: func() {
				if err := sim.SetBackups(old); err != nil {
					t.Fatal(err)
				}
			},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("backup-freshness-checks"),
			ConfigVariables:          volumes("a"),
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				expectCheck("backup_freshness", "fail", "a (newest: "+at(50*time.Hour)+")"),
				expectCheck("project_backup_job", "fail",
					"The project's newest available backup (old) was created at "+at(50*time.Hour)+", more than 24h ago."),
			}},
		}, {
			// No available backup in the whole project: the scoped data source's error makes its check
			// fail, and the plan still succeeds.
			PreConfig: func() {
				if err := sim.SetBackups([]vbssim.Backup{noneError}); err != nil {
					t.Fatal(err)
				}
			},
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("backup-freshness-checks"),
			ConfigVariables:          volumes("none"),
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				expectCheck("backup_freshness", "fail", "none (newest: never)"),
				expectCheck("project_backup_job", "fail"),
			}},
		}},
	})

	listings := 0
	for _, r := range sim.Requests() {
		if !strings.HasSuffix(r.Path, "/backups/detail") {
			continue
		}
		listings++
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil {
			t.Fatal(err)
		}
		if q.Has("marker") {
			t.Errorf("a second page was read: %s?%s", r.Path, r.RawQuery)
		}
		if q.Get("status") != "available" {
			t.Errorf("listing without status=available: %s", r.RawQuery)
		}
		if q.Has("volume_id") && (q.Get("limit") != "1" || q.Get("sort_key") != "created_at" || q.Get("sort_dir") != "desc") {
			t.Errorf("a volume's listing does not ask for its single newest backup: %s", r.RawQuery)
		}
	}
	if listings == 0 {
		t.Error("no listing reached the simulator")
	}
}

// TestGuide_migratingFromVBSDataSources plans the migration guide's example: several backups share
// the name (the old data sources fail on that; most_recent selects the newest), one of them written
// with a trailing Z (which the old data sources fail to parse), and the old attributes, the parsed
// service_metadata and the function on saved text come out as the guide says.
func TestGuide_migratingFromVBSDataSources(t *testing.T) {
	const volume = "2748f2f2-4394-4e6e-af8d-8dd34496c024"
	meta := ` {"bootable": true, "backupurl": "58d94782-6509-45ad-9442-970d2a005050", "progress": "100", "snap_id": "665e411f5d87431ca98c199fbd4a64fd", "Type": 1, "VK": "00112233445566778899aabbccddeeff"} `
	backups := []vbssim.Backup{{
		ID: "older", Name: new("db-nightly"), Status: "available", VolumeID: volume, Size: 20,
		CreatedAt: "2024-05-05T01:00:00Z", ProjectID: vbssim.DefaultProjectID,
		ServiceMetadata: new(`{"Type": 0}`),
	}, {
		ID: "newest", Name: new("db-nightly"), Description: new(`{"DESC": "nightly", "INC": 1}`), Status: "available",
		AvailabilityZone: new("az1"), VolumeID: volume, Size: 20, Container: new("volumebackups"),
		CreatedAt: "2024-05-06T01:00:00.123456", ProjectID: vbssim.DefaultProjectID, ServiceMetadata: new(meta),
	}, {
		ID: "newer-in-error", Name: new("db-nightly"), Status: "error", VolumeID: volume, Size: 20,
		CreatedAt: "2024-05-07T01:00:00", ProjectID: vbssim.DefaultProjectID,
	}}
	sim := newSim(t, vbssim.Config{Backups: backups})
	useExampleProvider(t, sim)
	resource.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("migrating-from-vbs-data-sources"),
			ConfigVariables: config.Variables{
				"backup_name":            config.StringVariable("db-nightly"),
				"volume_id":              config.StringVariable(volume),
				"saved_service_metadata": config.StringVariable(`{"bootable": false, "Type": 0}`),
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("db", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":                knownvalue.StringExact("newest"),
					"name":              knownvalue.StringExact("db-nightly"),
					"description":       knownvalue.StringExact(`{"DESC": "nightly", "INC": 1}`),
					"status":            knownvalue.StringExact("available"),
					"availability_zone": knownvalue.StringExact("az1"),
					"volume_id":         knownvalue.StringExact(volume),
					"snapshot_id":       knownvalue.Null(),
					"size":              knownvalue.Int64Exact(20),
					"container":         knownvalue.StringExact("volumebackups"),
					"service_metadata":  knownvalue.StringRegexp(regexp.MustCompile(`^ ?\{"bootable": true, .*"VK": "\(sensitive\)"\} ?$`)),
				})),
				statecheck.ExpectKnownOutputValue("backup_type", knownvalue.StringExact("incremental")),
				statecheck.ExpectKnownOutputValue("bootable", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("snapshot_of_backup", knownvalue.StringExact("665e411f5d87431ca98c199fbd4a64fd")),
				statecheck.ExpectKnownOutputValue("saved_backup_type", knownvalue.StringExact("full")),
			},
		}, {
			// Nothing saved: the function's null gives a null output, not an error.
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			ConfigDirectory:          guideDir("migrating-from-vbs-data-sources"),
			ConfigVariables:          config.Variables{"backup_name": config.StringVariable("db-nightly")},
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("saved_backup_type", knownvalue.Null()),
				plancheck.ExpectKnownOutputValue("backup_type", knownvalue.StringExact("incremental")),
			}},
		}},
	})
}
