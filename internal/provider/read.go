package provider

// One read of any data source: its arguments, the client of its region and project, one call of
// the client, and what the walk tells as the read's warnings, or its failure as the read's error.
// The data sources supply only the call and what they make of its result; the fast read path of
// vbs_backups supplies only the writer of each page (fastread.go).

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// defaultReadTimeout bounds a whole read unless timeouts.read says otherwise.
const defaultReadTimeout = 5 * time.Minute

// listErrorSummary is the one summary of every failed listing.
const listErrorSummary = "Unable to list VBS backups"

// readCall is the one call of the client that a read makes with its arguments; it returns what its
// walk told.
type readCall func(ctx context.Context, client *vbs.Client, args *readArguments) (*vbs.WalkSummary, error)

// runRead runs one read of a data source configured by cfg: bounded by timeouts.read, through the
// client of its region and project, call once; what the walk told becomes the read's warnings, a
// failure its error. volumeKeys names the data source's attribute of volume keys, which a warning
// about unreadable values may name. It returns the arguments, nil where the read failed, which
// diags then say.
func runRead(ctx context.Context, c *clients, cfg tfsdk.Config, volumeKeys string, diags *diag.Diagnostics, call readCall) *readArguments {
	args, d := readArgumentsOf(ctx, cfg)
	diags.Append(d...)
	if diags.HasError() {
		return nil
	}
	ctx, cancel, d := readContext(ctx, args.timeouts)
	defer cancel()
	diags.Append(d...)
	if diags.HasError() {
		return nil
	}
	client := c.forScope(ctx, args.scope, diags)
	if client == nil {
		return nil
	}
	sum, err := call(ctx, client, args)
	var failure *readFailure
	switch {
	case errors.As(err, &failure):
		diags.AddError(failure.summary, failure.detail)
		return nil
	case err != nil:
		listingError(diags, err, args.opts)
		return nil
	}
	walkWarnings(diags, sum, volumeKeys)
	return args
}

// readFailure is a failure of a read that says itself what went wrong, rather than as the error
// of a listing.
type readFailure struct{ summary, detail string }

func (f *readFailure) Error() string { return f.summary + ": " + f.detail }

// readContext bounds a read by its timeouts.read, defaultReadTimeout where unset.
func readContext(ctx context.Context, t timeouts.Value) (context.Context, context.CancelFunc, diag.Diagnostics) {
	timeout, diags := t.Read(ctx, defaultReadTimeout)
	if diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, diags
}

// readBackups is the read of vbs_backups, on the framework's path and on the fast one alike: the
// backups go to writePage a page at a time, so that only a page of them is held at once; the ids
// and the volume keys, which are small, are kept for the attributes of their own, the keys only
// where the configuration asks for them. It fills m's id, ids, total_count and volume_keys, and
// reports whether the read succeeded. An error of writePage fails the read as a bug.
func readBackups(ctx context.Context, c *clients, cfg tfsdk.Config, m *backupsDataSourceModel, diags *diag.Diagnostics, writePage func([]vbs.Backup) error) bool {
	var ids []string
	var keys map[string]string
	if m.IncludeVolumeKeys.ValueBool() {
		keys = map[string]string{}
	}
	var total *int64
	args := runRead(ctx, c, cfg, "volume_keys", diags, func(ctx context.Context, client *vbs.Client, args *readArguments) (*vbs.WalkSummary, error) {
		var encodeErr error
		sum, err := client.EachPage(ctx, args.opts, func(page []vbs.Backup) error {
			ids = append(ids, backupIDs(page)...)
			if keys != nil {
				maps.Copy(keys, volumeKeys(page))
			}
			encodeErr = writePage(page)
			return encodeErr
		})
		if encodeErr != nil {
			return nil, &readFailure{encodeErrorSummary, encodeErr.Error() + ". This is a bug in the provider; please report it."}
		}
		if err != nil {
			return nil, err
		}
		total = sum.TotalCount
		return sum, nil
	})
	if args == nil {
		return false
	}
	m.setResult(args.stableID(), ids, total)
	m.VolumeKeys = keys
	return true
}

// encodeErrorSummary is the summary of a state that the provider failed to write.
const encodeErrorSummary = "Unable to encode the VBS backups"

// setResult fills the computed id, ids and total_count; ids is an empty list, never null, when
// nothing matched.
func (m *listingModel) setResult(id string, ids []string, totalCount *int64) {
	m.ID = types.StringValue(id)
	if ids == nil {
		ids = []string{}
	}
	m.IDs = ids
	m.TotalCount = types.Int64PointerValue(totalCount)
}

