package vbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// knownKeys are UnreadableKeys, every key Unreadable may hold: a key, never a value.
var knownKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, key := range UnreadableKeys {
		m[key] = true
	}
	return m
}()

func FuzzDecodePage(f *testing.F) {
	f.Add(readTestdata(f, "v2_example.json"))
	f.Add(readTestdata(f, "v3_example.json"))
	f.Add(pageJSON(f, "http://127.0.0.2:1/x?marker=a", "a", "b"))
	f.Add([]byte(`{"backups": [{"id": "a", "size": "1", "created_at": "2013-06-27T08:48:03Z", "metadata": {"k": 1}, "links": null}]}`))
	f.Add([]byte(`{"backups": [{"id": 1, "description": "{\"DESC\": \"d\", \"INC\": \"1\"}", "service_metadata": {"DL": "3"}}], "backups_links": []}`))
	f.Add([]byte(`{"backups": {}}`))
	f.Add([]byte(`{"backups": [{"Id": "a", "NAME": "n", "id": "b", "Created_At": "2013-06-27T08:48:03Z", "ſervice_metadata": "{\"Type\": 1}", "metadata": null}]}`))
	f.Add([]byte(`{"backups": [{"id": "a"}, null, "x"]}`))
	f.Add([]byte(`<html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, next, err := decodeAll[backupJSON](body)
		// A valid page is read as encoding/json's decoder reads it, token by token.
		if json.Valid(body) {
			comparePageWithReference(t, body, items, next, err)
		}
		// The scanner matches members as encoding/json matches a struct's fields.
		ref, nextRef, errRef := decodeAll[referenceBackup](body)
		if fmt.Sprint(err) != fmt.Sprint(errRef) || next != nextRef || len(ref) != len(items) {
			t.Fatalf("decoding and encoding/json disagree: %v / %v, %q / %q", err, errRef, next, nextRef)
		}
		for i := range ref {
			if got, want := items[i].backup(), ref[i].backup(); !reflect.DeepEqual(got, want) {
				t.Fatalf("backup %d: decoded %+v, encoding/json %+v", i, got, want)
			}
		}
		ids, nextIDs, errIDs := decodeAll[idMember](body)
		if (err == nil) != (errIDs == nil) || next != nextIDs {
			t.Fatalf("full and ids-only decoding disagree: %v / %v, %q / %q", err, errIDs, next, nextIDs)
		}
		// What a selection decodes (vbs_backup_ids, vbs_backup) agrees with the full decode.
		kept, nextKept, errKept := decodeAll[selectionMembersAndText](body)
		if fmt.Sprint(err) != fmt.Sprint(errKept) || next != nextKept || len(kept) != len(items) {
			t.Fatalf("full and selection decoding disagree: %v / %v, %q / %q", err, errKept, next, nextKept)
		}
		// What listing ids with the API's filters alone decodes (apiFilterMembers) agrees too.
		api, nextAPI, errAPI := decodeAll[apiFilterMembers](body)
		if fmt.Sprint(err) != fmt.Sprint(errAPI) || next != nextAPI || len(api) != len(items) {
			t.Fatalf("full and API-filter decoding disagree: %v / %v, %q / %q", err, errAPI, next, nextAPI)
		}
		for i := range api {
			b := items[i].backup()
			if got, want := api[i].partial(), (Backup{ID: b.ID, Name: b.Name, Status: b.Status, VolumeID: b.VolumeID}); !reflect.DeepEqual(got, want) {
				t.Fatalf("backup %d: API filters decoded %+v, full %+v", i, got, want)
			}
		}
		for i := range kept {
			b := items[i].backup()
			want := Backup{ID: b.ID, Name: b.Name, Status: b.Status, VolumeID: b.VolumeID, SnapshotID: b.SnapshotID, AvailabilityZone: b.AvailabilityZone,
				CreatedAt: b.CreatedAt, Metadata: b.Metadata, IsIncremental: b.IsIncremental, Incremental: b.Incremental,
				TenantID: b.TenantID}
			if got := kept[i].partial(true); !reflect.DeepEqual(got, want) {
				t.Fatalf("backup %d: selection decoded %+v, full %+v", i, got, want)
			}
			if got := kept[i].full(); !reflect.DeepEqual(*got, b) {
				t.Fatalf("backup %d: kept and decoded in full %+v, want %+v", i, *got, b)
			}
		}
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatal("invalid JSON decoded without error")
		}
		if len(items) != len(ids) {
			t.Fatalf("%d backups, %d ids", len(items), len(ids))
		}
		for i := range items {
			b := items[i].backup()
			id, ok := items[i].backupID()
			onlyID, okOnly := ids[i].backupID()
			if b.ID != id || id != onlyID || ok != okOnly {
				t.Fatalf("backup %d: ids %q %q %q", i, b.ID, id, onlyID)
			}
			for _, key := range b.Unreadable {
				if !knownKeys[key] {
					t.Fatalf("Unreadable holds %q, not one of UnreadableKeys", key)
				}
			}
			for _, tm := range []*time.Time{b.CreatedAt, b.UpdatedAt, b.DataTimestamp} {
				if tm != nil && tm.Location() != time.UTC {
					t.Fatalf("time %v not in UTC", tm)
				}
			}
		}
	})
}

// referenceBackup decodes a backup as the scanner of backupJSON is meant to: encoding/json finds
// each member's value, into a struct with the members' keys as tags, and the table's rows read it.
type referenceBackup struct{ backupJSON }

// referenceType is a struct of one json.RawMessage per row of backupMembers, tagged with its key.
var referenceType = func() reflect.Type {
	fields := make([]reflect.StructField, len(backupMembers))
	for i, m := range backupMembers {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("M%d", i), Type: reflect.TypeFor[json.RawMessage](), Tag: reflect.StructTag(`json:"` + m.key + `"`)}
	}
	return reflect.StructOf(fields)
}()

func (j *referenceBackup) UnmarshalJSON(raw []byte) error {
	j.backupJSON = backupJSON{}
	v := reflect.New(referenceType)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return &json.UnmarshalTypeError{Value: typeErr.Value, Type: reflect.TypeFor[Backup]()}
		}
		return err
	}
	for i := range backupMembers {
		if member := v.Elem().Field(i).Bytes(); member != nil && backupMembers[i].read(&j.backupJSON, member) {
			j.bad |= 1 << i
		}
	}
	j.finish()
	return nil
}

// comparePageWithReference requires what decodePage made of body (items, next, err) to be what
// referencePage makes of it.
func comparePageWithReference(t *testing.T, body []byte, items []backupJSON, next string, err error) {
	t.Helper()
	var refItems []backupJSON
	refN, refNext, refErr := referencePage(body, func(_ int, b *backupJSON) (bool, error) {
		refItems = append(refItems, *b)
		return false, nil
	})
	if fmt.Sprint(err) != fmt.Sprint(refErr) || next != refNext || len(items) != refN || len(refItems) != refN {
		t.Fatalf("decodePage and encoding/json's decoder disagree: %v / %v, %q / %q, %d / %d backups", err, refErr, next, refNext, len(items), refN)
	}
	for i := range refItems {
		if got, want := items[i].backup(), refItems[i].backup(); !reflect.DeepEqual(got, want) {
			t.Fatalf("backup %d: decodePage %+v, encoding/json's decoder %+v", i, got, want)
		}
	}
}

// referencePage is the page decoder as encoding/json's Decoder reads a page, token by token, each
// backup handed over by encoding/json: decodePage must agree with it on every valid JSON body.
func referencePage[T any, P decodedBackup[T]](body []byte, yield func(i int, b P) (kept bool, err error)) (int, string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return 0, "", fmt.Errorf("not valid JSON: %w", err)
	}
	if tok == nil {
		return 0, "", errors.New(`not a page of backups: no "backups" list`)
	}
	if tok != json.Delim('{') {
		return 0, "", fmt.Errorf("not a page of backups: JSON %s at the top level", tokenKind(tok))
	}
	n, next, hasList := 0, "", false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return n, "", fmt.Errorf("not valid JSON: %w", err)
		}
		switch key {
		case "backups":
			if hasList {
				return n, "", errors.New(`not a page of backups: two "backups" lists`)
			}
			if hasList, err = referenceList(dec, &n, yield); err != nil {
				return n, "", err
			}
		case "backups_links":
			var links linksField
			if err := dec.Decode(&links); err != nil || links.bad {
				return n, "", errors.New(`not a page of backups: "backups_links" is not a list of links`)
			}
			next = nextLink(links.v)
		default:
			if err := dec.Decode(new(skipValue)); err != nil {
				return n, "", fmt.Errorf("not valid JSON: %w", err)
			}
		}
	}
	if !hasList {
		return n, "", errors.New(`not a page of backups: no "backups" list`)
	}
	return n, next, nil
}

// referenceList reads the value of "backups", counting its elements in n; it reports false for
// null, which is no list.
func referenceList[T any, P decodedBackup[T]](dec *json.Decoder, n *int, yield func(int, P) (bool, error)) (bool, error) {
	tok, err := dec.Token()
	switch {
	case err != nil:
		return false, fmt.Errorf("not valid JSON: %w", err)
	case tok == nil:
		return false, nil
	case tok != json.Delim('['):
		return false, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, tokenKind(tok))
	}
	item := P(new(T))
	for ; dec.More(); *n++ {
		if *n == maxPageBackups {
			return true, fmt.Errorf("the page holds more than %d backups", maxPageBackups)
		}
		if err := dec.Decode(item); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				// Only the page's own structure can mismatch: every field of a backup reads tolerantly.
				return true, fmt.Errorf(`not a page of backups: JSON %s at "backups"`, typeErr.Value)
			}
			return true, fmt.Errorf("not valid JSON: %w", err)
		}
		kept, err := yield(*n, item)
		if err != nil {
			return true, err
		}
		if kept {
			item = P(new(T))
		} else {
			*item = *new(T)
		}
	}
	_, err = dec.Token() // the closing bracket
	return true, err
}

// tokenKind names the kind of JSON value that starts with tok, as encoding/json's type errors do; a
// scalar is a whole token.
func tokenKind(tok json.Token) string {
	switch tok {
	case json.Delim('{'):
		return "object"
	case json.Delim('['):
		return "array"
	}
	switch tok.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	}
	return "number"
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2013-06-27T08:48:03.000000", "2013-06-27T08:48:03Z", "2013-06-27T10:48:03+02:00",
		"2013-06-27 08:48:03", "2013-06-27T08:48:03.1-00:30", "", "x", "2013-06-27T08:48:03+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := parseTimestamp(s)
		if !ok {
			return
		}
		if tm.Location() != time.UTC {
			t.Fatalf("%q: %v is not UTC", s, tm)
		}
		again, ok := parseTimestamp(tm.Format(time.RFC3339Nano))
		if !ok || !again.Equal(tm) {
			t.Fatalf("%q: %v does not read back (%v)", s, tm, again)
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{`0`, `"0"`, `-1.5e3`, `" 7 "`, `true`, `"True"`, `"NaN"`, `1e400`, `null`, `""`, `{}`, `"\u0031"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) { // encoding/json hands Unmarshalers valid JSON only
			return
		}
		raw = []byte(strings.TrimSpace(string(raw)))
		i, iOK := parseInt(raw)
		fl, fOK := parseFloat(raw)
		_, _ = parseBool(raw)
		if fOK && (math.IsNaN(fl) || math.IsInf(fl, 0)) {
			t.Fatalf("%s: %v is no Terraform number", raw, fl)
		}
		if iOK && (!fOK || math.Abs(float64(i)-fl) > math.Abs(fl)*1e-15+1e-9) {
			t.Fatalf("%s: int %d, float %v %v", raw, i, fl, fOK)
		}
		if r, ok := exactNumber(raw); ok && (r.IsInt() && r.Num().IsInt64()) != iOK || iOK && ok && r.Num().Int64() != i {
			t.Fatalf("%s: parseInt %d, %v; exactly %v", raw, i, iOK, r)
		}
		var f field[float64]
		f.read(raw, parseFloat)
		if f.set == f.bad && f.set || f.bad && isNullish(raw) {
			t.Fatalf("%s: inconsistent state %+v", raw, f)
		}
	})
}

