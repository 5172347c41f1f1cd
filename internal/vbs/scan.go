package vbs

// A small JSON scanner for pages, their backups and the documents inside a backup
// (service_metadata, description, links, metadata). encoding/json would scan each backup twice
// before handing it over, and need a map[string]json.RawMessage per document, or a validation pass
// and a decoder per string; those dominated decoding a page.

import (
	"bytes"
	"iter"
	"unicode/utf16"
	"unicode/utf8"
)

// unquote decodes a valid JSON string.
func unquote(raw []byte) (string, bool) {
	b, ok := unquoteBytes(raw)
	return string(b), ok
}

// unquoteBytes decodes a valid JSON string; for the common string with no escapes it returns a
// slice of raw itself, sparing a copy.
func unquoteBytes(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return body, true
	}
	return unescape(body)
}

// each yields the members of a JSON object (key, value) or the elements of an array (nil, value),
// in order. data must be valid JSON (validJSON, or from encoding/json). A key is only valid until
// the next one; switch string(key) costs no allocation.
func each(data []byte) iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		i := skipSpace(data, 0)
		if i >= len(data) || data[i] != '{' && data[i] != '[' {
			return
		}
		object := data[i] == '{'
		for i = skipSpace(data, i+1); i < len(data) && data[i] != '}' && data[i] != ']'; i = skipSpace(data, i) {
			if data[i] == ',' {
				i = skipSpace(data, i+1)
			}
			var key []byte
			if object {
				end, ok := scanString(data, i)
				if !ok {
					return
				}
				key, _ = unquoteBytes(data[i:end])
				i = skipSpace(data, skipSpace(data, end)+1) // past the colon
			}
			end, ok := scanValue(data, i, 0)
			if !ok || !yield(key, data[i:end]) {
				return
			}
			i = end
		}
	}
}

// validJSON is json.Valid, faster: json.Valid's byte-by-byte state machine was a
// large part of decoding a page.
func validJSON(data []byte) bool {
	end, ok := scanValue(data, skipSpace(data, 0), 0)
	return ok && skipSpace(data, end) == len(data)
}

// maxDepth is encoding/json's nesting limit; it bounds the scanner's recursion.
const maxDepth = 10000

// scanValue returns the index just past the JSON value that starts at data[i], and whether that
// value is valid JSON.
func scanValue(data []byte, i, depth int) (int, bool) {
	if i >= len(data) {
		return i, false
	}
	switch c := data[i]; c {
	case '"':
		return scanString(data, i)
	case 't':
		return scanLiteral(data, i, "true")
	case 'f':
		return scanLiteral(data, i, "false")
	case 'n':
		return scanLiteral(data, i, "null")
	case '{', '[':
		if depth >= maxDepth {
			return i, false
		}
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		if i = skipSpace(data, i+1); i < len(data) && data[i] == closing {
			return i + 1, true
		}
		for {
			if c == '{' {
				end, ok := scanString(data, i)
				if i = skipSpace(data, end); !ok || i >= len(data) || data[i] != ':' {
					return i, false
				}
				i = skipSpace(data, i+1)
			}
			end, ok := scanValue(data, i, depth+1)
			if i = skipSpace(data, end); !ok || i >= len(data) {
				return i, false
			}
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
			case closing:
				return i + 1, true
			default:
				return i, false
			}
		}
	}
	return scanNumber(data, i)
}

func scanLiteral(data []byte, i int, literal string) (int, bool) {
	if !bytes.HasPrefix(data[i:], []byte(literal)) {
		return i, false
	}
	return i + len(literal), true
}

func scanString(data []byte, i int) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i++; i >= len(data) {
				return i, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(data[i+1:]); !ok {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func scanNumber(data []byte, i int) (int, bool) {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = scanDigits(data, i)
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		if end := scanDigits(data, i+1); end > i+1 {
			i = end
		} else {
			return end, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		if i++; i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		end := scanDigits(data, i)
		if end == i {
			return end, false
		}
		i = end
	}
	return i, true
}

func scanDigits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape decodes the body of a JSON string with escapes the way encoding/json does: a lone
// surrogate or invalid UTF-8 becomes U+FFFD. It spares the decoder and its validation pass on
// service_metadata, which is a string full of escaped quotes.
func unescape(body []byte) ([]byte, bool) {
	b := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body):
			i += 2
			e := body[i-1]
			if ch, ok := shortEscape(e); ok {
				b = append(b, ch)
				continue
			}
			switch e {
			case 'u':
				r, ok := hex4(body[i:])
				if !ok {
					return nil, false
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(0), false
					if i+1 < len(body) && body[i] == '\\' && body[i+1] == 'u' {
						r2, ok = hex4(body[i+2:])
					}
					if r = utf16.DecodeRune(r, r2); ok && r != utf8.RuneError {
						i += 6
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				return nil, false
			}
		case c == '\\' || c < 0x20:
			return nil, false
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			b = utf8.AppendRune(b, r) // RuneError for invalid UTF-8
			i += size
		}
	}
	return b, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// shortEscape is the character that the two-character JSON escape of e stands for (\n: newline).
func shortEscape(e byte) (byte, bool) {
	switch e {
	case '"', '\\', '/':
		return e, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}
