package vbs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// A differential test of selection: arbitrary backups, an arbitrary server behaviour (sorted as
// asked, reversed, shuffled, sorted but for one backup; API filters applied or ignored; duplicates
// across pages; any page size) and every combination of filters, most_recent and limit. The
// walk's result is compared with the documented semantics applied, here, to the whole set of
// distinct backups, restated over the generator's own model rather than over decoded Backups.

// fzBackup is one generated backup, as the model of the reference semantics sees it.
type fzBackup struct {
	id      string
	half    int    // created_at in half-hours after midnight; -1: missing or unreadable
	created string // the created_at member as served (JSON), "" to leave it out

	name, status, volume, snapshot, zone *string
	incremental                          *bool
	env                                  string // metadata env, "" for no metadata
}

func (b *fzBackup) json() string {
	m := map[string]any{"id": b.id, "name": b.name, "status": b.status, "volume_id": b.volume,
		"snapshot_id": b.snapshot, "availability_zone": b.zone, "is_incremental": b.incremental}
	if b.env != "" {
		m["metadata"] = map[string]string{"env": b.env}
	}
	raw, _ := json.Marshal(m)
	if b.created != "" {
		raw = append(append(raw[:len(raw)-1], `,"created_at":`...), b.created+"}"...)
	}
	return string(raw)
}

// fzInput reads the fuzzer's bytes as a sequence of small choices; past the end each is 0.
type fzInput struct{ data []byte }

func (in *fzInput) pick(n int) int {
	if len(in.data) == 0 {
		return 0
	}
	v := int(in.data[0]) % n
	in.data = in.data[1:]
	return v
}

func pickOf[T any](in *fzInput, options ...T) T { return options[in.pick(len(options))] }

func newFzBackups(in *fzInput) []fzBackup {
	str := func(s string) *string { return &s }
	backups := make([]fzBackup, in.pick(25))
	for i := range backups {
		b := fzBackup{id: fmt.Sprintf("b%02d", i), half: in.pick(18)}
		switch b.half {
		case 16: // missing: null or left out
			b.half, b.created = -1, pickOf(in, "", "null")
		case 17:
			b.half, b.created = -1, pickOf(in, `"yesterday"`, `5`, `"2026-11-28T25:00:00"`)
		default:
			// One instant, three spellings: zoneless with microseconds, Z, and an offset.
			at := time.Date(2026, 11, 28, 0, 30*b.half, 0, 0, time.UTC)
			switch in.pick(3) {
			case 0:
				b.created = at.Format(`"2006-01-02T15:04:05.000000"`)
			case 1:
				b.created = at.Format(`"2006-01-02T15:04:05Z07:00"`)
			default:
				b.created = at.In(time.FixedZone("", 3600)).Format(`"2006-01-02T15:04:05Z07:00"`)
			}
		}
		b.name = pickOf(in, nil, str("db"), str("web"), str("db-2"))
		b.status = pickOf(in, str("available"), str("error"), nil)
		b.volume = pickOf(in, str("v1"), str("v2"), nil)
		b.snapshot = pickOf(in, nil, str("s1"), str("s2"))
		b.zone = pickOf(in, str("az1"), nil, str("az2"))
		b.incremental = pickOf(in, nil, ptrTo(true), ptrTo(false))
		b.env = pickOf(in, "", "prod", "dev")
		backups[i] = b
	}
	return backups
}

// fzServer serves backups as one behaviour: an order, the API filters it ignores, duplicates, a
// page size. Its markers are positions in its listing ("p7"); it records each page it served.
type fzServer struct {
	backups  []fzBackup
	order    int      // 0 sorted as asked, 1 reversed, 2 shuffled, 3 sorted but one moved, 4 as generated
	seed     uint64   // of the shuffle and the move
	ignored  []string // API filters it accepts and does not apply
	dupEvery int      // 0: no duplicates; else after every dupEvery-th backup, an earlier one again
	maxPage  int
	fullLink bool // a full page links a next one even when nothing follows, as Cinder does
	tiesUp   bool // backups of one instant in ascending id order whatever the direction

	mu      sync.Mutex
	query   url.Values // the first request's
	listing []int      // what it listed, as positions in backups
	pages   [][]int    // the pages served, in order
	next    []bool     // whether each had a next link
}

