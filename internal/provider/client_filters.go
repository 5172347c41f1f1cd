package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// clientFilterModel holds the filters that the provider applies itself, during the page walk,
// because the API filters by name, status and volume id only; the three data sources share them.
type clientFilterModel struct {
	NameRegex        types.String      `tfsdk:"name_regex"`
	SnapshotID       types.String      `tfsdk:"snapshot_id"`
	AvailabilityZone types.String      `tfsdk:"availability_zone"`
	CreatedAfter     timetypes.RFC3339 `tfsdk:"created_after"`
	CreatedBefore    timetypes.RFC3339 `tfsdk:"created_before"`
	Metadata         map[string]string `tfsdk:"metadata"`
	Incremental      types.Bool        `tfsdk:"incremental"`
}

// clientFilterAttributes is the schema of clientFilterModel.
func clientFilterAttributes() map[string]schema.Attribute {
	const applied = " Applied by the provider while it reads the pages, before any backup reaches Terraform."
	window := " Times compare at full precision and strictly: two adjacent windows with the same bound both leave " +
		"out a backup created at exactly that instant. A backup without a readable `created_at` never matches. " +
		"Where `sort_key` is unset (`vbs_backup` has none), the provider sorts by `created_at` itself and stops reading pages as soon as " +
		"the order proves that no later page can match." + applied
	return map[string]schema.Attribute{
		"name_regex": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Only backups whose name matches this [RE2](https://github.com/google/re2/wiki/Syntax) " +
				"regular expression anywhere (anchor it with `^…$` to match the whole name); a backup without a name never matches." + applied,
			Validators: []validator.String{regexpValidator{}},
		},
		"snapshot_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only backups made from this snapshot." + applied,
			Validators:          nonEmpty,
		},
		"availability_zone": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only backups in this availability zone." + applied,
			Validators:          nonEmpty,
		},
		"created_after": schema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.RFC3339Type{},
			MarkdownDescription: "Only backups created strictly after this RFC 3339 time (for example `2026-11-28T00:00:00Z`, " +
				"or `timeadd(plantimestamp(), \"-24h\")`)." + window,
		},
		"created_before": schema.StringAttribute{
			Optional:            true,
			CustomType:          timetypes.RFC3339Type{},
			MarkdownDescription: "Only backups created strictly before this RFC 3339 time." + window,
		},
		"metadata": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Only backups whose metadata holds every one of these pairs. Backups carry metadata on " +
				"OpenStack Cinder from microversion 3.43 only: on Huawei Cloud VBS (v2) or an older Cinder this is an error, " +
				"not an empty result." + applied,
			Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
		},
		"incremental": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Only incremental (`true`) or only full (`false`) backups, by the backup's `incremental` " +
				"attribute; a backup for which it is null never matches." + applied,
		},
	}
}

// filter is the client's Filter of the arguments, which validation has checked already.
func (f clientFilterModel) filter() vbs.Filter {
	out := vbs.Filter{
		SnapshotID:       f.SnapshotID.ValueString(),
		AvailabilityZone: f.AvailabilityZone.ValueString(),
		CreatedAfter:     timeOf(f.CreatedAfter),
		CreatedBefore:    timeOf(f.CreatedBefore),
		Metadata:         f.Metadata,
		Incremental:      f.Incremental.ValueBoolPointer(),
	}
	if !f.NameRegex.IsNull() && !f.NameRegex.IsUnknown() {
		out.NameRegex, _ = regexp.Compile(f.NameRegex.ValueString()) // compiled once already by regexpValidator
	}
	return out
}

func timeOf(v timetypes.RFC3339) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, diags := v.ValueRFC3339Time()
	if diags.HasError() {
		return nil // the type's own validation reported it before any read
	}
	return &t
}

// describe lists the filters that are set as HCL assignments, in the schema's order, for error
// messages and the data sources' ids.
func (f clientFilterModel) describe() []string {
	var out []string
	str := func(name string, v interface{ ValueString() string }, isNull bool) {
		if !isNull {
			out = append(out, name+" = "+strconv.Quote(v.ValueString()))
		}
	}
	str("name_regex", f.NameRegex, f.NameRegex.IsNull())
	str("snapshot_id", f.SnapshotID, f.SnapshotID.IsNull())
	str("availability_zone", f.AvailabilityZone, f.AvailabilityZone.IsNull())
	str("created_after", f.CreatedAfter, f.CreatedAfter.IsNull())
	str("created_before", f.CreatedBefore, f.CreatedBefore.IsNull())
	if f.Metadata != nil {
		pairs := ""
		for i, k := range slices.Sorted(maps.Keys(f.Metadata)) {
			if i > 0 {
				pairs += ", "
			}
			pairs += strconv.Quote(k) + " = " + strconv.Quote(f.Metadata[k])
		}
		out = append(out, "metadata = { "+pairs+" }")
	}
	if !f.Incremental.IsNull() {
		out = append(out, "incremental = "+strconv.FormatBool(f.Incremental.ValueBool()))
	}
	return out
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
