package vbs

import (
	"context"
	"slices"
)

// WalkSummary is what one walk of a listing tells besides the backups it selected: every result
// type embeds it, so that a caller turns any walk into its warnings in one way.
type WalkSummary struct {
	// Pages is how many pages were requested.
	Pages int
	// Unreadable are the values that could not be read of the backups the walk handed on; a walk
	// that decodes no backup in full (of ids only) leaves it empty.
	Unreadable Unreadables
	// Unsorted describes the first backup out of the created_at order that the walk relied on to
	// stop early ("" when the server kept it or nothing relied on it); the walk then read every page.
	Unsorted string
	// Unfiltered are the API filters (name, status, volume_id, in that order) that the server
	// returned backups failing, as if it had not applied them; those backups were left out.
	Unfiltered []FilterMiss
	// Strays are backups of another project than TenantID that a listing of every project returned.
	Strays ProjectStrays
	// TotalCount is how many backups the API's own filters select, however many the walk kept: the
	// server's count (ListOpts.Count, from Cinder 3.45), else the backups seen where the walk read
	// every page from the first (no offset, no early stop, no limit reached), else nil.
	TotalCount *int64
}

// Unreadables are the values that could not be read of some backups, by key (see
// Backup.Unreadable): how many of the backups had any, and the first of those.
type Unreadables struct {
	// Of is how many backups were added; Backups how many of them had a value that could not be read.
	Of, Backups int
	// FirstID is the id of the first backup with such a value, and FirstKeys its Unreadable.
	FirstID   string
	FirstKeys []string
	// Keys are the keys of every value that could not be read, sorted, each once.
	Keys []string
}

// Add counts b, one of the backups a read returns.
func (u *Unreadables) Add(b *Backup) {
	u.Of++
	if len(b.Unreadable) == 0 {
		return
	}
	if u.Backups++; u.Backups == 1 {
		u.FirstID, u.FirstKeys = b.ID, b.Unreadable
	}
	for _, key := range b.Unreadable {
		if i, found := slices.BinarySearch(u.Keys, key); !found {
			u.Keys = slices.Insert(u.Keys, i, key)
		}
	}
}

// conclude ends a walk of sel that requested pages and ended with err: its error, or, once a
// listing of every project is confirmed (confirmAllProjects), what it tells, with t's count of the
// listing where t is not nil.
func (c *Client) conclude(ctx context.Context, sel *selection, opts *ListOpts, pages int, t *tally, err error) (WalkSummary, error) {
	if err == nil {
		err = c.confirmAllProjects(ctx, opts, sel)
	}
	if err != nil {
		return WalkSummary{}, err
	}
	return sel.summary(pages, opts, t), nil
}

// summary is what the walk of s tells, after pages requested, with t's count of the listing.
func (s *selection) summary(pages int, opts *ListOpts, t *tally) WalkSummary {
	sum := WalkSummary{Pages: pages, Unsorted: s.unsorted, Unfiltered: s.misses(), Strays: s.projects.strays}
	if t != nil {
		sum.TotalCount = t.total(opts, s.offQuery)
	}
	return sum
}
