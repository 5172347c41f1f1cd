package provider

// The arguments that select backups and shape a listing, as one table: the schema of every data
// source, the arguments that conflict with vbs_backup's id, the client's ListOpts, the arguments
// echoed as HCL in errors and the stable id all derive from listingArguments.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// argumentKind is what a listing argument does.
type argumentKind int

const (
	apiFilter      argumentKind = iota // a query parameter the API filters by, which the walk checks again
	listingShape                       // the order and pages of a listing; selects nothing
	projectFilter                      // the project each backup names
	projectsListed                     // whose backups are listed
	clientFilter                       // applied by the provider while it reads the pages
)

// listingArgument is one argument of the listing data sources: its schema, and what its value,
// set and known, asks of the client's listing.
type listingArgument struct {
	name      string
	kind      argumentKind
	attribute schema.Attribute
	apply     func(o *vbs.ListOpts, v attr.Value)
}

// applied ends the description of every client-side filter.
const applied = " Applied by the provider while it reads the pages, before any backup reaches Terraform."

// timeWindow ends the description of the time filters.
const timeWindow = " Times compare at full precision and strictly: two adjacent windows with the same bound both leave " +
	"out a backup created at exactly that instant. A backup without a readable `created_at` never matches. " +
	"Where `sort_key` is unset (`vbs_backup` has none), the provider sorts by `created_at` itself and stops reading pages as soon as " +
	"the order proves that no later page can match." + applied

// listingArguments are every argument that selects backups or shapes their listing, in the order
// in which errors and the stable id name them. A client-side filter is one row here, its field in
// filterArgumentsModel (or backupModel, where a backup has an attribute of the same name), and its
// field and Match case in vbs.Filter.
var listingArguments = []listingArgument{
	{"name", apiFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Only backups with exactly this name.", Validators: nonEmpty,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Name = stringOf(v) }},
	{"status", apiFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Only backups in this status: " + codeList(vbs.Statuses) + ".",
		Validators: []validator.String{stringvalidator.OneOf(vbs.Statuses...)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.Status = stringOf(v) }},
	{"volume_id", apiFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Only backups of this volume (disk).", Validators: nonEmpty,
	}, func(o *vbs.ListOpts, v attr.Value) { o.VolumeID = stringOf(v) }},
	{"sort_key", listingShape, schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Attribute to sort by: " + codeList(vbs.SortKeys) + ". The server's default is `created_at`. " +
			"On OpenStack Cinder, `name` needs microversion 3.37, which the provider asks for where the server has it.",
		Validators: []validator.String{stringvalidator.OneOf(vbs.SortKeys...)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.SortKey = stringOf(v) }},
	{"sort_dir", listingShape, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Sort direction, `asc` or `desc`. The server's default is `desc`.",
		Validators: []validator.String{stringvalidator.OneOf(vbs.SortDirs...)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.SortDir = stringOf(v) }},
	{"offset", listingShape, schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "Skip this many matching backups. Sent on the first request only, so no page is skipped twice.",
		Validators:          []validator.Int64{int64validator.AtLeast(0)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.Offset = int64Of(v) }},
	{"limit", listingShape, schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: "Return at most this many backups in all; the provider stops reading pages once it has them.",
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.Limit = int64Of(v) }},
	{"page_size", listingShape, schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Backups asked for per request, 1 to %d. Default: the server's own page size "+
			"(%d on Cinder). Every page is read either way.", vbs.MaxPageSize, vbs.MaxPageSize),
		Validators: []validator.Int64{int64validator.Between(1, vbs.MaxPageSize)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.PageSize = int64Of(v) }},
	{"tenant_id", projectFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: tenantIDDescription, Validators: nonEmpty,
	}, func(o *vbs.ListOpts, v attr.Value) { o.TenantID = stringOf(v) }},
	{"all_projects", projectsListed, allProjectsAttribute(),
		func(o *vbs.ListOpts, v attr.Value) { o.AllProjects = *boolOf(v) }},
	{"name_regex", clientFilter, schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Only backups whose name matches this [RE2](https://github.com/google/re2/wiki/Syntax) " +
			"regular expression anywhere (anchor it with `^…$` to match the whole name); a backup without a name never matches." + applied,
		Validators: []validator.String{regexpValidator{}},
	}, func(o *vbs.ListOpts, v attr.Value) {
		o.Filter.NameRegex, _ = regexp.Compile(stringOf(v)) // compiled once already by regexpValidator
	}},
	{"snapshot_id", clientFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Only backups made from this snapshot." + applied, Validators: nonEmpty,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.SnapshotID = stringOf(v) }},
	{"availability_zone", clientFilter, schema.StringAttribute{
		Optional: true, MarkdownDescription: "Only backups in this availability zone." + applied, Validators: nonEmpty,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.AvailabilityZone = stringOf(v) }},
	{"created_after", clientFilter, schema.StringAttribute{
		Optional: true, CustomType: timetypes.RFC3339Type{},
		MarkdownDescription: "Only backups created strictly after this RFC 3339 time (for example `2026-11-28T00:00:00Z`, " +
			"or `timeadd(plantimestamp(), \"-24h\")`)." + timeWindow,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.CreatedAfter = timeOf(v) }},
	{"created_before", clientFilter, schema.StringAttribute{
		Optional: true, CustomType: timetypes.RFC3339Type{},
		MarkdownDescription: "Only backups created strictly before this RFC 3339 time." + timeWindow,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.CreatedBefore = timeOf(v) }},
	{"metadata", clientFilter, schema.MapAttribute{
		Optional: true, ElementType: types.StringType,
		MarkdownDescription: "Only backups whose metadata holds every one of these pairs. Backups carry metadata on " +
			"OpenStack Cinder from microversion 3.43 only: on Huawei Cloud VBS (v2) or an older Cinder this is an error, " +
			"not an empty result." + applied,
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.Metadata = stringMapOf(v) }},
	{"incremental", clientFilter, schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Only incremental (`true`) or only full (`false`) backups, by the backup's `incremental` " +
			"attribute; a backup for which it is null never matches." + applied,
	}, func(o *vbs.ListOpts, v attr.Value) { o.Filter.Incremental = boolOf(v) }},
}

