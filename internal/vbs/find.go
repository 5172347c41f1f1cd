package vbs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// FindResult is the outcome of FindBackup.
type FindResult struct {
	// Backup is the one selected; nil when nothing matched.
	Backup *Backup
	// Other is a second match, when more than one matched and the most recent was not asked for:
	// the selection is ambiguous, and the walk stopped there.
	Other *Backup
	ListSummary
}

// FindBackup selects one backup of the listing that opts select (their sort, offset, limit and
// page size are its own). With newest, it is the most recent match (the latest created_at, then the
// greatest id), read newest first and stopping as soon as the order proves no later backup newer;
// otherwise it stops at the second match, which makes the selection ambiguous.
func (c *Client) FindBackup(ctx context.Context, opts ListOpts, newest bool) (*FindResult, error) {
	opts.SortKey, opts.SortDir, opts.Offset, opts.PageSize, opts.Limit = "", "", 0, 0, 0
	if newest {
		opts.SortKey, opts.SortDir = "created_at", "desc"
	} else {
		opts.Limit = 2 // one request of two backups when the API filters alone select
	}
	res := &FindResult{}
	sum, err := c.eachPage(ctx, opts, newest, func(page []Backup) error {
		for i := range page {
			switch b := &page[i]; {
			case res.Backup == nil:
				res.Backup = b
			case newest:
				if newer(b, res.Backup) {
					res.Backup = b
				}
			case res.Other == nil:
				res.Other = b
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.ListSummary = *sum
	return res, nil
}

// GetBackup reads the backup id (GET {endpoint}/backups/{id}); a backup that does not exist is an
// *APIError with the server's status (404), message and request id.
func (c *Client) GetBackup(ctx context.Context, id string) (*Backup, error) {
	if id == "" {
		return nil, errors.New("a backup id must not be empty")
	}
	u := strings.TrimSuffix(c.sc.ResourceBaseURL(), "/") + "/backups/" + url.PathEscape(id)
	resp, err := c.get(ctx, 1, u)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Backup *backupJSON `json:"backup"`
	}
	if err := json.Unmarshal(resp.body, &doc); err != nil || doc.Backup == nil {
		problem := errors.New(`not a backup: no "backup" object`)
		if err != nil {
			problem = fmt.Errorf("not a backup: %w", err)
		}
		return nil, newPageError(1, u, resp, problem)
	}
	// The server answers for the id asked; any other backup would be read as this one.
	if got, _ := doc.Backup.backupID(); got != id {
		e := newPageError(1, u, resp, fmt.Errorf("the server returned backup %q for id %q", got, id))
		e.Body = ""
		return nil, e
	}
	b := doc.Backup.backup()
	return &b, nil
}
