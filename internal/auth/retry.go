package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// DefaultMaxRetries is max_retries when unset.
const DefaultMaxRetries = 5

// Backoff tunes the waits between retries; tests swap Jitter and Sleep to run without waiting.
type Backoff struct {
	Base   time.Duration                                    // first wait; doubled on each retry
	Cap    time.Duration                                    // no computed wait is longer
	Jitter func(time.Duration) time.Duration                // turns a computed wait into the actual one
	Sleep  func(ctx context.Context, d time.Duration) error // waits d or until ctx ends
}

// DefaultBackoff waits 1 s, 2 s, 4 s … up to 30 s, each randomised to between half and all of it.
var DefaultBackoff = Backoff{Base: time.Second, Cap: 30 * time.Second, Jitter: equalJitter, Sleep: sleepContext}

// withDefaults fills the fields a caller left zero from DefaultBackoff.
func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Cap <= 0 {
		b.Cap = DefaultBackoff.Cap
	}
	if b.Jitter == nil {
		b.Jitter = DefaultBackoff.Jitter
	}
	if b.Sleep == nil {
		b.Sleep = DefaultBackoff.Sleep
	}
	return b
}

// equalJitter keeps half the wait so that clients that failed together spread out yet still back off.
func equalJitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(half+1)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retrier implements max_retries through gophercloud's own hooks rather than a RoundTripper:
// RetryBackoffFunc sees every 429 and RetryFunc every other failed status and every transport
// error, and gophercloud rebuilds (and so re-signs and re-authenticates) the request for each
// try. A RoundTripper would replay one frozen request, stale X-Sdk-Date and token included.
type retrier struct {
	max     uint
	backoff Backoff
	log     Logger
	now     func() time.Time
}

func newRetrier(cfg *Config) *retrier {
	r := &retrier{max: DefaultMaxRetries, backoff: DefaultBackoff, log: cfg.Log, now: time.Now}
	if cfg.MaxRetries != nil {
		r.max = uint(*cfg.MaxRetries)
	}
	if cfg.Backoff != nil {
		r.backoff = cfg.Backoff.withDefaults()
	}
	if cfg.Now != nil {
		r.now = cfg.Now
	}
	return r
}

// install wires the retrier into a ProviderClient.
func (r *retrier) install(pc *gophercloud.ProviderClient) {
	pc.RetryBackoffFunc = r.onRateLimit
	pc.RetryFunc = r.onFailure
	// One above our limit, so that our hook (not gophercloud's default of 60) decides when to stop.
	pc.MaxBackoffRetries = r.max + 1
}

// onRateLimit is gophercloud's RetryBackoffFunc, called for 429 and for 498, which is not ours
// to retry and so passes through onFailure's filter unchanged.
func (r *retrier) onRateLimit(ctx context.Context, respErr *gophercloud.ErrUnexpectedResponseCode, _ error, attempt uint) error {
	return r.onFailure(ctx, respErr.Method, respErr.URL, nil, *respErr, attempt)
}

// onFailure is gophercloud's RetryFunc, called for every other failure; it passes through
// anything that is not worth another try, unchanged, so callers still see gophercloud's error.
// A refused redirect comes back as itself, and any other error of net/http with its URL redacted.
func (r *retrier) onFailure(ctx context.Context, method, u string, opts *gophercloud.RequestOpts, err error, attempt uint) error {
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return redirect
	}
	err = sanitize.URLError(err)
	if !retryable(err) {
		return err
	}
	return r.retry(ctx, err, method, u, attempt, opts)
}

func (r *retrier) retry(ctx context.Context, err error, method, u string, attempt uint, opts *gophercloud.RequestOpts) error {
	reason := describeFailure(err)
	if attempt > r.max {
		return &StoppedRetrying{Reason: fmt.Sprintf("giving up after %d retries (last: %s)", r.max, reason), Err: err}
	}
	wait, asked := r.wait(err, attempt)
	if derr := checkDeadline(ctx, wait, asked, reason); derr != nil {
		return &StoppedRetrying{Reason: derr.Error(), Err: err}
	}
	r.logRetry(ctx, err, reason, method, u, attempt, wait)
	if err := r.backoff.Sleep(ctx, wait); err != nil {
		return fmt.Errorf("stopped waiting to retry after %s: %w", reason, err)
	}
	return rewindBody(opts)
}

// StoppedRetrying is a failure that was not retried (further) and why: Reason reads e.g. "giving
// up after 5 retries (last: HTTP 503)"; Err is the last failure, e.g. gophercloud's status error.
type StoppedRetrying struct {
	Reason string
	Err    error
}

func (e *StoppedRetrying) Error() string { return e.Reason + ": " + describeError(e.Err) }

// describeError is err's text, except that gophercloud's status error, which quotes the raw
// body and URL, reads "HTTP 503 for GET <redacted URL> (request id …): <sanitized message>".
func describeError(err error) string {
	code, ok := statusError(err)
	if !ok {
		return sanitize.URLError(err).Error()
	}
	s := fmt.Sprintf("HTTP %d for %s %s", code.Actual, code.Method, sanitize.URL(code.URL))
	if id := sanitize.RequestID(code.ResponseHeader); id != "" {
		s += " (request id " + id + ")"
	}
	if msg := sanitize.Text(code.Body); msg != "" {
		s += ": " + msg
	}
	return s
}
func (e *StoppedRetrying) Unwrap() error { return e.Err }

