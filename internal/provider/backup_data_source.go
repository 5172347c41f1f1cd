package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
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
// the arguments that select it and its volume key. The filters named as a backup's attributes are
// those attributes of backupModel.
type backupDataSourceModel struct {
	backupModel
	filterArgumentsModel
	scopeModel
	MostRecent types.Bool     `tfsdk:"most_recent"`
	VolumeKey  types.String   `tfsdk:"volume_key"` // null unless IncludeVolumeKeys
	Timeouts   timeouts.Value `tfsdk:"timeouts"`

	IncludeVolumeKeys types.Bool `tfsdk:"include_volume_keys"`
}

func (d *backupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backup"
}

func (d *backupDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := backupAttributes()
	maps.Copy(attrs, scopeAttributes())
	attrs["timeouts"] = timeouts.Attributes(ctx)
	selecting := selectingArguments()
	conflicts := make([]path.Expression, len(selecting))
	for i, name := range selecting {
		conflicts[i] = path.MatchRoot(name)
	}
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Backup id. As an argument, reads this backup alone (`GET …/backups/{id}`, no listing); " +
			"it cannot be combined with any argument that selects.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(conflicts...)},
	}
	for _, a := range listingArguments {
		switch {
		case a.kind == listingShape: // one backup has no order or pages
		case attrs[a.name] != nil: // the backup's attribute of the same name, which the argument selects by
			attrs[a.name] = argumentAndAttribute(a.attribute, attrs[a.name])
		default:
			attrs[a.name] = a.attribute
		}
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
	var res vbs.FindResult
	args := runRead(ctx, d.clients, req.Config, "volume_key", &resp.Diagnostics, func(ctx context.Context, client *vbs.Client, args *readArguments) (*vbs.WalkSummary, error) {
		if id := m.ID.ValueString(); id != "" {
			b, err := client.GetBackup(ctx, id)
			if err != nil {
				return nil, backupReadError(id, err)
			}
			// A read by id walks no listing: it tells only what of the backup could not be read.
			res.Backup = b
			res.Unreadable.Add(b)
			return &res.WalkSummary, nil
		}
		found, err := client.FindBackup(ctx, args.opts, m.MostRecent.ValueBool())
		if err != nil {
			return nil, err
		}
		res = *found
		return &res.WalkSummary, nil
	})
	if args == nil || !selectedOne(&res, args, &resp.Diagnostics) {
		return
	}
	m.backupModel = newBackupModel(res.Backup)
	m.VolumeKey = types.StringNull()
	if m.IncludeVolumeKeys.ValueBool() {
		m.VolumeKey = volumeKey(res.Backup)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// selectedOne reports whether a selection found exactly one backup; otherwise it says in diags
// what it found, naming the filters set.
func selectedOne(res *vbs.FindResult, args *readArguments, diags *diag.Diagnostics) bool {
	filters := args.filters()
	switch {
	case res.Backup == nil && len(filters) == 0 && args.opts.AllProjects:
		diags.AddError(notFoundSummary, "No project has backups.")
	case res.Backup == nil && len(filters) == 0:
		diags.AddError(notFoundSummary, "The project has no backups.")
	case res.Backup == nil:
		diags.AddError(notFoundSummary, "No backup matches "+strings.Join(filters, ", ")+".")
	case res.SecondMatch != nil:
		matches := "any backup"
		if len(filters) > 0 {
			matches = strings.Join(filters, ", ")
		}
		diags.AddError("More than one VBS backup matches", fmt.Sprintf(
			"At least two backups match %s: %s and %s. Narrower filters, or most_recent = true, select one.",
			matches, describeBackup(res.Backup), describeBackup(res.SecondMatch)))
	default:
		return true
	}
	return false
}

// getBackup reads the backup id alone, as vbs_backup does, for vbs_backup_volume_key, so that both
// fail alike. It is nil where the read failed, which diags then says.
func getBackup(ctx context.Context, client *vbs.Client, id string, diags *diag.Diagnostics) *vbs.Backup {
	b, err := client.GetBackup(ctx, id)
	if err != nil {
		f := backupReadError(id, err)
		diags.AddError(f.summary, f.detail)
		return nil
	}
	return b
}

// backupReadError is the failure of reading the backup id alone: an unknown id with the server's
// 404 message and request id, any other failure (a server that answers with another backup among
// them) as the client reports it.
func backupReadError(id string, err error) *readFailure {
	var apiErr *vbs.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return &readFailure{notFoundSummary, fmt.Sprintf("id = %q: the server answered HTTP 404: %s%s.",
			id, strings.TrimSuffix(apiErr.Message, "."), requestIDText(apiErr.RequestID))}
	}
	return &readFailure{"Unable to read the VBS backup", err.Error()}
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
