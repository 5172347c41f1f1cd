package auth

import (
	"crypto/tls"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// keystoneSettings is everything Keystone authentication and the catalog search need.
type keystoneSettings struct {
	auth         gophercloud.AuthOptions
	region       string
	availability gophercloud.Availability
	tls          *tls.Config // clouds.yaml's verify/cacert/cert/key; nil without a cloud
}

// domainRef names a domain by ID or by name.
type domainRef struct{ id, name string }

func (d domainRef) empty() bool { return d.id == "" && d.name == "" }

// firstDomain picks the first reference that names a domain; an ID beats a name given with it.
func firstDomain(refs ...domainRef) domainRef {
	for _, r := range refs {
		if !r.empty() {
			return r
		}
	}
	return domainRef{}
}

// userDomain is user_domain_*, falling back on the generic domain_*.
func (c *Config) userDomain() domainRef {
	return firstDomain(domainRef{id: c.UserDomainID}, domainRef{name: c.UserDomainName},
		domainRef{id: c.DomainID}, domainRef{name: c.DomainName})
}

// projectDomain is project_domain_*, falling back on the generic domain_*.
func (c *Config) projectDomain() domainRef {
	return firstDomain(domainRef{id: c.ProjectDomainID}, domainRef{name: c.ProjectDomainName},
		domainRef{id: c.DomainID}, domainRef{name: c.DomainName})
}

func (c *Config) availability() gophercloud.Availability {
	return gophercloud.Availability(endpointTypes[c.EndpointType])
}

func (c *Config) keystoneSettings() (keystoneSettings, error) {
	if c.Cloud != "" {
		return c.cloudSettings()
	}
	return keystoneSettings{auth: c.authOptions(), region: c.Region, availability: c.availability()}, nil
}

// authOptions maps the provider arguments onto gophercloud's password, token or application
// credential authentication.
func (c *Config) authOptions() gophercloud.AuthOptions {
	ao := gophercloud.AuthOptions{
		IdentityEndpoint:            c.AuthURL,
		Username:                    c.UserName,
		UserID:                      c.UserID,
		Password:                    c.Password,
		TokenID:                     c.Token,
		ApplicationCredentialID:     c.ApplicationCredentialID,
		ApplicationCredentialName:   c.ApplicationCredentialName,
		ApplicationCredentialSecret: c.ApplicationCredentialSecret,
		Scope:                       c.scope(),
	}
	setUserDomain(&ao, firstDomain(c.userDomain(), domainRef{id: c.DefaultDomain}))
	tidyAuthOptions(&ao)
	return ao
}

// scope asks for the configured project; with none, Keystone scopes a password token to the
// user's default project and a given token is used as it is.
func (c *Config) scope() *gophercloud.AuthScope {
	switch {
	case c.ProjectID != "":
		return &gophercloud.AuthScope{ProjectID: c.ProjectID}
	case c.ProjectName != "":
		d := firstDomain(c.projectDomain(), domainRef{id: c.DefaultDomain})
		return &gophercloud.AuthScope{ProjectName: c.ProjectName, DomainID: d.id, DomainName: d.name}
	case c.DomainID != "" || c.DomainName != "":
		d := firstDomain(domainRef{id: c.DomainID}, domainRef{name: c.DomainName})
		return &gophercloud.AuthScope{DomainID: d.id, DomainName: d.name}
	}
	return nil
}

func setUserDomain(ao *gophercloud.AuthOptions, d domainRef) {
	ao.DomainID, ao.DomainName = d.id, d.name
}

// tidyAuthOptions drops what gophercloud refuses next to the chosen method instead of
// failing: a user ID needs no domain, and token authentication carries no user (openrc files
// export OS_USERNAME alongside OS_TOKEN). A token cannot re-authenticate once it expires.
func tidyAuthOptions(ao *gophercloud.AuthOptions) {
	if ao.UserID != "" {
		ao.Username = ""
		setUserDomain(ao, domainRef{})
	}
	if ao.TokenID != "" && ao.Password == "" {
		ao.Username, ao.UserID = "", ""
		setUserDomain(ao, domainRef{})
	}
	ao.AllowReauth = ao.TokenID == ""
}

// cloudSettings reads the clouds.yaml entry through gophercloud, with every provider argument
// that is set taking the place of the entry's value.
func (c *Config) cloudSettings() (keystoneSettings, error) {
	ao, eo, tlsConfig, err := clouds.Parse(c.cloudParseOptions()...)
	if err != nil {
		return keystoneSettings{}, &ConfigError{
			Attributes: []string{"cloud"},
			Summary:    "Cannot use clouds.yaml",
			Detail:     "Cloud " + c.Cloud + ": " + err.Error(),
		}
	}
	if ao.IdentityEndpoint == "" {
		return keystoneSettings{}, &ConfigError{
			Attributes: []string{"cloud", "auth_url"},
			Summary:    "Missing auth_url",
			Detail:     "Cloud " + c.Cloud + " in clouds.yaml has no auth_url and none is configured.",
		}
	}
	c.overrideCloudProject(&ao)
	c.overrideCloudDomains(&ao)
	c.overrideCloudMethod(&ao)
	tidyAuthOptions(&ao)
	return keystoneSettings{auth: ao, region: eo.Region, availability: eo.Availability, tls: tlsConfig}, nil
}

func (c *Config) cloudParseOptions() []clouds.ParseOption {
	opts := []clouds.ParseOption{clouds.WithCloudName(c.Cloud)}
	if c.CloudsFile != "" {
		opts = append(opts, clouds.WithLocations(c.CloudsFile))
	}
	if c.EndpointType != "" {
		opts = append(opts, clouds.WithEndpointType(endpointTypes[c.EndpointType]))
	}
	for _, o := range []struct {
		value  string
		option func(string) clouds.ParseOption
	}{
		{c.AuthURL, clouds.WithIdentityEndpoint},
		{c.Region, clouds.WithRegion},
		{c.UserName, clouds.WithUsername},
		{c.UserID, clouds.WithUserID},
		{c.Password, clouds.WithPassword},
		{c.Token, clouds.WithToken},
		{c.ProjectID, clouds.WithProjectID},
		{c.ProjectName, clouds.WithProjectName},
		{c.ApplicationCredentialID, clouds.WithApplicationCredentialID},
		{c.ApplicationCredentialName, clouds.WithApplicationCredentialName},
		{c.ApplicationCredentialSecret, clouds.WithApplicationCredentialSecret},
	} {
		if o.value != "" {
			opts = append(opts, o.option(o.value))
		}
	}
	return opts
}

// overrideCloudProject lets a project_name argument replace the entry's project_id, which
// clouds.Parse would otherwise prefer to any project name; overrideCloudDomains then gives it
// the project domain of the arguments.
func (c *Config) overrideCloudProject(ao *gophercloud.AuthOptions) {
	if c.ProjectName == "" || c.ProjectID != "" || ao.Scope == nil || ao.Scope.ProjectID == "" {
		return
	}
	ao.Scope = &gophercloud.AuthScope{ProjectName: c.ProjectName}
	ao.TenantID, ao.TenantName = "", c.ProjectName
}

// overrideCloudDomains applies the domain arguments, which clouds.Parse has no option for
// without also scoping the token to the domain.
func (c *Config) overrideCloudDomains(ao *gophercloud.AuthOptions) {
	fallback := domainRef{id: c.DefaultDomain}
	setUserDomain(ao, firstDomain(c.userDomain(), domainRef{id: ao.DomainID}, domainRef{name: ao.DomainName}, fallback))
	if ao.Scope != nil && ao.Scope.ProjectName != "" {
		d := firstDomain(c.projectDomain(), domainRef{id: ao.Scope.DomainID}, domainRef{name: ao.Scope.DomainName}, fallback)
		ao.Scope.DomainID, ao.Scope.DomainName = d.id, d.name
	}
}

// overrideCloudMethod lets a credential given as a provider argument replace the entry's own
// method instead of being sent alongside it (Keystone would pick one by its own rules).
func (c *Config) overrideCloudMethod(ao *gophercloud.AuthOptions) {
	appCred := c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" || c.ApplicationCredentialSecret != ""
	if c.Password != "" || appCred {
		ao.TokenID = ""
	}
	if c.Token != "" || appCred {
		ao.Password = ""
	}
	if c.Password != "" || c.Token != "" {
		ao.ApplicationCredentialID, ao.ApplicationCredentialName, ao.ApplicationCredentialSecret = "", "", ""
	}
}
