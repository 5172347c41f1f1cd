package provider

// Terraform plans of the region, project and admin scope of the data sources against the
// simulator, whose two regions hold backups of their own in both projects.

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbssim"
)

// scopeSim holds backups of both projects in each region, all different.
func scopeSim(t *testing.T, cfg vbssim.Config) *vbssim.Server {
	t.Helper()
	for i, s := range []struct {
		n       int
		project string
		region  string
	}{
		{3, vbssim.DefaultProjectID, vbssim.DefaultRegion},
		{2, vbssim.DefaultProjectID, vbssim.SecondRegion},
		{4, vbssim.OtherProjectID, vbssim.DefaultRegion},
		{1, vbssim.OtherProjectID, vbssim.SecondRegion},
	} {
		for _, b := range vbssim.Generate(s.n, int64(500+i), s.project) {
			b.Region = s.region
			cfg.Backups = append(cfg.Backups, b)
		}
	}
	return vbssim.NewTest(t, cfg)
}

// scopeIDs are the sorted ids of the backups of project in region ("" for every region).
func scopeIDs(sim *vbssim.Server, region, project string) []string {
	var ids []string
	for _, b := range sim.Backups() {
		if b.ProjectID == project && (region == "" || b.Region == region) {
			ids = append(ids, b.ID)
		}
	}
	return slices.Sorted(slices.Values(ids))
}

// sameIDSet: the data source holds exactly want, in any order.
func sameIDSet(address string, want []string) statecheck.StateCheck {
	return checkIDs(address, func(ids []string) error {
		if got := slices.Sorted(slices.Values(ids)); len(want) == 0 && len(got) != 0 || !slices.Equal(got, want) {
			return fmt.Errorf("%s: ids %v, want %v", address, got, want)
		}
		return nil
	})
}

// requestCount counts the simulator's requests whose "METHOD path" equals one of targets.
func requestCount(sim *vbssim.Server, targets ...string) int {
	n := 0
	for _, r := range sim.Requests() {
		if slices.Contains(targets, r.Method+" "+r.Path) {
			n++
		}
	}
	return n
}

// scopePlan runs one plan of config, with checks or expecting an error.
func scopePlan(t *testing.T, config string, wantErr string, checks ...statecheck.StateCheck) {
	t.Helper()
	step := resource.TestStep{Config: config, ConfigStateChecks: checks}
	if wantErr != "" {
		step = resource.TestStep{Config: config, ExpectError: authError(strings.Split(wantErr, "|")...)}
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
}

// TestScope_keystone: with Keystone, each data source reads its own region (the provider's token,
// the catalog of that region) and project (a token scoped to it from the provider's password). One
// token serves every data source of a project, whatever its region, and every region costs one
// version document: each Terraform command that reads the data sources asks one token for the
// other project and one version document of the other region, beside the provider's own token and
// version document of each command that configures it.
func TestScope_keystone(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{})
	other, two := vbssim.OtherProjectID, vbssim.SecondRegion
	config := authProvider(keystoneArgs(sim, map[string]any{"region": vbssim.DefaultRegion})) + fmt.Sprintf(`
data "vbs_backup_ids" "home" {}
data "vbs_backup_ids" "region" {
  region = %[1]q
}
data "vbs_backup_ids" "project" {
  project_id = %[2]q
}
data "vbs_backup_ids" "project_again" {
  project_id = %[2]q
}
data "vbs_backups" "both" {
  region     = %[1]q
  project_id = %[2]q
}
data "vbs_backup" "both" {
  region     = %[1]q
  project_id = %[2]q
}
data "vbs_backup" "by_id" {
  region     = %[1]q
  project_id = %[2]q
  id         = data.vbs_backup.both.id
}`, two, other)
	scopePlan(t, config, "",
		sameIDSet("data.vbs_backup_ids.home", scopeIDs(sim, vbssim.DefaultRegion, vbssim.DefaultProjectID)),
		sameIDSet("data.vbs_backup_ids.region", scopeIDs(sim, two, vbssim.DefaultProjectID)),
		sameIDSet("data.vbs_backup_ids.project", scopeIDs(sim, vbssim.DefaultRegion, other)),
		sameIDSet("data.vbs_backup_ids.project_again", scopeIDs(sim, vbssim.DefaultRegion, other)),
		sameIDSet("data.vbs_backups.both", scopeIDs(sim, two, other)),
		statecheck.ExpectKnownValue("data.vbs_backup.both", tfjsonpath.New("id"), knownvalue.StringExact(scopeIDs(sim, two, other)[0])),
		statecheck.ExpectKnownValue("data.vbs_backup.by_id", tfjsonpath.New("tenant_id"), knownvalue.StringExact(other)),
		statecheck.ExpectKnownValue("data.vbs_backup.by_id", tfjsonpath.New("project_id"), knownvalue.StringExact(other)),
	)
	configures := requestCount(sim, "GET /"+vbssim.DefaultRegion+"/public/v3/")
	tokens := requestCount(sim, "POST /identity/v3/auth/tokens")
	regionTwo := requestCount(sim, "GET /"+two+"/public/v3/")
	if regionTwo == 0 || tokens-configures != regionTwo {
		t.Errorf("%d configurations, %d token requests, %d version documents of %s: want one token of the other project "+
			"per command that read %s", configures, tokens, regionTwo, two, two)
	}
}

