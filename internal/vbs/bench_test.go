package vbs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

func benchPage(b *testing.B) []byte {
	return pageJSON(b, "http://127.0.0.2:1/v2/p/backups?marker=x", seqIDs(0, 1000)...)
}

func BenchmarkDecodePage(b *testing.B) {
	body := benchPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_, _, err := decodePage(body, func(_ int, item *backupJSON) (bool, error) {
			_ = item.backup()
			return true, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePageIDs(b *testing.B) {
	body := benchPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodePage(body, func(int, *idMember) (bool, error) { return false, nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePageMaps is the floor the decoders are measured against: encoding/json into maps.
func BenchmarkDecodePageMaps(b *testing.B) {
	body := benchPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			b.Fatal(err)
		}
	}
}

// pagesServer serves pages of 1000 backups with distinct ids, linked by marker, 100,000 in all. A
// stub, not the simulator: its bodies are encoded once, so that the benchmark measures the client.
func pagesServer(b *testing.B) *httptest.Server {
	const perPage, pages = 1000, 100
	bodies := make([][]byte, pages)
	for p := range bodies {
		next := ""
		if p < pages-1 {
			next = "http://127.0.0.2:1/v2/p/backups?marker=" + strconv.Itoa(p)
		}
		bodies[p] = pageJSON(b, next, seqIDs(p*perPage, perPage)...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := 0
		if m := r.URL.Query().Get("marker"); m != "" {
			p, _ = strconv.Atoi(m)
			p++
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bodies[p])
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkListBackups100k reads 100,000 backups, 100 pages of 1000, through the whole client.
func BenchmarkListBackups100k(b *testing.B) {
	srv := pagesServer(b)
	c := NewClient(testServiceClient(b, srv.URL+"/v2/p/"), API{Version: "v2"})
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.ListBackups(context.Background(), ListOpts{})
		if err != nil || len(res.Backups) != 100000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkListBackupIDs100k reads the ids of 100,000 backups.
func BenchmarkListBackupIDs100k(b *testing.B) {
	srv := pagesServer(b)
	c := NewClient(testServiceClient(b, srv.URL+"/v2/p/"), API{Version: "v2"})
	b.ReportAllocs()
	for b.Loop() {
		ids, err := c.ListBackupIDs(context.Background(), ListOpts{})
		if err != nil || len(ids) != 100000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindBackupBySnapshot100k finds the one backup of a snapshot among 100,000, every page
// read: each backup is decoded for the filter's fields only, the match in full.
func BenchmarkFindBackupBySnapshot100k(b *testing.B) {
	srv := pagesServer(b)
	c := NewClient(testServiceClient(b, srv.URL+"/v2/p/"), API{Version: "v2"})
	b.ReportAllocs()
	for b.Loop() {
		// Every backup of pageJSON has the same snapshot: ask for one that none has, so that every page is read.
		res, err := c.FindBackup(context.Background(), ListOpts{Filter: Filter{SnapshotID: "none"}}, false)
		if err != nil || res.Backup != nil || res.Pages != 100 {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkFetchMaps100k is the floor for the two above: the same 100 fetches through gophercloud,
// each page decoded into maps and kept, as a listing must keep what it returns.
func BenchmarkFetchMaps100k(b *testing.B) {
	srv := pagesServer(b)
	sc := testServiceClient(b, srv.URL+"/v2/p/")
	b.ReportAllocs()
	for b.Loop() {
		kept := make([]map[string]any, 0, 100)
		for p := range 100 {
			u := sc.ServiceURL("backups", "detail")
			if p > 0 {
				u += fmt.Sprintf("?marker=%d", p-1)
			}
			resp, err := sc.Request(context.Background(), "GET", u, &gophercloud.RequestOpts{KeepResponseBody: true, OkCodes: []int{200}})
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
			kept = append(kept, m)
		}
		keptPages = kept
	}
}

// keptPages holds the floor's result, as a listing holds what it returns.
var keptPages []map[string]any

// tinyPage is a page of maxPageBackups backups of nothing but an id, e.g. {"id":"a"}: the most
// backups a page may hold in the fewest bytes. id gives the id of backup i.
func tinyPage(id func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"backups": [`)
	for i := range maxPageBackups {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%q}`, id(i))
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// liveHeap is the heap in use after a full collection: what is reachable, not garbage.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkDecodeHostilePage reports the live heap that decoding a hostile page holds, per byte of
// the page (live-B/body-B; the target is at most 16): 10,000 copies of one tiny backup, which
// decoded whole into a slice cost about 60 times their bytes before being deduplicated.
func BenchmarkDecodeHostilePage(b *testing.B) {
	benchPageHeap(b, func(int) string { return "a" }, 1)
}

// BenchmarkDecodeTinyDistinctPage is the same for 10,000 distinct tiny backups, all of which a read
// keeps: bounded by the 10,000 backups a page may hold, not by its bytes (live-B/backup).
func BenchmarkDecodeTinyDistinctPage(b *testing.B) {
	benchPageHeap(b, strconv.Itoa, maxPageBackups)
}

// benchPageHeap decodes a tinyPage as the walk does, each backup kept when new as a read keeps it,
// and samples the live heap during the decoding, the body itself not counted.
func benchPageHeap(b *testing.B, id func(int) string, distinct int) {
	body := tinyPage(id)
	peak := uint64(0)
	for b.Loop() {
		base := liveHeap()
		var kept []Backup
		seen := map[string]struct{}{}
		_, _, err := decodePage(body, func(i int, item *backupJSON) (bool, error) {
			if i%(maxPageBackups/10) == maxPageBackups/10-1 {
				if h := liveHeap(); h > base {
					peak = max(peak, h-base)
				}
			}
			id, _ := item.backupID()
			if _, dup := seen[id]; dup {
				return false, nil
			}
			seen[id] = struct{}{}
			kept = append(kept, item.backup())
			return true, nil
		})
		if err != nil || len(kept) != distinct {
			b.Fatal(err, len(kept))
		}
	}
	b.ReportMetric(float64(peak)/float64(len(body)), "live-B/body-B")
	b.ReportMetric(float64(peak)/float64(distinct), "live-B/backup")
	b.ReportMetric(float64(len(body)), "body-B")
}
