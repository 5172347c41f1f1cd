package vbssim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// ExampleProjectID is the project of the API document's example response.
const ExampleProjectID = "b23b579f08c84228b9b4673c46f0c442"

// exampleLinkHost is the private address of the API document's example, kept in Example() so that
// it matches the document byte for byte; it is only ever a string, never dialled.
const exampleLinkHost = "http://192.168.82.222:8776"

// generatedLinkHost is the host of generated backups' self and bookmark links: a loopback address
// where nothing listens, so that nothing generated names a private address.
const generatedLinkHost = "http://127.0.0.2:8776"

// Example returns the three backups of the API document's example response (ids 1d1139d8-…,
// 80e17946-…, b3cf7a16-…, project ExampleProjectID), served on v2 exactly as the document shows them.
func Example() []Backup {
	ids := []string{"1d1139d8-8989-49d3-8aa1-83eb691e6db2", "80e17946-6e56-46e0-9547-e9ba4f1619bd", "b3cf7a16-decc-4beb-8077-682737d94a58"}
	created := []string{"2013-06-27T08:48:03.000000", "2013-06-27T08:56:58.000000", "2013-06-27T08:46:31.000000"}
	backups := make([]Backup, len(ids))
	for i, id := range ids {
		backups[i] = Backup{
			ID:         id,
			Status:     "error",
			Links:      links(exampleLinkHost, ExampleProjectID, id),
			VolumeID:   "2748f2f2-4394-4e6e-af8d-8dd34496c024",
			FailReason: new("Connection to swift failed: [Errno 111] ECONNREFUSED"),
			Size:       1,
			Container:  new("volumebackups"),
			CreatedAt:  created[i],
			ProjectID:  ExampleProjectID,
			Metadata:   map[string]string{},
			// The example leaves these keys out rather than writing null.
			Override: map[string]json.RawMessage{
				"updated_at": nil, "data_timestamp": nil, "has_dependent_backups": nil, "snapshot_id": nil, "is_incremental": nil,
			},
		}
	}
	backups[0].ServiceMetadata = new(` {"bootable": false, "backupurl": "58d94782-6509-45ad-9442-970d2a005050", "BackupSize": 0, "progress": "0", "snap_id": "665e411f5d87431ca98c199fbd4a64fd", "Type": 0} `)
	backups[1].Override[keyTenantV2] = nil
	backups[2].Override[keyTenantV2] = nil
	return backups
}

// links are a backup's self and bookmark links, in the form of the API example.
func links(host, projectID, id string) []Link {
	return []Link{
		{Href: host + "/v2/" + projectID + "/backups/" + id, Rel: "self"},
		{Href: host + "/" + projectID + "/backups/" + id, Rel: "bookmark"},
	}
}

// Generate returns n deterministic, realistic backups of one project: the same seed gives the
// same backups. They cover every status, duplicate and null names, plain and JSON descriptions,
// incremental chains, timestamps in every form the API writes (with and without Z, an offset,
// 0, 3 or 6 fractional digits), equal created_at values, and Huawei service_metadata with
// string-typed numbers, undocumented keys and surrounding spaces.
func Generate(n int, seed int64, projectID string) []Backup {
	g := generator{rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed))}
	volumes := make([]string, max(3, n/25))
	for i := range volumes {
		volumes[i] = g.uuid()
	}
	users := []string{g.hex(32), g.hex(32), g.hex(32)}
	lastOfVolume := map[string]int{} // the newest backup of each volume, whose chain a new one may extend
	created := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	backups := make([]Backup, n)
	for i := range backups {
		// Every 40th backup shares the previous one's created_at, so that sorting needs its tie-break.
		if i%40 != 39 {
			created = created.Add(time.Duration(1+g.rng.IntN(600))*time.Second + time.Duration(g.rng.IntN(1e6))*time.Microsecond)
		}
		b := &backups[i]
		b.ID = g.uuid()
		b.ProjectID = projectID
		b.VolumeID = volumes[g.rng.IntN(len(volumes))]
		b.Status = g.status(i)
		b.CreatedAt = g.timestamp(created, i)
		b.Size = int64(1 + g.rng.IntN(1024))
		b.Name = g.name(i)
		b.Links = links(generatedLinkHost, projectID, b.ID)
		b.Metadata = map[string]string{}
		if g.chance(40) {
			b.Metadata = map[string]string{"env": []string{"prod", "dev"}[g.rng.IntN(2)], "owner": fmt.Sprintf("team-%d", g.rng.IntN(5))}
		}
		if g.chance(95) {
			b.UpdatedAt = new(g.timestamp(created.Add(time.Duration(g.rng.IntN(3600))*time.Second), i))
		}
		if g.chance(90) {
			b.DataTimestamp = new(b.CreatedAt)
		}
		if g.chance(90) {
			b.AvailabilityZone = new([]string{"cn-north-4a", "cn-north-4b", "nova"}[g.rng.IntN(3)])
		}
		if g.chance(85) {
			b.Container = new("volumebackups")
		}
		if g.chance(50) {
			b.SnapshotID = new(g.uuid())
		}
		if g.chance(90) {
			b.UserID = new(users[g.rng.IntN(len(users))])
		}
		if strings.HasPrefix(b.Status, "error") {
			b.FailReason = new("Connection to swift failed: [Errno 111] ECONNREFUSED")
		}
		if b.Status != "creating" && b.Status != "error" {
			b.ObjectCount = new(b.Size * 4)
		}
		// A volume's backups form chains: a full backup, then incrementals that depend on it.
		if prev, ok := lastOfVolume[b.VolumeID]; ok && g.chance(70) {
			b.IsIncremental = true
			backups[prev].HasDependentBackups = true
		}
		lastOfVolume[b.VolumeID] = i
		encrypted := g.chance(10)
		if encrypted {
			b.EncryptionKeyID = new(g.uuid())
		}
		b.Description = g.description(b.IsIncremental)
		b.ServiceMetadata = g.serviceMetadata(b, encrypted)
	}
	return backups
}

