package vbs

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// quoted is s as a JSON string, the form in which the API sends service_metadata.
func quoted(s string) string { return strconv.Quote(s) }

// apiExampleServiceMetadata is service_metadata verbatim from the API's own example response.
const apiExampleServiceMetadata = ` {"bootable": false, "backupurl": "58d94782-6509-45ad-9442-970d2a005050", "BackupSize": 0, "progress": "0", "snap_id": "665e411f5d87431ca98c199fbd4a64fd", "Type": 0} `

func TestParseServiceMetadata_apiExample(t *testing.T) {
	raw, _ := json.Marshal(apiExampleServiceMetadata)
	text, sm, bad := parseServiceMetadata(raw)
	if text == nil || *text != apiExampleServiceMetadata {
		t.Errorf("text: got %v, want the string exactly as returned", deref(text))
	}
	if bad != nil {
		t.Errorf("unreadable: %v", bad)
	}
	want := &ServiceMetadata{
		Deduplicated: ptrTo(false), Compressed: ptrTo(false), // DL absent: neither
		Bootable:    ptrTo(false),
		BackupURL:   ptrTo("58d94782-6509-45ad-9442-970d2a005050"),
		ServiceType: ptrTo("disk"), // ST absent: disk
		Progress:    ptrTo(0.0),    // "0", a string
		BackupType:  ptrTo("full"),
		Extra:       map[string]string{"BackupSize": "0", "snap_id": "665e411f5d87431ca98c199fbd4a64fd"},
	}
	if !reflect.DeepEqual(sm, want) {
		t.Errorf("got  %s\nwant %s", dump(sm), dump(want))
	}
}

func TestParseServiceMetadata_everyKey(t *testing.T) {
	_, sm, bad := parseServiceMetadata([]byte(quoted(fullServiceMetadata)))
	if bad != nil {
		t.Errorf("unreadable: %v", bad)
	}
	want := &ServiceMetadata{
		Deduplicated: ptrTo(true), Compressed: ptrTo(true),
		VolumeKey:       ptrTo("vk-secret-0123456789abcdef0123456789abcdef0123456789abcdef01234567"),
		Bootable:        ptrTo(true),
		BackupURL:       ptrTo("58d94782-6509-45ad-9442-970d2a005050"),
		StoragePath:     ptrTo("/ebk/chain/1"),
		VMID:            ptrTo("vm-1"),
		ServiceType:     ptrTo("vm_copy"),
		StorageType:     ptrTo(2.0),
		SpaceSavingRate: ptrTo(37.0),
		StorageUnitPath: ptrTo("/pool/unit"),
		CMKID:           ptrTo("1f6e6e2a-7a55-4d1e-9a83-3a1c1d6a2f11"),
		Progress:        ptrTo(100.0),
		ChainSizeMB:     ptrTo(2048.0),
		VolumeType:      ptrTo("SSD"),
		HostID:          ptrTo("host-7"),
		BackupType:      ptrTo("incremental"),
		JobID:           ptrTo("job-99"),
		AverageRateMbps: ptrTo(12.5),
		Extra:           map[string]string{"BackupSize": "0", "snap_id": "665e411f5d87431ca98c199fbd4a64fd"},
	}
	if !reflect.DeepEqual(sm, want) {
		t.Errorf("got  %s\nwant %s", dump(sm), dump(want))
	}
}