// TestScope_unreadScopeCostsNothing: a provider whose data sources read its own region and
// project asks Keystone for nothing more, and no other region's version document.
func TestScope_unreadScopeCostsNothing(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{})
	scopePlan(t, authProvider(keystoneArgs(sim, map[string]any{"region": vbssim.DefaultRegion}))+`
data "vbs_backup_ids" "home" {}
data "vbs_backup_ids" "home_named" {
  region     = "`+vbssim.DefaultRegion+`"
  project_id = "`+vbssim.DefaultProjectID+`"
}`, "", sameIDSet("data.vbs_backup_ids.home_named", scopeIDs(sim, vbssim.DefaultRegion, vbssim.DefaultProjectID)))
	configures := requestCount(sim, "GET /"+vbssim.DefaultRegion+"/public/v3/")
	if tokens := requestCount(sim, "POST /identity/v3/auth/tokens"); configures == 0 || tokens != configures {
		t.Errorf("%d token requests for %d configurations", tokens, configures)
	}
	if n := requestCount(sim, "GET /"+vbssim.SecondRegion+"/public/v3/"); n != 0 {
		t.Errorf("%d version documents of a region no data source reads", n)
	}
}

// TestScope_akskAndToken: AK/SK signs for the data source's project and the endpoint template
// takes its region and project; a token's takes the region (a token is scoped to one project,
// which Cinder holds to the URL's).
func TestScope_akskAndToken(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{})
	template := sim.URL() + "/{region}/public/v3/{project_id}"
	scopePlan(t, authProvider(map[string]any{
		"access_key": vbssim.DefaultAccessKey, "secret_key": vbssim.DefaultSecretKey, "project_id": vbssim.DefaultProjectID,
		"region": vbssim.DefaultRegion, "endpoint": template,
	})+fmt.Sprintf(`
data "vbs_backup_ids" "project" {
  project_id = %[2]q
}
data "vbs_backup_ids" "both" {
  region     = %[1]q
  project_id = %[2]q
}`, vbssim.SecondRegion, vbssim.OtherProjectID), "",
		sameIDSet("data.vbs_backup_ids.project", scopeIDs(sim, vbssim.DefaultRegion, vbssim.OtherProjectID)),
		sameIDSet("data.vbs_backup_ids.both", scopeIDs(sim, vbssim.SecondRegion, vbssim.OtherProjectID)))
	scopePlan(t, authProvider(map[string]any{
		"token": vbssim.DefaultToken, "project_id": vbssim.DefaultProjectID, "region": vbssim.DefaultRegion, "endpoint": template,
	})+`
data "vbs_backup_ids" "region" {
  region = "`+vbssim.SecondRegion+`"
}`, "", sameIDSet("data.vbs_backup_ids.region", scopeIDs(sim, vbssim.SecondRegion, vbssim.DefaultProjectID)))
}

