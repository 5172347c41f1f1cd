package auth

import (
	"context"
	"crypto/tls"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/aksk"
)

// serviceType makes gophercloud send microversions as OpenStack-API-Version: volume X.Y.
const serviceType = "block-storage"

// Connection is a ready client for the backup API and what the provider should warn about.
type Connection struct {
	ServiceClient *gophercloud.ServiceClient
	Warnings      []Warning
}

// NewServiceClient is Connect's service client, for callers that do not report warnings.
func NewServiceClient(ctx context.Context, cfg Config) (*gophercloud.ServiceClient, error) {
	c, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.ServiceClient, nil
}

// Connect validates cfg and returns a client for the backup API whose Endpoint and ResourceBase
// are the versioned, project-scoped base URL ending in "/". Keystone, the catalog and the version
// document together must answer within cfg.ConfigureTimeout.
func Connect(ctx context.Context, cfg Config) (*Connection, error) {
	tlsSet, tlsErrs := loadTLS(&cfg)
	if err := joinConfigErrors(append(cfg.problems(), tlsErrs...)); err != nil {
		return nil, err
	}
	ctx, cancel := withConfigureDeadline(ctx, cfg.configureTimeout())
	defer cancel()
	var (
		sc      *gophercloud.ServiceClient
		version string
		err     error
		w       = &warnings{}
	)
	switch cfg.method() {
	case methodAKSK:
		sc, version, err = newAKSKClient(&cfg, tlsSet, w)
	case methodTokenEndpoint:
		sc, version, err = newTokenClient(&cfg, tlsSet, w)
	default:
		sc, version, err = newKeystoneClient(ctx, &cfg, tlsSet, w)
	}
	if err != nil {
		return nil, err
	}
	w.plainHTTP(sc.Endpoint)
	if version == "v3" {
		negotiateMicroversion(ctx, sc, cfg.Log)
	}
	return &Connection{ServiceClient: sc, Warnings: w.list()}, nil
}

// configureTimeout is ConfigureTimeout, or DefaultConfigureTimeout when unset.
func (c *Config) configureTimeout() time.Duration {
	if c.ConfigureTimeout > 0 {
		return c.ConfigureTimeout
	}
	return DefaultConfigureTimeout
}

// heldSecrets are the credentials of the configuration, which no server text may show.
func (c *Config) heldSecrets() []string {
	var held []string
	for _, s := range []string{c.Password, c.Token, c.ApplicationCredentialSecret, c.SecretKey, c.SecurityToken} {
		if s != "" {
			held = append(held, s)
		}
	}
	return held
}

// newAKSKClient signs every request and makes no Keystone call.
func newAKSKClient(cfg *Config, tlsSet tlsSettings, w *warnings) (*gophercloud.ServiceClient, string, error) {
	template := cfg.Endpoint
	if template == "" {
		template = DefaultHuaweiEndpoint
	}
	endpoint, err := cfg.expandEndpoint(template, cfg.Region, cfg.ProjectID)
	if err != nil {
		return nil, "", err
	}
	signer := &aksk.Signer{
		AccessKey:     cfg.AccessKey,
		SecretKey:     cfg.SecretKey,
		SecurityToken: cfg.SecurityToken,
		ProjectID:     cfg.ProjectID,
		Now:           cfg.Now,
	}
	pc := &gophercloud.ProviderClient{}
	cfg.configure(pc, w.tls(cfg, tlsSet.apply(nil), nil), signer)
	return newBackupClient(pc, endpoint), cfg.apiVersion(endpoint), nil
}

// newTokenClient sends the given token as it is: no Keystone call and no re-authentication,
// which is also how a Cinder with auth_strategy = noauth is reached.
func newTokenClient(cfg *Config, tlsSet tlsSettings, w *warnings) (*gophercloud.ServiceClient, string, error) {
	endpoint, err := cfg.expandEndpoint(cfg.Endpoint, cfg.Region, cfg.ProjectID)
	if err != nil {
		return nil, "", err
	}
	pc := &gophercloud.ProviderClient{}
	cfg.configure(pc, w.tls(cfg, tlsSet.apply(nil), nil), nil)
	pc.SetToken(cfg.Token)
	return newBackupClient(pc, endpoint), cfg.apiVersion(endpoint), nil
}

// newKeystoneClient authenticates with Keystone and takes the endpoint from endpoint or the catalog.
func newKeystoneClient(ctx context.Context, cfg *Config, tlsSet tlsSettings, w *warnings) (*gophercloud.ServiceClient, string, error) {
	ks, err := cfg.keystoneSettings()
	if err != nil {
		return nil, "", err
	}
	// openstack.NewClient + Authenticate is openstack.AuthenticatedClient with our HTTP client,
	// retries and User-Agent in place before the first Keystone request.
	pc, err := openstack.NewClient(ks.auth.IdentityEndpoint)
	if err != nil {
		return nil, "", &ConfigError{Attributes: []string{"auth_url"}, Summary: "Invalid auth_url", Detail: err.Error()}
	}
	cfg.configure(pc, w.tls(cfg, tlsSet.apply(ks.tls), ks.tls), nil)
	w.plainHTTP(ks.auth.IdentityEndpoint)
	if err := authenticate(forKeystone(ctx), pc, ks.auth); err != nil {
		return nil, "", keystoneFailure(ctx, err, ks.auth.IdentityEndpoint, cfg.heldSecrets())
	}
	wrapReauth(pc, ks.auth.IdentityEndpoint, cfg.heldSecrets())
	project := tokenProject(pc)
	if project == "" {
		project = cfg.ProjectID
	}
	if cfg.Endpoint != "" {
		endpoint, err := cfg.expandEndpoint(cfg.Endpoint, ks.region, project)
		if err != nil {
			return nil, "", err
		}
		return newBackupClient(pc, endpoint), cfg.apiVersion(endpoint), nil
	}
	endpoint, version, err := findCatalogEndpoint(pc, catalogQuery{
		region: ks.region, availability: ks.availability, apiVersion: cfg.APIVersion, projectID: project,
	})
	if err != nil {
		return nil, "", err
	}
	return newBackupClient(pc, endpoint), version, nil
}

// configure gives pc the HTTP stack shared by every method. The signer sits below
// WrapTransport so that request logging never sees X-Security-Token or the signature.
func (c *Config) configure(pc *gophercloud.ProviderClient, tlsConfig *tls.Config, signer *aksk.Signer) {
	var rt http.RoundTripper = bodyPolicy{next: newTransport(tlsConfig), held: c.heldSecrets()}
	if signer != nil {
		rt = signer.Transport(rt)
	}
	if c.WrapTransport != nil {
		rt = c.WrapTransport(rt)
	}
	pc.HTTPClient = newHTTPClient(rt)
	pc.UseTokenLock()
	if c.UserAgent != "" {
		pc.UserAgent.Prepend(c.UserAgent)
	}
	newRetrier(c).install(pc)
}

func newBackupClient(pc *gophercloud.ProviderClient, endpoint string) *gophercloud.ServiceClient {
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: endpoint, ResourceBase: endpoint, Type: serviceType}
}

// apiVersion is api_version, defaulting to the version in the endpoint's path.
func (c *Config) apiVersion(endpoint string) string {
	if c.APIVersion != "" {
		return c.APIVersion
	}
	return pathVersion(endpoint)
}

func logTo(ctx context.Context, log Logger, msg string, fields map[string]any) {
	if log != nil {
		log(ctx, msg, fields)
	}
}
