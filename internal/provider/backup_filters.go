package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/auth"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// defaultReadTimeout bounds a whole page walk unless timeouts.read says otherwise.
const defaultReadTimeout = 5 * time.Minute

// backupFiltersModel holds the arguments that vbs_backups and vbs_backup_ids share.
type backupFiltersModel struct {
	clientFilterModel
	scopeModel
	AllProjects types.Bool     `tfsdk:"all_projects"`
	TenantID    types.String   `tfsdk:"tenant_id"`
	TotalCount  types.Int64    `tfsdk:"total_count"`
	Name        types.String   `tfsdk:"name"`
	Status      types.String   `tfsdk:"status"`
	VolumeID    types.String   `tfsdk:"volume_id"`
	SortKey     types.String   `tfsdk:"sort_key"`
	SortDir     types.String   `tfsdk:"sort_dir"`
	Offset      types.Int64    `tfsdk:"offset"`
	Limit       types.Int64    `tfsdk:"limit"`
	PageSize    types.Int64    `tfsdk:"page_size"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
	ID          types.String   `tfsdk:"id"`
	IDs         []string       `tfsdk:"ids"`
}

// filterAttributes is the schema both data sources share: every filter, id, ids and timeouts.
func filterAttributes(ctx context.Context) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only backups with exactly this name.",
			Validators:          nonEmpty,
		},
		"status": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only backups in this status: " + codeList(vbs.Statuses) + ".",
			Validators:          []validator.String{stringvalidator.OneOf(vbs.Statuses...)},
		},
		"volume_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only backups of this volume (disk).",
			Validators:          nonEmpty,
		},
		"sort_key": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Attribute to sort by: " + codeList(vbs.SortKeys) + ". The server's default is `created_at`. " +
				"On OpenStack Cinder, `name` needs microversion 3.37, which the provider asks for where the server has it.",
			Validators: []validator.String{stringvalidator.OneOf(vbs.SortKeys...)},
		},
		"sort_dir": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Sort direction, `asc` or `desc`. The server's default is `desc`.",
			Validators:          []validator.String{stringvalidator.OneOf(vbs.SortDirs...)},
		},
		"offset": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Skip this many matching backups. Sent on the first request only, so no page is skipped twice.",
			Validators:          []validator.Int64{int64validator.AtLeast(0)},
		},
		"limit": schema.Int64Attribute{
			Optional:            true,
			MarkdownDescription: "Return at most this many backups in all; the provider stops reading pages once it has them.",
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
		},
		"page_size": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Backups asked for per request, 1 to %d. Default: the server's own page size "+
				"(1000 on Cinder). Every page is read either way.", vbs.MaxPageSize),
			Validators: []validator.Int64{int64validator.Between(1, vbs.MaxPageSize)},
		},
		"timeouts": timeouts.Attributes(ctx),
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Identifier derived from the arguments: the same arguments give the same id.",
		},
		"ids": schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Ids of the backups found, in the order the API returned them.",
		},
	}
	maps.Copy(attrs, clientFilterAttributes())
	maps.Copy(attrs, scopeAttributes())
	attrs["all_projects"] = allProjectsAttribute()
	attrs["tenant_id"] = schema.StringAttribute{Optional: true, MarkdownDescription: tenantIDDescription, Validators: nonEmpty}
	attrs["total_count"] = schema.Int64Attribute{
		Computed: true,
		MarkdownDescription: "How many backups the API's own filters select (`name`, `status`, `volume_id`, and `tenant_id` with " +
			"`all_projects`), however many `limit`, `offset` and the client-side filters keep, so that `limit = 10` can still say " +
			"\"of 4,120\": the server's count where its microversion has one (Cinder 3.45, `with_count`), else the backups seen " +
			"when every page was read from the first, else null (with `offset`, or where the read stopped early, at `limit` or at " +
			"the end of a time window). A count the server gives that the backups seen contradict is not used.",
	}
	return attrs
}

// nonEmpty is the validation of a string argument that selects by an exact value.
var nonEmpty = []validator.String{stringvalidator.LengthAtLeast(1)}

func codeList(values []string) string {
	return "`" + strings.Join(values, "`, `") + "`"
}

// listOpts maps the arguments one-to-one onto the client's query options.
func (f backupFiltersModel) listOpts() vbs.ListOpts {
	return vbs.ListOpts{
		Name:     f.Name.ValueString(),
		Status:   f.Status.ValueString(),
		VolumeID: f.VolumeID.ValueString(),
		SortKey:  f.SortKey.ValueString(),
		SortDir:  f.SortDir.ValueString(),
		Offset:   f.Offset.ValueInt64(),
		Limit:    f.Limit.ValueInt64(),
		PageSize: f.PageSize.ValueInt64(),
		Filter:   f.filter(),

		AllProjects: f.AllProjects.ValueBool(),
		TenantID:    f.TenantID.ValueString(),
		Count:       true,
	}
}

// stableID hashes the arguments, so that a plan shows no change while the arguments stay the same.
func (f backupFiltersModel) stableID() string {
	o := f.listOpts()
	key := fmt.Sprintf("name=%q status=%q volume_id=%q sort_key=%q sort_dir=%q offset=%d limit=%d page_size=%d %s",
		o.Name, o.Status, o.VolumeID, o.SortKey, o.SortDir, o.Offset, o.Limit, o.PageSize,
		strings.Join(f.describe(), " "))
	if !f.Region.IsNull() || !f.ProjectID.IsNull() || o.AllProjects || o.TenantID != "" {
		// Only where set, so that the ids of configurations without them stay what they were.
		key += fmt.Sprintf(" region=%q project_id=%q all_projects=%t tenant_id=%q",
			f.Region.ValueString(), f.ProjectID.ValueString(), o.AllProjects, o.TenantID)
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// readContext bounds the read by timeouts.read.
func (f backupFiltersModel) readContext(ctx context.Context) (context.Context, context.CancelFunc, diag.Diagnostics) {
	return readContext(ctx, f.Timeouts)
}

// readContext bounds a read by its timeouts.read, defaultReadTimeout where unset.
func readContext(ctx context.Context, t timeouts.Value) (context.Context, context.CancelFunc, diag.Diagnostics) {
	timeout, diags := t.Read(ctx, defaultReadTimeout)
	if diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, diags
}

// runListing runs one listing of the read's region and project bounded by timeouts.read; a
// failure becomes the error every listing reports.
func runListing[T any](ctx context.Context, c *clients, f backupFiltersModel, diags *diag.Diagnostics, call func(*vbs.Client, context.Context, vbs.ListOpts) (T, error)) (T, bool) {
	var zero T
	ctx, cancel, d := f.readContext(ctx)
	defer cancel()
	diags.Append(d...)
	if diags.HasError() {
		return zero, false
	}
	client := c.forScope(ctx, f.scopeModel, diags)
	if client == nil {
		return zero, false
	}
	opts := f.listOpts()
	res, err := call(client, ctx, opts)
	if err != nil {
		listingError(diags, err, opts)
		return zero, false
	}
	return res, true
}

// setResult fills the computed id, ids and total_count.
func (f *backupFiltersModel) setResult(ids []string, totalCount *int64) {
	f.setIDs(ids)
	f.TotalCount = types.Int64PointerValue(totalCount)
}

// setIDs fills the computed id and ids; ids is an empty list, never null, when nothing matched.
func (f *backupFiltersModel) setIDs(ids []string) {
	f.ID = types.StringValue(f.stableID())
	if ids == nil {
		ids = []string{}
	}
	f.IDs = ids
}

// backupIDs are the ids of backups, in order.
func backupIDs(backups []vbs.Backup) []string {
	ids := make([]string, len(backups))
	for i := range backups {
		ids[i] = backups[i].ID
	}
	return ids
}

// clientFrom takes the clients that the provider's Configure handed over to a data source.
func clientFrom(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *clients {
	return clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// clientsFrom takes the clients from the provider data of any Configure (data source, ephemeral
// resource): nil before ConfigureProvider has run, as during validation, and nil with an error
// where the provider has no authentication at all.
func clientsFrom(data any, diags *diag.Diagnostics) *clients {
	if data == nil {
		return nil
	}
	if ce, ok := data.(*auth.ConfigError); ok { // no authentication: see vbsProvider.Configure
		diags.AddError(ce.Summary, ce.Detail)
		return nil
	}
	c, ok := data.(*clients)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *clients, got %T. This is a bug in the provider; please report it.", data))
	}
	return c
}
