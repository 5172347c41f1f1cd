package vbs

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ParseServiceMetadataText parses service_metadata text, the content of the JSON string the API
// sends (and other providers expose as it is), by exactly the rules of a listing: nil for text that
// is not JSON-object-shaped (plain text, as Cinder's chunked drivers store), a nil attribute for a
// value that cannot be read, and an error saying why and where for text that starts like JSON but
// is not a JSON object.
func ParseServiceMetadataText(text string) (*ServiceMetadata, error) {
	// The text goes through the listing's own decoder as the JSON string it arrives in, so that the
	// two can never read the same text differently.
	raw, err := json.Marshal(text)
	if err != nil {
		return nil, err
	}
	// A listing notes service_metadata as unreadable where the text is meant as JSON and is not a
	// JSON object (and service_metadata_json where it keeps the text back for a volume key).
	_, sm, unreadable := parseServiceMetadata(raw)
	if sm == nil && slices.Contains(unreadable, "service_metadata") {
		return nil, fmt.Errorf("service_metadata is %s", jsonFault(text))
	}
	return sm, nil
}

// ParseDescriptionText parses a backup description by exactly the rules of a listing: the DESC and
// INC of a JSON object, else the text itself and no INC; a DESC or INC that cannot be read is nil.
// A description that starts like a JSON object but is not valid JSON is an error saying why and
// where.
func ParseDescriptionText(desc string) (text *string, incremental *bool, err error) {
	text, incremental, unreadable := parseDescription(&desc)
	if slices.Contains(unreadable, "description") {
		return nil, nil, fmt.Errorf("description is %s", jsonFault(desc))
	}
	return text, incremental, nil
}

// quotedChar is how encoding/json quotes the character it stopped at.
var quotedChar = regexp.MustCompile(`^invalid character '(?:\\.|[^'\\])+'`)

// jsonFault says why text, which starts like a JSON object, is not one, and where. It quotes none
// of the text, which may hold a volume key.
func jsonFault(text string) string {
	var v json.RawMessage
	err := json.Unmarshal([]byte(text), &v)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the faulty one included (the last one at an unexpected end).
		line, column := position(text, int(se.Offset)-1)
		return fmt.Sprintf("not valid JSON: %s, at line %d, column %d (byte %d)",
			quotedChar.ReplaceAllString(se.Error(), "unexpected character"), line, column, se.Offset)
	case err == nil && !strings.HasPrefix(strings.TrimSpace(text), "{"):
		return "a JSON array, not a JSON object"
	default:
		// The listing's scanner and encoding/json disagree (invalid UTF-8, say): no position to give.
		return "not valid JSON"
	}
}

// position is the 1-based line and column (in characters) of byte offset i of text.
func position(text string, i int) (line, column int) {
	before := text[:i]
	line = strings.Count(before, "\n") + 1
	return line, utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
}
