package auth

// Regions and projects other than the provider's own: one service per (region, project), built
// on first use, once, for every caller at once, and shared by every read of the configuration.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/terraform-provider-vbs/terraform-provider-vbs/internal/sanitize"
)

// Scope is the region and project of one read; an empty field means the provider's own.
type Scope struct {
	Region    string
	ProjectID string
}

// Service is the backup API of one scope as the connection decided it, once: the client, the API
// version its endpoint serves and the microversion negotiated with the server, which the client
// sends with every request.
type Service struct {
	Client *gophercloud.ServiceClient
	// APIVersion is "v2" or "v3": api_version, else the endpoint's path, else the catalog's
	// service type; "" where none of them says.
	APIVersion string
	// Microversion is the v3 microversion sent with every request (Client.Microversion); "" for none.
	Microversion string
	// Scope is the region and project served, the provider's own filled in.
	Scope Scope

	warnings []Warning   // about this scope alone, not yet reported at configuration
	warned   atomic.Bool // the warnings were handed out
}

// ScopePart is the part of a Scope that an error is about.
type ScopePart int

const (
	// ScopeRegion is Scope.Region.
	ScopeRegion ScopePart = iota + 1
	// ScopeProject is Scope.ProjectID.
	ScopeProject
)

// ScopeError is a region or project that the configuration cannot serve. Detail says what was
// looked for and where; it never holds a secret.
type ScopeError struct {
	Part    ScopePart
	Summary string
	Detail  string
	Err     error // the cause, where a server refused
}

// Error reads "Summary: Detail".
func (e *ScopeError) Error() string { return e.Summary + ": " + e.Detail }

// Unwrap returns the cause.
func (e *ScopeError) Unwrap() error { return e.Err }

