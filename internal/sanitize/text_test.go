package sanitize

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

func TestText_masksKeyedSecrets(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"escaped quote in a value", `{"password":"pa\"SECRET"}`, `{"password":"***"}`},
		{"backslash before the quote", `{"token": "ab\\\"SECRET\\", "x": 1}`, `{"token": "***"x": 1}`},
		{"JSON inside a string", `{"service_metadata": "{\"DL\": 1, \"VK\": \"SECRET\\\"SECRET\"}"}`, `{"service_metadata": "{\"DL\": 1, \"VK\": \"***\"}"}`},
		{"escaped key name", `{"service_metadata": {"\u0056K": "SECRET"}}`, `{"service_metadata": {"VK": "***"}}`},
		{"second VK", `{"VK": "SECRET", "x": {"vk": "SECRET"}}`, `{"VK": "***", "x": {"vk": "***"}}`},
		{"prose", `Could not find token: SECRET.`, `Could not find token: ***`},
		{"header echo", "X-Subject-Token: SECRET\r\nother", "X-Subject-Token: *** other"},
		{"query", `see /x?password=SECRET&marker=m`, `see /x?password=***&marker=m`},
		{"object value", `{"credential": {"blob": "SECRET"}}`, `{"credential": ***`},
		{"unterminated", `{"secret_key": "SECRET`, `{"secret_key": ***`},
		{"no secret", `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`, `{"badRequest": {"code": 400, "message": "Invalid sort key"}}`},
	} {
		got := Text([]byte(tc.in))
		if got != tc.want || strings.Contains(got, "SECRET") {
			t.Errorf("%s: Text(%s)\n got %s\nwant %s", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestText_masksHeldValues(t *testing.T) {
	held := []string{`pä"ss/wörd<1>`, "tok 123456"}
	for _, in := range []string{
		`{"error": {"message": "Could not find user pä\"ss/wörd\u003c1\u003e"}}`,
		`{"error": {"message": "no user p\u00e4\"ss/w\u00f6rd<1>"}}`,
		`{"error": {"message": "no user p\u00E4\"ss/w\u00F6rd<1>"}}`,
		`GET /x?q=p%C3%A4%22ss%2Fw%C3%B6rd%3C1%3E`,
		"Could not find tok 123456 (as sent)",
		"tok\n123456 across a line break",
	} {
		got := Text([]byte(in), held...)
		if strings.Contains(got, "123456") || strings.Contains(got, "ss/w") || strings.Contains(got, "ss\\/w") || strings.Contains(got, "w%C3") || strings.Contains(got, "ss/w\\u00") {
			t.Errorf("Text(%s) = %s", in, got)
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("Text(%s) = %s: nothing masked", in, got)
		}
	}
}

func TestText_shortAndOnOneLine(t *testing.T) {
	in := "<html>\r\n<head><title>502 Bad Gateway</title></head>\x00\xff" + strings.Repeat("x", 100<<10)
	got := Text([]byte(in))
	if !strings.HasPrefix(got, "<html> <head><title>502 Bad Gateway</title></head> ?xxx") || !strings.HasSuffix(got, "x…") || len(got) > MaxTextBytes+len("…") {
		t.Errorf("Text = %q (%d bytes)", got, len(got))
	}
	// A held value cut by the window is not shown in part either.
	cut := strings.Repeat(" ", MaxErrorBodyBytes-3) + "SECRET-VALUE"
	if got := Text([]byte(cut), "SECRET-VALUE"); strings.Contains(got, "SEC") {
		t.Errorf("a held value cut off by the window shows its start: %q", got)
	}
}

// secretKeyNames are key names the fuzz target hides values under.
var secretKeyNames = []string{"password", "VK", "vk", "token", "X-Subject-Token", "secret_key", "application_credential_secret", "security_token"}

// FuzzText checks that no input shows a held value, or a value under a secret key at any depth
// of JSON inside JSON strings, whatever text surrounds it.
func FuzzText(f *testing.F) {
	f.Add("", "", `pa"SECRET`, uint8(0), uint8(0))
	f.Add(`{"a": "`, `"}`, `x\"SECRET\\`, uint8(1), uint8(1))
	f.Add(`"token": \"`, ``, `SECRET"}`, uint8(2), uint8(2))
	f.Add(strings.Repeat(" ", 300), "\u0056K", "S\u00e4CRET", uint8(3), uint8(3))
	f.Fuzz(func(t *testing.T, prefix, suffix, value string, depth, key uint8) {
		if len(value) < 4 || strings.Contains(value, "*") {
			return // shorter values may be parts of the text around them or of the mask
		}
		// Held: never in the output, whatever the text.
		for _, in := range []string{prefix + value + suffix, prefix + suffix} {
			if got := Text([]byte(in), value); strings.Contains(got, value) {
				t.Fatalf("Text(%q, held %q) = %q", in, value, got)
			}
		}
		// Keyed: the value's words are not in the output unless the text around it has them.
		name := secretKeyNames[int(key)%len(secretKeyNames)]
		doc := nest(name, value, int(depth)%4)
		got := Text([]byte(prefix + doc + suffix))
		around := decodeNameEscapes(oneLine([]byte(prefix + name + suffix)))
		for _, word := range words(value) {
			if strings.Contains(got, word) && !strings.Contains(around, word) {
				t.Fatalf("Text(%q) = %q shows %q of the value %q", prefix+doc+suffix, got, word, value)
			}
		}
	})
}

// nest is {"name": "value"} as JSON, then encoded depth times as a JSON string inside {"d": …}.
func nest(name, value string, depth int) string {
	b, _ := json.Marshal(map[string]string{name: value})
	for range depth {
		b, _ = json.Marshal(map[string]string{"d": string(b)})
	}
	return string(b)
}

// words are the runs of at least 4 letters and digits of s.
func words(s string) []string {
	return filterLen(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), 4)
}

func filterLen(ws []string, n int) []string {
	out := ws[:0]
	for _, w := range ws {
		if len(w) >= n {
			out = append(out, w)
		}
	}
	return out
}
