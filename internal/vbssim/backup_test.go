package vbssim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
)

// notServed are the fields of Backup that no member serves.
var notServed = map[string]bool{
	"Region":   true, // where the backup is listed, not a key of it
	"Override": true, // replaces served values rather than being one
}

// servedFields are the names of Backup's fields that members serve.
func servedFields() []string {
	var names []string
	for f := range reflect.TypeFor[Backup]().Fields() {
		if f.IsExported() && !notServed[f.Name] {
			names = append(names, f.Name)
		}
	}
	return names
}

// fill sets v to a non-zero value that differs with seed, whatever its type is made of.
func fill(t *testing.T, v reflect.Value, seed int) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(seed))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	case reflect.Bool:
		v.SetBool(seed%2 == 0)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), seed)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), seed)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, seed)
		fill(t, e, seed)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), seed)
		}
	default:
		t.Fatalf("fill has no non-zero value for a %s", v.Type())
	}
}

// filledBackup is a Backup whose served fields are all set to the values of seed 0.
func filledBackup(t *testing.T) Backup {
	var b Backup
	for _, name := range servedFields() {
		fill(t, reflect.ValueOf(&b).Elem().FieldByName(name), 0)
	}
	return b
}

// decodeObject decodes one served backup, keeping each value's bytes for comparison.
func decodeObject(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return m
}

// changedKeys are the keys whose values differ between a and b, or that only one has.
func changedKeys(a, b map[string]json.RawMessage) []string {
	var keys []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// A field of Backup without its row in members would never be served; a row without a field, or
// one serving the wrong field, would serve a key that no field changes.
func TestMembers_everyServedFieldOfBackupHasItsOwnRow(t *testing.T) {
	newest := variantCount - 1
	base := filledBackup(t)
	v2, v3 := decodeObject(t, encodeBackup(nil, &base, variantV2)), decodeObject(t, encodeBackup(nil, &base, newest))
	for _, m := range members {
		_, inV2 := v2[m.key]
		_, inV3 := v3[m.key]
		if !inV2 && !inV3 {
			t.Errorf("member %q is served neither on v2 nor on the newest v3", m.key)
		}
	}
	if fields := servedFields(); len(v3) != len(fields) {
		t.Errorf("the newest variant serves %d members for %d fields of Backup: %v", len(v3), len(fields), fields)
	}

	// Changing one field changes exactly one key, and no two fields change the same key.
	fieldOf := map[string]string{}
	for _, name := range servedFields() {
		b := base
		fill(t, reflect.ValueOf(&b).Elem().FieldByName(name), 1)
		changed := changedKeys(v3, decodeObject(t, encodeBackup(nil, &b, newest)))
		if name == "ProjectID" {
			if changedV2 := changedKeys(v2, decodeObject(t, encodeBackup(nil, &b, variantV2))); !slices.Equal(changedV2, []string{keyTenantV2}) {
				t.Errorf("ProjectID changes %v on v2, want [%s]", changedV2, keyTenantV2)
			}
			if !slices.Equal(changed, []string{keyProjectV3}) {
				t.Errorf("ProjectID changes %v on the newest variant, want [%s]", changed, keyProjectV3)
			}
		}
		if len(changed) != 1 {
			t.Errorf("field %s changes the keys %v, want one: does it have a row in members?", name, changed)
			continue
		}
		if other, ok := fieldOf[changed[0]]; ok {
			t.Errorf("fields %s and %s both serve %q", other, name, changed[0])
		}
		fieldOf[changed[0]] = name
	}
}
