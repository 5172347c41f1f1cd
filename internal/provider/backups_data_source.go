package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ datasource.DataSource              = (*backupsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*backupsDataSource)(nil)
)

// NewBackupsDataSource is the constructor of the vbs_backups data source.
func NewBackupsDataSource() datasource.DataSource { return &backupsDataSource{} }

type backupsDataSource struct {
	clients *clients
}

type backupsDataSourceModel struct {
	backupFiltersModel
	Backups    []backupModel     `tfsdk:"backups"`
	VolumeKeys map[string]string `tfsdk:"volume_keys"` // nil, and so null, unless IncludeVolumeKeys

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

func (d *backupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *backupsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := filterAttributes(ctx)
	attrs["backups"] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "The backups found, each exactly once, in the order the API returned them. " +
			"A field the API returns as null or leaves out is null here.",
		NestedObject: schema.NestedAttributeObject{Attributes: backupAttributes()},
	}
	attrs["volume_keys"] = schema.MapAttribute{
		Computed: true, Sensitive: true, ElementType: types.StringType,
		MarkdownDescription: "The encryption keys (`VK` of `service_metadata`) of encrypted volumes, by backup id, with " +
			"`include_volume_keys = true`; null otherwise. They are one sensitive map beside `backups` rather than a " +
			"sensitive attribute of each backup, because Terraform's cost of sensitive values inside a list grows with the " +
			"square of their number.",
	}
	attrs["include_volume_keys"] = includeVolumeKeysAttribute("volume_keys")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists volume backups (`GET /v2/{project_id}/backups/detail` on Huawei Cloud VBS, " +
			"`/v3/{project_id}/backups/detail` on OpenStack Cinder), walking every page, with each backup's " +
			"`service_metadata` and `description` parsed. To read only ids, use `vbs_backup_ids`, which is far cheaper " +
			"for tens of thousands of backups.",
		Attributes: attrs,
	}
}

func (d *backupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientFrom(req, resp)
}

// Read is the framework's read of vbs_backups. The provider's protocol server answers this data
// source itself, on the fast path in fastread.go, with the same arguments and newBackupModel,
// because the framework's handling of a large state costs far more than the read (DESIGN.md, "The
// two read paths"); this Read serves binaries built with -tags vbs_framework_read and is what
// fastread_test.go holds the fast path to.
func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	res, ok := runListing(ctx, d.clients, m.backupFiltersModel, &resp.Diagnostics, (*vbs.Client).ListBackups)
	if !ok {
		return
	}
	if res.Unreadable > 0 {
		resp.Diagnostics.AddWarning(unreadableWarning(&res.ListSummary, len(res.Backups), "volume_keys"))
	}
	if res.Unsorted != "" {
		resp.Diagnostics.AddWarning(unsortedWarning(res.Unsorted))
	}
	if len(res.Unfiltered) > 0 {
		resp.Diagnostics.AddWarning(unfilteredWarning(res.Unfiltered))
	}
	if res.Strays.Count > 0 {
		resp.Diagnostics.AddWarning(straysWarning(res.Strays))
	}
	m.setResult(backupIDs(res.Backups), res.TotalCount)
	if m.IncludeVolumeKeys.ValueBool() {
		m.VolumeKeys = volumeKeys(res.Backups)
	}
	m.Backups = make([]backupModel, len(res.Backups))
	for i := range res.Backups {
		m.Backups[i] = newBackupModel(&res.Backups[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listErrorSummary is the one summary of every failed listing.
const listErrorSummary = "Unable to list VBS backups"

// unsortedWarning is the one warning of a read that relied on the server's order of created_at to
// stop early, and found a backup out of that order.
func unsortedWarning(first string) (string, string) {
	return "The server did not sort the backups",
		"The backups were asked for sorted by created_at, so that the read could stop as soon as no later page could " +
			"match, but " + first + ". The provider read every page instead and selected by its own comparison."
}

// unfilteredWarning is the one warning of a read in which the server returned backups that its own
// filters (name, status, volume_id) exclude, as a proxy, a gateway or an older server that ignores
// a filter does; the provider left them out.
func unfilteredWarning(misses []vbs.FilterMiss) (string, string) {
	parts := make([]string, len(misses))
	for i, m := range misses {
		noun := "backups"
		if m.Count == 1 {
			noun = "backup"
		}
		parts[i] = fmt.Sprintf("%d %s whose %s is not %q (the first: backup %s)", m.Count, noun, m.Param, m.Value, m.FirstID)
	}
	return "The server returned backups that its filters exclude",
		"The server returned " + strings.Join(parts, ", and ") + "; they were left out. The provider checks the " +
			"API's own filters on every backup, since a proxy, a gateway or an older server may ignore them."
}

// unreadableWarning is the one warning of a read in which some values could not be read; it names
// the attributes left null, volumeKey being the data source's attribute of volume keys.
func unreadableWarning(res *vbs.ListSummary, total int, volumeKey string) (string, string) {
	attrs := slices.Sorted(slices.Values(unreadableAttributeNames(res.UnreadableKeys, volumeKey)))
	detail := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null (%s). First: backup %s: %s.",
		res.Unreadable, total, strings.Join(attrs, ", "), res.FirstUnreadableID,
		strings.Join(unreadableAttributeNames(res.FirstUnreadableKeys, volumeKey), ", "))
	if slices.Contains(attrs, "service_metadata_json") {
		detail += " service_metadata_json is null where service_metadata is not valid JSON and may hold a VK key: " +
			"the volume key's value could not be told apart from the rest of the text, so none of it is shown."
	}
	return "Some backup values could not be read", detail
}
