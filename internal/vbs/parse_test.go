package vbs

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestParseServiceMetadataText_sameAsListing: the text of every shape gives what a listing of a
// backup holding that text in service_metadata gives.
func TestParseServiceMetadataText_sameAsListing(t *testing.T) {
	for _, text := range []string{
		apiExampleServiceMetadata,
		fullServiceMetadata,
		"\n\t" + fullServiceMetadata + "\n",
		`{"progress": "0", "CS": "2048", "DL": "1", "bootable": "true"}`,
		`{"progress": "soon", "DL": 7}`, // unreadable values: those attributes nil
		`{}`,
		"volume_1/20230501/az_nova_backup_1",
		`plain text that names "VK": "k"`, // kept back from service_metadata_json, still plain text
		"",
		"  ",
		"null",
	} {
		raw, _ := json.Marshal(text)
		_, want, _ := parseServiceMetadata(raw)
		got, err := ParseServiceMetadataText(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\ngot  %s\nwant %s", text, dump(got), dump(want))
		}
	}
	if sm, _ := ParseServiceMetadataText("volume_1/20230501"); sm != nil {
		t.Errorf("plain text: got %s, want nil", dump(sm))
	}
	if sm, _ := ParseServiceMetadataText(fullServiceMetadata); sm == nil || deref(sm.VolumeKey) != "vk-secret-0123456789abcdef0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("volume key: got %v", sm)
	}
}

func TestParseServiceMetadataText_errors(t *testing.T) {
	const secret = "vk-secret-0123456789"
	for _, tc := range []struct{ text, want string }{
		{`{"DL": 1,}`, "service_metadata is not valid JSON: unexpected character looking for beginning of object key string, at line 1, column 10 (byte 10)"},
		{"{\n  \"DL\": 1\n  \"ST\": 0\n}", "service_metadata is not valid JSON: unexpected character after object key:value pair, at line 3, column 3 (byte 15)"},
		{`{"DL": `, "service_metadata is not valid JSON: unexpected end of JSON input, at line 1, column 7 (byte 7)"},
		{`{"DL": 1} trailing`, "service_metadata is not valid JSON: unexpected character after top-level value, at line 1, column 11 (byte 11)"},
		{`{"VK": "` + secret + `\q"}`, "service_metadata is not valid JSON: unexpected character in string escape code, at line 1, column 30 (byte 30)"},
		{`  {"é": 1 x}`, "service_metadata is not valid JSON: unexpected character after object key:value pair, at line 1, column 11 (byte 12)"},
		{`[1, 2]`, "service_metadata is a JSON array, not a JSON object"},
		{`[1, `, "service_metadata is not valid JSON: unexpected end of JSON input, at line 1, column 4 (byte 4)"},
	} {
		sm, err := ParseServiceMetadataText(tc.text)
		if sm != nil || err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, %v; want the error %q", tc.text, sm, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "vk-") {
			t.Errorf("%q: the error quotes the text: %v", tc.text, err)
		}
	}
}

func TestParseDescriptionText_parses(t *testing.T) {
	for _, tc := range []struct {
		in, text string
		inc      any
	}{
		{"weekly", "weekly", nil},
		{"  weekly  ", "  weekly  ", nil},
		{` {"DESC": "daily", "INC": 1} `, "daily", true},
		{`{"DESC": "d", "INC": "0"}`, "d", false},
		{`{"DESC": "d", "INC": "maybe"}`, "d", nil},
	} {
		want, wantInc, _ := parseDescription(&tc.in)
		text, inc, err := ParseDescriptionText(tc.in)
		if err != nil || deref(text) != tc.text || deref(inc) != tc.inc || deref(text) != deref(want) || deref(inc) != deref(wantInc) {
			t.Errorf("%q: got %v, %v, %v; want %q, %v", tc.in, deref(text), deref(inc), err, tc.text, tc.inc)
		}
	}
	if text, inc, err := ParseDescriptionText(`{"INC": 1}`); text != nil || deref(inc) != true || err != nil {
		t.Errorf("no DESC: got %v, %v, %v; want nil text", deref(text), deref(inc), err)
	}
	text, inc, err := ParseDescriptionText(`{"DESC": "d", `)
	const want = "description is not valid JSON: unexpected end of JSON input, at line 1, column 14 (byte 14)"
	if text != nil || inc != nil || err == nil || err.Error() != want {
		t.Errorf("malformed: got %v, %v, %v; want the error %q", deref(text), deref(inc), err, want)
	}
}
