package vbssim

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// exampleResponse is the backups of the API document's example response, verbatim.
const exampleResponse = `[
{"status": "error", "description": null, "links": [
 {"href": "http://192.168.82.222:8776/v2/b23b579f08c84228b9b4673c46f0c442/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2", "rel": "self"},
 {"href": "http://192.168.82.222:8776/b23b579f08c84228b9b4673c46f0c442/backups/1d1139d8-8989-49d3-8aa1-83eb691e6db2", "rel": "bookmark"}],
 "availability_zone": null, "volume_id": "2748f2f2-4394-4e6e-af8d-8dd34496c024",
 "fail_reason": "Connection to swift failed: [Errno 111] ECONNREFUSED", "id": "1d1139d8-8989-49d3-8aa1-83eb691e6db2",
 "size": 1, "object_count": null, "container": "volumebackups", "name": null, "created_at": "2013-06-27T08:48:03.000000",
 "os-bak-tenant-attr:tenant_id": "b23b579f08c84228b9b4673c46f0c442",
 "service_metadata": " {\"bootable\": false, \"backupurl\": \"58d94782-6509-45ad-9442-970d2a005050\", \"BackupSize\": 0, \"progress\": \"0\", \"snap_id\": \"665e411f5d87431ca98c199fbd4a64fd\", \"Type\": 0} "},
{"status": "error", "description": null, "links": [
 {"href": "http://192.168.82.222:8776/v2/b23b579f08c84228b9b4673c46f0c442/backups/80e17946-6e56-46e0-9547-e9ba4f1619bd", "rel": "self"},
 {"href": "http://192.168.82.222:8776/b23b579f08c84228b9b4673c46f0c442/backups/80e17946-6e56-46e0-9547-e9ba4f1619bd", "rel": "bookmark"}],
 "availability_zone": null, "volume_id": "2748f2f2-4394-4e6e-af8d-8dd34496c024",
 "fail_reason": "Connection to swift failed: [Errno 111] ECONNREFUSED", "id": "80e17946-6e56-46e0-9547-e9ba4f1619bd",
 "size": 1, "object_count": null, "container": "volumebackups", "name": null, "created_at": "2013-06-27T08:56:58.000000"},
{"status": "error", "description": null, "links": [
 {"href": "http://192.168.82.222:8776/v2/b23b579f08c84228b9b4673c46f0c442/backups/b3cf7a16-decc-4beb-8077-682737d94a58", "rel": "self"},
 {"href": "http://192.168.82.222:8776/b23b579f08c84228b9b4673c46f0c442/backups/b3cf7a16-decc-4beb-8077-682737d94a58", "rel": "bookmark"}],
 "availability_zone": null, "volume_id": "2748f2f2-4394-4e6e-af8d-8dd34496c024",
 "fail_reason": "Connection to swift failed: [Errno 111] ECONNREFUSED", "id": "b3cf7a16-decc-4beb-8077-682737d94a58",
 "size": 1, "object_count": null, "container": "volumebackups", "name": null, "created_at": "2013-06-27T08:46:31.000000"}
]`

func TestList_exampleServedAsTheDocumentShowsIt(t *testing.T) {
	s := NewTest(t, Config{Backups: Example()})
	p := list(t, s, "v2", "")
	var want []map[string]any
	if err := json.Unmarshal([]byte(exampleResponse), &want); err != nil {
		t.Fatal(err)
	}
	if len(p.Backups) != len(want) {
		t.Fatalf("got %d backups, want %d", len(p.Backups), len(want))
	}
	for _, w := range want {
		i := slices.Index(p.ids(), w["id"].(string))
		if i < 0 {
			t.Fatalf("backup %s missing", w["id"])
		}
		var got map[string]any
		raw, _ := json.Marshal(p.Backups[i])
		json.Unmarshal(raw, &got) //nolint:errcheck // raw came from valid JSON
		if !reflect.DeepEqual(got, w) {
			t.Errorf("backup %s:\n got %v\nwant %v", w["id"], got, w)
		}
	}
}

// testBackups are generated backups of the default project plus some of another project.
func testBackups(n int) []Backup {
	return append(Generate(n, 7, DefaultProjectID), Generate(20, 8, OtherProjectID)...)
}

