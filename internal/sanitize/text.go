package sanitize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask replaces every secret the sanitizer finds.
const Mask = "***"

// Text is a server's text (an error body, a message, the start of a page that is not one) as a
// diagnostic or a log line may quote it: at most MaxTextBytes on one line, control characters
// and invalid UTF-8 replaced, and every secret masked: the value of each key that names one
// (password, token, secret, key, VK, credential, signature, authorization), whatever JSON
// escaping (a JSON text inside a JSON string, at any depth) or \u escapes spell it, and each of
// held, the credentials the provider holds, in every spelling a server may echo them in.
func Text(text []byte, held ...string) string {
	window := text[:min(len(text), MaxErrorBodyBytes)]
	if len(window) < len(text) {
		window = trimHeldPrefix(window, held)
	}
	s := oneLine(MaskHeld(window, held))
	s = maskKeyValues(decodeNameEscapes(s))
	if len(s) > MaxTextBytes {
		s = truncate(s, MaxTextBytes) + "…"
	}
	// Collapsing and decoding may have formed a held value anew; the mask holds none of its characters.
	return string(MaskHeld([]byte(s), held))
}

// MaskHeld replaces every spelling of each held value in text (as it is, JSON-escaped once or
// twice, with ASCII-only escapes as Python writes them, URL-escaped) with Mask.
func MaskHeld(text []byte, held []string) []byte {
	for _, h := range held {
		for _, form := range spellings(h) {
			text = bytes.ReplaceAll(text, []byte(form), []byte(Mask))
		}
	}
	return text
}

// spellings are the forms in which a server may echo a value, longest first so that a form does
// not mask part of a longer one and leave the rest in clear.
func spellings(v string) []string {
	if v == "" {
		return nil
	}
	forms := []string{v}
	seen := map[string]bool{v: true}
	once := jsonEscape(v, true)
	for _, f := range []string{
		once, jsonEscape(v, false), jsonEscape(once, true), asciiEscape(v, "%04x"), asciiEscape(v, "%04X"),
		url.QueryEscape(v), url.PathEscape(v),
	} {
		if !seen[f] {
			seen[f] = true
			forms = append(forms, f)
		}
	}
	// Longest first: a form that is part of another must not be replaced before it.
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return forms
}

// jsonEscape is v as it appears between the quotes of a JSON string.
func jsonEscape(v string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(v) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// asciiEscape is v as Python's json.dumps writes it by default (ensure_ascii), which is how
// OpenStack services echo a value: every non-ASCII character as \uXXXX (surrogate pairs above
// the BMP).
func asciiEscape(v, hexFormat string) string {
	var b strings.Builder
	for _, r := range jsonEscape(v, false) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&b, `\u`+hexFormat+`\u`+hexFormat, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&b, `\u`+hexFormat, r)
		}
	}
	return b.String()
}

// trimHeldPrefix drops the end of a window cut out of a longer text when it is the start of a
// spelling of a held value: the rest, which would have identified it, was cut off.
func trimHeldPrefix(window []byte, held []string) []byte {
	for _, h := range held {
		for _, form := range spellings(h) {
			for k := min(len(form)-1, len(window)); k > 0; k-- {
				if bytes.HasSuffix(window, []byte(form[:k])) {
					window = window[:len(window)-k]
					break
				}
			}
		}
	}
	return window
}

// oneLine turns runs of spaces and control characters into one space and invalid UTF-8 into "?".
func oneLine(text []byte) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '?'
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// nameEscape is a \u escape, behind any number of backslashes (JSON inside JSON strings), of a
// character that never needs escaping in a key name: a server that writes "\u0056K" means "VK".
var nameEscape = regexp.MustCompile(`\\+u00(?:[46][1-9a-fA-F]|[57][0-9aA]|3[0-9]|5[fF]|2[dD])`)

func decodeNameEscapes(s string) string {
	return nameEscape.ReplaceAllStringFunc(s, func(m string) string {
		hex := m[len(m)-2:]
		var r rune
		_, _ = fmt.Sscanf(hex, "%x", &r) // the pattern admits only hex digits
		return string(r)
	})
}

// secretKey is a key (or a word followed by ":" or "=", as in "Could not find token: …") that
// names a secret, with its closing quote (behind as many backslashes as its nesting needs).
var secretKey = regexp.MustCompile(`(?i)[a-z0-9_.-]*(?:passw|token|secret|key|vk|credential|signature|authorization|cookie)[a-z0-9_.-]*(?:\\*")?\s*[:=]\s*`)

// maskKeyValues masks the value after every secretKey. A quoted value ends at the first quote
// behind no more backslashes than its opening quote (an escaped quote inside it has more, so a
// value never ends early; a value ending in a backslash is masked past its end, which is safe);
// an object or array value, whose end is not worth finding, is masked to the end of the text.
func maskKeyValues(s string) string {
	var b strings.Builder
	for {
		loc := secretKey.FindStringIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:loc[1]])
		s = s[loc[1]:]
		end := valueEnd(s)
		if end == len(s) && s != "" {
			b.WriteString(Mask)
			return b.String()
		}
		open, closing := quoteBounds(s, end)
		b.WriteString(s[:open])
		if end > open {
			b.WriteString(Mask)
		}
		b.WriteString(s[closing:end])
		s = s[end:]
	}
}

// valueEnd is where the value at the start of s ends (after its closing quote, if quoted).
func valueEnd(s string) int {
	slashes := len(s) - len(strings.TrimLeft(s, `\`))
	switch {
	case slashes < len(s) && s[slashes] == '"':
		for i := slashes + 1; i < len(s); i++ {
			if s[i] != '"' {
				continue
			}
			run := 0
			for run < i && s[i-1-run] == '\\' {
				run++
			}
			if run <= slashes {
				return i + 1
			}
		}
		return len(s)
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return len(s)
	}
	return strings.IndexFunc(s+" ", func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`,;&}])"'<>`, r) })
}

// quoteBounds splits the value s[:end] into its opening quote s[:open] and closing quote
// s[closing:end]; an unquoted value has neither.
func quoteBounds(s string, end int) (open, closing int) {
	slashes := len(s) - len(strings.TrimLeft(s, `\`))
	if slashes >= end || s[slashes] != '"' {
		return 0, end
	}
	open = slashes + 1
	closing = end - 1
	for closing > open && s[closing-1] == '\\' {
		closing--
	}
	return open, max(closing, open)
}