// TestScope_errors: each region or project the configuration cannot serve, and each listing of
// other projects the server refuses, is an error on the argument responsible (Terraform quotes its
// line), saying what was looked for.
func TestScope_errors(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{})
	stock := scopeSim(t, vbssim.Config{StockPolicy: true})
	old := scopeSim(t, vbssim.Config{MaxMicroversion: "3.17"})
	member := authProvider(map[string]any{"token": vbssim.DefaultToken, "endpoint": sim.URL() + "/v3/{project_id}", "project_id": vbssim.DefaultProjectID})
	keystone := authProvider(keystoneArgs(sim, map[string]any{"region": vbssim.DefaultRegion}))
	cases := []struct {
		name, config, want string
	}{
		{"an endpoint without {region}", member + `
data "vbs_backups" "x" {
  region = "RegionTwo"
}`, `Error: The endpoint cannot serve another region|region = "RegionTwo"|Looked for the backup API of region "RegionTwo"|has no {region}`},
		{"an endpoint without {project_id}", authProvider(map[string]any{"token": vbssim.DefaultToken,
			"endpoint": sim.URL() + "/v3/" + vbssim.DefaultProjectID}) + `
data "vbs_backup_ids" "x" {
  project_id = "` + vbssim.OtherProjectID + `"
}`, `Error: The endpoint cannot serve another project|project_id = "` + vbssim.OtherProjectID + `"|has no {project_id}`},
		{"a region the catalog does not have", keystone + `
data "vbs_backup" "x" {
  region = "RegionNine"
}`, `Error: No backup API endpoint in the service catalog|region = "RegionNine"|for RegionNine`},
		{"an application credential", authProvider(map[string]any{"auth_url": sim.KeystoneURL(),
			"application_credential_id": vbssim.DefaultAppCredID, "application_credential_secret": vbssim.DefaultAppCredSecret}) + `
data "vbs_backups" "x" {
  project_id = "` + vbssim.OtherProjectID + `"
}`, `Error: An application credential cannot read another project|project_id = "` + vbssim.OtherProjectID + `"|application_credential_id`},
		{"a project Keystone refuses", keystone + `
data "vbs_backups" "x" {
  project_id = "0000feed"
}`, `Error: Keystone gave no token for the project|project_id = "0000feed"|HTTP 401`},
		{"all_projects refused with a 403", member + `
data "vbs_backups" "x" {
  all_projects = true
}`, `Error: Unable to list VBS backups|all_projects = true|needs an admin role|HTTP 403|Policy doesn't allow`},
		{"all_projects ignored by the stock policy", authProvider(map[string]any{"token": vbssim.DefaultToken,
			"endpoint": stock.URL() + "/v3/{project_id}", "project_id": vbssim.DefaultProjectID}) + `
data "vbs_backup_ids" "x" {
  all_projects = true
}`, `Error: Unable to list VBS backups|all_projects = true|all_projects = true needs an admin role|came without its project`},
		{"tenant_id refused by the stock policy", authProvider(map[string]any{"token": vbssim.DefaultToken,
			"endpoint": stock.URL() + "/v3/{project_id}", "project_id": vbssim.DefaultProjectID}) + `
data "vbs_backup_ids" "x" {
  all_projects = true
  tenant_id    = "` + vbssim.OtherProjectID + `"
}`, `Error: Unable to list VBS backups|all_projects = true|all_projects = true with tenant_id needs an admin role|HTTP 400|Invalid filters project_id`},
		{"tenant_id before 3.18", authProvider(map[string]any{"token": vbssim.DefaultAdminToken,
			"endpoint": old.URL() + "/v3/{project_id}", "project_id": vbssim.DefaultProjectID}) + `
data "vbs_backup" "x" {
  tenant_id = "` + vbssim.DefaultProjectID + `"
}`, `Error: Unable to list VBS backups|tenant_id = "` + vbssim.DefaultProjectID + `"|tenant_id needs the project of each backup|microversion 3.17`},
		{"all_projects beside id", member + `
data "vbs_backup" "x" {
  id           = "x"
  all_projects = true
}`, `Invalid Attribute Combination`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { scopePlan(t, c.config, c.want) })
	}
}

