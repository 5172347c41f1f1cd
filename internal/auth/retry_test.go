package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// scripted serves the i-th handler for the i-th request and the last one after that.
type scripted struct {
	*httptest.Server
	calls atomic.Int32
}

func newScripted(t *testing.T, steps ...http.HandlerFunc) *scripted {
	t.Helper()
	s := &scripted{}
	s.Server = newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(s.calls.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	})
	return s
}

func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeJSON(w, code, map[string]any{"error": http.StatusText(code)})
	}
}

// hangUp closes the connection before any response: the client sees EOF.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// reset aborts the connection with a TCP RST: the client sees "connection reset by peer".
func reset(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func retryConfig(srv *scripted, fb *fakeBackoff, logs *logRecorder) Config {
	return Config{
		Token: secretToken, Endpoint: srv.URL + "/v2/" + testProjectID,
		Backoff: fb.backoff(), Log: logs.log, MaxRetries: int64p(DefaultMaxRetries),
	}
}

func TestRetry_statusesAndWaits(t *testing.T) {
	s := time.Second
	cases := []struct {
		name      string
		steps     []http.HandlerFunc
		backoff   func(*Backoff)
		wantWaits []time.Duration
		wantLog   []string
	}{
		{"429 with Retry-After seconds", []http.HandlerFunc{status(429, "7"), backupsOK}, nil, []time.Duration{7 * s}, []string{"HTTP 429", "retry_after:7", "attempt:1", "status:429"}},
		{"503 then success", []http.HandlerFunc{status(503, ""), status(503, ""), backupsOK}, nil, []time.Duration{s, 2 * s}, []string{"HTTP 503", "attempt:2"}},
		{"503 honours Retry-After", []http.HandlerFunc{status(503, "3"), backupsOK}, nil, []time.Duration{3 * s}, []string{"retry_after:3"}},
		{"500, 502, 504", []http.HandlerFunc{status(500, ""), status(502, ""), status(504, ""), backupsOK}, nil, []time.Duration{s, 2 * s, 4 * s}, []string{"HTTP 500", "HTTP 502", "HTTP 504"}},
		{"backoff capped", []http.HandlerFunc{status(503, ""), status(503, ""), status(503, ""), status(503, ""), backupsOK},
			func(b *Backoff) { b.Cap = 3 * s }, []time.Duration{s, 2 * s, 3 * s, 3 * s}, nil},
		{"EOF before a response", []http.HandlerFunc{hangUp, backupsOK}, nil, []time.Duration{s}, []string{"connection error"}},
		{"connection reset", []http.HandlerFunc{reset, backupsOK}, nil, []time.Duration{s}, []string{"connection error"}},
		{"404 is not retried", []http.HandlerFunc{status(404, ""), backupsOK}, nil, nil, nil},
		{"401 is not retried", []http.HandlerFunc{status(401, ""), backupsOK}, nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newScripted(t, c.steps...)
			fb, logs := &fakeBackoff{}, &logRecorder{}
			cfg := retryConfig(srv, fb, logs)
			if c.backoff != nil {
				c.backoff(cfg.Backoff)
			}
			err := listBackups(context.Background(), cfg)
			if c.wantWaits == nil {
				if err == nil {
					t.Fatal("want the error passed through")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := fb.recorded(); !slices.Equal(got, c.wantWaits) {
				t.Errorf("waits %v, want %v", got, c.wantWaits)
			}
			if got, want := srv.calls.Load(), int32(len(c.wantWaits)+1); got != want {
				t.Errorf("server saw %d requests, want %d", got, want)
			}
			for _, w := range c.wantLog {
				if !strings.Contains(logs.all(), w) {
					t.Errorf("logs lack %q:\n%s", w, logs.all())
				}
			}
			assertNoSecret(t, "logs", logs.all())
		})
	}
}

func TestRetry_retryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	srv := newScripted(t, status(429, now.Add(9*time.Second).Format(http.TimeFormat)), backupsOK)
	fb := &fakeBackoff{}
	cfg := retryConfig(srv, fb, &logRecorder{})
	cfg.Now = func() time.Time { return now }
	if err := listBackups(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if got := fb.recorded(); !slices.Equal(got, []time.Duration{9 * time.Second}) {
		t.Errorf("waits %v, want [9s]", got)
	}
}

func TestRetry_giveUpAfterMaxRetries(t *testing.T) {
	for _, code := range []int{503, 429} {
		srv := newScripted(t, status(code, ""))
		fb := &fakeBackoff{}
		cfg := retryConfig(srv, fb, &logRecorder{})
		cfg.MaxRetries = int64p(2)
		err := listBackups(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "giving up after 2 retries") || !gophercloud.ResponseCodeIs(err, code) {
			t.Fatalf("%d: err = %v", code, err)
		}
		if n := srv.calls.Load(); n != 3 {
			t.Errorf("%d: server saw %d requests, want 3", code, n)
		}
		assertNoSecret(t, "error", err.Error())
	}
}

func TestRetry_zeroRetries(t *testing.T) {
	srv := newScripted(t, status(503, ""), backupsOK)
	cfg := retryConfig(srv, &fakeBackoff{}, &logRecorder{})
	cfg.MaxRetries = int64p(0)
	if err := listBackups(context.Background(), cfg); err == nil || srv.calls.Load() != 1 {
		t.Fatalf("err = %v after %d requests, want a failure after 1", err, srv.calls.Load())
	}
}

func TestRetry_waitBeyondDeadlineFailsAtOnce(t *testing.T) {
	cases := []struct {
		name, retryAfter, want string
		timeout                time.Duration
	}{
		{"Retry-After", "120", "server asked to retry after 120s, more than the 30s left of the read timeout", 30*time.Second + 400*time.Millisecond},
		{"backoff", "", "would wait 1.0s, more than the ", 500 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newScripted(t, status(503, c.retryAfter), backupsOK)
			fb := &fakeBackoff{}
			cfg := retryConfig(srv, fb, &logRecorder{})
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			err := listBackups(ctx, cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) || !gophercloud.ResponseCodeIs(err, 503) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if len(fb.recorded()) != 0 || srv.calls.Load() != 1 {
				t.Errorf("waited %v after %d requests; want no wait after 1", fb.recorded(), srv.calls.Load())
			}
		})
	}
}

// TestRetry_cancelEndsWait cancels the context as the wait starts; the real sleep must return at
// once (a broken one would sleep an hour and time the test out).
func TestRetry_cancelEndsWait(t *testing.T) {
	srv := newScripted(t, status(503, ""), backupsOK)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := retryConfig(srv, &fakeBackoff{}, &logRecorder{})
	cfg.Backoff.Sleep = func(ctx context.Context, _ time.Duration) error {
		cancel()
		return sleepContext(ctx, time.Hour)
	}
	err := listBackups(ctx, cfg)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped waiting to retry after HTTP 503") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetry_parseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42 * time.Second, true},
		{now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRetry_defaultBackoff(t *testing.T) {
	for range 200 {
		if d := equalJitter(8 * time.Second); d < 4*time.Second || d > 8*time.Second {
			t.Fatalf("equalJitter(8s) = %v, want within [4s, 8s]", d)
		}
	}
	r := newRetrier(&Config{Backoff: &Backoff{Jitter: func(d time.Duration) time.Duration { return d }}})
	var got []time.Duration
	for attempt := uint(1); attempt <= 7; attempt++ {
		d, _ := r.wait(errors.New("x"), attempt)
		got = append(got, d)
	}
	s := time.Second
	want := []time.Duration{1 * s, 2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s}
	if !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext on a cancelled context = %v", err)
	}
}

// TestRetry_akskRetryIsResigned checks that a retried request carries a fresh date and signature,
// which is why retries go through gophercloud's hooks and not a replaying RoundTripper.
func TestRetry_akskRetryIsResigned(t *testing.T) {
	var mu sync.Mutex
	var dates []string
	srv := newScripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			dates = append(dates, r.Header.Get(aksk.HeaderDate))
			mu.Unlock()
			status(503, "")(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			dates = append(dates, r.Header.Get(aksk.HeaderDate))
			mu.Unlock()
			backupsOK(w, r)
		})
	clock := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	var tick sync.Mutex
	cfg := Config{
		AccessKey: "AK", SecretKey: secretKey, ProjectID: testProjectID, Endpoint: srv.URL + "/v2/{project_id}",
		Backoff: (&fakeBackoff{}).backoff(),
		Now: func() time.Time {
			tick.Lock()
			defer tick.Unlock()
			clock = clock.Add(time.Second)
			return clock
		},
	}
	if err := listBackups(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dates) != 2 || dates[0] == dates[1] {
		t.Errorf("X-Sdk-Date of the two tries: %v; want two different dates", dates)
	}
}
