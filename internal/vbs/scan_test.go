package vbs

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestScan_unquoteMatchesEncodingJSON checks the hand-written string decoder against encoding/json on the
// cases that differ from the fast path: escapes, surrogates and invalid UTF-8.
func TestScan_unquoteMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`"plain"`, `""`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
		`"\ud83d\u0041"`, "\"\xff\xfe\"", "\"caf\xc3\xa9\"", `"{\"DL\": 3}"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got, ok := unquote([]byte(raw)); !ok || got != want {
			t.Errorf("unquote(%s) = %q, %v; want %q", raw, got, ok, want)
		}
	}
}

func TestScan_validJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a": [1, 2.5e-3, -0, true, false, null, "x\u0041"]} `, `{"a":{"b":{"c":[]}}}`,
		`{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `01`, `1.`, `1e`, `-`, `tru`, `"\x"`, `"\u12"`, "\"a\tb\"",
		`{"a":1}x`, `{"a" 1}`, `[1 2]`, ``, ` `, `"abc`, `nul`,
	} {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

func TestScan_each(t *testing.T) {
	type kv struct{ k, v string }
	collect := func(s string) []kv {
		var out []kv
		for k, v := range each([]byte(s)) {
			out = append(out, kv{string(k), string(v)})
		}
		return out
	}
	got := collect(` { "a" : 1 , "b\"c":{"x":[1,"}"]}, "d": "e,f" ,"g":[] } `)
	want := []kv{{"a", "1"}, {`b"c`, `{"x":[1,"}"]}`}, {"d", `"e,f"`}, {"g", "[]"}}
	if !slices.Equal(got, want) {
		t.Errorf("object: got %q, want %q", got, want)
	}
	got = collect(`[1, {"a": 2}, "x"]`)
	want = []kv{{"", "1"}, {"", `{"a": 2}`}, {"", `"x"`}}
	if !slices.Equal(got, want) {
		t.Errorf("array: got %q, want %q", got, want)
	}
	if got := collect(`"not a container"`); got != nil {
		t.Errorf("scalar: got %q", got)
	}
}
