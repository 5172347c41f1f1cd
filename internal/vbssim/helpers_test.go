package vbssim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// reply is one HTTP exchange as the tests inspect it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with header name/value pairs and reads the whole reply.
func do(t *testing.T, c *http.Client, method, target string, body io.Reader, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// get sends GET with the default static token unless header names another.
func get(t *testing.T, target string, header ...string) reply {
	t.Helper()
	return do(t, nil, http.MethodGet, target, nil, append([]string{"X-Auth-Token", DefaultToken}, header...)...)
}

// page is a decoded listing; backups stay raw so tests can check keys and exact values.
type page struct {
	Backups []map[string]json.RawMessage `json:"backups"`
	Links   []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	} `json:"backups_links"`
}

func decodePage(t *testing.T, r reply) page {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("body is not a listing: %v: %s", err, r.body)
	}
	return p
}

// list fetches one page of the default project with the default token.
func list(t *testing.T, s *Server, version, query string, header ...string) page {
	t.Helper()
	return decodePage(t, get(t, s.Endpoint(version, "")+"/backups/detail?"+query, header...))
}

func (p page) ids() []string {
	ids := make([]string, len(p.Backups))
	for i, b := range p.Backups {
		json.Unmarshal(b["id"], &ids[i]) //nolint:errcheck // a missing id shows as "" in the comparison
	}
	return ids
}

// next returns the next link's href, or "".
func (p page) next() string {
	for _, l := range p.Links {
		if l.Rel == "next" {
			return l.Href
		}
	}
	return ""
}

// walk lists every page the way a correct client does: the next link's marker on its own
// endpoint, offset only on the first request. It returns the ids and the number of pages.
func walk(t *testing.T, s *Server, version, query string, header ...string) ([]string, int) {
	t.Helper()
	var ids []string
	pages := 0
	for q := query; ; {
		p := list(t, s, version, q, header...)
		pages++
		ids = append(ids, p.ids()...)
		if p.next() == "" {
			return ids, pages
		}
		u, err := url.Parse(p.next())
		if err != nil {
			t.Fatal(err)
		}
		v := u.Query()
		v.Del("offset")
		q = v.Encode()
		if pages > 10000 {
			t.Fatal("walk does not end")
		}
	}
}

// has reports whether a raw backup has the key at all (null counts).
func has(b map[string]json.RawMessage, key string) bool {
	_, ok := b[key]
	return ok
}

// str decodes a JSON string, or shows the raw value in angle brackets.
func str(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "<" + strings.TrimSpace(string(raw)) + ">"
	}
	return s
}