// Service returns the backup API of scope s, building its client on first use: the provider's
// own region and project are Connect's; any other costs its requests (a Keystone token for
// another project, the version document of another endpoint) only when first asked for. Callers
// may ask concurrently: each scope is built once, its first build bounded by the configuration
// deadline rather than by the caller's context, which bounds only the caller's wait. Warnings
// about the scope's endpoint (plain HTTP to a host that is not loopback) are handed to the first
// caller only.
func (c *Connection) Service(ctx context.Context, s Scope) (*Service, []Warning, error) {
	key, err := c.resolve(s)
	if err != nil {
		return nil, nil, err
	}
	svc, err := c.services.get(ctx, key, func() (*Service, error) {
		bctx, cancel := withConfigureDeadline(context.WithoutCancel(ctx), c.cfg.configureTimeout())
		defer cancel()
		svc, err := c.build(bctx, key)
		if err != nil {
			return nil, err
		}
		svc.warnings = c.newPlainHTTP(svc.Client.Endpoint)
		return svc, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(svc.warnings) > 0 && svc.warned.CompareAndSwap(false, true) {
		return svc, svc.warnings, nil
	}
	return svc, nil, nil
}

// resolve fills in the provider's own region and project.
func (c *Connection) resolve(s Scope) (Scope, error) {
	key := c.home
	if s.Region != "" {
		key.Region = s.Region
	}
	if s.ProjectID != "" {
		key.ProjectID = s.ProjectID
	}
	for _, p := range []struct {
		part        ScopePart
		name, value string
	}{{ScopeRegion, "region", key.Region}, {ScopeProject, "project", key.ProjectID}} {
		// Each is one segment of a URL path, which these would leave.
		if p.value == "." || p.value == ".." {
			return Scope{}, &ScopeError{Part: p.part, Summary: "Invalid " + p.name,
				Detail: fmt.Sprintf("%q is no %s: it would leave its segment of the endpoint's path.", p.value, p.name)}
		}
	}
	return key, nil
}

// scopedEndpoint expands the endpoint template for key. A region or project other than the
// provider's needs its placeholder: without one the endpoint serves the provider's own, and a
// read would list the wrong backups without a word.
func (c *Connection) scopedEndpoint(template string, key Scope) (string, error) {
	for _, p := range []struct {
		part                    ScopePart
		name, placeholder, want string
		home                    string
	}{
		{ScopeRegion, "region", "{region}", key.Region, c.home.Region},
		{ScopeProject, "project", "{project_id}", key.ProjectID, c.home.ProjectID},
	} {
		if p.want == p.home || strings.Contains(template, p.placeholder) {
			continue
		}
		serves := "only the " + p.name + " it names"
		if p.home != "" {
			serves = fmt.Sprintf("the provider's %s %q only", p.name, p.home)
		}
		return "", &ScopeError{
			Part:    p.part,
			Summary: "The endpoint cannot serve another " + p.name,
			Detail: fmt.Sprintf("Looked for the backup API of %s %q, but the provider's endpoint %s has no %s to put it in, "+
				"so it serves %s. Write %s into the provider's endpoint, or read %s %q through a provider configuration of its own (alias).",
				p.name, p.want, templateText(template), p.placeholder, serves, p.placeholder, p.name, p.want),
		}
	}
	return c.cfg.expandEndpoint(template, key.Region, key.ProjectID)
}

// templateText is an endpoint template for a message: redacted, its placeholders as written.
func templateText(template string) string {
	return strings.NewReplacer("%7B", "{", "%7D", "}").Replace(sanitize.URL(template))
}

// rescope returns a provider client holding a token scoped to project, made from the provider's
// own password or token. An application credential is bound to its project by Keystone.
func (c *Connection) rescope(ctx context.Context, project string) (*gophercloud.ProviderClient, error) {
	ao := c.keystone.settings.auth
	if ao.ApplicationCredentialID != "" || ao.ApplicationCredentialName != "" {
		return nil, &ScopeError{
			Part:    ScopeProject,
			Summary: "An application credential cannot read another project",
			Detail: fmt.Sprintf("Looked for a token scoped to project %q, but the provider authenticates with %s, which Keystone "+
				"binds to the project it was created in (%s): it cannot be scoped to another. Read that project through a "+
				"provider configuration (alias) with an application credential of that project, or with a password or token.",
				project, c.describeAppCred(), c.home.ProjectID),
		}
	}
	// The versioned URL Keystone's version document named at configuration: no second discovery.
	ao.IdentityEndpoint = c.keystone.pc.IdentityEndpoint
	ao.Scope = &gophercloud.AuthScope{ProjectID: project}
	ao.TenantID, ao.TenantName = "", ""
	method := "password"
	if ao.Password == "" {
		method = "token"
	}
	pc, err := c.authenticate(ctx, ao.IdentityEndpoint, ao)
	if err != nil {
		return nil, &ScopeError{
			Part:    ScopeProject,
			Summary: "Keystone gave no token for the project",
			Detail:  fmt.Sprintf("Looked for a token scoped to project %q, made from the provider's %s: %v", project, method, err),
			Err:     err,
		}
	}
	if got := tokenProject(pc); got != project {
		return nil, &ScopeError{
			Part:    ScopeProject,
			Summary: "Keystone gave no token for the project",
			Detail:  fmt.Sprintf("Looked for a token scoped to project %q, but Keystone scoped it to %q.", project, got),
		}
	}
	return pc, nil
}

// describeAppCred names the application credential the provider authenticates with.
func (c *Connection) describeAppCred() string {
	switch {
	case c.cfg.ApplicationCredentialID != "":
		return "an application credential (" + c.cfg.describe("application_credential_id") + ")"
	case c.cfg.ApplicationCredentialName != "":
		return "an application credential (" + c.cfg.describe("application_credential_name") + ")"
	}
	return "the application credential of cloud " + c.cfg.Cloud + " in clouds.yaml"
}

// catalogError turns a catalog without the backup API for key into an error about the part of
// the scope that is not the provider's own; the provider's own scope keeps its configuration error.
func (c *Connection) catalogError(pc *gophercloud.ProviderClient, q catalogQuery, key Scope, err error) error {
	var ce *ConfigError
	if key == c.home || !errors.As(err, &ce) {
		return err
	}
	part := ScopeRegion
	if key.Region == c.home.Region {
		part = ScopeProject
	}
	return &ScopeError{Part: part, Summary: ce.Summary, Detail: catalogMiss(pc, q) + "."}
}

// microversion is the microversion negotiated for sc's endpoint, asked of the server once per
// versioned root: every project of a region shares its version document.
func (c *Connection) microversion(ctx context.Context, sc *gophercloud.ServiceClient) string {
	root, ok := versionedRoot(ctx, sc.Endpoint, c.cfg.Log)
	if !ok {
		return ""
	}
	mv, _ := c.microversions.get(ctx, root, func() (string, error) {
		return negotiateMicroversion(ctx, sc, root, c.cfg.Log), nil
	})
	return mv
}

// newPlainHTTP is the plain-HTTP warning of endpoint, unless Connect warned about its origin.
func (c *Connection) newPlainHTTP(endpoint string) []Warning {
	w := &warnings{}
	w.plainHTTP(endpoint)
	w.plainURLs = slices.DeleteFunc(w.plainURLs, func(o string) bool { return slices.Contains(c.plainOrigins, o) })
	return w.list()
}

// onceMap builds the value of each key once, however many callers ask at the same time. A build
// runs on its own goroutine, so that a caller whose context ends stops waiting without failing
// the build for the others; failures are kept like values, so that a scope that cannot be
// served costs its requests once, not once per read.
type onceMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*onceValue[V]
}

type onceValue[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// get returns the value of key, calling build for the first caller only.
func (m *onceMap[K, V]) get(ctx context.Context, key K, build func() (V, error)) (V, error) {
	m.mu.Lock()
	e, ok := m.m[key]
	if !ok {
		e = &onceValue[V]{done: make(chan struct{})}
		if m.m == nil {
			m.m = map[K]*onceValue[V]{}
		}
		m.m[key] = e
		go func() {
			defer close(e.done)
			e.v, e.err = build()
		}()
	}
	m.mu.Unlock()
	select {
	case <-e.done: // first: a value built already is had whatever ctx says
		return e.v, e.err
	default:
	}
	select {
	case <-e.done:
		return e.v, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// store sets the value of key, built already.
func (m *onceMap[K, V]) store(key K, v V) {
	e := &onceValue[V]{done: make(chan struct{}), v: v}
	close(e.done)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[K]*onceValue[V]{}
	}
	m.m[key] = e
}