func TestParseServiceMetadata_codes(t *testing.T) {
	for _, tc := range []struct {
		in                 string
		dedup, compressed  any
		serviceType, btype any
		bad                []string
	}{
		{`{}`, false, false, "disk", nil, nil},
		{`{"DL": 0}`, false, false, "disk", nil, nil},
		{`{"DL": 1}`, true, false, "disk", nil, nil},
		{`{"DL": "2"}`, false, true, "disk", nil, nil},
		{`{"DL": 3, "ST": 0}`, true, true, "disk", nil, nil},
		{`{"DL": null, "ST": null, "Type": null}`, false, false, "disk", nil, nil},
		{`{"DL": 4}`, nil, nil, "disk", nil, []string{"service_metadata.DL"}},
		{`{"DL": -1}`, nil, nil, "disk", nil, []string{"service_metadata.DL"}},
		{`{"DL": "x"}`, nil, nil, "disk", nil, []string{"service_metadata.DL"}},
		{`{"ST": 1}`, false, false, "vm", nil, nil},
		{`{"ST": "4"}`, false, false, "disk_copy", nil, nil},
		{`{"ST": 5}`, false, false, "vm_copy", nil, nil},
		{`{"ST": 7}`, false, false, "7", nil, nil},
		{`{"ST": "vm"}`, false, false, nil, nil, []string{"service_metadata.ST"}},
		{`{"Type": 1}`, false, false, "disk", "incremental", nil},
		{`{"Type": "0"}`, false, false, "disk", "full", nil},
		{`{"Type": 9}`, false, false, "disk", "9", nil},
		{`{"Type": 1.5}`, false, false, "disk", nil, []string{"service_metadata.Type"}},
	} {
		_, sm, bad := parseServiceMetadata([]byte(quoted(tc.in)))
		if sm == nil {
			t.Fatalf("%s: no metadata", tc.in)
		}
		got := []any{deref(sm.Deduplicated), deref(sm.Compressed), deref(sm.ServiceType), deref(sm.BackupType)}
		want := []any{tc.dedup, tc.compressed, tc.serviceType, tc.btype}
		if !reflect.DeepEqual(got, want) || !slices.Equal(bad, tc.bad) {
			t.Errorf("%s: got %v %q, want %v %q", tc.in, got, bad, want, tc.bad)
		}
	}
}

func TestParseServiceMetadata_values(t *testing.T) {
	in := `{"progress": "abc", "AT": true, "bootable": "yes", "VK": {"a": 1}, "CS": "", "VT": null,
		"BT": "3", "SS": 1.5, "OMID": 12, "x": false, "y": {"a": [1, 2]}, "z": null, "w": "s"}`
	_, sm, bad := parseServiceMetadata([]byte(in)) // an object, not a string: tolerated
	wantBad := []string{"service_metadata.progress", "service_metadata.AT", "service_metadata.bootable", "service_metadata.VK"}
	if !slices.Equal(bad, wantBad) {
		t.Errorf("unreadable: got %q, want %q", bad, wantBad)
	}
	if sm.Progress != nil || sm.AverageRateMbps != nil || sm.Bootable != nil || sm.VolumeKey != nil {
		t.Errorf("unreadable values must be nil: %s", dump(sm))
	}
	if sm.ChainSizeMB != nil || sm.VolumeType != nil {
		t.Errorf("empty and null values must be nil: %s", dump(sm))
	}
	if deref(sm.StorageType) != 3.0 || deref(sm.SpaceSavingRate) != 1.5 || deref(sm.HostID) != "12" {
		t.Errorf("values: %s", dump(sm))
	}
	if want := map[string]string{"x": "false", "y": `{"a":[1,2]}`, "z": "null", "w": "s"}; !mapsEqual(sm.Extra, want) {
		t.Errorf("extra: got %v, want %v", sm.Extra, want)
	}
}

func TestParseServiceMetadata_shapes(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		text      any
		parsed    bool
		bad       []string
	}{
		{"null", `null`, nil, false, nil},
		{"empty string", `""`, "", false, nil},
		{"spaces", `"  "`, "  ", false, nil},
		{"null text", `"null"`, "null", false, nil},
		{"Cinder object prefix", `"volume_1/20230501/az_nova_backup_1"`, "volume_1/20230501/az_nova_backup_1", false, nil},
		{"object", `{"DL": 1, "a": [1, 2]}`, `{"DL":1,"a":[1,2]}`, true, nil},
		{"array text", `"[1]"`, "[1]", false, []string{"service_metadata"}},
		{"malformed text", `"{\"DL\": "`, `{"DL": `, false, []string{"service_metadata"}},
		{"number", `5`, "5", false, []string{"service_metadata"}},
		{"array", `[1, 2]`, "[1,2]", false, []string{"service_metadata"}},
	} {
		text, sm, bad := parseServiceMetadata([]byte(tc.raw))
		if deref(text) != tc.text || (sm != nil) != tc.parsed || !slices.Equal(bad, tc.bad) {
			t.Errorf("%s: got %q, parsed %v, %q; want %q, %v, %q", tc.name, deref(text), sm != nil, bad, tc.text, tc.parsed, tc.bad)
		}
	}
}