func FuzzParseServiceMetadata(f *testing.F) {
	f.Add([]byte(quoted(apiExampleServiceMetadata)))
	f.Add([]byte(quoted(fullServiceMetadata)))
	f.Add([]byte(fullServiceMetadata))
	for _, s := range []string{`null`, `""`, `"garbage"`, `"[1]"`, `"{\"DL\": 9, \"ST\": \"x\"}"`, `5`, `"{\"a\":{\"b\":[1,{}]}}"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		raw = []byte(strings.TrimSpace(string(raw)))
		text, sm, bad := parseServiceMetadata(raw)
		if (text == nil) != (string(raw) == "null" || slices.Contains(bad, WithheldServiceMetadata)) {
			t.Fatalf("%s: text %v", raw, text)
		}
		for _, key := range bad {
			if !knownKeys[key] || !strings.HasPrefix(key, "service_metadata") {
				t.Fatalf("%s: unreadable %q", raw, key)
			}
		}
		if sm == nil {
			return
		}
		if (sm.Deduplicated == nil) != (sm.Compressed == nil) {
			t.Fatalf("%s: DL read halfway", raw)
		}
		if (sm.ServiceType == nil) != slices.Contains(bad, "service_metadata.ST") {
			t.Fatalf("%s: service type %v with %q", raw, sm.ServiceType, bad)
		}
	})
}

func FuzzParseDescription(f *testing.F) {
	for _, s := range []string{"", "weekly", `{"DESC": "d", "INC": 1}`, `{"DESC": `, ` {"INC": "x"} `, `{"DESC": {"a": 1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, inc, bad := parseDescription(&s)
		if !strings.HasPrefix(strings.TrimSpace(s), "{") {
			if text == nil || *text != s || inc != nil || bad != nil {
				t.Fatalf("%q: plain text changed: %v %v %q", s, text, inc, bad)
			}
			return
		}
		if !json.Valid([]byte(strings.TrimSpace(s))) && (text == nil || *text != s || len(bad) != 1 || bad[0] != "description") {
			t.Fatalf("%q: malformed JSON must stay text and be noted: %v %q", s, text, bad)
		}
	})
}

// FuzzScanner checks the hand-written JSON scanner and string decoder against encoding/json.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a": [1, "x\"y", {"b": null}]}`, `"\ud83d\ude00"`, `[1,]`, `{"a":1}x`, "\"\xff\"", `-0.5e+3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)
		if got := validJSON(data); got != valid {
			t.Fatalf("validJSON(%q) = %v, json.Valid %v", data, got, valid)
		}
		if !valid {
			return
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber() // 1e700 is valid JSON but no float64
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if s, ok := want.(string); ok {
			if got, ok := unquote([]byte(strings.TrimSpace(string(data)))); !ok || got != s {
				t.Fatalf("unquote(%q) = %q, want %q", data, got, s)
			}
		}
		if m, ok := want.(map[string]any); ok {
			got := map[string]bool{}
			for k, v := range each(data) {
				got[string(k)] = true
				if !json.Valid(v) {
					t.Fatalf("each(%q) yielded %q for %q", data, v, k)
				}
			}
			for k := range m {
				if !got[k] {
					t.Fatalf("each(%q) missed %q", data, k)
				}
			}
		}
	})
}

