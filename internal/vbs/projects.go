package vbs

// Listings of other projects: every project's backups (all_tenants), and the project of each
// backup re-checked, as the API's other filters are.

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotAdmin is a listing of every project that the server answered as it answers a user who is
// not an administrator. A 403 says so plainly; Cinder's default policy says it by leaving each
// backup's project out, and lists the user's own project as if all_tenants had not been sent.
var ErrNotAdmin = errors.New("the server did not list every project as it does for an administrator")

// ErrProjectUnknown is a selection by project (ListOpts.TenantID) of backups whose project the
// server does not say, so that it cannot be re-checked.
var ErrProjectUnknown = errors.New("the server does not say which project each backup belongs to")

// ProjectStrays are backups of another project than ListOpts.TenantID that a listing of every
// project returned although its query asked for TenantID's: none of them is selected.
type ProjectStrays struct {
	Count   int    // how many
	FirstID string // the id of the first
}

// projectCheck is the part of a walk's selection that reads each backup's project.
type projectCheck struct {
	tenant string // ListOpts.TenantID
	all    bool   // ListOpts.AllProjects
	shown  bool   // v3 from 3.18, where Cinder shows administrators each backup's project
	strays ProjectStrays
	err    error // the walk stops, and fails with it
}

// newProjectCheck prepares the check of a walk of opts; a selection by project on a v3 endpoint
// that never shows one is refused before any request, as a metadata filter is.
func (c *Client) newProjectCheck(opts *ListOpts) (projectCheck, error) {
	p := projectCheck{tenant: opts.TenantID, all: opts.AllProjects, shown: c.api.has(projectMinor)}
	if p.tenant != "" && c.api.Version == "v3" && !p.shown {
		return p, fmt.Errorf("%w: selecting by project needs microversion 3.%d or later of the v3 API, from which "+
			"backups carry os-backup-project-attr:project_id, but the server supports microversion %s",
			ErrProjectUnknown, projectMinor, c.api.microversion())
	}
	return p, nil
}

// admit reports whether b passes the check; once err is set, no backup does.
func (p *projectCheck) admit(b *Backup) bool {
	switch {
	case p.err != nil:
		return false
	case !p.all && p.tenant == "":
		return true
	case b.TenantID == nil && p.all && p.shown:
		p.err = fmt.Errorf("%w: backup %s came without its project (os-backup-project-attr:project_id), which Cinder "+
			"shows administrators only; for anyone else it ignores all_tenants and lists their own project", ErrNotAdmin, b.ID)
		return false
	case p.tenant == "":
		return true
	case b.TenantID == nil:
		p.err = fmt.Errorf("%w: backup %s came without its project (os-bak-tenant-attr:tenant_id on v2, "+
			"os-backup-project-attr:project_id on v3, which Cinder shows administrators only), or with one that cannot be read",
			ErrProjectUnknown, b.ID)
		return false
	case *b.TenantID != p.tenant:
		if p.all { // asked of the server, which returned it anyway
			if p.strays.Count++; p.strays.Count == 1 {
				p.strays.FirstID = b.ID
			}
		}
		return false
	}
	return true
}

// confirmAllProjects is asked after a listing of every project: where that listing returned no
// backup at all, nothing in it told an administrator's answer from Cinder's default policy, which
// ignores all_tenants for anyone else and lists their own project (a filter that matches nothing
// there looks the same). One backup of the unfiltered listing tells, by whether it carries its
// project; that costs one request, and only where the answer was empty.
func (c *Client) confirmAllProjects(ctx context.Context, opts *ListOpts, sel *selection) error {
	if !opts.AllProjects || !sel.projects.shown || sel.judged > 0 {
		return nil
	}
	probe := projectCheck{all: true, shown: true}
	if _, err := walk(ctx, c, ListOpts{AllProjects: true, Limit: 1}, func(j *selectionMembers) bool {
		b := j.partial(false)
		probe.admit(&b)
		return true // the one backup asked for tells, either way
	}, nil, nil); err != nil {
		return err
	}
	return probe.err
}