// list is the server's whole listing for q: its order, its filters, its duplicates.
func (s *fzServer) list(q url.Values) []int {
	order := []int{}
	for i := range s.backups {
		b := &s.backups[i]
		ok := true
		for _, p := range []struct {
			key   string
			field *string
		}{{"name", b.name}, {"status", b.status}, {"volume_id", b.volume}} {
			if v := q.Get(p.key); v != "" && !slices.Contains(s.ignored, p.key) && (p.field == nil || *p.field != v) {
				ok = false
			}
		}
		if ok {
			order = append(order, i)
		}
	}
	key, desc := q.Get("sort_key"), q.Get("sort_dir") != "asc"
	slices.SortStableFunc(order, func(x, y int) int {
		a, b := &s.backups[x], &s.backups[y]
		c := strings.Compare(a.id, b.id)
		if s.tiesUp && key != "id" && desc {
			c = -c // reversed below: ties stay in ascending order
		}
		if key != "id" {
			// created_at, also the default; one without a readable created_at sorts last either way.
			switch {
			case (a.half < 0) != (b.half < 0):
				if a.half < 0 {
					return 1
				}
				return -1
			case a.half != b.half:
				c = a.half - b.half
			}
		}
		if desc {
			return -c
		}
		return c
	})
	r := rand.New(rand.NewPCG(s.seed, 1))
	switch s.order {
	case 1:
		slices.Reverse(order)
	case 2:
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	case 4:
		slices.Sort(order) // as generated: a fixed order, sorted by nothing
	case 3:
		if len(order) > 1 {
			from, to := r.IntN(len(order)), r.IntN(len(order))
			moved := order[from]
			order = slices.Insert(slices.Delete(order, from, from+1), to, moved)
		}
	}
	if s.dupEvery > 0 {
		var withDups []int
		for n, i := range order {
			withDups = append(withDups, i)
			if (n+1)%s.dupEvery == 0 {
				withDups = append(withDups, order[r.IntN(n+1)])
			}
		}
		order = withDups
	}
	return order
}

func (s *fzServer) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	listing := s.list(q)
	start := 0
	if m := q.Get("marker"); m != "" {
		start, _ = strconv.Atoi(strings.TrimPrefix(m, "p"))
	}
	size := s.maxPage
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 {
		size = min(size, l)
	}
	end := min(start+size, len(listing))
	page := listing[min(start, end):end]
	objects := make([]string, len(page))
	for n, i := range page {
		objects[n] = s.backups[i].json()
	}
	body := `{"backups": [` + strings.Join(objects, ", ") + `]`
	next := end < len(listing) || s.fullLink && len(page) == size
	if next {
		body += fmt.Sprintf(`, "backups_links": [{"rel": "next", "href": "http://127.0.0.2:1/v3/p/backups?marker=p%d"}]`, end)
	}
	s.mu.Lock()
	if s.query == nil {
		s.query, s.listing = q, listing
	}
	s.pages = append(s.pages, page)
	s.next = append(s.next, next)
	n := len(s.pages)
	s.mu.Unlock()
	if n > 1000 {
		return nil, fmt.Errorf("the walk made %d requests and goes on", n)
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body + "}")), Request: r,
	}, nil
}

// fzOpts are the selection's arguments, over the model.
type fzOpts struct {
	ListOpts
	after, before int // half-hours, -1 for none
	mode          int // 0 ListBackups, 1 SelectBackupIDs, 2 FindBackup most recent, 3 FindBackup
}

