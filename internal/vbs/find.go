package vbs

import "context"

// FindResult is the outcome of FindBackup.
type FindResult struct {
	// Backup is the one selected; nil when nothing matched.
	Backup *Backup
	// SecondMatch is another backup that matched, when more than one did and the most recent was
	// not asked for: the selection is ambiguous, and the walk stopped there.
	SecondMatch *Backup
	// WalkSummary tells of the walk; its Unreadable is of Backup alone.
	WalkSummary
}

// FindBackup selects one backup of the listing that opts select (their sort, offset, limit and
// page size are its own). With newest, it is the most recent match (the latest created_at, then the
// greatest id), read newest first and stopping at the end of the first page that proves no later
// backup newer (see selection); otherwise it stops at the second match, which makes the selection
// ambiguous.
//
// It decodes of each backup only what the selection reads (see selectionMembers), and a backup in full only
// once it matches: finding one backup among many then costs about what listing their ids does.
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
	pages, err := walk(ctx, c, opts, func(j *selectionMembersAndText) bool {
		partial := j.partial(incremental)
		if !sel.match(&partial) {
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
		case res.SecondMatch == nil:
			res.SecondMatch = b
		}
		return true
	}, func(int) (bool, error) { return sel.endPage() }, nil)
	if res.WalkSummary, err = c.conclude(ctx, sel, &opts, pages, nil, err); err != nil {
		return nil, err
	}
	if res.Backup != nil {
		res.Unreadable.Add(res.Backup)
	}
	return res, nil
}