// reference sorts the default project's backups independently of the simulator: by key, then
// created_at, then id, all in one direction, null names first in ascending order.
func reference(backups []Backup, key string, desc bool, keep func(Backup) bool) []string {
	var sel []Backup
	for _, b := range backups {
		if b.ProjectID == DefaultProjectID && (keep == nil || keep(b)) {
			sel = append(sel, b)
		}
	}
	at := func(s *string) time.Time {
		if s == nil {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, *s)
		if err != nil {
			t, _ = time.Parse("2006-01-02T15:04:05.999999999", *s)
		}
		return t
	}
	slices.SortFunc(sel, func(a, b Backup) int {
		c := 0
		switch key {
		case "name":
			c = cmp.Compare(nameKey(a.Name), nameKey(b.Name))
		case "id":
			c = cmp.Compare(a.ID, b.ID)
		case "status":
			c = cmp.Compare(a.Status, b.Status)
		case "size":
			c = cmp.Compare(a.Size, b.Size)
		case "updated_at":
			c = at(a.UpdatedAt).Compare(at(b.UpdatedAt))
		}
		if c == 0 {
			c = at(&a.CreatedAt).Compare(at(&b.CreatedAt))
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	ids := make([]string, len(sel))
	for i, b := range sel {
		ids[i] = b.ID
	}
	return ids
}

// nameKey makes a null name sort before every name, the empty one included.
func nameKey(s *string) string {
	if s == nil {
		return ""
	}
	return "\x00" + *s
}

func TestList_defaultOrderIsCreatedAtDescThenID(t *testing.T) {
	backups := testBackups(300)
	s := NewTest(t, Config{Backups: backups})
	got := list(t, s, "v3", "").ids()
	want := reference(backups, "created_at", true, nil)
	if !slices.Equal(got, want) {
		t.Fatalf("order differs from created_at desc, id desc:\n got %v\nwant %v", got[:5], want[:5])
	}
}

func TestList_everySortKeyAndDirectionWalksEveryBackupOnceInOrder(t *testing.T) {
	backups := testBackups(250)
	s := NewTest(t, Config{Backups: backups})
	for _, key := range SortKeys {
		for _, dir := range SortDirs {
			t.Run(key+"_"+dir, func(t *testing.T) {
				got, _ := walk(t, s, "v3", "sort_key="+key+"&sort_dir="+dir+"&limit=17",
					"OpenStack-API-Version", "volume 3.64")
				if want := reference(backups, key, dir == "desc", nil); !slices.Equal(got, want) {
					t.Fatalf("walk differs from the reference order (%d vs %d backups)", len(got), len(want))
				}
			})
		}
	}
}

func TestList_filters(t *testing.T) {
	backups := testBackups(400)
	s := NewTest(t, Config{Backups: backups})
	volume := backups[5].VolumeID
	cases := []struct {
		query string
		keep  func(Backup) bool
	}{
		{"name=" + url.QueryEscape("my backup"), func(b Backup) bool { return b.Name != nil && *b.Name == "my backup" }},
		{"name=" + url.QueryEscape("备份-每日"), func(b Backup) bool { return b.Name != nil && *b.Name == "备份-每日" }},
		{"name=daily", func(b Backup) bool { return b.Name != nil && *b.Name == "daily" }},
		{"name=dail", func(b Backup) bool { return false }}, // exact, not a prefix
		{"status=error", func(b Backup) bool { return b.Status == "error" }},
		{"volume_id=" + volume, func(b Backup) bool { return b.VolumeID == volume }},
		{"status=available&volume_id=" + volume, func(b Backup) bool { return b.Status == "available" && b.VolumeID == volume }},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			got, _ := walk(t, s, "v2", c.query+"&limit=9")
			want := reference(backups, "created_at", true, c.keep)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d backups, want %d", len(got), len(want))
			}
			if len(want) == 0 && c.query != "name=dail" {
				t.Fatal("the test data set should match this filter")
			}
		})
	}
}

