package auth

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkHostileErrorBody reads a 150 MB error body and a 300 KB gzip body that inflates to
// 100 MB through the provider's HTTP client with max_retries = 0: the bytes allocated per request
// (B/op) stay near the 64 KiB error cap, not near the body's size.
func BenchmarkHostileErrorBody(b *testing.B) {
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	bomb := gzipped(b, bytes.Repeat([]byte("x"), 100<<20))
	for _, bc := range []struct {
		name  string
		serve http.HandlerFunc
	}{
		{"150MB", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			for range 150 {
				if _, err := w.Write(chunk); err != nil {
					return // the client stopped reading, as it should
				}
			}
		}},
		{"gzip-bomb-100MB", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write(bomb)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(bc.serve)
			defer srv.Close()
			sc, err := NewServiceClient(context.Background(), Config{Token: secretToken, Endpoint: srv.URL + "/v2/p", MaxRetries: int64p(0)})
			if err != nil {
				b.Fatal(err)
			}
			u := sc.ServiceURL("backups", "detail")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := sc.Get(context.Background(), u, nil, nil); err == nil {
					b.Fatal("no error")
				}
			}
		})
	}
}