// backupIDs are the ids of backups, in order.
func backupIDs(backups []vbs.Backup) []string {
	ids := make([]string, len(backups))
	for i := range backups {
		ids[i] = backups[i].ID
	}
	return ids
}

// walkWarnings are the warnings of what a walk told; volumeKeys names the data source's attribute
// of volume keys.
func walkWarnings(diags *diag.Diagnostics, sum *vbs.WalkSummary, volumeKeys string) {
	if sum.Unreadable.Backups > 0 {
		diags.AddWarning(unreadableWarning(&sum.Unreadable, volumeKeys))
	}
	if sum.Unsorted != "" {
		diags.AddWarning(unsortedWarning(sum.Unsorted))
	}
	if len(sum.Unfiltered) > 0 {
		diags.AddWarning(unfilteredWarning(sum.Unfiltered))
	}
	if sum.Strays.Count > 0 {
		diags.AddWarning(straysWarning(sum.Strays))
	}
}

// unreadableWarning is the warning of a read in which some values could not be read; it names the
// attributes left null, volumeKey being the data source's attribute of volume keys.
func unreadableWarning(u *vbs.Unreadables, volumeKey string) (string, string) {
	attrs := slices.Sorted(slices.Values(unreadableAttributeNames(u.Keys, volumeKey)))
	detail := fmt.Sprintf("%d of %d backups had values that could not be read; those attributes are null (%s). First: backup %s: %s.",
		u.Backups, u.Of, strings.Join(attrs, ", "), u.FirstID,
		strings.Join(unreadableAttributeNames(u.FirstKeys, volumeKey), ", "))
	if slices.Contains(attrs, "service_metadata_json") {
		detail += " service_metadata_json is null where service_metadata is not valid JSON and may hold a VK key: " +
			"the volume key's value could not be told apart from the rest of the text, so none of it is shown."
	}
	return "Some backup values could not be read", detail
}

// unsortedWarning is the warning of a read that relied on the server's order of created_at to stop
// early, and found a backup out of that order.
func unsortedWarning(first string) (string, string) {
	return "The server did not sort the backups",
		"The backups were asked for sorted by created_at, so that the read could stop as soon as no later page could " +
			"match, but " + first + ". The provider read every page instead and selected by its own comparison."
}

// unfilteredWarning is the warning of a read in which the server returned backups that its own
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

// straysWarning is the warning of a listing of every project whose server returned backups of
// another project than tenant_id, which project_id asked it for.
func straysWarning(strays vbs.ProjectStrays) (string, string) {
	return "The server returned backups of other projects",
		fmt.Sprintf("The listing asked for the backups of tenant_id only (Cinder's project_id), but the server returned %d "+
			"of other projects (the first: %s). The provider selected none of them.", strays.Count, strays.FirstID)
}

// listingError reports a failed listing: as the one error of every listing, on the argument
// responsible where the failure is about other projects.
func listingError(diags *diag.Diagnostics, err error, opts vbs.ListOpts) {
	var apiErr *vbs.APIError
	isAPIErr := errors.As(err, &apiErr)
	switch {
	// Cinder's answers to a user who is not an administrator: a 403 where a cloud's policy forbids
	// all_tenants; by its default policy, all_tenants ignored (vbs.ErrNotAdmin), and from 3.33 a 400
	// for project_id, an administrator's filter.
	case opts.AllProjects && (errors.Is(err, vbs.ErrNotAdmin) ||
		isAPIErr && apiErr.StatusCode == http.StatusForbidden ||
		isAPIErr && apiErr.StatusCode == http.StatusBadRequest && opts.TenantID != "" && strings.Contains(apiErr.Message, "project_id")):
		args := "all_projects = true"
		if opts.TenantID != "" {
			args += " with tenant_id"
		}
		diags.AddAttributeError(path.Root("all_projects"), listErrorSummary,
			args+" needs an admin role (Cinder's all_tenants lists every project for an administrator only), "+
				"and the server did not list as it does for one: "+err.Error())
	case errors.Is(err, vbs.ErrProjectUnknown):
		diags.AddAttributeError(path.Root("tenant_id"), listErrorSummary,
			"tenant_id needs the project of each backup, which this server does not give: "+err.Error())
	default:
		diags.AddError(listErrorSummary, err.Error())
	}
}
