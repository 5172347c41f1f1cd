package vbs

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// field is one value read tolerantly: set is false when the API sent null, nothing at all, or an
// empty string where no text is expected; bad is true when it sent something that could not be read. Its UnmarshalJSON
// never fails, so that one odd value cannot fail a whole page.
type field[T any] struct {
	v   T
	set bool
	bad bool
}

// read replaces f with raw parsed by parse; like encoding/json, the last of repeated keys wins.
func (f *field[T]) read(raw []byte, parse func([]byte) (T, bool)) {
	*f = field[T]{}
	v, ok := parse(raw)
	switch {
	case ok:
		f.v, f.set = v, true
	case !isNullish(raw):
		f.bad = true
	}
}

// ptr returns the value's address, nil when unset. The pointer shares the field's memory, which
// spares one allocation per value of every backup.
func (f *field[T]) ptr() *T {
	if !f.set {
		return nil
	}
	return &f.v
}

// intField is a whole number read tolerantly by encoding/json.
type intField struct{ field[int64] }

func (f *intField) UnmarshalJSON(raw []byte) error { f.read(raw, parseInt); return nil }

// mapField is a JSON object read as a map of strings (see valueText); anything else is bad.
type mapField struct {
	v   map[string]string
	bad bool
}

func (f *mapField) UnmarshalJSON(raw []byte) error {
	*f = mapField{}
	switch {
	case isObject(raw):
		f.v = stringMap(raw)
	case !isNullish(raw):
		f.bad = true
	}
	return nil
}

// linksField is a list of {"href","rel"} objects; anything else is bad.
type linksField struct {
	v   []Link
	bad bool
}

func (f *linksField) UnmarshalJSON(raw []byte) error {
	*f = linksField{}
	if isNullish(raw) {
		return nil
	}
	if len(raw) == 0 || raw[0] != '[' {
		f.bad = true
		return nil
	}
	for _, el := range each(raw) {
		var l Link
		if !isObject(el) {
			f.bad = true
		}
		for key, v := range each(el) {
			switch string(key) {
			case "href":
				l.Href = readLinkText(v, &f.bad)
			case "rel":
				l.Rel = readLinkText(v, &f.bad)
			}
		}
		f.v = append(f.v, l)
	}
	if f.bad {
		f.v = nil
	} else if f.v == nil {
		f.v = []Link{} // an empty list is a value, unlike null
	}
	return nil
}

func readLinkText(raw []byte, bad *bool) string {
	var t field[string]
	t.read(raw, parseText)
	*bad = *bad || t.bad
	return t.v
}

// isNullish reports whether raw means "no value": JSON null, or a string of nothing but spaces,
// which some servers send for an unset number or time.
func isNullish(raw []byte) bool {
	if string(raw) == "null" {
		return true
	}
	b, ok := scalar(raw)
	return ok && len(raw) > 0 && raw[0] == '"' && len(b) == 0
}

// isObject reports whether the valid JSON value raw is an object.
func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// scalar returns the text of a number, boolean or string (trimmed), which is what a tolerant
// number or boolean is read from: the API sends "progress": "0" as well as 0.
func scalar(raw []byte) ([]byte, bool) {
	if len(raw) == 0 || raw[0] == 'n' || raw[0] == '{' || raw[0] == '[' {
		return nil, false
	}
	if raw[0] != '"' {
		return raw, true
	}
	b, ok := unquoteBytes(raw)
	return bytes.TrimSpace(b), ok
}

// parseText reads a string, or a number or boolean as its literal text.
func parseText(raw []byte) (string, bool) {
	if len(raw) > 0 && raw[0] == '"' {
		return unquote(raw)
	}
	b, ok := scalar(raw)
	return string(b), ok
}