func TestList_nextLinkCopiesEveryParameterIncludingOffsetThenMarker(t *testing.T) {
	s := NewTest(t, Config{Backups: testBackups(30)})
	p := list(t, s, "v3", "name=my%20backup&status=available&limit=2&offset=1&sort_dir=asc&foo=")
	if len(p.Backups) != 0 || p.next() != "" {
		t.Fatal("an unknown filter must give an empty list without a next link")
	}
	p = list(t, s, "v3", "sort_dir=asc&limit=3&offset=2&sort_key=id")
	want := s.Endpoint("v3", "") + "/backups/detail?sort_dir=asc&limit=3&offset=2&sort_key=id&marker=" + p.ids()[2]
	if p.next() != want {
		t.Fatalf("next link\n got %s\nwant %s", p.next(), want)
	}
	p = list(t, s, "v2", "name=my%20backup&limit=1&marker=&status=available")
	if next := p.next(); !strings.Contains(next, "?name=my+backup&limit=1&status=available&marker=") {
		t.Fatalf("next link %s does not re-encode the query in order with the marker last", next)
	}
}

func TestList_followingNextLinksAsGivenSkipsOffsetOnEveryPage(t *testing.T) {
	backups := testBackups(100)
	s := NewTest(t, Config{Backups: backups})
	correct, _ := walk(t, s, "v3", "limit=10&offset=5")
	if want := reference(backups, "created_at", true, nil)[5:]; !slices.Equal(correct, want) {
		t.Fatalf("offset once: got %d backups, want %d", len(correct), len(want))
	}
	var naive []string
	for next := s.Endpoint("v3", "") + "/backups/detail?limit=10&offset=5"; next != ""; {
		p := decodePage(t, get(t, next))
		naive = append(naive, p.ids()...)
		next = p.next()
	}
	if len(naive) >= len(correct) {
		t.Fatalf("following links as given returned %d backups, want fewer than %d (Cinder's trap)", len(naive), len(correct))
	}
}

func TestList_fullPageAlwaysHasNextLinkSoExactFitCostsAnEmptyPage(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(20, 1, DefaultProjectID)})
	ids, pages := walk(t, s, "v3", "limit=10")
	if len(ids) != 20 || pages != 3 {
		t.Fatalf("got %d backups in %d pages, want 20 in 3", len(ids), pages)
	}
	if _, pages = walk(t, s, "v3", "limit=7"); pages != 3 {
		t.Fatalf("7+7+6: got %d pages, want 3", pages)
	}
}

func TestList_limitDefaultsToAndIsCappedAtMaxLimit(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(12, 1, DefaultProjectID), MaxLimit: 5})
	for _, q := range []string{"", "limit=1000", "limit=5"} {
		if p := list(t, s, "v3", q); len(p.Backups) != 5 || !strings.Contains(p.next(), "marker=") {
			t.Errorf("%q: got %d backups, next %q; want 5 and a next link", q, len(p.Backups), p.next())
		}
	}
	if p := list(t, s, "v3", "limit=0"); len(p.Backups) != 0 || p.next() != "" {
		t.Errorf("limit=0: got %d backups and next %q, want none", len(p.Backups), p.next())
	}
	big := NewTest(t, Config{Backups: Generate(1005, 1, DefaultProjectID)})
	if p := list(t, big, "v2", "limit=5000"); len(p.Backups) != DefaultMaxLimit {
		t.Errorf("default cap: got %d backups, want %d", len(p.Backups), DefaultMaxLimit)
	}
}

