package vbs

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// testToken is the token the test service client sends, so that tests can see gophercloud's headers applied.
const testToken = "test-token"

// testServiceClient is a gophercloud service client for endpoint with a fixed token. Its transport
// refuses to dial anything but loopback, so that even a broken link rewrite cannot reach the
// private address of the API's example.
func testServiceClient(tb testing.TB, endpoint string) *gophercloud.ServiceClient {
	dialer := &net.Dialer{}
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			tb.Errorf("refused to dial %s: tests reach 127.0.0.1 only", addr)
			return nil, fmt.Errorf("test transport: refused to dial %s", addr)
		}
		return dialer.DialContext(ctx, network, addr)
	}}
	tb.Cleanup(transport.CloseIdleConnections)
	pc := &gophercloud.ProviderClient{HTTPClient: http.Client{Transport: transport}}
	pc.SetToken(testToken)
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: endpoint}
}

// fullServiceMetadata has every documented key and two undocumented ones, as Huawei VBS writes it.
const fullServiceMetadata = `{"DL": 3, "VK": "vk-secret-0123456789abcdef0123456789abcdef0123456789abcdef01234567", "bootable": true, ` +
	`"backupurl": "58d94782-6509-45ad-9442-970d2a005050", "SP": "/ebk/chain/1", "VMID": "vm-1", "ST": 5, "BT": 2, ` +
	`"SS": "37", "BP": "/pool/unit", "CMKID": "1f6e6e2a-7a55-4d1e-9a83-3a1c1d6a2f11", "progress": "100", "CS": 2048, ` +
	`"VT": "SSD", "OMID": "host-7", "Type": 1, "ebk_T_I": "job-99", "AT": 12.5, "BackupSize": 0, "snap_id": "665e411f5d87431ca98c199fbd4a64fd"}`

// backupObject is one Huawei-style backup with every field set.
func backupObject(id string) map[string]any {
	return map[string]any{
		"id": id, "name": "backup-" + id, "status": "available", "availability_zone": "az1",
		"volume_id": "2748f2f2-4394-4e6e-af8d-8dd34496c024", "snapshot_id": "665e411f-5d87-431c-a98c-199fbd4a64fd",
		"fail_reason": nil, "container": "volumebackups",
		"description": `{"DESC": "daily", "INC": 1}`,
		"size":        40, "object_count": nil,
		"created_at": "2013-06-27T08:48:03.000000", "updated_at": "2013-06-27T08:58:03.000000",
		"data_timestamp":               "2013-06-27T08:48:03.000000",
		"os-bak-tenant-attr:tenant_id": "b23b579f08c84228b9b4673c46f0c442",
		"has_dependent_backups":        false, "is_incremental": true,
		"links": []map[string]string{
			{"href": "http://127.0.0.1:8776/v2/b23b/backups/" + id, "rel": "self"},
			{"href": "http://127.0.0.1:8776/b23b/backups/" + id, "rel": "bookmark"},
		},
		"service_metadata": " " + fullServiceMetadata + " ",
	}
}

// pageJSON is a page of the backups with the given ids and, when next is not empty, a next link.
func pageJSON(t testing.TB, next string, ids ...string) []byte {
	t.Helper()
	backups := make([]map[string]any, len(ids))
	for i, id := range ids {
		backups[i] = backupObject(id)
	}
	doc := map[string]any{"backups": backups}
	if next != "" {
		doc["backups_links"] = []map[string]string{{"href": next, "rel": "next"}}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seqIDs are n ids from start on, e.g. "id-000005".
func seqIDs(start, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%06d", start+i)
	}
	return ids
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// decodeAll decodes a page as the walk does, keeping every backup.
func decodeAll[T any, P decodedBackup[T]](body []byte) ([]T, string, error) {
	var items []T
	_, next, err := decodePage(body, func(_ int, b P) (bool, error) {
		items = append(items, *b)
		return false, nil
	})
	return items, next, err
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// serve starts h on 127.0.0.1 and returns a client whose endpoint is its /v3/p/.
func serve(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return NewClient(testServiceClient(t, srv.URL+"/v3/p/"), API{Version: "v3"})
}

func backupIDs(backups []Backup) []string {
	ids := make([]string, len(backups))
	for i, b := range backups {
		ids[i] = b.ID
	}
	return ids
}