func newFzOpts(in *fzInput) fzOpts {
	o := fzOpts{after: -1, before: -1, mode: in.pick(4)}
	o.Name = pickOf(in, "", "db", "", "")
	o.Status = pickOf(in, "", "available", "")
	o.VolumeID = pickOf(in, "", "v1", "")
	o.SortKey = pickOf(in, "", "", "created_at", "id")
	o.SortDir = pickOf(in, "", "desc", "asc")
	o.Limit = int64(pickOf(in, 0, 0, 1, 2, 3))
	o.PageSize = int64(pickOf(in, 0, 0, 1, 2, 3, 5))
	f := &o.Filter
	if in.pick(3) == 0 {
		f.NameRegex = regexp.MustCompile("^db")
	}
	f.SnapshotID = pickOf(in, "", "", "s1")
	f.AvailabilityZone = pickOf(in, "", "", "az1")
	if h := in.pick(24); h < 18 {
		o.after = h - 1 // -1 to 16
	}
	if h := in.pick(24); h < 18 {
		o.before = h
	}
	if o.after >= 0 {
		f.CreatedAfter = ptrTo(time.Date(2026, 11, 28, 0, 30*o.after, 0, 0, time.UTC))
	}
	if o.before >= 0 {
		f.CreatedBefore = ptrTo(time.Date(2026, 11, 28, 0, 30*o.before, 0, 0, time.UTC))
	}
	if in.pick(4) == 0 {
		f.Metadata = map[string]string{"env": "prod"}
	}
	f.Incremental = pickOf(in, nil, nil, ptrTo(true), ptrTo(false))
	return o
}

// matches is the documented selection, restated over the model: the API's filters exactly, and
// every client-side filter (a null never matches; times compare strictly).
func (o *fzOpts) matches(b *fzBackup) bool {
	eq := func(want string, got *string) bool { return want == "" || got != nil && *got == want }
	f := &o.Filter
	return eq(o.Name, b.name) && eq(o.Status, b.status) && eq(o.VolumeID, b.volume) &&
		eq(f.SnapshotID, b.snapshot) && eq(f.AvailabilityZone, b.zone) &&
		(f.NameRegex == nil || b.name != nil && strings.HasPrefix(*b.name, "db")) &&
		(o.after < 0 || b.half > o.after) && (o.before < 0 || b.half >= 0 && b.half < o.before) &&
		(f.Metadata == nil || b.env == "prod") &&
		(f.Incremental == nil || b.incremental != nil && *b.incremental == *f.Incremental)
}

// fzMoreRecent is the documented order of most_recent: the later created_at (none is older than
// any), then the greater id.
func fzMoreRecent(a, b *fzBackup) bool {
	if a.half != b.half {
		return a.half > b.half
	}
	return a.id > b.id
}

// outcome is what a selection returns: the ids selected (for FindBackup: the one, then the other)
// and what it says about the server.
type outcome struct {
	ids        []string
	unsorted   string
	unfiltered []FilterMiss
}

// expect applies the documented semantics to backups in the order given (the distinct backups of
// a listing): the first limit matches, the most recent match, or the first two.
func (o *fzOpts) expect(backups []*fzBackup) []string {
	var ids []string
	var best *fzBackup
	for _, b := range backups {
		if !o.matches(b) {
			continue
		}
		switch o.mode {
		case 2:
			if best == nil || fzMoreRecent(b, best) {
				best = b
			}
		default:
			ids = append(ids, b.id)
		}
	}
	if best != nil {
		ids = []string{best.id}
	}
	if limit := o.limit(); limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	return ids
}

// distinct are the backups of positions, each once, in the order of their first position.
func distinct(backups []fzBackup, positions ...[]int) []*fzBackup {
	seen := map[int]bool{}
	var out []*fzBackup
	for _, page := range positions {
		for _, i := range page {
			if !seen[i] {
				seen[i] = true
				out = append(out, &backups[i])
			}
		}
	}
	return out
}

