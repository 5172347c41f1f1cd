// Package auth turns the provider's settings into an authenticated gophercloud service client
// for the backup API: Keystone (password, token, application credential, clouds.yaml) with the
// service catalog, a token with a fixed endpoint, or Huawei Cloud AK/SK request signing.
//
// It has no Terraform imports; the provider package only maps HCL onto Config.
package auth

import (
	"context"
	"net/http"
	"time"
)

// Logger receives debug messages (requests, retries); it must never be handed a secret.
type Logger func(ctx context.Context, msg string, fields map[string]any)

// Config holds every provider setting; empty strings and nil pointers mean "not set".
type Config struct {
	Cloud    string
	AuthURL  string
	Region   string
	UserName string
	UserID   string
	Password string

	UserDomainName    string
	UserDomainID      string
	ProjectDomainName string
	ProjectDomainID   string
	DomainName        string
	DomainID          string

	ProjectID   string
	ProjectName string
	Token       string

	ApplicationCredentialID     string
	ApplicationCredentialName   string
	ApplicationCredentialSecret string

	AccessKey     string
	SecretKey     string
	SecurityToken string

	Endpoint     string
	EndpointType string // public, internal, admin
	APIVersion   string // v2, v3

	Insecure   *bool
	CACertFile string
	Cert       string
	Key        string

	MaxRetries *int64 // nil means the default, 5

	// CloudsFile is the clouds.yaml to read (OS_CLIENT_CONFIG_FILE); empty means gophercloud's search path.
	CloudsFile string
	// DefaultDomain is the domain ID (OS_DEFAULT_DOMAIN) of a user or project named without any domain.
	DefaultDomain string
	// Backoff tunes the waits between retries; nil means DefaultBackoff.
	Backoff *Backoff

	// UserAgent is added to every request's User-Agent.
	UserAgent string
	// Log receives debug messages; nil discards them.
	Log Logger
	// WrapTransport, when set, wraps the HTTP transport (the provider adds request logging here).
	WrapTransport func(http.RoundTripper) http.RoundTripper
	// ConfigureTimeout bounds Connect (Keystone, catalog, version document); 0 means DefaultConfigureTimeout.
	ConfigureTimeout time.Duration
	// Now is the clock for AK/SK signatures and Retry-After dates; nil means time.Now.
	Now func() time.Time

	// sources names the environment variable each field was filled from, for error messages.
	sources map[string]string
	// envErrors are environment values that could not be parsed, reported by Connect.
	envErrors []*ConfigError
}

// ConfigError is a configuration mistake that names the provider arguments involved.
type ConfigError struct {
	Attributes []string // provider argument names, e.g. "access_key", "password"
	Summary    string
	Detail     string
}

// Error reads "Summary: Detail"; neither ever holds a secret value.
func (e *ConfigError) Error() string { return e.Summary + ": " + e.Detail }
