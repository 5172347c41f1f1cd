package vbssim

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestGenerate_deterministic(t *testing.T) {
	a, b := Generate(200, 42, "p"), Generate(200, 42, "p")
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different backups")
	}
	if reflect.DeepEqual(a, Generate(200, 43, "p")) {
		t.Fatal("another seed gave the same backups")
	}
	if _, err := newDataset(Generate(20000, 1, "p")); err != nil {
		t.Fatalf("ids not unique or timestamps unreadable: %v", err)
	}
}

// TestGenerate_coversWhatClientsMustHandle checks that a modest data set exercises every case the
// provider's decoder has to handle, so tests built on it cannot silently miss one.
func TestGenerate_coversWhatClientsMustHandle(t *testing.T) {
	backups := Generate(1000, 1, "p")
	seen := map[string]bool{}
	mark := func(cond bool, what string) {
		if cond {
			seen[what] = true
		}
	}
	names := map[string]int{}
	byID := map[string]*Backup{}
	createdAt := map[string]int{}
	for i := range backups {
		b := &backups[i]
		byID[b.ID] = b
		seen["status "+b.Status] = true
		createdAt[b.CreatedAt]++
		mark(b.Name == nil, "null name")
		if b.Name != nil {
			names[*b.Name]++
		}
		mark(b.Description == nil, "null description")
		mark(b.ObjectCount == nil, "null object_count")
		mark(b.UpdatedAt == nil, "null updated_at")
		mark(b.AvailabilityZone == nil, "null availability_zone")
		mark(b.EncryptionKeyID != nil, "encryption_key_id")
		mark(b.UserID != nil, "user_id")
		mark(len(b.Metadata) > 0, "metadata")
		mark(b.IsIncremental, "incremental")
		mark(b.HasDependentBackups, "has dependents")
		for form, re := range map[string]string{
			"time without zone, 6 digits": `\.\d{6}$`, "time with Z": `Z$`, "time with offset": `\+00:00$`,
			"time without fraction": `:\d\d$`, "time with 3 digits": `\.\d{3}$`,
		} {
			mark(regexp.MustCompile(re).MatchString(b.CreatedAt), form)
		}
		if b.Description != nil {
			var d map[string]any
			if json.Unmarshal([]byte(*b.Description), &d) == nil {
				_, hasDesc := d["DESC"]
				_, incIsString := d["INC"].(string)
				mark(hasDesc, "JSON description")
				mark(incIsString, "INC as a string")
			} else {
				seen["plain description"] = true
			}
		}
		if b.ServiceMetadata == nil {
			continue
		}
		sm := *b.ServiceMetadata
		mark(sm != strings.TrimSpace(sm), "service_metadata with surrounding spaces")
		var m map[string]any
		if json.Unmarshal([]byte(sm), &m) != nil {
			seen["service_metadata not an object"] = true
			continue
		}
		for k, v := range m {
			seen["key "+k] = true
			_, isString := v.(string)
			mark(isString && k == "progress", "progress as a string")
			_, isFloat := v.(float64)
			mark(isFloat && k == "AT" && v.(float64) != float64(int(v.(float64))), "AT as a float")
		}
		mark(m["VK"] != nil && b.EncryptionKeyID != nil, "VK on an encrypted backup")
	}
	for _, s := range Statuses {
		if !seen["status "+s] {
			t.Errorf("no backup with status %s", s)
		}
	}
	for _, k := range []string{"DL", "VK", "bootable", "backupurl", "SP", "VMID", "ST", "BT", "SS", "BP", "CMKID",
		"progress", "CS", "VT", "OMID", "Type", "ebk_T_I", "AT", "BackupSize", "snap_id"} {
		if !seen["key "+k] {
			t.Errorf("no service_metadata with key %s", k)
		}
	}
	for _, what := range []string{"null name", "null description", "null object_count", "null updated_at", "null availability_zone",
		"encryption_key_id", "user_id", "metadata", "incremental", "has dependents", "JSON description", "INC as a string",
		"plain description", "service_metadata with surrounding spaces", "service_metadata not an object", "progress as a string",
		"AT as a float", "VK on an encrypted backup", "time without zone, 6 digits", "time with Z", "time with offset",
		"time without fraction", "time with 3 digits"} {
		if !seen[what] {
			t.Errorf("no backup with %s", what)
		}
	}
	if names["daily"] < 2 || names["my backup"] < 2 {
		t.Error("names do not repeat")
	}
	ties := 0
	for _, n := range createdAt {
		if n > 1 {
			ties++
		}
	}
	if ties == 0 {
		t.Error("no two backups share created_at")
	}
	// A backup with dependents has a later incremental backup of the same volume.
	for i, b := range backups {
		if b.HasDependentBackups && !hasLaterIncremental(backups[i+1:], b.VolumeID) {
			t.Errorf("backup %s has dependents but no later incremental of its volume", b.ID)
		}
	}
}

func hasLaterIncremental(later []Backup, volume string) bool {
	for _, b := range later {
		if b.VolumeID == volume {
			return b.IsIncremental
		}
	}
	return false
}

func TestGenerate_everyVariantEncodesValidJSON(t *testing.T) {
	backups := append(Generate(300, 5, "p"), Example()...)
	for v := range variantCount {
		for i := range backups {
			raw := encodeBackup(nil, &backups[i], v)
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("variant %d, backup %s: %v: %s", v, backups[i].ID, err, raw)
			}
			if m["id"] != backups[i].ID {
				t.Fatalf("variant %d: id %v", v, m["id"])
			}
		}
	}
}