// generator draws the random parts of Generate.
type generator struct {
	rng *rand.Rand
}

func (g *generator) chance(percent int) bool { return g.rng.IntN(100) < percent }

// hex returns n random hex digits.
func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	var bits uint64
	for i := range b {
		if i%16 == 0 {
			bits = g.rng.Uint64()
		}
		b[i] = digits[bits&0xf]
		bits >>= 4
	}
	return string(b)
}

// uuid returns a random version 4 UUID; with 122 random bits, a repeat would take longer than any test runs.
func (g *generator) uuid() string {
	h := g.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// status covers every status in the first backups, then is mostly available.
func (g *generator) status(i int) string {
	if i < len(Statuses) {
		return Statuses[i]
	}
	if g.chance(70) {
		return "available"
	}
	return Statuses[g.rng.IntN(len(Statuses))]
}

// timestamp writes t in one of the forms the API uses; most have no zone, as Cinder writes them.
func (g *generator) timestamp(t time.Time, i int) string {
	layouts := []string{
		"2006-01-02T15:04:05.000000", "2006-01-02T15:04:05.000000Z", "2006-01-02T15:04:05",
		"2006-01-02T15:04:05.000", "2006-01-02T15:04:05.000000+00:00",
	}
	if i < len(layouts) {
		return t.Format(layouts[i])
	}
	if g.chance(70) {
		return t.Format(layouts[0])
	}
	return t.Format(layouts[g.rng.IntN(len(layouts))])
}

// names repeat, so that a name filter matches several backups; two need query escaping.
var names = []string{"daily", "weekly", "manual", "my backup", "备份-每日", "autobackup_001"}

func (g *generator) name(i int) *string {
	switch {
	case i%20 == 3:
		return nil
	case g.chance(60):
		return new(names[g.rng.IntN(len(names))])
	}
	return new(fmt.Sprintf("backup-%06d", i))
}

// description is null, plain text, or the JSON object VBS writes ({"DESC": …, "INC": …}),
// with INC sometimes a string.
func (g *generator) description(incremental bool) *string {
	switch r := g.rng.IntN(100); {
	case r < 25:
		return nil
	case r < 55:
		return new(fmt.Sprintf("Created by policy daily-%d", g.rng.IntN(30)))
	}
	inc := "0"
	if incremental {
		inc = "1"
	}
	if g.chance(10) {
		inc = `"` + inc + `"`
	}
	desc := string(appendString(nil, []string{"", "nightly", "before upgrade \"v2\""}[g.rng.IntN(3)]))
	return new(`{"DESC": ` + desc + `, "INC": ` + inc + `}`)
}

// serviceMetadata writes a Huawei service_metadata string the way Python's json.dumps does,
// with random subsets of the documented keys, the example's undocumented ones, numbers that
// are sometimes strings, and sometimes surrounding spaces; a few are null, empty or not an object.
func (g *generator) serviceMetadata(b *Backup, encrypted bool) *string {
	switch r := g.rng.IntN(100); {
	case r < 8:
		return nil
	case r < 9:
		return new("")
	case r < 10:
		return new("[]")
	}
	var kv []string
	add := func(key, raw string) { kv = append(kv, `"`+key+`": `+raw) }
	str := func(v string) string { return string(appendString(nil, v)) }
	num := func(v string) string {
		if g.chance(30) {
			return str(v)
		}
		return v
	}
	progress := "100"
	if b.Status == "creating" {
		progress = strconv.Itoa(g.rng.IntN(100))
	}
	add("bootable", []string{"false", "true", `"true"`}[g.rng.IntN(3)])
	add("backupurl", str(g.uuid()))
	add("BackupSize", strconv.FormatInt(b.Size*1024, 10))
	add("progress", num(progress))
	add("snap_id", str(g.hex(32)))
	typ := "0"
	if b.IsIncremental {
		typ = "1"
	}
	add("Type", num(typ))
	if g.chance(70) {
		add("DL", num(strconv.Itoa(g.rng.IntN(4))))
	}
	st := []string{"0", "1", "4", "5"}[g.rng.IntN(4)]
	if g.chance(70) {
		add("ST", num(st))
	}
	if st == "1" || st == "5" {
		add("VMID", str(g.uuid()))
	}
	if g.chance(60) {
		add("BT", num(strconv.Itoa(g.rng.IntN(3))))
		add("SS", num(strconv.Itoa(g.rng.IntN(90))))
		add("BP", str("/ebackup/storage/unit"+strconv.Itoa(g.rng.IntN(4))))
		add("SP", str("/ebackup/"+g.hex(8)+"/"+g.hex(8)))
		add("CS", num(strconv.FormatInt(b.Size*1024*int64(1+g.rng.IntN(5)), 10)))
		add("VT", str([]string{"SATA", "SAS", "SSD", "GPSSD"}[g.rng.IntN(4)]))
		add("OMID", str(g.uuid()))
		add("ebk_T_I", str(g.uuid()))
		add("AT", num(strconv.FormatFloat(float64(g.rng.IntN(2000))/10, 'f', 1, 64)))
	}
	if encrypted {
		add("CMKID", str(g.uuid()))
		if g.chance(50) {
			add("VK", str(g.hex(64)))
		}
	}
	sm := "{" + strings.Join(kv, ", ") + "}"
	if g.chance(30) {
		sm = " " + sm + " "
	}
	return &sm
}