func FuzzSelection(f *testing.F) {
	// The shape of the API document's example page as printed (created 08:48:03, 08:56:58, 08:46:31:
	// here 08:30, 09:00, 08:00), served as generated, with created_after between the first two.
	f.Add([]byte{3, 17, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 18, 18, 1, 0}, uint16(4))
	f.Add([]byte{3, 17, 0, 0, 0, 0, 0, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0},
		[]byte{2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 24, 1, 0}, uint16(4)) // most_recent
	f.Add([]byte{12, 3, 1, 1, 2, 0, 1, 5, 2, 3, 4, 1, 0, 9, 1, 1, 0, 0, 2, 0, 7, 0, 1, 2, 1, 2, 1}, []byte{2, 1, 1, 0, 2, 1, 2, 1, 0, 1, 0, 0, 0, 8}, uint16(0x2122))
	f.Add([]byte{20, 16, 0, 17, 1, 3, 3, 3, 3, 8, 8, 8, 1, 1, 1, 12, 0, 2}, []byte{0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2, 0, 10, 5}, uint16(0x3311))
	f.Add([]byte{24, 5, 0, 5, 1, 5, 2, 6, 0, 6, 1, 7, 2, 7, 0, 1, 1, 1}, []byte{2, 0, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 24, 24}, uint16(0x0020))
	f.Add([]byte{9, 1, 2, 3}, []byte{3, 0, 1, 1, 3, 2, 1, 2}, uint16(0x1203))
	f.Add([]byte{24, 2, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 8},
		[]byte{1, 0, 1, 0, 0, 0, 0, 3, 1, 0, 0, 4, 24, 1, 0}, uint16(0x0702)) // shuffled, status ignored
	f.Add([]byte{3, 10, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0},
		[]byte{2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 18, 1, 0}, uint16(1<<12|1<<5)) // most_recent, a tie across pages of 2
	// behaviour: bits 0-2 the order (mod 5), 3-4 duplicates, 5-7 the page size, 8-10 the API
	// filters ignored (name, status, volume_id), 11 next links on full pages, 12 ties in ascending id
	// order, 13-15 the seed of the shuffle, the move and the duplicates.
	f.Fuzz(func(t *testing.T, model, args []byte, behaviour uint16) {
		backups := newFzBackups(&fzInput{data: model})
		o := newFzOpts(&fzInput{data: args})
		srv := &fzServer{backups: backups, order: int(behaviour&7) % 5, dupEvery: []int{0, 0, 2, 3}[behaviour>>3&3],
			maxPage: 1 + int(behaviour>>5&7)%6, fullLink: behaviour&(1<<11) != 0, tiesUp: behaviour&(1<<12) != 0,
			seed: uint64(behaviour >> 13)}
		for bit, key := range []string{"name", "status", "volume_id"} {
			if behaviour>>(8+bit)&1 != 0 {
				srv.ignored = append(srv.ignored, key)
			}
		}
		pc := &gophercloud.ProviderClient{HTTPClient: http.Client{Transport: srv}}
		pc.SetToken(testToken)
		c := NewClient(&gophercloud.ServiceClient{ProviderClient: pc, Endpoint: walkEndpoint, Microversion: "3.64"}, API{Version: "v3", Microversion: "3.64"})

		var got outcome
		var err error
		ctx := context.Background()
		switch o.mode {
		case 0:
			var res *ListResult
			if res, err = c.ListBackups(ctx, o.ListOpts); err == nil {
				got = outcome{backupIDs(res.Backups), res.Unsorted, res.Unfiltered}
			}
		case 1:
			var res *IDsResult
			if res, err = c.SelectBackupIDs(ctx, o.ListOpts); err == nil {
				got = outcome{res.IDs, res.Unsorted, res.Unfiltered}
			}
		default:
			var res *FindResult
			if res, err = c.FindBackup(ctx, o.ListOpts, o.mode == 2); err == nil {
				got = outcome{unsorted: res.Unsorted, unfiltered: res.Unfiltered}
				for _, b := range []*Backup{res.Backup, res.SecondMatch} {
					if b != nil {
						got.ids = append(got.ids, b.ID)
					}
				}
			}
		}
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		byID := map[string]*fzBackup{}
		for i := range backups {
			byID[backups[i].id] = &backups[i]
		}
		for _, id := range got.ids {
			if !o.matches(byID[id]) {
				t.Fatalf("selected %s, which fails a filter: %+v", id, *byID[id])
			}
		}

		// What the walk read, and the order it relied on, as the first request asked for it.
		key, desc := srv.query.Get("sort_key"), srv.query.Get("sort_dir") != "asc"
		relied := key == "created_at" && (o.mode == 2 || desc && o.after >= 0 || !desc && o.before >= 0)
		all := distinct(backups, srv.listing)
		read := distinct(backups, srv.pages...)
		want := o.expect(read)
		if !slices.Equal(got.ids, want) {
			t.Fatalf("selected %v; the semantics over the %d backups read give %v (opts %+v)", got.ids, len(read), want, o)
		}
		judged := o.judged(read)
		disorder := "" // the first backup out of the order relied on, among those judged
		if relied {
			disorder = firstDisorder(judged, desc)
		}
		if sorted := firstDisorder(all, desc) == ""; !relied || sorted {
			if whole := o.expect(all); !slices.Equal(got.ids, whole) {
				t.Fatalf("selected %v; the semantics over all %d backups give %v (sorted %v, relied on %v)", got.ids, len(all), whole, sorted, relied)
			}
		}
		switch {
		case !relied && got.unsorted != "":
			t.Fatalf("unsorted %q, but nothing relied on the order", got.unsorted)
		case relied && (disorder != "") != (got.unsorted != ""),
			disorder != "" && !strings.HasPrefix(got.unsorted, "backup "+disorder+" "):
			t.Fatalf("unsorted %q; the first backup out of order read is %q", got.unsorted, disorder)
		}

		// An early end: before the last page, with limit not reached. Only the order may cause it, and
		// only where every backup read was in order and the last page proves it.
		last := len(srv.pages) - 1
		if limit := o.limit(); srv.next[last] && len(srv.pages[last]) > 0 && (limit == 0 || len(want) < limit) {
			page := distinct(backups, srv.pages[last])
			page = slices.DeleteFunc(page, func(b *fzBackup) bool { return slices.Contains(distinct(backups, srv.pages[:last]...), b) })
			if !relied || disorder != "" || len(page) < 2 || slices.ContainsFunc(page, func(b *fzBackup) bool { return b.half < 0 }) {
				t.Fatalf("the walk ended before the last page without a proof: %d new backups on the last page read, disorder %q, relied %v", len(page), disorder, relied)
			}
			end := page[len(page)-1].half
			past := desc && o.after >= 0 && end <= o.after || !desc && o.before >= 0 && end >= o.before ||
				o.mode == 2 && len(want) == 1 && byID[want[0]].half > end
			if !past {
				t.Fatalf("the walk ended at a page whose last backup (%d) is not past the window (%d, %d) or the best (%v)", end, o.after, o.before, want)
			}
		}

		// The API's filters, checked again: how many backups judged failed each, and the first.
		var misses []FilterMiss
		for _, af := range []struct {
			param, value string
			field        func(*fzBackup) *string
		}{
			{"name", o.Name, func(b *fzBackup) *string { return b.name }},
			{"status", o.Status, func(b *fzBackup) *string { return b.status }},
			{"volume_id", o.VolumeID, func(b *fzBackup) *string { return b.volume }},
		} {
			m := FilterMiss{Param: af.param, Value: af.value}
			for _, b := range judged {
				if v := af.field(b); af.value != "" && (v == nil || *v != af.value) {
					if m.Count++; m.Count == 1 {
						m.FirstID = b.id
					}
				}
			}
			if m.Count > 0 {
				misses = append(misses, m)
				if !slices.Contains(srv.ignored, af.param) {
					t.Fatalf("a backup failing %s, which the server applied: %+v", af.param, m)
				}
			}
		}
		if fmt.Sprint(got.unfiltered) != fmt.Sprint(misses) {
			t.Fatalf("unfiltered %+v, want %+v", got.unfiltered, misses)
		}
	})
}

// limit is the walk's own: FindBackup sets it (2, or none for the most recent).
func (o *fzOpts) limit() int {
	switch o.mode {
	case 2:
		return 0
	case 3:
		return 2
	}
	return int(o.Limit)
}

// judged are the backups the walk judged: those read, up to the one that filled limit.
func (o *fzOpts) judged(read []*fzBackup) []*fzBackup {
	limit, kept := o.limit(), 0
	for n, b := range read {
		if limit > 0 && kept == limit {
			return read[:n]
		}
		if o.matches(b) {
			kept++
		}
	}
	return read
}

// firstDisorder is the id of the first backup with a created_at out of the order (desc or not)
// of the dated backups before it, "" when they are in order.
func firstDisorder(backups []*fzBackup, desc bool) string {
	prev := -1
	for _, b := range backups {
		if b.half < 0 {
			continue
		}
		if prev >= 0 && (desc && b.half > prev || !desc && b.half < prev) {
			return b.id
		}
		prev = b.half
	}
	return ""
}
