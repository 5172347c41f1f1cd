package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

var (
	_ datasource.DataSource              = (*backupDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*backupDataSource)(nil)
)

// NewBackupDataSource is the constructor of the vbs_backup data source.
func NewBackupDataSource() datasource.DataSource { return &backupDataSource{} }

type backupDataSource struct {
	clients *clients
}

// backupDataSourceModel is one backup at the top level, as an element of vbs_backups.backups, with
// the arguments that select it and its volume key.
type backupDataSourceModel struct {
	backupModel
	scopeModel
	AllProjects   types.Bool        `tfsdk:"all_projects"`
	NameRegex     types.String      `tfsdk:"name_regex"`
	CreatedAfter  timetypes.RFC3339 `tfsdk:"created_after"`
	CreatedBefore timetypes.RFC3339 `tfsdk:"created_before"`
	MostRecent    types.Bool        `tfsdk:"most_recent"`
	VolumeKey     types.String      `tfsdk:"volume_key"` // null unless IncludeVolumeKeys
	Timeouts      timeouts.Value    `tfsdk:"timeouts"`

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

// selectingArguments are the arguments that select a backup other than id, which conflicts with each.
var selectingArguments = []string{
	"name", "status", "volume_id", "name_regex", "snapshot_id", "availability_zone",
	"created_after", "created_before", "metadata", "incremental", "all_projects", "tenant_id",
}

func (d *backupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup"
}

func (d *backupDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := backupAttributes()
	args := filterAttributes(ctx)
	conflicts := make([]path.Expression, len(selectingArguments))
	for i, name := range selectingArguments {
		conflicts[i] = path.MatchRoot(name)
	}
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Backup id. As an argument, reads this backup alone (`GET …/backups/{id}`, no listing); " +
			"it cannot be combined with any argument that selects.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(conflicts...)},
	}
	for _, name := range []string{"name", "status", "volume_id", "snapshot_id", "availability_zone", "metadata", "incremental", "tenant_id"} {
		attrs[name] = argumentAndAttribute(args[name], attrs[name])
	}
	for _, name := range []string{"name_regex", "created_after", "created_before", "timeouts", "region", "project_id", "all_projects"} {
		attrs[name] = args[name]
	}
	attrs["most_recent"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Where several backups match, select the one created last (`created_at` at full precision; " +
			"of backups created at the same instant, the greatest id) instead of failing. Ignored with `id`.",
	}
	attrs["volume_key"] = schema.StringAttribute{
		Computed: true, Sensitive: true,
		MarkdownDescription: "The encryption key of an encrypted volume (`VK` of `service_metadata`), with " +
			"`include_volume_keys = true`; null otherwise, and where there is none.",
	}
	attrs["include_volume_keys"] = includeVolumeKeysAttribute("volume_key")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads exactly one volume backup, by `id` or by filters (optionally the most recent of those " +
			"that match), with every attribute of an element of `vbs_backups.backups` at the top level. " +
			"It fails where no backup matches, and where several match and `most_recent` is not set. " +
			"The filters `name`, `status` and `volume_id` are the API's; the others the provider applies itself while it " +
			"reads the pages, so that no backup but the one selected reaches Terraform.",
		Attributes: attrs,
	}
}

// argumentAndAttribute makes a backup's computed attribute an optional argument too: it selects by
// the argument's validation and description, and then holds the backup's own value.
func argumentAndAttribute(arg, computed schema.Attribute) schema.Attribute {
	const own = " Once read, the backup's own value."
	switch a := arg.(type) {
	case schema.StringAttribute:
		a.Computed = true
		a.MarkdownDescription += own
		return a
	case schema.BoolAttribute:
		a.Computed = true
		a.MarkdownDescription += own
		return a
	case schema.MapAttribute:
		a.Computed = true
		a.MarkdownDescription += " Once read, the backup's whole metadata."
		return a
	}
	return computed
}

func (d *backupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientFrom(req, resp)
}

// notFoundSummary is the error of a selection that nothing matches.
const notFoundSummary = "No VBS backup matches"

func (d *backupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := readContext(ctx, m.Timeouts)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.clients.forScope(ctx, m.scopeModel, &resp.Diagnostics)
	if client == nil {
		return
	}
	var b *vbs.Backup
	if id := m.ID.ValueString(); id != "" {
		if b = getBackup(ctx, client, id, &resp.Diagnostics); b == nil {
			return
		}
	} else {
		filters := m.filters()
		opts := m.listOpts()
		res, err := client.FindBackup(ctx, opts, m.MostRecent.ValueBool())
		if err != nil {
			listingError(&resp.Diagnostics, err, opts)
			return
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
		switch {
		case res.Backup == nil && len(filters) == 0 && opts.AllProjects:
			resp.Diagnostics.AddError(notFoundSummary, "No project has backups.")
			return
		case res.Backup == nil && len(filters) == 0:
			resp.Diagnostics.AddError(notFoundSummary, "The project has no backups.")
			return
		case res.Backup == nil:
			resp.Diagnostics.AddError(notFoundSummary, "No backup matches "+strings.Join(filters, ", ")+".")
			return
		case res.Other != nil:
			matches := "any backup"
			if len(filters) > 0 {
				matches = strings.Join(filters, ", ")
			}
			resp.Diagnostics.AddError("More than one VBS backup matches", fmt.Sprintf(
				"At least two backups match %s: %s and %s. Narrower filters, or most_recent = true, select one.",
				matches, describeBackup(res.Backup), describeBackup(res.Other)))
			return
		}
		b = res.Backup
	}
	if len(b.Unreadable) > 0 {
		resp.Diagnostics.AddWarning(unreadableWarning(&vbs.ListSummary{
			Unreadable: 1, UnreadableKeys: b.Unreadable, FirstUnreadableID: b.ID, FirstUnreadableKeys: b.Unreadable,
		}, 1, "volume_key"))
	}
	m.backupModel = newBackupModel(b)
	m.VolumeKey = types.StringNull()
	if m.IncludeVolumeKeys.ValueBool() {
		m.VolumeKey = volumeKey(b)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// getBackup reads the backup id alone, as vbs_backup and vbs_backup_volume_key do, so that both
// fail alike: an unknown id with the server's 404 message and request id, any other failure (a
// server that answers with another backup among them) as the client reports it. It is nil where
// the read failed, which diags then says.
func getBackup(ctx context.Context, client *vbs.Client, id string, diags *diag.Diagnostics) *vbs.Backup {
	b, err := client.GetBackup(ctx, id)
	if err == nil {
		return b
	}
	var apiErr *vbs.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		diags.AddError(notFoundSummary, fmt.Sprintf("id = %q: the server answered HTTP 404: %s%s.",
			id, strings.TrimSuffix(apiErr.Message, "."), requestIDText(apiErr.RequestID)))
		return nil
	}
	diags.AddError("Unable to read the VBS backup", err.Error())
	return nil
}

// clientFilters are the client-side filters among the arguments.
func (m *backupDataSourceModel) clientFilters() clientFilterModel {
	return clientFilterModel{
		NameRegex: m.NameRegex, SnapshotID: m.SnapshotID, AvailabilityZone: m.AvailabilityZone,
		CreatedAfter: m.CreatedAfter, CreatedBefore: m.CreatedBefore, Metadata: m.Metadata, Incremental: m.Incremental,
	}
}

// listOpts is the listing that the arguments select from.
func (m *backupDataSourceModel) listOpts() vbs.ListOpts {
	return vbs.ListOpts{
		Name: m.Name.ValueString(), Status: m.Status.ValueString(), VolumeID: m.VolumeID.ValueString(),
		Filter:      m.clientFilters().filter(),
		AllProjects: m.AllProjects.ValueBool(), TenantID: m.TenantID.ValueString(),
	}
}

// filters lists the selecting arguments that are set, as HCL, for the errors.
func (m *backupDataSourceModel) filters() []string {
	var out []string
	for _, a := range []struct {
		name string
		v    types.String
	}{{"name", m.Name}, {"status", m.Status}, {"volume_id", m.VolumeID}, {"tenant_id", m.TenantID}} {
		if !a.v.IsNull() {
			out = append(out, a.name+" = "+strconv.Quote(a.v.ValueString()))
		}
	}
	return append(out, m.clientFilters().describe()...)
}

// describeBackup names a backup in an error: its id, name and creation time.
func describeBackup(b *vbs.Backup) string {
	s := b.ID
	if b.Name != nil {
		s += fmt.Sprintf(" (name %q", *b.Name)
	} else {
		s += " (no name"
	}
	if b.CreatedAt != nil {
		s += ", created " + b.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	return s + ")"
}

func requestIDText(id string) string {
	if id == "" {
		return ""
	}
	return " (request id " + id + ")"
}