func TestList_badInputAnswersLikeCinder(t *testing.T) {
	s := NewTest(t, Config{Backups: testBackups(10)})
	cases := []struct {
		version, query, microversion string
		status                       int
		body                         string // the exact body, or a prefix of it ending in "…"
	}{
		{"v3", "sort_key=bogus", "", 400, `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`},
		{"v3", "sort_key=name", "3.36", 400, `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`},
		{"v3", "sort_dir=bogus", "", 400, `{"badRequest": {"code": 400, "message": "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'"}}`},
		{"v3", "limit=-1", "", 400, `{"badRequest": {"code": 400, "message": "limit param must be positive"}}`},
		{"v3", "limit=1.5", "", 400, `{"badRequest": {"code": 400, "message": "limit param must be an integer"}}`},
		{"v2", "offset=-1", "", 400, `{"badRequest": {"code": 400, "message": "offset must be >= 0"}}`},
		{"v2", "offset=x", "", 400, `{"badRequest": {"code": 400, "message": "offset must be an integer."}}`},
		{"v3", "marker=00000000-0000-0000-0000-000000000000", "", 404, `{"itemNotFound": {"code": 404, "message": "Backup 00000000-0000-0000-0000-000000000000 could not be found."}}`},
		{"v3", "status=bogus", "", 200, `{"backups": []}`},
		{"v3", "all_tenants=1", "", 403, `{"forbidden": {"code": 403, "message": "Policy doesn't allow backup:get_all_tenants to be performed."}}`},
		{"v3", "with_count=true", "3.44", 200, `{"backups": []}`},
		{"v3", "bogus=1&marker=unknown", "", 200, `{"backups": []}`},
		{"v3", "", "3.65", 406, `{"computeFault": {"code": 406, "message": "Version 3.65 is not supported by the API. Minimum is 3.0 and maximum is 3.64."}}`},
		{"v3", "", "4.0", 406, `{"computeFault": {"code": 406, "message": "Version 4.0 is not supported…`},
		{"v3", "", "3", 400, `{"badRequest": {"code": 400, "message": "API Version String 3 is of invalid format…`},
		{"v3", "sort_key=name", "3.37", 200, `{"backups": [{…`},
		{"v2", "sort_key=name", "", 200, `{"backups": [{…`},
	}
	for _, c := range cases {
		t.Run(c.version+"?"+c.query+"@"+c.microversion, func(t *testing.T) {
			var hdr []string
			if c.microversion != "" {
				hdr = []string{"OpenStack-API-Version", "volume " + c.microversion}
			}
			r := get(t, s.Endpoint(c.version, "")+"/backups/detail?"+c.query, hdr...)
			prefix, partial := strings.CutSuffix(c.body, "…")
			if r.status != c.status || (!partial && string(r.body) != c.body) || !strings.HasPrefix(string(r.body), prefix) {
				t.Fatalf("got %d %.300s\nwant %d %s", r.status, r.body, c.status, c.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestList_markerOfAnotherProjectIsNotFound(t *testing.T) {
	backups := testBackups(5)
	s := NewTest(t, Config{Backups: backups})
	other := backups[len(backups)-1]
	if other.ProjectID != OtherProjectID {
		t.Fatal("test data: last backup should be another project's")
	}
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail?marker="+other.ID); r.status != http.StatusNotFound {
		t.Fatalf("got %d %s, want 404", r.status, r.body)
	}
}

func TestList_fieldsByAPIVersionAndMicroversion(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(3, 1, DefaultProjectID)})
	keys := []string{keyTenantV2, keyProjectV3, "metadata", "user_id", "encryption_key_id"}
	cases := []struct {
		version, microversion string
		want                  []string // the keys of the list above that must be present
		echo                  string   // OpenStack-API-Version in the response
	}{
		{"v2", "3.64", []string{keyTenantV2}, ""},
		{"v3", "", nil, "volume 3.0"},
		{"v3", "3.17", nil, "volume 3.17"},
		{"v3", "3.18", []string{keyProjectV3}, "volume 3.18"},
		{"v3", "3.43", []string{keyProjectV3, "metadata"}, "volume 3.43"},
		{"v3", "3.56", []string{keyProjectV3, "metadata", "user_id"}, "volume 3.56"},
		{"v3", "3.64", []string{keyProjectV3, "metadata", "user_id", "encryption_key_id"}, "volume 3.64"},
		{"v3", "latest", []string{keyProjectV3, "metadata", "user_id", "encryption_key_id"}, "volume 3.64"},
	}
	for _, c := range cases {
		t.Run(c.version+"@"+c.microversion, func(t *testing.T) {
			r := get(t, s.Endpoint(c.version, "")+"/backups/detail", "OpenStack-API-Version", "compute 2.1, volume "+c.microversion)
			p := decodePage(t, r)
			for _, k := range keys {
				if has(p.Backups[0], k) != slices.Contains(c.want, k) {
					t.Errorf("key %s present: %v, want %v", k, has(p.Backups[0], k), slices.Contains(c.want, k))
				}
			}
			if got := r.header.Get("OpenStack-API-Version"); got != c.echo {
				t.Errorf("OpenStack-API-Version %q, want %q", got, c.echo)
			}
		})
	}
}

func TestList_maxMicroversionIsConfigurable(t *testing.T) {
	s := NewTest(t, Config{MaxMicroversion: "3.50"})
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail", "OpenStack-API-Version", "volume 3.56"); r.status != http.StatusNotAcceptable {
		t.Fatalf("3.56 above a maximum of 3.50: got %d, want 406", r.status)
	}
	if r := get(t, s.Endpoint("v3", "")+"/backups/detail", "OpenStack-API-Version", "volume latest"); r.header.Get("OpenStack-API-Version") != "volume 3.50" {
		t.Fatalf("latest: got %q", r.header.Get("OpenStack-API-Version"))
	}
}

func TestList_nextLinkHostAndBookmarkPath(t *testing.T) {
	backups := Generate(5, 1, DefaultProjectID)
	s := NewTest(t, Config{Backups: backups, LinkHost: "http://127.0.0.2:8776"})
	if next := list(t, s, "v3", "limit=2").next(); !strings.HasPrefix(next, "http://127.0.0.2:8776/v3/"+DefaultProjectID+"/backups/detail?limit=2&marker=") {
		t.Fatalf("next link %s does not use the configured host", next)
	}
	s = NewTest(t, Config{Backups: backups, LinkHost: "http://127.0.0.3:8776", BookmarkNextLinks: true})
	p := list(t, s, "v2", "limit=1&offset=1")
	if want := "http://127.0.0.3:8776/" + DefaultProjectID + "/backups?limit=1&offset=1&marker=" + p.ids()[0]; p.next() != want {
		t.Fatalf("next link\n got %s\nwant %s", p.next(), want)
	}
}

func TestList_anotherProjectsBackupsAreInvisible(t *testing.T) {
	backups := testBackups(10)
	s := NewTest(t, Config{Backups: backups, Tokens: map[string]string{"a": DefaultProjectID, "b": OtherProjectID}})
	mine, _ := walk(t, s, "v3", "", "X-Auth-Token", "a")
	theirs := decodePage(t, get(t, s.Endpoint("v3", OtherProjectID)+"/backups/detail", "X-Auth-Token", "b")).ids()
	if len(mine) != 10 || len(theirs) != 20 {
		t.Fatalf("got %d and %d backups, want 10 and 20", len(mine), len(theirs))
	}
	for _, id := range theirs {
		if slices.Contains(mine, id) {
			t.Fatalf("backup %s of the other project is visible", id)
		}
	}
	r := get(t, s.Endpoint("v3", OtherProjectID)+"/backups/detail", "X-Auth-Token", "a")
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "Malformed request url") {
		t.Fatalf("token of another project: got %d %s, want 400 Malformed request url", r.status, r.body)
	}
}

func TestList_tokensAreChecked(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewTest(t, Config{Now: func() time.Time { return now }})
	target := s.Endpoint("v3", "") + "/backups/detail"
	for _, tok := range []string{"", "wrong", "user:" + DefaultProjectID} {
		r := do(t, nil, http.MethodGet, target, nil, "X-Auth-Token", tok)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("token %q: got %d, want 401", tok, r.status)
		}
		if got, want := r.header.Get("WWW-Authenticate"), `Keystone uri="`+s.KeystoneURL()+`"`; got != want {
			t.Errorf("WWW-Authenticate %q, want %q", got, want)
		}
		if want := `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`; string(r.body) != want {
			t.Errorf("body %s", r.body)
		}
	}
	if r := get(t, target); r.status != http.StatusOK {
		t.Fatalf("static token: got %d", r.status)
	}
	noauth := NewTest(t, Config{NoAuth: true})
	for tok, status := range map[string]int{"user:" + DefaultProjectID: 200, DefaultProjectID: 200, "user:" + OtherProjectID: 400} {
		if r := get(t, noauth.Endpoint("v3", "")+"/backups/detail", "X-Auth-Token", tok); r.status != status {
			t.Errorf("noauth token %q: got %d, want %d", tok, r.status, status)
		}
	}
}

