package vbs

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"
)

func TestValue_parseTimestamp(t *testing.T) {
	want := time.Date(2013, 6, 27, 8, 48, 3, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2013-06-27T08:48:03.000000", want, true}, // the API's own form: no zone, UTC
		{"2013-06-27T08:48:03", want, true},
		{"2013-06-27T08:48:03.5", want.Add(500 * time.Millisecond), true},
		{"2013-06-27T08:48:03.123456789", want.Add(123456789), true},
		{"2013-06-27T08:48:03Z", want, true},
		{"2013-06-27T08:48:03.000000Z", want, true},
		{"2013-06-27T10:48:03+02:00", want, true},
		{"2013-06-27T03:48:03.000-05:00", want, true},
		{"2013-06-27 08:48:03.000000", want, true}, // Cinder's database form
		{" 2013-06-27T08:48:03 ", want, true},
		{"", time.Time{}, false},
		{"2013-06-27", time.Time{}, false},
		{"2013-13-27T08:48:03", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"2013-06-27T08:48:03+0200", time.Time{}, false},
	} {
		got, ok := parseTimestamp(tc.in)
		if ok != tc.ok || !got.Equal(tc.want) || ok && got.Location() != time.UTC {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %v, %v (UTC)", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestValue_parseNumbersAndBools(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		i      int64
		iOK    bool
		f      float64
		fOK    bool
		b, bOK bool
	}{
		{`0`, 0, true, 0, true, false, true},
		{`1`, 1, true, 1, true, true, true},
		{`"0"`, 0, true, 0, true, false, true},
		{`" 42 "`, 42, true, 42, true, false, false},
		{`-7`, -7, true, -7, true, false, false},
		{`1.0`, 1, true, 1, true, false, false},
		{`1e3`, 1000, true, 1000, true, false, false},
		{`"12.5"`, 0, false, 12.5, true, false, false},
		{`12.5`, 0, false, 12.5, true, false, false},
		{`9223372036854775807`, 9223372036854775807, true, 9223372036854775807, true, false, false},
		{`1e300`, 0, false, 1e300, true, false, false},
		{`true`, 0, false, 0, false, true, true},
		{`"true"`, 0, false, 0, false, true, true},
		{`"False"`, 0, false, 0, false, false, true},
		{`"NaN"`, 0, false, 0, false, false, false},
		{`"Inf"`, 0, false, 0, false, false, false},
		{`"1e999"`, 0, false, 0, false, false, false},
		{`"abc"`, 0, false, 0, false, false, false},
		{`"\u0031"`, 1, true, 1, true, true, true},
		{`null`, 0, false, 0, false, false, false},
		{`{}`, 0, false, 0, false, false, false},
		{`[1]`, 0, false, 0, false, false, false},
	} {
		if i, ok := parseInt([]byte(tc.raw)); i != tc.i || ok != tc.iOK {
			t.Errorf("parseInt(%s) = %v, %v; want %v, %v", tc.raw, i, ok, tc.i, tc.iOK)
		}
		if f, ok := parseFloat([]byte(tc.raw)); f != tc.f || ok != tc.fOK {
			t.Errorf("parseFloat(%s) = %v, %v; want %v, %v", tc.raw, f, ok, tc.f, tc.fOK)
		}
		if b, ok := parseBool([]byte(tc.raw)); b != tc.b || ok != tc.bOK {
			t.Errorf("parseBool(%s) = %v, %v; want %v, %v", tc.raw, b, ok, tc.b, tc.bOK)
		}
	}
}

// textField is a text read tolerantly by encoding/json, as the decoder's rows read one.
type textField struct{ field[string] }

func (f *textField) UnmarshalJSON(raw []byte) error { f.read(raw, parseText); return nil }

// TestValue_fieldStates covers the three states every tolerant value has: unset, set and bad.
func TestValue_fieldStates(t *testing.T) {
	var v struct {
		A, B, C, D, E, F intField
		T, U             textField
		M, N             mapField
		L, K             linksField
	}
	in := `{"A": null, "B": "", "C": "  ", "D": "5", "E": "five", "T": 7, "U": {"x": 1},
		"M": {"k": "v", "n": 1, "o": {"a": [1, 2]}}, "N": [], "L": [{"href": "h", "rel": "self"}], "K": {"href": "h"}}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]field[int64]{"A": v.A.field, "B": v.B.field, "C": v.C.field, "F (absent)": v.F.field} {
		if f.set || f.bad {
			t.Errorf("%s: want unset and not bad, got %+v", name, f)
		}
	}
	if !v.D.set || v.D.v != 5 || v.D.bad {
		t.Errorf(`D "5": got %+v`, v.D)
	}
	if v.E.set || !v.E.bad {
		t.Errorf(`E "five": want bad, got %+v`, v.E)
	}
	if !v.T.set || v.T.v != "7" {
		t.Errorf("T 7: want text 7, got %+v", v.T)
	}
	if v.U.set || !v.U.bad {
		t.Errorf("U object: want bad text, got %+v", v.U)
	}
	if want := map[string]string{"k": "v", "n": "1", "o": `{"a":[1,2]}`}; !mapsEqual(v.M.v, want) || v.M.bad {
		t.Errorf("M: got %v, want %v", v.M.v, want)
	}
	if v.N.v != nil || !v.N.bad {
		t.Errorf("N list as map: want bad, got %+v", v.N)
	}
	if !slices.Equal(v.L.v, []Link{{Href: "h", Rel: "self"}}) || v.L.bad {
		t.Errorf("L: got %+v", v.L)
	}
	if v.K.v != nil || !v.K.bad {
		t.Errorf("K object as links: want bad, got %+v", v.K)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestValue_parseIntNeverRounds: an integer attribute is read exactly or not at all; a float64 would round
// 123456789012345678.5 to the whole number 123456789012345680, and 2^63 to MaxInt64's neighbour.
func TestValue_parseIntNeverRounds(t *testing.T) {
	for raw, want := range map[string]any{
		`123456789012345678.5`:        false,
		`"123456789012345678.5"`:      false,
		`123456789012345678`:          int64(123456789012345678),
		`1234567890123456785e-1`:      false,
		`1234567890123456780e-1`:      int64(123456789012345678),
		`12.50e1`:                     int64(125),
		`1.25E+2`:                     int64(125),
		`-9223372036854775808`:        int64(math.MinInt64),
		`-9223372036854775808.0`:      int64(math.MinInt64),
		`-9223372036854775809`:        false,
		`9223372036854775808`:         false,
		`9.223372036854775807e18`:     int64(math.MaxInt64),
		`9.223372036854775808e18`:     false,
		`1e19`:                        false,
		`1e999999999999999999999`:     false,
		`0e999999999999999999999`:     int64(0),
		`-0.0e-7`:                     int64(0),
		`1e-999999999999999999999`:    false,
		`100000000000000000000e-20`:   int64(1),
		`0.000000000000000000001e21`:  int64(1),
		`"0x10"`:                      false,
		`"5."`:                        false,
		`"1_000"`:                     false,
		`40.000000000000000000000001`: false,
	} {
		got, ok := parseInt([]byte(raw))
		if w, isInt := want.(int64); ok != isInt || isInt && got != w {
			t.Errorf("parseInt(%s) = %d, %v; want %v", raw, got, ok, want)
		}
	}
}