// RetryReason is Reason, for packages that find it with errors.As without importing this one.
func (e *StoppedRetrying) RetryReason() string { return e.Reason }

// wait honours Retry-After (seconds or HTTP date) and otherwise backs off exponentially.
func (r *retrier) wait(err error, attempt uint) (d time.Duration, askedByServer bool) {
	if d, ok := retryAfter(err, r.now()); ok {
		return d, true
	}
	d = r.backoff.Base << (attempt - 1)
	if d > r.backoff.Cap || d <= 0 {
		d = r.backoff.Cap
	}
	return r.backoff.Jitter(d), false
}

func retryAfter(err error, now time.Time) (time.Duration, bool) {
	var code gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &code) || code.ResponseHeader == nil {
		return 0, false
	}
	return parseRetryAfter(code.ResponseHeader.Get("Retry-After"), now)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, ok := parseSeconds(v); ok {
		return secs, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// maxRetryAfter is the longest wait a Retry-After can ask for: any more saturates here rather
// than overflowing time.Duration (9223372037 s would wrap to a negative wait, 18446744074 s to
// 290 ms); a deadline refuses it anyway.
const maxRetryAfter = time.Duration(math.MaxInt64)

// parseSeconds reads delta-seconds (digits only), saturating at maxRetryAfter.
func parseSeconds(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil || secs > int64(maxRetryAfter/time.Second) {
		return maxRetryAfter, true // only out of range: the text is all digits
	}
	return time.Duration(secs) * time.Second, true
}

// checkDeadline fails at once when the wait cannot end before ctx's deadline, instead of
// sleeping only to be cancelled and leave the user with a bare "context deadline exceeded".
func checkDeadline(ctx context.Context, wait time.Duration, askedByServer bool, reason string) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	left := time.Until(deadline)
	if wait <= left {
		return nil
	}
	if askedByServer {
		return fmt.Errorf("server asked to retry after %s, more than the %s left of %s (%s)",
			seconds(wait), seconds(left), deadlineName(ctx), reason)
	}
	return fmt.Errorf("the next retry after %s would wait %s, more than the %s left of %s",
		reason, seconds(wait), seconds(left), deadlineName(ctx))
}

// seconds writes whole seconds, with a tenth below 10 s so that short waits do not read "0s".
func seconds(d time.Duration) string {
	prec := 0
	if d < 10*time.Second {
		prec = 1
	}
	return strconv.FormatFloat(max(d, 0).Seconds(), 'f', prec, 64) + "s"
}

func (r *retrier) logRetry(ctx context.Context, err error, reason, method, u string, attempt uint, wait time.Duration) {
	fields := map[string]any{
		"reason":      reason,
		"attempt":     attempt,
		"max_retries": r.max,
		"wait":        wait.String(),
		"method":      method,
		"url":         sanitize.URL(u),
	}
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		fields["status"] = code.Actual
		if ra := code.ResponseHeader.Get("Retry-After"); ra != "" {
			fields["retry_after"] = ra
		}
	}
	logTo(ctx, r.log, fmt.Sprintf("retrying request after %s (retry %d of %d, waiting %s)", reason, attempt, r.max, wait), fields)
}

// retryable covers retryStatuses (throttling, and server or gateway failures that pass with
// time) and a connection that broke before any response.
func retryable(err error) bool {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return retryableStatus(code.Actual)
	}
	return connectionBroken(err)
}

// retryStatuses are the HTTP statuses a request is retried on; max_retries documents them.
var retryStatuses = []int{
	http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
	http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// RetryStatuses returns the HTTP statuses a request is retried on, for the provider to document.
func RetryStatuses() []int { return slices.Clone(retryStatuses) }

func retryableStatus(status int) bool { return slices.Contains(retryStatuses, status) }

// connectionBroken only accepts errors from sending the request (a *url.Error), so a response
// body that fails to decode is not retried; every request this package sends is a read or a
// token issue, both safe to repeat.
func connectionBroken(err error) bool {
	var uerr *url.Error
	if !errors.As(err, &uerr) {
		return false
	}
	return errors.Is(uerr.Err, io.EOF) || errors.Is(uerr.Err, io.ErrUnexpectedEOF) ||
		errors.Is(uerr.Err, syscall.ECONNRESET) || errors.Is(uerr.Err, syscall.ECONNABORTED) ||
		errors.Is(uerr.Err, syscall.EPIPE)
}

func describeFailure(err error) string {
	var code gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &code) {
		return fmt.Sprintf("HTTP %d", code.Actual)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return "connection error (" + uerr.Err.Error() + ")"
	}
	return err.Error()
}

// rewindBody lets gophercloud resend a raw body, which it does not rewind itself before a retry.
func rewindBody(opts *gophercloud.RequestOpts) error {
	if opts == nil || opts.RawBody == nil {
		return nil
	}
	if s, ok := opts.RawBody.(io.Seeker); ok {
		_, err := s.Seek(0, io.SeekStart)
		return err
	}
	return nil
}
