package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/vbs"
)

// debugLog hands the client packages' debug messages to Terraform's log (TF_LOG=DEBUG).
func debugLog(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// loggingTransport logs each HTTP exchange at debug level. It logs the method, the URL without
// credentials, the status and the request id, and never a header or body: those carry tokens,
// signatures and, in service_metadata, volume keys.
type loggingTransport struct {
	next http.RoundTripper
}

func newLoggingTransport(next http.RoundTripper) http.RoundTripper {
	return loggingTransport{next: next}
}

func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	fields := map[string]any{"method": req.Method, "url": vbs.RedactURL(req.URL.String())}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = sanitize.URLError(err).Error()
		tflog.Debug(req.Context(), "HTTP request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	if id := vbs.RequestID(resp.Header); id != "" {
		fields["request_id"] = id
	}
	tflog.Debug(req.Context(), "HTTP request", fields)
	return resp, nil
}
