package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// identityVersions are the Keystone versions openstack.Authenticate knows, as it lists them.
var identityVersions = []*utils.Version{
	{ID: "v2.0", Priority: 20, Suffix: "/v2.0/"},
	{ID: "v3", Priority: 30, Suffix: "/v3/"},
}

// authenticate is openstack.Authenticate, except that credentials go to auth_url's origin only.
// Given an unversioned auth_url, gophercloud reads Keystone's version document and posts the
// credentials to whatever its self link names; here that link must be on auth_url's origin, and
// the versioned URL it names is then given to gophercloud, which so asks no second time.
func authenticate(ctx context.Context, pc *gophercloud.ProviderClient, ao gophercloud.AuthOptions) error {
	versioned := false
	for _, v := range identityVersions {
		versioned = versioned || strings.HasSuffix(pc.IdentityEndpoint, v.Suffix)
	}
	if !versioned {
		chosen, endpoint, err := utils.ChooseVersion(ctx, pc, identityVersions)
		if err != nil {
			return err
		}
		if sanitize.Origin(endpoint) != sanitize.Origin(pc.IdentityEndpoint) || !strings.HasSuffix(endpoint, chosen.Suffix) {
			return &ConfigError{
				Attributes: []string{"auth_url"},
				Summary:    "Keystone's version document points elsewhere",
				Detail: fmt.Sprintf("The version document at %s names %s for identity %s. The provider sends credentials only to "+
					"a versioned URL on auth_url's own scheme, host and port: set auth_url to the versioned Keystone URL, for example %sv3.",
					sanitize.URL(pc.IdentityEndpoint), sanitize.URL(endpoint), chosen.ID, sanitize.URL(pc.IdentityEndpoint)),
			}
		}
		pc.IdentityEndpoint = endpoint
	}
	return openstack.Authenticate(ctx, pc, ao)
}

// KeystoneError is a Keystone request that failed with an error status, in words.
type KeystoneError struct {
	URL       string // auth_url, redacted
	Method    string
	Path      string // of the request, e.g. /identity/v3/auth/tokens
	Status    int
	Message   string // the server's message, sanitized
	RequestID string
	Retries   string // why the request was not retried (further), if it was retryable
	Err       error  // gophercloud's error; its text quotes the raw body, so Error never uses it
}

// Error reads e.g. "Keystone at http://127.0.0.1:5000/v3 did not find the user, project, domain
// or token named in the request (HTTP 404 for POST /v3/auth/tokens, request id req-1): Could not
// find token: ***".
func (e *KeystoneError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Keystone at %s %s (HTTP %d for %s %s", e.URL, keystoneRefusal(e.Status), e.Status, e.Method, e.Path)
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request id %s", e.RequestID)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Retries != "" {
		b.WriteString("; " + e.Retries)
	}
	return b.String()
}

// Unwrap returns gophercloud's error, for errors.As.
func (e *KeystoneError) Unwrap() error { return e.Err }

// keystoneRefusal says what Keystone's status means for an authentication request.
func keystoneRefusal(status int) string {
	switch {
	case status == http.StatusBadRequest:
		return "rejected the authentication request as malformed"
	case status == http.StatusUnauthorized:
		return "refused the credentials"
	case status == http.StatusForbidden:
		return "refused the requested scope (the user may not use that project or domain)"
	case status == http.StatusNotFound:
		return "did not find the user, project, domain or token named in the request"
	case status >= http.StatusInternalServerError:
		return "failed with a server error"
	}
	return "refused the authentication request"
}

// keystoneFailure turns an error of Keystone authentication into one that holds no credential
// and no raw server text.
func keystoneFailure(ctx context.Context, err error, authURL string, held []string) error {
	var (
		ce       *ConfigError
		redirect *RedirectError
	)
	if errors.As(err, &ce) || errors.As(err, &redirect) {
		return err
	}
	if code, ok := statusError(err); ok {
		e := &KeystoneError{
			URL: sanitize.URL(authURL), Method: code.Method, Path: urlPath(code.URL), Status: code.Actual,
			Message: keystoneMessage(code.Body, held), RequestID: sanitize.RequestID(code.ResponseHeader), Err: err,
		}
		var stopped *StoppedRetrying
		if errors.As(err, &stopped) {
			e.Retries = stopped.Reason
		}
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		//nolint:staticcheck // "Keystone" is a name, and the diagnostic reads better starting with it
		return fmt.Errorf("Keystone at %s did not answer within %s: %w", sanitize.URL(authURL), deadlineName(ctx), sanitize.URLError(err))
	}
	return fmt.Errorf("authenticating with Keystone at %s: %w", sanitize.URL(authURL), sanitize.URLError(err))
}

// statusError finds gophercloud's status error, which it returns by value or by pointer.
func statusError(err error) (gophercloud.ErrUnexpectedResponseCode, bool) {
	var byValue gophercloud.ErrUnexpectedResponseCode
	var byPtr *gophercloud.ErrUnexpectedResponseCode
	switch {
	case errors.As(err, &byValue):
		return byValue, true
	case errors.As(err, &byPtr) && byPtr != nil:
		return *byPtr, true
	}
	return byValue, false
}

// keystoneMessage is the message of Keystone's {"error": {"code", "title", "message"}}, or the
// body's start, sanitized.
func keystoneMessage(body []byte, held []string) string {
	var doc struct {
		Error struct {
			Message string `json:"message"`
			Title   string `json:"title"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &doc) == nil && doc.Error.Message != "" {
		return sanitize.Text([]byte(doc.Error.Message), held...)
	}
	return sanitize.Text(body, held...)
}

// urlPath is the redacted path of a request URL, which is all a message needs of it.
func urlPath(u string) string {
	r := sanitize.URL(u)
	if i := strings.Index(r, "://"); i >= 0 {
		if j := strings.IndexByte(r[i+3:], '/'); j >= 0 {
			return r[i+3+j:]
		}
		return "/"
	}
	return r
}

// wrapReauth makes gophercloud's re-authentication, which runs in the middle of a listing, mark
// its requests as Keystone's and fail as keystoneFailure describes.
func wrapReauth(pc *gophercloud.ProviderClient, authURL string, held []string) {
	reauth := pc.ReauthFunc
	if reauth == nil {
		return
	}
	pc.ReauthFunc = func(ctx context.Context) error {
		if err := reauth(forKeystone(ctx)); err != nil {
			return keystoneFailure(ctx, err, authURL, held)
		}
		return nil
	}
}