// TestScope_allProjects: an administrator lists every project, or one other project by tenant_id,
// sent as project_id beside all_tenants on every page and re-checked on every backup.
func TestScope_allProjects(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{MaxLimit: 2})
	admin := authProvider(map[string]any{"token": vbssim.DefaultAdminToken, "endpoint": sim.URL() + "/v3/{project_id}", "project_id": vbssim.DefaultProjectID})
	own, other := scopeIDs(sim, vbssim.DefaultRegion, vbssim.DefaultProjectID), scopeIDs(sim, vbssim.DefaultRegion, vbssim.OtherProjectID)
	scopePlan(t, admin+`
data "vbs_backup_ids" "every" {
  all_projects = true
}
data "vbs_backups" "other" {
  all_projects = true
  tenant_id    = "`+vbssim.OtherProjectID+`"
}
data "vbs_backup" "newest_other" {
  all_projects = true
  tenant_id    = "`+vbssim.OtherProjectID+`"
  most_recent  = true
}`, "",
		sameIDSet("data.vbs_backup_ids.every", slices.Sorted(slices.Values(append(slices.Clone(own), other...)))),
		statecheck.ExpectKnownValue("data.vbs_backup_ids.every", tfjsonpath.New("total_count"), knownvalue.Int64Exact(int64(len(own)+len(other)))),
		sameIDSet("data.vbs_backups.other", other),
		statecheck.ExpectKnownValue("data.vbs_backups.other", tfjsonpath.New("backups").AtSliceIndex(0).AtMapKey("tenant_id"), knownvalue.StringExact(vbssim.OtherProjectID)),
		statecheck.ExpectKnownValue("data.vbs_backup.newest_other", tfjsonpath.New("tenant_id"), knownvalue.StringExact(vbssim.OtherProjectID)),
	)
	pages := 0
	for _, r := range backupRequests(sim) {
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("all_tenants") != "1" {
			t.Errorf("a request without all_tenants=1: %s", r.RawQuery)
		}
		if q.Has("project_id") && q.Get("project_id") != vbssim.OtherProjectID {
			t.Errorf("project_id %s", q.Get("project_id"))
		}
		if q.Has("marker") && q.Has("project_id") {
			pages++
		}
	}
	if pages == 0 {
		t.Error("no later page asked for tenant_id's project: the test proves nothing about next links")
	}
}

// TestScope_tenantIDWithoutAllProjects: without all_projects tenant_id is the provider's own
// check of each backup's project: the listing's own project keeps every backup, another none, and
// no administrator's parameter is sent.
func TestScope_tenantIDWithoutAllProjects(t *testing.T) {
	authParallel(t)
	sim := scopeSim(t, vbssim.Config{})
	scopePlan(t, simProvider(sim, "v3")+`
data "vbs_backup_ids" "own" {
  tenant_id = "`+vbssim.DefaultProjectID+`"
}
data "vbs_backup_ids" "other" {
  tenant_id = "`+vbssim.OtherProjectID+`"
}`, "",
		sameIDSet("data.vbs_backup_ids.own", scopeIDs(sim, vbssim.DefaultRegion, vbssim.DefaultProjectID)),
		sameIDSet("data.vbs_backup_ids.other", nil),
		statecheck.ExpectKnownValue("data.vbs_backup_ids.other", tfjsonpath.New("total_count"), knownvalue.Int64Exact(3)),
	)
	for _, r := range backupRequests(sim) {
		if strings.Contains(r.RawQuery, "all_tenants") || strings.Contains(r.RawQuery, "project_id") {
			t.Errorf("sent %s", r.RawQuery)
		}
	}
}

// TestScope_totalCount: total_count is the server's count where the microversion has with_count
// (3.45), whatever limit keeps; otherwise the backups seen when every page was read, and null where
// limit or offset left some unseen.
func TestScope_totalCount(t *testing.T) {
	authParallel(t)
	counting := vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Generate(5, 601, vbssim.DefaultProjectID), MaxLimit: 2})
	older := vbssim.NewTest(t, vbssim.Config{Backups: vbssim.Generate(5, 602, vbssim.DefaultProjectID), MaxLimit: 2, MaxMicroversion: "3.44"})
	data := `
data "vbs_backups" "two" {
  limit = 2
}
data "vbs_backup_ids" "two" {
  limit = 2
}
data "vbs_backup_ids" "all" {}
data "vbs_backup_ids" "offset" {
  offset = 1
}`
	count := func(address string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("total_count"), want)
	}
	five := knownvalue.Int64Exact(5)
	scopePlan(t, simProvider(counting, "v3")+data, "",
		count("data.vbs_backups.two", five), count("data.vbs_backup_ids.two", five),
		count("data.vbs_backup_ids.all", five), count("data.vbs_backup_ids.offset", five))
	scopePlan(t, simProvider(older, "v3")+data, "",
		count("data.vbs_backups.two", knownvalue.Null()), count("data.vbs_backup_ids.two", knownvalue.Null()),
		count("data.vbs_backup_ids.all", five), count("data.vbs_backup_ids.offset", knownvalue.Null()))
	for _, r := range backupRequests(older) {
		if strings.Contains(r.RawQuery, "with_count") {
			t.Errorf("with_count sent to a server below 3.45: %s", r.RawQuery)
		}
	}
}
