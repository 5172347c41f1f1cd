package vbs

import (
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