// parseInt reads a whole number exactly: "1.0", 1e3 and "12.50e1" are whole numbers too, while
// 123456789012345678.5 is not one (as a float64 it would be, rounded to 123456789012345680), nor is
// anything beyond the range of int64; those are unreadable rather than rounded.
func parseInt(raw []byte) (int64, bool) {
	b, ok := scalar(raw)
	if !ok {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, true
	}
	digits, ok := integerDigits(b)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// maxIntDigits is more digits than any int64 has, so that integerDigits never builds a longer text.
const maxIntDigits = 20

// integerDigits rewrites a JSON number that is a whole number as its decimal digits, with its sign
// and without fraction or exponent, by moving the decimal point rather than computing in floating
// point; it reports false for a number that is not whole (or not a JSON number). A whole number
// of more than maxIntDigits digits comes out as maxIntDigits+1 nines, out of int64's range too.
func integerDigits(b []byte) (string, bool) {
	if end, ok := scanNumber(b, 0); !ok || end != len(b) {
		return "", false
	}
	sign := ""
	if b[0] == '-' {
		sign, b = "-", b[1:]
	}
	mantissa, exponent, _ := bytes.Cut(bytes.ToLower(b), []byte("e"))
	whole, fraction, _ := bytes.Cut(mantissa, []byte("."))
	digits := strings.TrimLeft(string(whole)+string(fraction), "0")
	shift := -len(fraction) // the digits are the number times 10^-shift
	if len(exponent) > 0 {
		e, err := strconv.Atoi(string(exponent))
		if err != nil { // more than an int holds: any non-zero digit makes it huge or tiny
			e = math.MaxInt32
			if exponent[0] == '-' {
				e = math.MinInt32
			}
		}
		shift += max(min(e, math.MaxInt32), math.MinInt32)
	}
	trimmed := strings.TrimRight(digits, "0")
	shift += len(digits) - len(trimmed)
	switch {
	case trimmed == "":
		return "0", true
	case shift < 0:
		return "", false // a fraction remains
	case len(trimmed)+shift > maxIntDigits:
		return sign + strings.Repeat("9", maxIntDigits+1), true
	}
	return sign + trimmed + strings.Repeat("0", shift), true
}

// parseFloat reads a finite number.
func parseFloat(raw []byte) (float64, bool) {
	b, ok := scalar(raw)
	if !ok {
		return 0, false
	}
	return parseFloatText(b)
}

// parseFloatText rejects NaN and infinities, which strconv accepts but no Terraform number can hold.
func parseFloatText(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseBool reads true/false, 1/0 and their strings in any case ("True" comes from Python).
func parseBool(raw []byte) (bool, bool) {
	b, ok := scalar(raw)
	if !ok {
		return false, false
	}
	v, err := strconv.ParseBool(string(b))
	return v, err == nil
}

// parseTime reads a timestamp string (see parseTimestamp).
func parseTime(raw []byte) (time.Time, bool) {
	s, ok := unquote(raw)
	if !ok {
		return time.Time{}, false
	}
	return parseTimestamp(s)
}

// parseTimestamp reads the API's timestamps, which carry no zone and are UTC
// ("2013-06-27T08:48:03.000000"), as well as a trailing Z or an offset, any number of fractional
// digits, and the space that separates date and time in Cinder's database.
func parseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	layout := "2006-01-02T15:04:05" // time.Parse accepts fractional seconds the layout does not show
	if len(s) > 19 && (s[len(s)-1] == 'Z' || strings.ContainsAny(s[19:], "+-")) {
		layout = time.RFC3339
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// stringMap reads the members of a JSON object as strings (see valueText).
func stringMap(obj []byte) map[string]string {
	m := map[string]string{}
	for k, v := range each(obj) {
		m[string(k)] = valueText(v)
	}
	return m
}

// valueText renders a JSON value for a map of strings: a string as it is, anything else as compact
// JSON text (0, false, {"a":1}).
func valueText(raw []byte) string {
	if s, ok := unquote(raw); ok {
		return s
	}
	if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') {
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
	}
	return string(raw)
}
