package auth

import (
	"crypto/tls"

	"github.com/gophercloud/gophercloud/v2"
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