func TestList_catalogPrefixesServeTheAPI(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(3, 1, DefaultProjectID)})
	for _, region := range []string{DefaultRegion, SecondRegion} {
		for _, iface := range Interfaces {
			target := s.CatalogEndpoint(region, iface, "v3", DefaultProjectID) + "/backups/detail?limit=2"
			if p := decodePage(t, get(t, target)); len(p.Backups) != 2 || !strings.HasPrefix(p.next(), s.CatalogEndpoint(region, iface, "v3", DefaultProjectID)+"/") {
				t.Errorf("%s %s: got %d backups, next %s", region, iface, len(p.Backups), p.next())
			}
		}
	}
	if r := get(t, s.URL()+"/NoSuchRegion/public/v3/"+DefaultProjectID+"/backups/detail"); r.status != http.StatusNotFound {
		t.Errorf("unknown region prefix: got %d, want 404", r.status)
	}
}

func TestList_overrideReplacesAndRemovesKeys(t *testing.T) {
	b := Generate(1, 1, DefaultProjectID)[0]
	b.Override = map[string]json.RawMessage{"size": json.RawMessage(`"12"`), "updated_at": nil, "x_extra": json.RawMessage(`{"a":1}`)}
	s := NewTest(t, Config{Backups: []Backup{b}})
	got := list(t, s, "v2", "").Backups[0]
	if string(got["size"]) != `"12"` || has(got, "updated_at") || string(got["x_extra"]) != `{"a":1}` {
		t.Fatalf("override not applied: size %s, updated_at present %v, x_extra %s", got["size"], has(got, "updated_at"), got["x_extra"])
	}
}

