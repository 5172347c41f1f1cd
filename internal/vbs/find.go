package vbs

import "context"

// FindResult is the outcome of FindBackup.
type FindResult struct {
	// Backup is the one selected; nil when nothing matched.
	Backup *Backup
	// Other is a second match, when more than one matched and the most recent was not asked for:
	// the selection is ambiguous, and the walk stopped there.
	Other *Backup
	// Pages is how many pages were requested.
	Pages int
	// Unsorted is as ListSummary.Unsorted.
	Unsorted string
	// Unfiltered is as ListSummary.Unfiltered.
	Unfiltered []FilterMiss
	// Strays is as ListSummary.Strays.
	Strays ProjectStrays
}

// FindBackup selects one backup of the listing that opts select (their sort, offset, limit and
// page size are its own). With newest, it is the most recent match (the latest created_at, then the
// greatest id), read newest first and stopping at the end of the first page that proves no later
// backup newer (see selection); otherwise it stops at the second match, which makes the selection
// ambiguous.
//
// It decodes of each backup only what the selection reads (see lazyJSON), and a backup in full only
// once it matches: finding one backup among 100,000 then costs about what listing their ids does.
func (c *Client) FindBackup(ctx context.Context, opts ListOpts, newest bool) (*FindResult, error) {
	opts.SortKey, opts.SortDir, opts.Offset, opts.PageSize, opts.Limit = "", "", 0, 0, 0
	if newest {
		opts.SortKey, opts.SortDir = "created_at", "desc"
	} else {
		opts.Limit = 2 // one request of two backups when the API filters alone select
	}
	sel, err := c.newSelection(&opts, newest)
	if err != nil {
		return nil, err
	}
	incremental := opts.Filter.Incremental != nil
	res := &FindResult{}
	pages, err := walk(ctx, c, opts, func(j *keptJSON) bool {
		light := j.selected(incremental)
		if !sel.judge(&light) {
			return false
		}
		b := j.full()
		switch {
		case res.Backup == nil:
			res.Backup = b
		case newest:
			if newer(b, res.Backup) {
				res.Backup = b
			}
		case res.Other == nil:
			res.Other = b
		}
		return true
	}, func(int) (bool, error) { return sel.endPage() }, nil)
	if err != nil {
		return nil, err
	}
	res.Pages, res.Unsorted, res.Unfiltered, res.Strays = pages, sel.unsorted, sel.misses(), sel.projects.strays
	return res, nil
}