func TestParseDescription_documents(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   *string
		text any
		inc  any
		bad  []string
	}{
		{"absent", nil, nil, nil, nil},
		{"plain", ptrTo("weekly"), "weekly", nil, nil},
		{"empty", ptrTo(""), "", nil, nil},
		{"json incremental", ptrTo(`{"DESC": "daily", "INC": 1}`), "daily", true, nil},
		{"json full", ptrTo(` {"DESC": "daily", "INC": 0} `), "daily", false, nil},
		{"json strings", ptrTo(`{"DESC": "d", "INC": "1"}`), "d", true, nil},
		{"json bools", ptrTo(`{"DESC": "d", "INC": false}`), "d", false, nil},
		{"json no DESC", ptrTo(`{"INC": 1}`), nil, true, nil},
		{"json null DESC", ptrTo(`{"DESC": null}`), nil, nil, nil},
		{"json bad INC", ptrTo(`{"DESC": "d", "INC": "maybe"}`), "d", nil, []string{"description.INC"}},
		{"json bad DESC", ptrTo(`{"DESC": {"a": 1}}`), nil, nil, []string{"description.DESC"}},
		{"malformed json", ptrTo(`{"DESC": "d", `), `{"DESC": "d", `, nil, []string{"description"}},
		{"braces in text", ptrTo(`weekly {daily}`), `weekly {daily}`, nil, nil},
	} {
		text, inc, bad := parseDescription(tc.in)
		if deref(text) != tc.text || deref(inc) != tc.inc || !slices.Equal(bad, tc.bad) {
			t.Errorf("%s: got %v, %v, %q; want %v, %v, %q", tc.name, deref(text), deref(inc), bad, tc.text, tc.inc, tc.bad)
		}
	}
}

// dump renders a ServiceMetadata with its pointers followed, for failure messages.
func dump(sm *ServiceMetadata) string {
	if sm == nil {
		return "<nil>"
	}
	v := reflect.ValueOf(*sm)
	out := "{"
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && !f.IsNil() {
			f = f.Elem()
		}
		out += v.Type().Field(i).Name + ":" + strconv.Quote(fmtValue(f)) + " "
	}
	return out + "}"
}

func fmtValue(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return "nil"
	}
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

// TestServiceMetadata_masksVolumeKey: the raw text keeps every byte but the volume key's value,
// which only ServiceMetadata.VolumeKey holds.
func TestServiceMetadata_masksVolumeKey(t *testing.T) {
	const vk = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	cases := []struct{ raw, text string }{
		{`" {\"DL\": 1, \"VK\": \"` + vk + `\", \"bootable\": true} "`, ` {"DL": 1, "VK": "(sensitive)", "bootable": true} `},
		{`"{\"VK\":\"` + vk + `\",\"VK\" : \"` + vk + `\"}"`, `{"VK":"(sensitive)","VK" : "(sensitive)"}`},
		{`{"VK": "` + vk + `", "SP": "/a"}`, `{"VK":"(sensitive)","SP":"/a"}`},
		{`"{\"VK\": null}"`, `{"VK": null}`},
		{`"{\"note\": \"no key here\"}"`, `{"note": "no key here"}`},
	}
	for _, c := range cases {
		text, sm, _ := parseServiceMetadata([]byte(c.raw))
		if text == nil || *text != c.text {
			t.Errorf("%s: text %v, want %q", c.raw, deref(text), c.text)
		}
		if text != nil && strings.Contains(*text, vk[:10]) {
			t.Errorf("%s: the volume key is in the text", c.raw)
		}
		if sm != nil && sm.VolumeKey != nil && *sm.VolumeKey != vk {
			t.Errorf("%s: volume key %q, want the real one", c.raw, *sm.VolumeKey)
		}
	}
	if _, sm, _ := parseServiceMetadata([]byte(cases[0].raw)); sm == nil || deref(sm.VolumeKey) != vk {
		t.Errorf("the parsed volume key is lost")
	}
}

