package vbssim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestGetBackup serves one backup as {"backup": {...}} in the shape of the requested version, and
// Cinder's 404 for an unknown id and for another project's backup; BackupRequests counts both kinds.
func TestGetBackup(t *testing.T) {
	backups := Generate(3, 1, DefaultProjectID)
	backups[2].ProjectID = OtherProjectID
	backups[0].Metadata = map[string]string{"env": "prod"}
	s := NewTest(t, Config{Backups: backups})

	var doc struct {
		Backup map[string]json.RawMessage `json:"backup"`
	}
	r := get(t, s.Endpoint("v3", "")+"/backups/"+backups[0].ID, "OpenStack-API-Version", "volume 3.43")
	if err := json.Unmarshal(r.body, &doc); r.status != http.StatusOK || err != nil || str(doc.Backup["id"]) != backups[0].ID {
		t.Fatalf("GET: %d %s (%v)", r.status, r.body, err)
	}
	if string(doc.Backup["metadata"]) != `{"env": "prod"}` {
		t.Errorf("metadata at 3.43: %s", doc.Backup["metadata"])
	}
	r = get(t, s.Endpoint("v2", "")+"/backups/"+backups[0].ID)
	doc.Backup = nil
	if err := json.Unmarshal(r.body, &doc); err != nil || has(doc.Backup, "metadata") || !has(doc.Backup, keyTenantV2) {
		t.Errorf("v2 shape: %s (%v)", r.body, err)
	}
	for _, id := range []string{"no-such-backup", backups[2].ID} {
		r = get(t, s.Endpoint("v3", "")+"/backups/"+id)
		want := `{"itemNotFound": {"code": 404, "message": "Backup ` + id + ` could not be found."}}`
		if r.status != http.StatusNotFound || string(r.body) != want || !strings.HasPrefix(r.header.Get("X-Openstack-Request-Id"), "req-") {
			t.Errorf("GET %s: %d %s, want 404 %s", id, r.status, r.body, want)
		}
	}
	list(t, s, "v3", "")
	if listings, gets := s.BackupRequests(); listings != 1 || gets != 4 {
		t.Errorf("BackupRequests = %d listings, %d gets; want 1, 4", listings, gets)
	}
}
