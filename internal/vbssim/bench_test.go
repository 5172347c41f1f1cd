package vbssim

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkListPage serves pages of 1000 from 100,000 backups, as the provider's benchmarks ask for them.
func BenchmarkListPage(b *testing.B) {
	backups := Generate(100000, 1, DefaultProjectID)
	s := New(Config{Backups: backups})
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	middle := s.data.Load().sorted(sortSpec{key: "created_at", desc: true}).order[50000]
	cases := []struct{ name, query string }{
		{"first", "limit=1000"},
		{"after marker", "limit=1000&marker=" + backups[middle].ID},
		{"filtered", "limit=1000&status=error"},
		{"sorted by name", "limit=1000&sort_key=name&sort_dir=asc"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, s.Endpoint("v3", "")+"/backups/detail?"+c.query, nil)
			req.Header.Set("X-Auth-Token", DefaultToken)
			req.Header.Set("OpenStack-API-Version", "volume 3.64")
			serve := func() *httptest.ResponseRecorder {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				return w
			}
			w := serve() // also sorts and encodes this page once, as a long-running simulator would have
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
			b.SetBytes(int64(w.Body.Len()))
			for b.Loop() {
				serve()
			}
		})
	}
}

// BenchmarkEncodeBackup encodes 1,000 generated backups at the newest variant, as a page is encoded
// before the simulator keeps it; a map, a sorted copy of keys or an encoder moved to the heap per
// backup shows in its allocations (none today).
func BenchmarkEncodeBackup(b *testing.B) {
	backups := Generate(1000, 9, DefaultProjectID)
	buf := make([]byte, 0, 1<<20)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i := range backups {
			buf = encodeBackup(buf, &backups[i], variantCount-1)
		}
	}
	b.SetBytes(int64(len(buf)))
}
