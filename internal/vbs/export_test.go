package vbs

import (
	"context"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// NewTestServiceClient is testServiceClient, with token, for the tests of package vbs_test.
func NewTestServiceClient(tb testing.TB, endpoint, token string) *gophercloud.ServiceClient {
	sc := testServiceClient(tb, endpoint)
	sc.SetToken(token)
	return sc
}

// WriteJSON and BackupIDs are writeJSON and backupIDs, for the tests of package vbs_test.
var (
	WriteJSON func(w http.ResponseWriter, status int, body string) = writeJSON
	BackupIDs func([]Backup) []string                              = backupIDs
)

// ListResult is every backup of one walk with what the walk tells, as the tests compare it.
type ListResult struct {
	Backups []Backup
	WalkSummary
}

// ListBackups collects what EachPage hands over: the tests read whole listings, the provider never does.
func (c *Client) ListBackups(ctx context.Context, opts ListOpts) (*ListResult, error) {
	res := &ListResult{}
	sum, err := c.EachPage(ctx, opts, func(page []Backup) error {
		res.Backups = append(res.Backups, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.WalkSummary = *sum
	return res, nil
}

// ListBackupIDs is SelectBackupIDs without what the walk tells besides the ids.
func (c *Client) ListBackupIDs(ctx context.Context, opts ListOpts) ([]string, error) {
	res, err := c.SelectBackupIDs(ctx, opts)
	if err != nil {
		return nil, err
	}
	return res.IDs, nil
}