// filterArgumentsModel holds the selecting arguments that are not the attribute of a backup, which
// vbs_backup shares with the listing data sources.
type filterArgumentsModel struct {
	NameRegex     types.String      `tfsdk:"name_regex"`
	CreatedAfter  timetypes.RFC3339 `tfsdk:"created_after"`
	CreatedBefore timetypes.RFC3339 `tfsdk:"created_before"`
	AllProjects   types.Bool        `tfsdk:"all_projects"`
}

// backupFilterModel holds the selecting arguments named as the attributes of a backup: in the
// listing data sources they are arguments, in a backup (backupModel) the backup's own values.
type backupFilterModel struct {
	Name             types.String      `tfsdk:"name"`
	Status           types.String      `tfsdk:"status"`
	VolumeID         types.String      `tfsdk:"volume_id"`
	TenantID         types.String      `tfsdk:"tenant_id"`
	SnapshotID       types.String      `tfsdk:"snapshot_id"`
	AvailabilityZone types.String      `tfsdk:"availability_zone"`
	Metadata         map[string]string `tfsdk:"metadata"`
	Incremental      types.Bool        `tfsdk:"incremental"`
}

// listingModel holds the arguments and the computed id, ids and total_count that vbs_backups and
// vbs_backup_ids share.
type listingModel struct {
	backupFilterModel
	filterArgumentsModel
	scopeModel
	SortKey    types.String   `tfsdk:"sort_key"`
	SortDir    types.String   `tfsdk:"sort_dir"`
	Offset     types.Int64    `tfsdk:"offset"`
	Limit      types.Int64    `tfsdk:"limit"`
	PageSize   types.Int64    `tfsdk:"page_size"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
	ID         types.String   `tfsdk:"id"`
	IDs        []string       `tfsdk:"ids"`
	TotalCount types.Int64    `tfsdk:"total_count"`
}

// listingAttributes is the schema vbs_backups and vbs_backup_ids share: every listing argument,
// the scope, timeouts, and the computed id, ids and total_count.
func listingAttributes(ctx context.Context) map[string]schema.Attribute {
	attrs := scopeAttributes()
	for _, a := range listingArguments {
		attrs[a.name] = a.attribute
	}
	attrs["timeouts"] = timeouts.Attributes(ctx)
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "Identifier derived from the arguments: the same arguments give the same id.",
	}
	attrs["ids"] = schema.ListAttribute{
		Computed:            true,
		ElementType:         types.StringType,
		MarkdownDescription: "Ids of the backups found, in the order the API returned them.",
	}
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

// selectingArguments are the arguments that select backups, with which vbs_backup's id conflicts.
func selectingArguments() []string {
	var names []string
	for _, a := range listingArguments {
		if a.kind != listingShape {
			names = append(names, a.name)
		}
	}
	return names
}

// readArguments are what a read takes from its configuration, whichever data source it is: the
// listing its arguments select, those set, its region and project, and its timeout.
type readArguments struct {
	opts     vbs.ListOpts
	values   map[string]attr.Value // the listing arguments of the data source's schema, null where unset
	scope    scopeModel
	timeouts timeouts.Value
}

// readArgumentsOf reads the arguments of a data source's configuration by their names, so that
// each data source's model is free to hold them as it likes.
func readArgumentsOf(ctx context.Context, cfg tfsdk.Config) (*readArguments, diag.Diagnostics) {
	var diags diag.Diagnostics
	args := &readArguments{values: map[string]attr.Value{}, opts: vbs.ListOpts{Count: true}}
	for _, a := range listingArguments {
		if _, ok := cfg.Schema.GetAttributes()[a.name]; !ok {
			continue
		}
		var v attr.Value
		diags.Append(cfg.GetAttribute(ctx, path.Root(a.name), &v)...)
		if v == nil {
			continue
		}
		args.values[a.name] = v
		if !v.IsNull() && !v.IsUnknown() {
			a.apply(&args.opts, v)
		}
	}
	diags.Append(cfg.GetAttribute(ctx, path.Root("region"), &args.scope.Region)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("project_id"), &args.scope.ProjectID)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("timeouts"), &args.timeouts)...)
	return args, diags
}

// set lists the selecting arguments that are set, of kinds, as HCL assignments, in the table's order.
func (r *readArguments) set(kinds ...argumentKind) []string {
	var out []string
	for _, a := range listingArguments {
		if v, ok := r.values[a.name]; ok && slices.Contains(kinds, a.kind) && !v.IsNull() {
			out = append(out, a.name+" = "+hclValue(v))
		}
	}
	return out
}

// filters are the filters that are set, as HCL, for the errors of a selection.
func (r *readArguments) filters() []string {
	return r.set(apiFilter, projectFilter, clientFilter)
}

// stableID hashes the arguments, so that a plan shows no change while the arguments stay the same.
// Its text is the ids' own format, which must not change: a new id is a change in every plan.
func (r *readArguments) stableID() string {
	var parts []string
	for _, a := range listingArguments {
		if a.kind != apiFilter && a.kind != listingShape {
			continue
		}
		switch v := r.values[a.name].(type) {
		case types.Int64:
			parts = append(parts, fmt.Sprintf("%s=%d", a.name, v.ValueInt64()))
		default:
			parts = append(parts, fmt.Sprintf("%s=%q", a.name, stringOf(v)))
		}
	}
	key := strings.Join(parts, " ") + " " + strings.Join(r.set(clientFilter), " ")
	o := r.opts
	if !r.scope.Region.IsNull() || !r.scope.ProjectID.IsNull() || o.AllProjects || o.TenantID != "" {
		// Only where set, so that the ids of configurations without them stay what they were.
		key += fmt.Sprintf(" region=%q project_id=%q all_projects=%t tenant_id=%q",
			r.scope.Region.ValueString(), r.scope.ProjectID.ValueString(), o.AllProjects, o.TenantID)
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// hclValue writes a set argument's value as HCL.
func hclValue(v attr.Value) string {
	switch v := v.(type) {
	case types.Bool:
		return strconv.FormatBool(v.ValueBool())
	case types.Int64:
		return strconv.FormatInt(v.ValueInt64(), 10)
	case types.Map:
		m := stringMapOf(v)
		pairs := make([]string, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			pairs = append(pairs, strconv.Quote(k)+" = "+strconv.Quote(m[k]))
		}
		return "{ " + strings.Join(pairs, ", ") + " }"
	}
	return strconv.Quote(stringOf(v))
}

// stringOf is the text of a string argument, "" where it is null or of another kind.
func stringOf(v attr.Value) string {
	if s, ok := v.(interface{ ValueString() string }); ok {
		return s.ValueString()
	}
	return ""
}

// int64Of is the number of a set int64 argument.
func int64Of(v attr.Value) int64 {
	n, _ := v.(types.Int64)
	return n.ValueInt64()
}

// boolOf is the value of a set bool argument, never nil.
func boolOf(v attr.Value) *bool {
	b, _ := v.(types.Bool)
	return b.ValueBoolPointer()
}

// stringMapOf is a map argument of strings.
func stringMapOf(v attr.Value) map[string]string {
	m, _ := v.(types.Map)
	out := make(map[string]string, len(m.Elements()))
	for k, e := range m.Elements() {
		out[k] = stringOf(e)
	}
	return out
}

// timeOf is an RFC 3339 argument's time, nil where it is null, unknown or invalid (which the
// type's own validation reported before any read).
func timeOf(v attr.Value) *time.Time {
	rfc, ok := v.(timetypes.RFC3339)
	if !ok || rfc.IsNull() || rfc.IsUnknown() {
		return nil
	}
	t, diags := rfc.ValueRFC3339Time()
	if diags.HasError() {
		return nil
	}
	return &t
}

// nonEmpty is the validation of a string argument that selects by an exact value.
var nonEmpty = []validator.String{stringvalidator.LengthAtLeast(1)}

func codeList(values []string) string {
	return "`" + strings.Join(values, "`, `") + "`"
}

// regexpValidator accepts an RE2 regular expression, so that a bad name_regex fails the plan
// before any request; the framework's validators can match a string against a regular
// expression, but have none that checks a string is one.
type regexpValidator struct{}

var _ validator.String = regexpValidator{}

func (regexpValidator) Description(context.Context) string {
	return "value must be a valid RE2 regular expression"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("Attribute %s is not a valid RE2 regular expression: %s.", req.Path, err))
	}
}