// TestServiceMetadata_masksEveryVolumeKey: in JSON, a VK member at any depth, however its name is
// spelled, is masked in the text and in extra; text that is not JSON and may hold a VK key is not
// kept at all, and says so.
func TestServiceMetadata_masksEveryVolumeKey(t *testing.T) {
	const secret = "s3cr3t-volume-key"
	for _, tc := range []struct {
		name, doc string
		text      any      // nil: no text
		bad       []string // unreadable attributes
		extra     map[string]string
		key       any // the parsed volume key
	}{
		{"escaped name", `{"\u0056K": "s3cr3t-volume-key"}`, `{"\u0056K": "(sensitive)"}`, nil, nil, secret},
		{"two, one escaped", `{"VK": "s3cr3t-volume-key", "V\u004b": "s3cr3t-volume-key"}`,
			`{"VK": "(sensitive)", "V\u004b": "(sensitive)"}`, nil, nil, secret},
		{"nested", `{"DL": 1, "inner": {"VK": "s3cr3t-volume-key", "x": {"\u0056\u004B": ["s3cr3t-volume-key"]}}, "list": [{"VK": {"k": "s3cr3t-volume-key"}}]}`,
			`{"DL": 1, "inner": {"VK": "(sensitive)", "x": {"\u0056\u004B": "(sensitive)"}}, "list": [{"VK": "(sensitive)"}]}`, nil,
			map[string]string{"inner": `{"VK":"(sensitive)","x":{"\u0056\u004B":"(sensitive)"}}`, "list": `[{"VK":"(sensitive)"}]`}, nil},
		{"malformed, a second VK", `{"VK": "x", "DL": , "VK": "s3cr3t-volume-key"}`, nil, []string{"service_metadata", WithheldServiceMetadata}, nil, nil},
		{"malformed, an escaped name", `{"DL": 1,, "\u0056K": "s3cr3t-volume-key"}`, nil, []string{"service_metadata", WithheldServiceMetadata}, nil, nil},
		{"malformed, escaped twice", `{"DL": 1,, \"\\u0056\\u004b\": \"s3cr3t-volume-key\"}`, nil, []string{"service_metadata", WithheldServiceMetadata}, nil, nil},
		{"malformed, lower case", `{"vk": "s3cr3t-volume-key"`, nil, []string{"service_metadata", WithheldServiceMetadata}, nil, nil},
		{"malformed, VK in a value", `{"note": "VK rotated",`, nil, []string{"service_metadata", WithheldServiceMetadata}, nil, nil},
		{"malformed, no VK", `{"VKX": 1, "note": "aVK", "DL": 1,`, `{"VKX": 1, "note": "aVK", "DL": 1,`, []string{"service_metadata"}, nil, nil},
		{"plain text naming VK", `VK=s3cr3t-volume-key`, nil, []string{WithheldServiceMetadata}, nil, nil},
		{"plain text", `volume_1/az_nova_backup_VKX`, `volume_1/az_nova_backup_VKX`, nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, sm, bad := parseServiceMetadata([]byte(quoted(tc.doc)))
			if deref(text) != tc.text || !slices.Equal(bad, tc.bad) {
				t.Errorf("text %q, unreadable %q; want %q, %q", deref(text), bad, tc.text, tc.bad)
			}
			if text != nil && strings.Contains(*text, secret) {
				t.Errorf("the volume key is in the text %q", *text)
			}
			if sm == nil {
				if tc.extra != nil || tc.key != nil {
					t.Fatal("not parsed")
				}
				return
			}
			if !mapsEqual(sm.Extra, tc.extra) {
				t.Errorf("extra %q, want %q", sm.Extra, tc.extra)
			}
			if deref(sm.VolumeKey) != tc.key {
				t.Errorf("volume key %v, want %v", deref(sm.VolumeKey), tc.key)
			}
		})
	}
}