func TestList_encodedStringsAreValidJSON(t *testing.T) {
	odd := "quote\" backslash\\ tab\t nl\n ctl\x01 bad\xff sep\u2028 ünï 备份"
	b := Generate(1, 1, DefaultProjectID)[0]
	b.Name, b.Description = &odd, &odd
	s := NewTest(t, Config{Backups: []Backup{b}})
	got := list(t, s, "v2", "").Backups[0]
	if want := strings.ToValidUTF8(odd, "\uFFFD"); str(got["name"]) != want {
		t.Fatalf("name round trip:\n got %q\nwant %q", str(got["name"]), want)
	}
}

func TestList_dataChangesServeNewBackups(t *testing.T) {
	s := NewTest(t, Config{Backups: Generate(3, 1, DefaultProjectID)})
	replacement := Generate(5, 2, DefaultProjectID)
	if err := s.SetBackups(replacement); err != nil {
		t.Fatal(err)
	}
	if b, ok := s.Backup(replacement[3].ID); !ok || !reflect.DeepEqual(b, replacement[3]) {
		t.Fatalf("Backup(%s) = %v, %v", replacement[3].ID, b.ID, ok)
	}
	if _, ok := s.Backup("nope"); ok {
		t.Fatal("Backup found an unknown id")
	}
	if n := len(list(t, s, "v3", "").Backups); n != 5 || len(s.Backups()) != 5 {
		t.Fatalf("after SetBackups: %d served, %d held; want 5", n, len(s.Backups()))
	}
	s.Reset()
	if n := len(list(t, s, "v3", "").Backups); n != 3 {
		t.Fatalf("after Reset: %d served, want 3", n)
	}
	dup := Generate(2, 1, DefaultProjectID)
	dup[1].ID = dup[0].ID
	if err := s.SetBackups(dup); err == nil {
		t.Fatal("duplicate ids accepted")
	}
	bad := Generate(1, 1, DefaultProjectID)
	bad[0].CreatedAt = "yesterday"
	if err := New(Config{Backups: bad}).Start(); err == nil {
		t.Fatal("unparseable created_at accepted")
	}
}

// TestGetBackup_inTheShapeOfTheRequestedVersion serves one backup as {"backup": {...}} in the shape of the requested version, and
// Cinder's 404 for an unknown id and for another project's backup; BackupRequests counts both kinds.
func TestGetBackup_inTheShapeOfTheRequestedVersion(t *testing.T) {
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