// exactNumber is the JSON number in raw (or in the string raw) as an exact rational, where its
// exponent is small enough to compute with.
func exactNumber(raw []byte) (*big.Rat, bool) {
	b, ok := scalar(raw)
	if end, valid := scanNumber(b, 0); !ok || !valid || end != len(b) || len(b) > 100 {
		return nil, false
	}
	if _, exp, found := strings.Cut(strings.ToLower(string(b)), "e"); found {
		if e, err := strconv.Atoi(exp); err != nil || e > 400 || e < -400 {
			return nil, false
		}
	}
	return new(big.Rat).SetString(string(b))
}

// FuzzVolumeKeyMasking inserts a VK member, its name spelled by the fuzzer, anywhere into the
// fuzzer's service_metadata, sent as a string of JSON or as an object. Wherever the member lands,
// its value reaches no output of the backup but the volume key: not service_metadata_json, not
// extra, not a name in Unreadable. Where the text is JSON, its value counts as a volume key if
// encoding/json reads it as the value of a VK member (a string that merely contains such text is
// data); where it is not JSON, the member is there and must not leak either.
func FuzzVolumeKeyMasking(f *testing.F) {
	for _, doc := range []string{fullServiceMetadata, `{"DL": 1,`, `{"a": {"b": [1, {}]}, "c": "d"}`, `{}`, `[{}]`,
		`volume_1/az_nova_backup_1`, `{"VK": null, "x": "\\"}`, `{"a": [{"b": {}}]`} {
		for i, name := range []string{`"VK"`, `"\u0056K"`, `"V\u004b"`, `"\u0056\u004B"`} {
			f.Add(doc, uint16(1+7*i), name, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, doc string, where uint16, name string, shape uint8) {
		const secret = "Zq7-vk-secret-4f1e"
		var spelled string
		if strings.Contains(doc+name, "Zq7") || json.Unmarshal([]byte(name), &spelled) != nil || spelled != "VK" {
			return // the secret must be the inserted value alone, under a name that spells VK
		}
		pos := int(where) % (len(doc) + 1)
		text := doc[:pos] + name + `: "` + secret + `"` + [...]string{",", "", "}", "]}"}[shape/3%4] + doc[pos:]
		var raw []byte
		switch shape % 3 {
		case 0:
			raw, _ = json.Marshal(text)
		case 1:
			raw, _ = json.Marshal(" " + text + "\n")
		default:
			if !json.Valid([]byte(text)) {
				return // the API sends an object only as valid JSON
			}
			raw = []byte(text)
		}
		if json.Valid([]byte(text)) && !slices.Contains(volumeKeyStrings(t, []byte(text)), secret) {
			return // the secret is not a volume key by encoding/json's reading: data like any other
		}
		body, _ := json.Marshal(map[string]any{"backups": []any{map[string]any{"id": "a", "service_metadata": json.RawMessage(raw)}}})
		items, _, err := decodeAll[backupJSON](body)
		if err != nil || len(items) != 1 {
			t.Fatalf("%s: %v", body, err)
		}
		b := items[0].backup()
		if b.ServiceMetadata != nil {
			b.ServiceMetadata.VolumeKey = nil // the one sensitive output
		}
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), secret) {
			t.Fatalf("service_metadata %s: the volume key reached a non-sensitive output: %s", raw, out)
		}
	})
}

// volumeKeyStrings are the strings of the values of every VK member of the valid JSON data, at
// any depth, as encoding/json's tokens read them (a value that is an object or array gives every
// string inside it).
func volumeKeyStrings(t *testing.T, data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out []string
	type frame struct{ object, key bool } // key: the next token of this object is a key
	var stack []frame
	vkDepth := -1 // the depth of the stack inside a VK value, -1 outside any
	pendingVK := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return out // io.EOF: the data is valid JSON
		}
		isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].key
		if len(stack) > 0 && stack[len(stack)-1].object && tok != json.Delim('}') {
			stack[len(stack)-1].key = !isKey
		}
		if isKey {
			pendingVK = tok == "VK"
			continue
		}
		value := pendingVK || vkDepth >= 0
		pendingVK = false
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if value && vkDepth < 0 {
				vkDepth = len(stack)
			}
			stack = append(stack, frame{object: tok == json.Delim('{'), key: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if vkDepth == len(stack) {
				vkDepth = -1
			}
			continue
		}
		if s, ok := tok.(string); ok && value {
			out = append(out, s)
		}
	}
}
