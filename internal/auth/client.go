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

// Connection is the backup API as one provider configuration reaches it: the service of the
// provider's own region and project, which Connect builds, and those of other regions and
// projects, which Service builds on first use and shares (see scope.go).
type Connection struct {
	// ServiceClient is the client of the provider's own region and project.
	ServiceClient *gophercloud.ServiceClient
	// Warnings are what the provider should warn about, once per configuration.
	Warnings []Warning

	cfg       Config
	home      Scope             // the provider's own region and project, as resolved
	transport http.RoundTripper // below the signer and the request log; shared by every client
	keystone  *keystoneSession  // nil unless the method is Keystone
	// plainOrigins are the origins Connect warned of receiving credentials over plain HTTP.
	plainOrigins []string

	services      onceMap[Scope, *Service]
	tokens        onceMap[string, *gophercloud.ProviderClient] // Keystone tokens of other projects, by project
	microversions onceMap[string, string]                      // by the versioned root of an endpoint
}

// keystoneSession is the provider's own Keystone token and what it was made from.
type keystoneSession struct {
	settings keystoneSettings
	pc       *gophercloud.ProviderClient // scoped to the home project
}

// Connect validates cfg and returns a connection whose ServiceClient is the provider's own, with
// Endpoint and ResourceBase the versioned, project-scoped base URL ending in "/". Keystone, the
// catalog and the version document together must answer within cfg.ConfigureTimeout.
func Connect(ctx context.Context, cfg Config) (*Connection, error) {
	tlsSet, tlsErrs := loadTLS(&cfg)
	if err := joinConfigErrors(append(cfg.problems(), tlsErrs...)); err != nil {
		return nil, err
	}
	ctx, cancel := withConfigureDeadline(ctx, cfg.configureTimeout())
	defer cancel()
	c := &Connection{cfg: cfg, home: Scope{Region: cfg.Region, ProjectID: cfg.ProjectID}}
	w := &warnings{}
	if cfg.method() == methodKeystone {
		if err := c.startKeystone(ctx, tlsSet, w); err != nil {
			return nil, err
		}
	} else {
		c.transport = c.cfg.baseTransport(w.tls(&c.cfg, tlsSet.apply(nil), nil))
	}
	svc, err := c.build(ctx, c.home)
	if err != nil {
		return nil, err
	}
	w.plainHTTP(svc.Client.Endpoint)
	c.services.store(c.home, svc)
	c.ServiceClient, c.Warnings, c.plainOrigins = svc.Client, w.list(), w.plainURLs
	return c, nil
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

// build makes the service of scope key: its client, API version and microversion.
func (c *Connection) build(ctx context.Context, key Scope) (*Service, error) {
	var (
		sc      *gophercloud.ServiceClient
		version string
		err     error
	)
	switch c.cfg.method() {
	case methodAKSK:
		sc, version, err = c.newAKSKClient(key)
	case methodTokenEndpoint:
		sc, version, err = c.newTokenClient(key)
	default:
		sc, version, err = c.newKeystoneClient(ctx, key)
	}
	if err != nil {
		return nil, err
	}
	svc := &Service{Client: sc, APIVersion: version, Scope: key}
	if version == "v3" {
		svc.Microversion = c.microversion(ctx, sc)
		sc.Microversion = svc.Microversion
	}
	return svc, nil
}

// newAKSKClient signs every request for the project of key and makes no Keystone call: the keys
// belong to the account, and sign for any of its projects.
func (c *Connection) newAKSKClient(key Scope) (*gophercloud.ServiceClient, string, error) {
	template := c.cfg.Endpoint
	if template == "" {
		template = DefaultHuaweiEndpoint
	}
	endpoint, err := c.scopedEndpoint(template, key)
	if err != nil {
		return nil, "", err
	}
	signer := &aksk.Signer{
		AccessKey:     c.cfg.AccessKey,
		SecretKey:     c.cfg.SecretKey,
		SecurityToken: c.cfg.SecurityToken,
		ProjectID:     key.ProjectID,
		Now:           c.cfg.Now,
	}
	pc := &gophercloud.ProviderClient{}
	c.cfg.configure(pc, c.transport, signer)
	return newBackupClient(pc, endpoint), c.cfg.apiVersion(endpoint), nil
}

// newTokenClient sends the given token as it is: no Keystone call and no re-authentication,
// which is also how a Cinder with auth_strategy = noauth is reached.
func (c *Connection) newTokenClient(key Scope) (*gophercloud.ServiceClient, string, error) {
	endpoint, err := c.scopedEndpoint(c.cfg.Endpoint, key)
	if err != nil {
		return nil, "", err
	}
	pc := &gophercloud.ProviderClient{}
	c.cfg.configure(pc, c.transport, nil)
	pc.SetToken(c.cfg.Token)
	return newBackupClient(pc, endpoint), c.cfg.apiVersion(endpoint), nil
}

// startKeystone authenticates with Keystone for the provider's own project, which then becomes
// the home scope's.
func (c *Connection) startKeystone(ctx context.Context, tlsSet tlsSettings, w *warnings) error {
	ks, err := c.cfg.keystoneSettings()
	if err != nil {
		return err
	}
	c.transport = c.cfg.baseTransport(w.tls(&c.cfg, tlsSet.apply(ks.tls), ks.tls))
	w.plainHTTP(ks.auth.IdentityEndpoint)
	pc, err := c.authenticate(ctx, ks.auth.IdentityEndpoint, ks.auth)
	if err != nil {
		return err
	}
	c.keystone = &keystoneSession{settings: ks, pc: pc}
	c.home.Region = ks.region
	if project := tokenProject(pc); project != "" {
		c.home.ProjectID = project
	}
	return nil
}

// authenticate returns a provider client holding a new Keystone token for ao.
func (c *Connection) authenticate(ctx context.Context, authURL string, ao gophercloud.AuthOptions) (*gophercloud.ProviderClient, error) {
	// openstack.NewClient + Authenticate is openstack.AuthenticatedClient with our HTTP client,
	// retries and User-Agent in place before the first Keystone request.
	pc, err := openstack.NewClient(authURL)
	if err != nil {
		return nil, &ConfigError{Attributes: []string{"auth_url"}, Summary: "Invalid auth_url", Detail: err.Error()}
	}
	c.cfg.configure(pc, c.transport, nil)
	if err := authenticate(forKeystone(ctx), pc, ao); err != nil {
		return nil, keystoneFailure(ctx, err, ao.IdentityEndpoint, c.cfg.heldSecrets())
	}
	wrapReauth(pc, ao.IdentityEndpoint, c.cfg.heldSecrets())
	return pc, nil
}

// newKeystoneClient takes the endpoint of key from endpoint or the catalog, with the provider's
// own token for its own project and a token scoped to any other.
func (c *Connection) newKeystoneClient(ctx context.Context, key Scope) (*gophercloud.ServiceClient, string, error) {
	pc := c.keystone.pc
	if key.ProjectID != c.home.ProjectID {
		var err error
		// One token per project, whichever regions read it: a token is valid in every region.
		pc, err = c.tokens.get(ctx, key.ProjectID, func() (*gophercloud.ProviderClient, error) { return c.rescope(ctx, key.ProjectID) })
		if err != nil {
			return nil, "", err
		}
	}
	if c.cfg.Endpoint != "" {
		endpoint, err := c.scopedEndpoint(c.cfg.Endpoint, key)
		if err != nil {
			return nil, "", err
		}
		return newBackupClient(pc, endpoint), c.cfg.apiVersion(endpoint), nil
	}
	q := catalogQuery{
		region: key.Region, availability: c.keystone.settings.availability, apiVersion: c.cfg.APIVersion, projectID: key.ProjectID,
	}
	endpoint, version, err := findCatalogEndpoint(pc, q)
	if err != nil {
		return nil, "", c.catalogError(pc, q, key, err)
	}
	return newBackupClient(pc, endpoint), version, nil
}

// baseTransport is the HTTP stack below the signer and the request log, one for every client of
// the connection, so that they share its connections.
func (c *Config) baseTransport(tlsConfig *tls.Config) http.RoundTripper {
	return bodyPolicy{next: newTransport(tlsConfig), held: c.heldSecrets()}
}

// configure gives pc the HTTP stack shared by every method over rt. The signer sits below
// WrapTransport so that request logging never sees X-Security-Token or the signature.
func (c *Config) configure(pc *gophercloud.ProviderClient, rt http.RoundTripper, signer *aksk.Signer) {
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
